"""Signal text exports: the MIT fixture, multi-line messages, media links, bad input."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from importer_helpers import FIFTY_MB, FIXTURES, parse

from digest.errors import InputError
from digest.model import Attachment, Kind
from digest.sources import REGISTRY, signal
from digest.sources.base import read_head

EXPORT = FIXTURES / "signal" / "test_export.txt"


def write(tmp_path: Path, text: str, name: str = "chat.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_fixture() -> None:
    # Counted by hand: 3 lines; 2 start with "[YYYY-MM-DD, HH:MM] Name:" (Jane Doe, John Doe) and the
    # third ("Jane!") continues John's message. No replies in the format.
    assert REGISTRY.detect(EXPORT) is signal.SOURCE
    parsed = parse(signal.SOURCE, EXPORT)
    assert parsed.warnings == ()
    assert [(g.platform, g.id, g.title) for g in parsed.groups] == [("signal", "test-export", "test_export")]
    assert [(m.timestamp, m.author_id, m.author_name, m.text) for m in parsed.messages] == [
        (datetime(2019, 12, 24, 12, 23, tzinfo=UTC), "name:Jane Doe", "Jane Doe", "Hello John!"),
        (datetime(2020, 1, 17, 21, 49, tzinfo=UTC), "name:John Doe", "John Doe", "Hello\nJane!"),
    ]
    assert len(parsed.members) == 2 and parsed.replies == 0
    assert len({m.id for m in parsed.messages}) == 2


def test_seconds_no_comma_and_media_links(tmp_path: Path) -> None:
    (tmp_path / "Family Chat").mkdir()
    path = write(
        tmp_path / "Family Chat",
        "[2022-01-27 12:47:05] Alice: look\n![photo.jpg](./media/photo.jpg)\n"
        "[2022-01-27 12:48] Bob: ![clip.mp4](media/clip.mp4)\n"
        "[2022-01-27 12:49] Bob: [notes.pdf](media/notes.pdf)\n",
        name="chat.md",
    )
    parsed = parse(signal.SOURCE, path)
    assert (parsed.groups[0].id, parsed.groups[0].title) == (
        "family-chat",
        "Family Chat",
    )  # chat.md: the folder
    assert [(m.kind, m.text, m.attachments) for m in parsed.messages] == [
        (Kind.TEXT, "look", (Attachment("photo", "photo.jpg"),)),
        (Kind.MEDIA, "", (Attachment("video", "clip.mp4"),)),
        (Kind.MEDIA, "", (Attachment("file", "notes.pdf"),)),
    ]
    assert parsed.messages[0].timestamp == datetime(2022, 1, 27, 12, 47, 5, tzinfo=UTC)


def test_crlf_and_utf16(tmp_path: Path) -> None:
    path = write(tmp_path, "[2020-01-17, 21:49] 小王: 你好\r\n第二行\r\n", encoding="utf-16")
    (message,) = parse(signal.SOURCE, path).messages
    assert (message.author_name, message.text) == ("小王", "你好\n第二行")


def test_sniff_is_specific(tmp_path: Path) -> None:
    whatsapp = write(tmp_path, "[21/07/2022, 05:11:12] Ann: hi\n", name="w.txt")
    whatsapp_iso = write(tmp_path, "[2022-07-21 05:11:12] Ann: hi\n", name="w2.txt")
    irc = write(tmp_path, "[12:23] <jane> hello\n", name="irc.txt")
    csv = write(tmp_path, "[2019-12-24, 12:23] Jane Doe: Hello\n", name="x.csv")
    for path in (whatsapp, irc, csv):
        assert not signal.sniff(read_head(path), path), path.name
    # An ISO date with seconds reads as Signal too, but WhatsApp is registered first and claims it.
    assert REGISTRY.detect(whatsapp_iso).name == "whatsapp"


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\r\n \r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty file"):
        parse(signal.SOURCE, path)


def test_no_message_lines(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no Signal message lines"):
        parse(signal.SOURCE, write(tmp_path, "hello\nworld\n"))


def test_truncated_file(tmp_path: Path) -> None:
    data = "[2020-01-17, 21:49] 小王: 你好\n[2020-01-17, 21:50] 小李: 再见".encode()
    path = tmp_path / "chat.txt"
    path.write_bytes(data[:-1])
    first, second = parse(signal.SOURCE, path).messages
    assert first.text == "你好" and second.text.startswith("再")


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"[2020-01-17, 21:49] Ann: \x80\xff\xfe\n")
    with pytest.raises(InputError, match="UTF-8, UTF-16 or GB18030"):
        parse(signal.SOURCE, path)


def test_a_bad_line_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "orphan line\n[2020-01-17, 21:49] Ann: one\n[2020-02-30, 21:50] Bob: bad day\nmore\n"
        "[2020-01-18, 08:00] Bob: two\n",
    )
    parsed = parse(signal.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["one", "two"]
    assert [where for where, _ in parsed.warnings] == ["line 1", "line 3"]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(f"[2020-01-17, 21:49] Ann: {'y' * FIFTY_MB}\nsecond line\n", encoding="utf-8")
    started = time.perf_counter()
    (message,) = parse(signal.SOURCE, path).messages
    assert time.perf_counter() - started < 30
    assert len(message.text) == FIFTY_MB + len("\nsecond line")
