"""IRC log importer: line shapes, dates, joins, unparseable lines, sniffing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.model import Kind, Message
from digest.sources import REGISTRY, irc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEV_LOG = FIXTURES / "irc" / "2005-06-27_12.ascii.txt"


def read(path: Path) -> tuple[list[Message], list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    chats = list(irc.read(path, lambda where, message: warnings.append((where, message))))
    assert len(chats) == 1
    return list(chats[0].messages), warnings


def write(tmp_path: Path, text: str, name: str = "chan.log") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_message_lines_ids_are_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[03:10] <yohannes> can anyone recommend an app for *.rar files?\n"
        "[03:10] <Hikaru79> yohannes, why not WinRAR?\n"
        "[03:11] <@op> voiced and opped nicks lose their prefix\n"
        "[03:12] <drcode>\n",
    )
    messages, warnings = read(path)
    assert warnings == []
    assert [m.id for m in messages] == ["0", "1", "2", "3"]
    assert [m.author_id for m in messages] == ["yohannes", "Hikaru79", "op", "drcode"]
    assert messages[1].text == "yohannes, why not WinRAR?"
    assert messages[3].text == ""
    assert all(m.kind is Kind.TEXT and m.platform == "irc" for m in messages)
    assert messages[0].timestamp == datetime(1970, 1, 1, 3, 10, tzinfo=UTC)


def test_date_from_file_name_seconds_and_rollover(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[23:59:58] <a> late\n[00:00:03] <b> after midnight\n[00:00:02] <a> a second of clock jitter\n",
        name="#ubuntu.2019-03-01.log",
    )
    messages, _ = read(path)
    assert [m.timestamp for m in messages] == [
        datetime(2019, 3, 1, 23, 59, 58, tzinfo=UTC),
        datetime(2019, 3, 2, 0, 0, 3, tzinfo=UTC),
        datetime(2019, 3, 2, 0, 0, 2, tzinfo=UTC),
    ]


def test_date_prefix_on_the_line_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[2021-05-04 10:00:01] <a> one\n2021-05-05 09:00 <b> two\n[2021-05-06 08:00:00] <a> three\n",
        name="2000-01-01.log",
    )
    messages, warnings = read(path)
    assert warnings == []
    assert [m.timestamp.date().isoformat() for m in messages] == ["2021-05-04", "2021-05-05", "2021-05-06"]


def test_joins_quits_nick_changes_and_actions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "=== yohannes [~yohannes@adsl.example.net]  has joined #ubuntu\n"
        "[03:10] <yohannes> hi\n"
        "=== compdude [kads@example.no]  has left #ubuntu []\n"
        "=== strestout1__ is now known as strestout1\n"
        "=== ajmitch checks to see if his packages are in hoary\n"
        "[03:11]  * blocke reboots\n"
        "[03:12] -nick:#ubuntu- a notice\n"
        "=== TLE [~x@y] has quit [Lost terminal]\n",
    )
    messages, warnings = read(path)
    assert warnings == []
    kinds = [(m.author_id, m.kind) for m in messages]
    assert kinds == [
        ("yohannes", Kind.JOIN),
        ("yohannes", Kind.TEXT),
        ("compdude", Kind.SERVICE),
        ("strestout1__", Kind.SERVICE),
        ("ajmitch", Kind.TEXT),
        ("blocke", Kind.TEXT),
        ("nick", Kind.TEXT),
        ("TLE", Kind.SERVICE),
    ]
    assert messages[4].text == "checks to see if his packages are in hoary"
    # A line without a time takes the last time seen (the first ones: midnight of the file's day).
    assert messages[0].timestamp == datetime(1970, 1, 1, tzinfo=UTC)
    assert messages[2].timestamp == messages[1].timestamp


def test_unparseable_and_blank_lines_are_warned_and_keep_their_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[01:00] <a> one\nthis is not irc\n\n[01:01] (soundray/#ubuntu) relayed\n"
        "[99:00] <b> bad time\n[01:02] <b> two\n",
    )
    messages, warnings = read(path)
    assert [m.id for m in messages] == ["0", "5"]
    assert [where for where, _ in warnings] == ["line 1", "line 2", "line 3", "line 4"]


def test_crlf_lone_cr_bom_and_latin1(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_bytes(b"\xef\xbb\xbf[01:00] <a> one\r\n[01:01] <b> caf\xe9\r[01:02] <a> three")
    messages, warnings = read(path)
    assert warnings == []
    assert [(m.id, m.text) for m in messages] == [("0", "one"), ("1", "café"), ("2", "three")]


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    messages, warnings = read(path)
    assert messages == [] and warnings == []
    assert not irc.sniff(b"", path)


def test_sniff_claims_irc_and_not_whatsapp_or_signal(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    irc_head = b"[12:18] <a> hi\n[12:18] <b> a: hello\n=== c [~c@h] has joined #ubuntu\n[12:19] <c> hey\n"
    assert irc.sniff(irc_head, path)
    whatsapp = (
        "[2019-12-24, 12:23] Jane Doe: Hello\n[2019-12-24, 12:24] John: Hi\n[2019-12-24, 12:25] J: ok\n"
    )
    assert not irc.sniff(whatsapp.encode(), path)
    android = b"11/10/24, 9:15 AM - Sarah: msg\n11/10/24, 9:16 AM - Tom: msg\n11/10/24, 9:17 AM - Sarah: ok\n"
    assert not irc.sniff(android, path)
    assert not irc.sniff(b"[12:00] hello\n[12:01] world\n[12:02] again\n", path)  # no nicks: not IRC
    assert not irc.sniff(b'{"type": "personal_chat"}', path)


def test_registry_detects_irc(tmp_path: Path) -> None:
    path = write(tmp_path, "[12:18] <a> hi\n[12:18] <b> a: hello\n[12:19] <a> thanks\n")
    assert REGISTRY.detect(path).name == "irc"


def test_disentanglement_log_reads_every_line() -> None:
    messages, warnings = read(DEV_LOG)
    lines = DEV_LOG.read_text(encoding="utf-8").splitlines()
    assert warnings == []
    assert len(messages) == len(lines)
    assert messages[-1].id == str(len(lines) - 1)
    assert {m.kind for m in messages} == {Kind.TEXT, Kind.JOIN, Kind.SERVICE}
    assert messages[0].timestamp.date().isoformat() == "2005-06-27"


@pytest.mark.parametrize(
    "line", ["[12:00] <a> x", "[12:00:01] <a> x", "12:00 <a> x", "[2020-01-01 12:00] <a> x"]
)
def test_time_shapes(line: str) -> None:
    parsed = irc.parse_line(line)
    assert parsed is not None and parsed.nick == "a" and parsed.text == "x"
