"""Slack workspace export: samples, markup, threads, bots, zip limits and bad input."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import FIFTY_MB, FIXTURES, nested_json, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind, Reaction
from digest.pipeline import expand, import_file
from digest.sources import REGISTRY, slack
from digest.sources.base import read_head
from digest.store import open_store

TESTARCHIVE = FIXTURES / "slack" / "testarchive.zip"

USERS = [
    {"id": "U1", "name": "ann", "real_name": "Ann Lee", "profile": {"display_name": "annie"}},
    {"id": "U2", "name": "bo", "real_name": "Bo Chen", "profile": {"display_name": ""}},
]
CHANNELS = [{"id": "C1", "name": "general"}, {"id": "C2", "name": "random"}]


def make_export(root: Path, days: dict[str, dict[str, Any]], **extra: Any) -> Path:
    """A Slack export folder: users.json, channels.json, and ``{folder: {day: messages}}``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "users.json").write_text(json.dumps(extra.pop("users", USERS)), encoding="utf-8")
    (root / "channels.json").write_text(json.dumps(extra.pop("channels", CHANNELS)), encoding="utf-8")
    for name, value in extra.items():
        (root / f"{name}.json").write_text(json.dumps(value), encoding="utf-8")
    for folder, by_day in days.items():
        (root / folder).mkdir(exist_ok=True)
        for day, messages in by_day.items():
            body = messages if isinstance(messages, bytes) else json.dumps(messages).encode()
            (root / folder / f"{day}.json").write_bytes(body)
    return root


def zip_folder(folder: Path, target: Path, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(target, "w", compression) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


def msg(ts: str, user: str = "U1", text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, **extra}


# -- the samples -----------------------------------------------------------------------------


def test_testarchive_counts() -> None:
    # Counted by hand from the raw zip (unzip, then a one-off python loop over every
    # <channel>/<day>.json): enrique 102 records (66 bot_message, 2 bot_add, 4 channel_join,
    # 30 plain), traveling-sailor 56 (28 bot_message, 1 bot_add, 4 channel_join, 19 plain,
    # 3 file_share, 1 file_comment). No record has thread_ts. Distinct authors: 4 users in
    # enrique + bots B0JL6RASU, B0VJZKVHC; 4 users in traveling-sailor + bot B0JL6UFSL.
    parsed = parse(slack.SOURCE, TESTARCHIVE)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("C0JGLMMNX", "#enrique"),
        ("C0JL6CGQ2", "#traveling-sailor"),
    ]
    assert len(parsed.messages) == 158
    assert (len(parsed.of("C0JGLMMNX")), len(parsed.of("C0JL6CGQ2"))) == (102, 56)
    assert len(parsed.members) == 7
    assert parsed.people == {"U0BMQB6JE", "U0BMYT2FL", "U0BMS113R", "U0BMM2FEH"}  # bots are service
    assert parsed.replies == 0
    assert parsed.warnings == ()
    kinds = [m.kind for m in parsed.messages]
    assert kinds.count(Kind.SERVICE) == 66 + 2 + 28 + 1
    assert kinds.count(Kind.JOIN) == 8
    assert kinds.count(Kind.MEDIA) == 3
    assert kinds.count(Kind.TEXT) == 30 + 19 + 1


def test_testarchive_through_the_store(tmp_path: Path) -> None:
    stats = store_stats(slack.SOURCE, TESTARCHIVE, tmp_path / "s.sqlite")
    assert [(s.group.id, s.parsed, s.new, s.members, s.replies) for s in stats] == [
        ("C0JGLMMNX", 102, 102, 4, 0),  # members: the 4 people (all joined each channel), no bots
        ("C0JL6CGQ2", 56, 56, 4, 0),
    ]


def test_testarchive_details() -> None:
    by_id = parse(slack.SOURCE, TESTARCHIVE).by_id()
    first = by_id["1452837352.000006"]
    assert first.author_id == "U0BMQB6JE"
    assert first.author_name == "hamza"  # users.json display_name: old exports have no user_profile
    assert first.text.startswith("@abilinski: Created an issue")  # <@U0BMYT2FL> resolved
    assert first.timestamp == datetime(2016, 1, 15, 5, 55, 52, 6, tzinfo=UTC)
    quote = by_id["1458228721.000002"]
    assert quote.text.startswith('>"Essentially')  # &gt; decoded
    bot = by_id["1459154014.000018"]
    assert (bot.kind, bot.author_id) == (Kind.SERVICE, "bot:B0JL6RASU")
    assert bot.text.startswith("[enrique:master] 1 new commit by hfaran:")  # from its attachments
    assert bot.reactions == (Reaction("botman", 1, ("U0BMYT2FL",)),)
    upload = by_id["1459105865.000017"]
    assert upload.kind == Kind.MEDIA
    assert upload.attachments == (Attachment("file", "10_cities.js"),)
    assert upload.text.startswith("@doubledeez uploaded a file: 10 cities (https://")
    comment = by_id["1459106048.000018"]
    assert (comment.kind, comment.author_id) == (Kind.TEXT, "U0BMS113R")
    bot_add = by_id["1452988746.000017"]
    assert (bot_add.kind, bot_add.author_id) == (Kind.SERVICE, "U0BMQB6JE")  # a person adding a bot
    join = by_id["1452837318.000002"]
    assert (join.kind, join.text) == (Kind.JOIN, "@hamza has joined the channel")


def test_source_export_counts(samples: Path, tmp_path: Path) -> None:
    # AGPL-3.0: read in place. Counted by hand from the raw zip: 16 records in B75B4C7/*.json;
    # 4 have thread_ts != ts (two replies to 1736478630.905399, one each to 1736554801.872639
    # and to the tombstone 1736554828.343759); authors UOF82F39AE, UOB5F987BF17, UO1D8E698D
    # (the tombstone) and the bot B089LPE68BB (user UO0EC43A4792 with a bot_id).
    parsed = parse(slack.SOURCE, samples / "slack" / "source_export.zip")
    assert [(g.id, g.title) for g in parsed.groups] == [("CO69735E8A", "#B75B4C7")]
    assert len(parsed.messages) == 16
    assert parsed.members == {"UOF82F39AE", "UOB5F987BF17", "UO1D8E698D", "bot:B089LPE68BB"}
    assert parsed.people == {"UOF82F39AE", "UOB5F987BF17"}  # UO1D8E698D only left a tombstone
    assert parsed.replies == 4
    by_id = parsed.by_id()
    cross_day = by_id["1736554746.482349"]  # on 2025-01-11, its parent on 2025-01-10
    assert cross_day.reply_to == "1736478630.905399"
    assert cross_day.author_name == "YTX35tuC1zyFhKZL"  # user_profile.display_name
    assert by_id["1736478514.897649"].author_name == "WgO268Xc0KtFylJ"  # empty display_name -> real_name
    assert by_id["1736478630.905399"].reply_to is None  # a parent's thread_ts is its own ts
    assert by_id["1736554828.343759"].kind == Kind.SERVICE  # tombstone
    assert by_id["1736554636.807919"].kind == Kind.JOIN
    bot = by_id["1737160363.583369"]
    assert (bot.kind, bot.author_id) == (Kind.SERVICE, "bot:B089LPE68BB")
    assert bot.edited == datetime(2025, 1, 18, 0, 32, 51, tzinfo=UTC)
    photo = by_id["1736582524.607359"]
    assert (photo.kind, photo.attachments[0].kind) == (Kind.MEDIA, "photo")
    stats = store_stats(slack.SOURCE, samples / "slack" / "source_export.zip", tmp_path / "s.sqlite")
    assert [(s.parsed, s.members, s.replies) for s in stats] == [(16, 2, 4)]


def test_folder_reads_like_the_zip(tmp_path: Path) -> None:
    with zipfile.ZipFile(TESTARCHIVE) as archive:
        archive.extractall(tmp_path / "export")
    from_zip = parse(slack.SOURCE, TESTARCHIVE)
    from_folder = parse(slack.SOURCE, tmp_path / "export")
    assert from_folder.messages == from_zip.messages
    assert from_folder.groups == from_zip.groups


def test_zip_with_a_top_folder(tmp_path: Path) -> None:
    folder = make_export(
        tmp_path / "Acme Slack export", {"general": {"2024-01-02": [msg("1704153600.000100")]}}
    )
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*.json")):
            archive.write(file, file.relative_to(tmp_path).as_posix())
    assert slack.sniff(read_head(target), target)
    assert [m.id for m in parse(slack.SOURCE, target).messages] == ["1704153600.000100"]


# -- detection -------------------------------------------------------------------------------


def test_sniff_and_detection(tmp_path: Path) -> None:
    folder = make_export(tmp_path / "export", {"general": {"2024-01-02": [msg("1704153600.000100")]}})
    assert slack.sniff(b"", folder)
    assert REGISTRY.detect(folder).name == "slack"
    assert REGISTRY.detect(TESTARCHIVE).name == "slack"
    assert list(expand([tmp_path])) == [folder]  # the folder is one export, not walked
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert not slack.sniff(read_head(other), other)
    assert not slack.sniff(b"", tmp_path / "export" / "general")
    assert not slack.sniff(b'{"guild": {}}', tmp_path / "x.json")


# -- markup ----------------------------------------------------------------------------------


def test_markup_is_readable() -> None:
    names = slack._Names(users={"U1": "annie"}, channels={"C2": "random"})
    raw = (
        "<@U1> see <#C2> and <#C9|dev>, <https://x.org/a?b=1&amp;c=2|the docs> or <https://y.org>; "
        "mail <mailto:a@b.org|a@b.org> <!here> <!subteam^S1|@team> 1 &lt; 2 &amp;&amp; 3 &gt; 2 "
        "&amp;lt; <@U7|olduser> <@U8>"
    )
    assert slack.render(raw, names) == (
        "@annie see #random and #dev, the docs (https://x.org/a?b=1&c=2) or https://y.org; "
        "mail a@b.org @here @team 1 < 2 && 3 > 2 &lt; @olduser @U8"
    )


def test_authors_threads_reactions_files(tmp_path: Path) -> None:
    days = {
        "general": {
            "2024-01-02": [
                msg("1704153600.000100", "U1", "question?", thread_ts="1704153600.000100", reply_count=1),
                msg(
                    "1704153700.000200",
                    "U2",
                    "answer",
                    thread_ts="1704153600.000100",
                    reactions=[{"name": "+1", "users": ["U1"], "count": 1}],
                    edited={"user": "U2", "ts": "1704153800.000000"},
                ),
                msg("1704153900.000300", "U2", "", files=[{"name": "a.png", "mimetype": "image/png"}]),
                msg(
                    "1704154000.000400",
                    "U1",
                    "broadcast",
                    subtype="thread_broadcast",
                    thread_ts="1704153600.000100",
                ),
                {
                    "type": "message",
                    "subtype": "bot_message",
                    "username": "CI",
                    "text": "build ok",
                    "ts": "1704154100.1",
                },
                msg("1704154200.000600", "U1", "set the topic", subtype="channel_topic"),
            ]
        }
    }
    parsed = parse(slack.SOURCE, make_export(tmp_path / "e", days))
    got = {m.id: m for m in parsed.messages}
    assert got["1704153700.000200"].reply_to == "1704153600.000100"
    assert got["1704153700.000200"].author_name == "Bo Chen"  # no display_name: real_name
    assert got["1704153600.000100"].author_name == "annie"
    assert got["1704153700.000200"].reactions == (Reaction("+1", 1, ("U1",)),)
    assert got["1704153700.000200"].edited == datetime(2024, 1, 2, 0, 3, 20, tzinfo=UTC)
    assert (got["1704153900.000300"].kind, got["1704153900.000300"].attachments) == (
        Kind.MEDIA,
        (Attachment("photo", "a.png"),),
    )
    assert (got["1704154000.000400"].kind, got["1704154000.000400"].reply_to) == (
        Kind.TEXT,
        "1704153600.000100",
    )
    bot = got["1704154100.1"]
    assert (bot.kind, bot.author_id, bot.author_name) == (Kind.SERVICE, "bot:CI", "CI")
    assert bot.timestamp.microsecond == 100000
    assert got["1704154200.000600"].kind == Kind.SERVICE


def test_private_channels_and_dms(tmp_path: Path) -> None:
    days = {
        "secret": {"2024-01-02": [msg("1704153600.000100")]},
        "D9": {"2024-01-02": [msg("1704153600.000200")]},
        "mpdm-ann--bo-1": {"2024-01-02": [msg("1704153600.000300")]},
        "orphan": {"2024-01-02": [msg("1704153600.000400")]},
    }
    export = make_export(
        tmp_path / "e",
        days,
        groups=[{"id": "G1", "name": "secret"}],
        dms=[{"id": "D9", "members": ["U1", "U2"]}],
        mpims=[{"id": "G2", "name": "mpdm-ann--bo-1", "members": ["U1", "U2"]}],
    )
    parsed = parse(slack.SOURCE, export)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("G1", "#secret"),
        ("G2", "@annie, @Bo Chen"),
        ("D9", "@annie, @Bo Chen"),
        ("orphan", "#orphan"),
    ]
    assert parsed.warnings == (
        ("orphan", "channel folder not listed in channels.json; its folder name is used as its id"),
    )


# -- zip limits ------------------------------------------------------------------------------


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("channels.json", json.dumps(CHANNELS))
        archive.writestr("general/2024-01-02.json", b"[" + b" " * (20 * 1024 * 1024) + b"]")
    assert bomb.stat().st_size < 100_000  # 20 MiB squeezed into a few kilobytes
    assert REGISTRY.detect(bomb).name == "slack"
    with pytest.raises(InputError, match=r"more than 250:1\): refused as a likely zip bomb"):
        parse(slack.SOURCE, bomb)


def test_zip_limits_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slack, "MAX_ENTRIES", 5)
    with pytest.raises(InputError, match="zip archive has 22 entries; the limit is 5"):
        parse(slack.SOURCE, TESTARCHIVE)
    monkeypatch.setattr(slack, "MAX_ENTRIES", 100_000)
    monkeypatch.setattr(slack, "MAX_TOTAL_BYTES", 100_000)
    with pytest.raises(InputError, match="zip archive expands to 144184 bytes; the limit is 100000"):
        parse(slack.SOURCE, TESTARCHIVE)


def test_declared_entry_count_is_read_without_parsing(tmp_path: Path) -> None:
    assert slack.declared_entries(TESTARCHIVE) == 22
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"PK\x03\x04 nothing else")
    assert slack.declared_entries(not_zip) is None


@pytest.mark.parametrize("name", ["../evil.json", "/etc/evil.json", "a/../../evil.json", "C:/evil.json"])
def test_unsafe_entry_names_are_refused(tmp_path: Path, name: str) -> None:
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("channels.json", "[]")
        archive.writestr(zipfile.ZipInfo(name), "[]")
    with pytest.raises(InputError, match="absolute or parent-relative name"):
        parse(slack.SOURCE, target)


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "export.zip"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="not a readable zip archive"):
        parse(slack.SOURCE, empty)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a Slack export: no channels\.json"):
        parse(slack.SOURCE, tmp_path)


def test_truncated_zip(tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    data = TESTARCHIVE.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="not a readable zip archive"):
        parse(slack.SOURCE, cut)


def test_wrong_encoding(tmp_path: Path) -> None:
    export = make_export(tmp_path / "e", {"general": {"2024-01-02": [msg("1704153600.000100")]}})
    (export / "users.json").write_bytes('[{"id": "U1", "name": "Zoë"}]'.encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8: byte 0xeb at offset 25") as caught:
        parse(slack.SOURCE, export)
    assert caught.value.where is not None and caught.value.where.startswith("users.json")


def test_bad_day_and_bad_records_are_skipped_with_warnings(tmp_path: Path) -> None:
    days = {
        "general": {
            "2024-01-01": b'[{"type": "message", "ts": "1704067200.1", "text": "cut',
            "2024-01-02": [
                msg("1704153600.000100"),
                "junk",
                {"type": "message", "text": "no ts"},
                msg("1704153600.2"),
            ],
            "2024-01-03": b"\xff\xfe[]",
        }
    }
    parsed = parse(slack.SOURCE, make_export(tmp_path / "e", days))
    assert [m.id for m in parsed.messages] == ["1704153600.000100", "1704153600.2"]
    wheres = [w for w, _ in parsed.warnings]
    assert wheres == [
        "general/2024-01-01.json",
        "general/2024-01-02.json, message #1",
        "general/2024-01-02.json, message #2",
        "general/2024-01-03.json",
    ]
    assert "ends too early (truncated?)" in parsed.warnings[0][1]
    assert parsed.warnings[1][1] == "expected a JSON object"
    assert parsed.warnings[2][1] == 'no usable "ts"'
    assert "not valid UTF-8" in parsed.warnings[3][1]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    text = os.urandom(FIFTY_MB // 2).hex()  # incompressible: a real long message, not a bomb
    days = {"general": {"2024-01-02": [msg("1704153600.000100", text=text)]}}
    export = make_export(tmp_path / "e", days)
    (message,) = parse(slack.SOURCE, export).messages
    assert len(message.text) == FIFTY_MB
    archive = zip_folder(export, tmp_path / "e.zip", zipfile.ZIP_STORED)
    (message,) = parse(slack.SOURCE, archive).messages
    assert message.text == text


def test_deeply_nested_json(tmp_path: Path) -> None:
    export = make_export(tmp_path / "e", {"general": {"2024-01-02": nested_json(5000)}})
    parsed = parse(slack.SOURCE, export)
    assert parsed.messages == ()
    assert "JSON nested deeper than 1024 levels" in parsed.warnings[0][1]
    (export / "users.json").write_bytes(nested_json(100_000))
    with pytest.raises(InputError, match="JSON nested deeper than 1024 levels"):
        parse(slack.SOURCE, export)


# -- overlapping exports ---------------------------------------------------------------------


def test_overlapping_exports_store_the_union_once(tmp_path: Path) -> None:
    """testarchive's days split in two exports that share 2016-02-07 .. 2016-03-17."""
    with zipfile.ZipFile(TESTARCHIVE) as archive:
        archive.extractall(tmp_path / "full")
    full = tmp_path / "full"
    halves = {"early": ("0000", "2016-03-17"), "late": ("2016-02-07", "9999")}
    for half, (start, end) in halves.items():
        root = tmp_path / half
        root.mkdir()
        for meta in ("users.json", "channels.json"):
            (root / meta).write_bytes((full / meta).read_bytes())
        for day in full.glob("*/*.json"):
            if start <= day.stem <= end:
                (root / day.parent.name).mkdir(exist_ok=True)
                (root / day.parent.name / day.name).write_bytes(day.read_bytes())
    everything = {m.key for m in parse(slack.SOURCE, full).messages}
    early = {m.key for m in parse(slack.SOURCE, tmp_path / "early").messages}
    late = {m.key for m in parse(slack.SOURCE, tmp_path / "late").messages}
    assert early & late and early - late and late - early and early | late == everything
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, tmp_path / "early")
        second = import_file(store, tmp_path / "late")
        assert (first.format, second.format) == ("slack", "slack")
        assert second.new == len(late - early)
        assert store.count() == len(everything) == 158
        assert {m.key for m in store.messages()} == everything


def test_damaged_zip_entries(tmp_path: Path) -> None:
    """A corrupt day entry is skipped with a warning; a corrupt users.json refuses the file."""
    export = make_export(
        tmp_path / "e",
        {
            "general": {
                "2024-01-01": [msg("1704067200.000100", text="a" * 5000)],
                "2024-01-02": [msg("1704153600.000100")],
            }
        },
    )
    archive = zip_folder(export, tmp_path / "e.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as opened:
        entry = opened.getinfo("general/2024-01-01.json")
    start = entry.header_offset + 30 + len(entry.filename)
    data[start + 10 : start + 14] = b"\x00\xff\x00\xff"  # inside the compressed data
    archive.write_bytes(bytes(data))
    parsed = parse(slack.SOURCE, archive)
    assert [m.id for m in parsed.messages] == ["1704153600.000100"]
    ((where, reason),) = parsed.warnings
    assert where == "general/2024-01-01.json"
    assert reason.startswith("day file skipped: cannot read it:")
    with zipfile.ZipFile(tmp_path / "users.zip", "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("users.json", json.dumps(USERS * 50))
        out.writestr("channels.json", json.dumps(CHANNELS))
    broken = bytearray((tmp_path / "users.zip").read_bytes())
    broken[60:64] = b"\x00\xff\x00\xff"
    (tmp_path / "users.zip").write_bytes(bytes(broken))
    with pytest.raises(InputError, match="cannot read it") as caught:
        parse(slack.SOURCE, tmp_path / "users.zip")
    assert caught.value.where == "users.json"
