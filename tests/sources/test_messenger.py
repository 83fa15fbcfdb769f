"""Facebook Messenger JSON: the sample, mojibake repair, order, stable ids, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_helpers import FIFTY_MB, nested_json, parse, store_stats

from digest.errors import InputError
from digest.model import Attachment, Kind, Reaction
from digest.pipeline import import_file
from digest.sources import REGISTRY, messenger
from digest.sources.base import read_head
from digest.store import open_store

T0 = 1_600_000_000_000


def garble(text: str) -> str:
    """What Facebook writes: UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


def write(path: Path, messages: list[Any], **extra: Any) -> Path:
    data = {
        "participants": [{"name": garble("José")}, {"name": "Bob"}],
        "messages": messages,
        "title": garble("Café ☕ club"),
        "is_still_participant": True,
        "thread_type": "RegularGroup",
        "thread_path": "inbox/cafeclub_abc123",
        **extra,
    }
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=True, indent=2).encode("ascii"))
    return path


def fb(sender: str, at: int, content: str | None = None, **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"sender_name": garble(sender), "timestamp_ms": at, **extra}
    if content is not None:
        record["content"] = garble(content)
    return record


# -- the sample ------------------------------------------------------------------------------


def test_sample(samples: Path, tmp_path: Path) -> None:
    # AGPL-3.0: read in place. Counted by hand from the raw JSON (a BOM, then 7 entries in
    # "messages", newest first): senders Alice and Bob; 3 with "content", one each with files,
    # audio_files, sticker, photos; no reply fields in the format.
    path = samples / "other" / "messenger" / "2A_7M.json"
    assert REGISTRY.detect(path).name == "messenger"
    parsed = parse(messenger.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [("inbox/alice_aaaaaaaaaa", "Alice")]
    assert len(parsed.messages) == 7
    assert parsed.members == parsed.people == {"name:Alice", "name:Bob"}
    assert parsed.replies == 0
    assert parsed.warnings == ()
    times = [m.timestamp for m in parsed.messages]
    assert times == sorted(times)  # oldest first
    assert parsed.messages[-1].text == "Hello"
    assert parsed.messages[-1].timestamp == datetime(2014, 11, 5, 0, 35, 32, 56000, tzinfo=UTC)
    media = [m for m in parsed.messages if m.kind == Kind.MEDIA]
    assert [a for m in media for a in m.attachments] == [
        Attachment("photo", "123123123123123.jpg"),
        Attachment("sticker", "123123123123123.png"),
        Attachment("audio", "audioclip11111.mp4"),
        Attachment("file", "blabla.docx"),
    ]
    stats = store_stats(messenger.SOURCE, path, tmp_path / "s.sqlite")
    assert [(s.parsed, s.new, s.members, s.replies) for s in stats] == [(7, 7, 2, 0)]


def test_overlapping_downloads_store_the_union_once(samples: Path, tmp_path: Path) -> None:
    """The sample's messages cut into two overlapping downloads of the same thread."""
    path = samples / "other" / "messenger" / "2A_7M.json"
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    for name, part in (("a.json", data["messages"][:5]), ("b.json", data["messages"][2:])):
        (tmp_path / name).write_text(json.dumps({**data, "messages": part}), encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, tmp_path / "a.json")
        second = import_file(store, tmp_path / "b.json")
        assert (first.new, second.new) == (5, 2)
        assert store.count() == 7
        assert {m.id for m in store.messages()} == {m.id for m in parse(messenger.SOURCE, path).messages}


# -- behaviour -------------------------------------------------------------------------------


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    messages = [
        fb("José", T0 + 2, "Ça va? 👍", reactions=[{"reaction": garble("❤"), "actor": "Bob"}]),
        fb("Bob", T0 + 1, "plain ascii"),
    ]
    parsed = parse(messenger.SOURCE, write(tmp_path / "m.json", messages))
    (group,) = parsed.groups
    assert (group.id, group.title) == ("inbox/cafeclub_abc123", "Café ☕ club")
    bob, jose = parsed.messages
    assert (jose.author_id, jose.author_name, jose.text) == ("name:José", "José", "Ça va? 👍")
    assert jose.reactions == (Reaction("❤", 1, ("name:Bob",)),)
    assert bob.text == "plain ascii"


def test_text_that_was_never_garbled_is_kept() -> None:
    assert messenger.fix_mojibake("你好") == "你好"  # not Latin-1 at all
    assert messenger.fix_mojibake("Ã") == "Ã"  # Latin-1, but not UTF-8 bytes
    assert messenger.fix_mojibake(garble("naïve")) == "naïve"


def test_kinds_and_media(tmp_path: Path) -> None:
    messages = [
        fb("Bob", T0 + 6, "You called", type="Call", call_duration=60),
        fb("Bob", T0 + 5, type="Subscribe", users=[{"name": "Cy"}]),
        fb("Bob", T0 + 4, "look", share={"link": "https://example.org"}, type="Share"),
        fb("Bob", T0 + 3, videos=[{"uri": "messages/inbox/x/videos/v.mp4"}], gifs=[{"uri": "g/a.gif"}]),
        fb("Bob", T0 + 2, "", is_unsent=True),
    ]
    got = {m.timestamp: m for m in parse(messenger.SOURCE, write(tmp_path / "m.json", messages)).messages}
    at = {i: got[datetime.fromtimestamp((T0 + i) / 1000, tz=UTC)] for i in range(2, 7)}
    assert at[6].kind == Kind.SERVICE
    assert at[5].kind == Kind.JOIN
    assert (at[4].kind, at[4].attachments) == (Kind.TEXT, (Attachment("link", "https://example.org"),))
    assert (at[3].kind, at[3].attachments) == (
        Kind.MEDIA,
        (Attachment("video", "v.mp4"), Attachment("animation", "a.gif")),
    )
    assert at[2].kind == Kind.SERVICE


def test_identical_messages_get_distinct_stable_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", [fb("Bob", T0, "ok"), fb("Bob", T0, "ok")])
    first, second = parse(messenger.SOURCE, path).messages
    assert first.id != second.id
    assert [m.id for m in parse(messenger.SOURCE, path).messages] == [first.id, second.id]


def test_sniff_is_specific(tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", [fb("Bob", T0, "ok")])
    assert messenger.sniff(read_head(path), path)
    assert not messenger.sniff(b'{"name": "x", "type": "personal_chat", "messages": []}', path)
    assert not messenger.sniff(b'{"guild": {}, "channel": {}, "messages": []}', path)
    assert not messenger.sniff(b'{"type": "post", "post": {}}', path)
    assert not messenger.sniff(b"", tmp_path)


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(InputError, match="empty file"):
        parse(messenger.SOURCE, tmp_path / "m.json")


def test_truncated_file(tmp_path: Path) -> None:
    path = write(tmp_path / "m.json", [fb("Bob", T0 + i, f"message {i}") for i in range(20)])
    path.write_bytes(path.read_bytes()[:900])
    with pytest.raises(InputError, match=r"ends too early \(truncated\?\)"):
        parse(messenger.SOURCE, path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b'{"participants": [], "messages": [{"sender_name": "Jos\xe9", "timestamp_ms": 1}]}')
    with pytest.raises(InputError, match="not valid UTF-8: byte 0xe9 at offset 54") as caught:
        parse(messenger.SOURCE, path)
    assert caught.value.where == "line 1"


def test_bad_records_are_skipped_with_warnings(tmp_path: Path) -> None:
    messages = [fb("Bob", T0 + 3, "newest"), "junk", fb("Bob", 0, "no time"), fb("Bob", T0 + 1, "oldest")]
    parsed = parse(messenger.SOURCE, write(tmp_path / "m.json", messages))
    assert [m.text for m in parsed.messages] == ["oldest", "newest"]
    assert parsed.warnings == (
        ("message 3", 'no usable "timestamp_ms"'),
        ("message 2", "expected a JSON object"),
    )


def test_not_a_thread(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"participants": []}')
    with pytest.raises(InputError, match='no "messages" list'):
        parse(messenger.SOURCE, path)


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    text = "x" * FIFTY_MB + "é"
    path = write(tmp_path / "m.json", [fb("Bob", T0, text)])
    (message,) = parse(messenger.SOURCE, path).messages
    assert message.text == text  # 50 MB, and repaired


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b'{"participants": [], "messages": ' + nested_json(3000) + b"}")
    with pytest.raises(InputError, match="JSON nested deeper than 1024 levels"):
        parse(messenger.SOURCE, path)
