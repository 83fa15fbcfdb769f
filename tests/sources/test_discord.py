"""DiscordChatExporter JSON: samples, replies, mentions, bots, threads, duplicates, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import FIFTY_MB, FIXTURES, nested_json, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind, Reaction
from digest.pipeline import import_file
from digest.sources import REGISTRY, discord
from digest.store import open_store

TEST_SERVER = FIXTURES / "discord" / "Test Server - Text - general [100].json"


def author(uid: str, name: str, nickname: str | None = None, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "name": name, "nickname": nickname or name, "isBot": bot}


def dmsg(mid: str, text: str = "hi", minute: int = 0, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": mid,
        "type": "Default",
        "timestamp": f"2024-03-01T10:{minute:02d}:00+00:00",
        "content": text,
        "author": author("1", "ann", "Annie"),
        "attachments": [],
        "reactions": [],
        "mentions": [],
    }
    record.update(extra)
    return record


def export(path: Path, messages: list[Any], **channel: Any) -> Path:
    data = {
        "guild": {"id": "9", "name": "Guild"},
        "channel": {"id": "100", "type": "GuildTextChat", "name": "general", **channel},
        "messages": messages,
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- the samples -----------------------------------------------------------------------------


def test_test_server_counts(tmp_path: Path) -> None:
    # Counted by hand from the raw JSON: 7 entries in "messages" with 7 distinct ids; authors
    # user001, user002, user003 and bot001 (isBot); one "reference.messageId" (msg003 -> msg001).
    parsed = parse(discord.SOURCE, TEST_SERVER)
    assert [(g.id, g.title) for g in parsed.groups] == [("100", "Test Server / #general")]
    assert len(parsed.messages) == 7
    assert parsed.members == {"user001", "user002", "user003", "bot:bot001"}
    assert parsed.people == {"user001", "user002", "user003"}  # the store's count leaves bots out
    assert parsed.replies == 1
    assert parsed.warnings == ()
    got = parsed.by_id()
    assert got["msg003"].reply_to == "msg001"
    assert got["msg001"].author_name == "Alice Smith"  # nickname before name
    assert got["msg001"].reactions == (Reaction("thumbsup", 1, ("user002",)),)
    assert got["msg002"].attachments == (Attachment("photo", "test-upload.png"),)
    assert got["msg004"].kind == Kind.JOIN
    assert (got["msg005"].kind, got["msg005"].author_id) == (Kind.SERVICE, "bot:bot001")
    assert got["msg006"].text == "Hello @Bob Jones, check #101 and @everyone"  # <@user002>, <#101>
    assert got["msg007"].kind == Kind.SERVICE  # ChannelPinnedMessage
    stats = store_stats(discord.SOURCE, TEST_SERVER, tmp_path / "s.sqlite")
    assert [(s.parsed, s.new, s.members, s.replies) for s in stats] == [(7, 7, 3, 1)]


def test_group_chat_sample(samples: Path, tmp_path: Path) -> None:
    # AGPL-3.0: read in place. Counted by hand: 6 entries, 6 distinct ids, authors 1111..., 2222...,
    # 3333...; one reference (530805779645595660 -> 1064990824305274930). Types: 3 Default,
    # Call, ChannelNameChange, ChannelIconChange.
    path = samples / "discord" / "GC_3A_5M.json"
    parsed = parse(discord.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("1064990764406419508", "Direct Messages / #a group chat")
    ]
    assert len(parsed.messages) == 6
    assert len(parsed.members) == len(parsed.people) == 3  # all three wrote a Default message
    assert parsed.replies == 1
    got = parsed.by_id()
    assert got["530805779645595660"].reply_to == "1064990824305274930"
    assert got["1064990824305274930"].author_name == "theplant"
    assert [m.kind for m in parsed.messages].count(Kind.SERVICE) == 3
    assert got["100"].timestamp == datetime(2023, 3, 3, 14, 47, 59, 187000, tzinfo=UTC)
    stats = store_stats(discord.SOURCE, path, tmp_path / "s.sqlite")
    assert [(s.parsed, s.members, s.replies) for s in stats] == [(6, 3, 1)]


def test_server_sample_with_duplicate_and_deleted_user(samples: Path, tmp_path: Path) -> None:
    # AGPL-3.0: read in place. Counted by hand: 5 entries but 4 distinct ids (459136077417021488
    # twice); authors 5555... ("Deleted User") and 1111...; no reference.
    path = samples / "discord" / "SV_5A_5M.json"
    parsed = parse(discord.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("253601524398293010", "DefleMask / #general-chiptune")
    ]
    assert len(parsed.messages) == 4
    assert len(parsed.members) == len(parsed.people) == 2
    assert parsed.replies == 0
    assert parsed.warnings == (
        ("messages", "1 repeated message ids (e.g. 459136077417021488); the later copy of each was kept"),
    )
    got = parsed.by_id()
    deleted = got["459136077417021488"]
    assert (deleted.author_name, deleted.edited) == (
        "Deleted User",
        datetime(2018, 5, 20, 16, 9, 56, 439000, tzinfo=UTC),
    )
    assert got["447793085255123004"].author_name == "mlomb"  # no nickname: name
    assert got["447793085255123005"].attachments == (
        Attachment("photo", "unknown.png"),
        Attachment("sticker", "Laugh"),
    )
    assert got["447793085255123006"].reactions == (Reaction("paul", 3), Reaction("❤", 2))
    stats = store_stats(discord.SOURCE, path, tmp_path / "s.sqlite")
    assert [(s.parsed, s.new, s.members, s.replies) for s in stats] == [(4, 4, 2, 0)]


# -- behaviour -------------------------------------------------------------------------------


def test_detection() -> None:
    assert REGISTRY.detect(TEST_SERVER).name == "discord"
    assert not discord.sniff(b'{"name": "x", "type": "personal_chat", "messages": []}', Path("r.json"))
    assert not discord.sniff(b'{"participants": [], "messages": []}', Path("m.json"))
    assert not discord.sniff(b"", Path("folder"))


def test_duplicates_later_copy_wins_and_warns_once(tmp_path: Path) -> None:
    messages = [dmsg("1", "first"), dmsg("2"), dmsg("1", "edited"), dmsg("2", "again"), dmsg("1", "last")]
    parsed = parse(discord.SOURCE, export(tmp_path / "d.json", messages))
    assert [(m.id, m.text) for m in parsed.messages] == [("1", "last"), ("2", "again")]
    assert parsed.warnings == (
        ("messages", "3 repeated message ids (e.g. 1, 2); the later copy of each was kept"),
    )


def test_mentions_emoji_and_cross_channel_references(tmp_path: Path) -> None:
    messages = [
        dmsg(
            "1",
            "hi <@2> and <@!3>, <@&77> <#100> <:blob:123> <a:dance:456>",
            mentions=[author("2", "bob", "Bobby")],
        ),
        dmsg(
            "2",
            "ok",
            author=author("3", "cy"),
            reference={"messageId": "1", "channelId": "100"},
            type="Reply",
        ),
        dmsg("3", "elsewhere", reference={"messageId": "50", "channelId": "200"}, type="Reply"),
        dmsg("4", "", attachments=[{"fileName": "clip.MP4"}, {"fileName": "notes.pdf"}]),
        dmsg(
            "5",
            "",
            reference={"type": "Forward", "channelId": "300", "messageId": "9"},
            forwardedMessage={"content": "fwd"},
        ),
    ]
    got = parse(discord.SOURCE, export(tmp_path / "d.json", messages)).by_id()
    assert got["1"].text == "hi @Bobby and @cy, @role #general :blob: :dance:"
    assert got["2"].reply_to == "1"
    assert got["3"].reply_to is None  # a reference into another channel is not a reply here
    assert (got["4"].kind, got["4"].attachments) == (
        Kind.MEDIA,
        (Attachment("video", "clip.MP4"), Attachment("file", "notes.pdf")),
    )
    assert (got["5"].text, got["5"].forwarded_from, got["5"].reply_to) == ("fwd", "300", None)


def test_thread_export_is_its_own_group(tmp_path: Path) -> None:
    path = export(
        tmp_path / "t.json",
        [dmsg("1")],
        id="555",
        type="GuildPublicThread",
        category="help",
        name="pip fails",
    )
    (group,) = parse(discord.SOURCE, path).groups
    assert (group.id, group.title) == ("555", "Guild / #help / pip fails")


def test_missing_author_is_a_deleted_user(tmp_path: Path) -> None:
    (message,) = parse(discord.SOURCE, export(tmp_path / "d.json", [dmsg("1", author=None)])).messages
    assert (message.author_id, message.author_name) == ("", "Deleted User")


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        parse(discord.SOURCE, tmp_path / "d.json")


def test_truncated_file(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(TEST_SERVER.read_bytes()[:3000])
    with pytest.raises(InputError, match=r"ends too early \(truncated\?\)"):
        parse(discord.SOURCE, cut)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = export(tmp_path / "d.json", [dmsg("1", "café")])
    path.write_bytes(path.read_bytes().replace("café".encode(), "café".encode("latin-1")))
    with pytest.raises(InputError, match="not valid UTF-8: byte 0xe9"):
        parse(discord.SOURCE, path)


def test_bad_records_are_skipped_with_warnings(tmp_path: Path) -> None:
    messages = [dmsg("1"), "junk", dmsg("3", timestamp="yesterday"), {"type": "Default"}, dmsg("5")]
    parsed = parse(discord.SOURCE, export(tmp_path / "d.json", messages))
    assert [m.id for m in parsed.messages] == ["1", "5"]
    assert parsed.warnings == (
        ("record 1", "expected a JSON object"),
        ("message 3", 'no usable "timestamp"'),
        ("record 3", 'no "id"'),
    )


def test_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"guild": {}, "channel": {"id": "1"}}')
    with pytest.raises(InputError, match='no "messages" list'):
        parse(discord.SOURCE, path)


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    text = "x" * FIFTY_MB
    (message,) = parse(discord.SOURCE, export(tmp_path / "d.json", [dmsg("1", text)])).messages
    assert len(message.text) == FIFTY_MB


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{"guild": {}, "channel": {"id": "1"}, "messages": ' + nested_json(5000) + b"}")
    with pytest.raises(InputError, match="JSON nested deeper than 1024 levels"):
        parse(discord.SOURCE, path)


# -- overlapping exports ---------------------------------------------------------------------


def test_overlapping_exports_store_the_union_once(tmp_path: Path) -> None:
    """The Test Server sample cut into messages 1-5 and 3-7, imported one after the other."""
    data = json.loads(TEST_SERVER.read_text(encoding="utf-8"))
    everything = data["messages"]
    for name, part in (("a.json", everything[:5]), ("b.json", everything[2:])):
        (tmp_path / name).write_text(json.dumps({**data, "messages": part}), encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, tmp_path / "a.json")
        second = import_file(store, tmp_path / "b.json")
        assert (first.new, second.new, second.parsed) == (5, 2, 5)
        assert store.count() == 7
        assert sorted(m.id for m in store.messages()) == sorted(m["id"] for m in everything)
