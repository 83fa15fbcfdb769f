"""Mattermost bulk export (JSONL): the sample, channels and DMs, stable ids, bad input."""

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
from digest.sources import REGISTRY, mattermost
from digest.sources.base import read_head, stable_id
from digest.store import open_store

SAMPLE = FIXTURES / "mattermost" / "post_with_replies.json"
T0 = 1_700_000_000_000


def line(kind: str, **body: Any) -> str:
    return json.dumps({"type": kind, kind: body}, ensure_ascii=False)


def post(user: str, message: str, at: int, channel: str = "town-square", **extra: Any) -> str:
    return line("post", team="acme", channel=channel, user=user, message=message, create_at=at, **extra)


def jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEAD = (
    line("version", version=1),
    line("team", name="acme", display_name="ACME Corp"),
    line("channel", team="acme", name="town-square", display_name="Town Square", type="O"),
    line("channel", team="acme", name="dev", display_name="Developers", type="P"),
    line("user", username="ann", nickname="Annie", first_name="Ann", last_name="Lee"),
    line("user", username="bo", nickname="", first_name="Bo", last_name="Chen"),
    line("user", username="cy", nickname="", first_name="", last_name=""),
)


# -- the sample ------------------------------------------------------------------------------


def test_sample(tmp_path: Path) -> None:
    # Counted by hand from the raw JSON: one "post" object (user eugene.montgomery) with a
    # "replies" list of 3 (brandon.mccoy, user-1, user-1): 4 messages, 3 people, 3 replies.
    assert REGISTRY.detect(SAMPLE).name == "mattermost"
    parsed = parse(mattermost.SOURCE, SAMPLE)
    assert [(g.id, g.title) for g in parsed.groups] == [("ad-1/amet-0", "ad-1 / #amet-0")]
    assert len(parsed.messages) == 4
    assert parsed.members == parsed.people == {"eugene.montgomery", "brandon.mccoy", "user-1"}
    assert parsed.replies == 3
    assert parsed.warnings == ()
    root, *replies = parsed.messages
    assert root.reply_to is None
    assert all(r.reply_to == root.id for r in replies)
    assert root.timestamp == datetime(2026, 1, 20, 13, 36, 41, 357000, tzinfo=UTC)
    when = datetime(2026, 1, 20, 13, 36, 41, 357000, tzinfo=UTC)
    assert root.id == stable_id("ad-1/amet-0", when, "eugene.montgomery", root.text)
    stats = store_stats(mattermost.SOURCE, SAMPLE, tmp_path / "s.sqlite")
    assert [(s.parsed, s.new, s.members, s.replies) for s in stats] == [(4, 4, 3, 3)]


# -- behaviour -------------------------------------------------------------------------------


def test_channels_direct_posts_names_and_kinds(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "export.jsonl",
        *HEAD,
        post(
            "ann",
            "How do I deploy?",
            T0,
            replies=[{"user": "bo", "message": "make deploy", "create_at": T0 + 5}],
        ),
        post("bo", "in dev", T0 + 1, channel="dev", reactions=[{"user": "ann", "emoji_name": "+1"}]),
        post("cy", "cy joined the channel.", T0 + 2, type="system_join_channel"),
        post("cy", "header changed", T0 + 3, type="system_header_change"),
        post("ci-bot", "build passed", T0 + 4, props={"from_bot": "true"}),
        post("ann", "", T0 + 6, attachments=[{"path": "data/x/diagram.png"}, {"path": "data/x/spec.pdf"}]),
        line("direct_post", channel_members=["bo", "ann"], user="bo", message="psst", create_at=T0 + 7),
        post("ann", "edited", T0 + 8, edit_at=T0 + 9),
    )
    parsed = parse(mattermost.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("acme/town-square", "ACME Corp / #Town Square"),
        ("acme/dev", "ACME Corp / #Developers"),
        ("dm:ann,bo", "@Annie, @Bo Chen"),
    ]
    texts = {m.text: m for m in parsed.messages}
    assert texts["make deploy"].reply_to == texts["How do I deploy?"].id
    assert texts["How do I deploy?"].author_name == "Annie"  # nickname first
    assert texts["make deploy"].author_name == "Bo Chen"  # then first and last name
    assert texts["cy joined the channel."].author_name == "cy"  # then the username
    assert texts["in dev"].reactions == (Reaction("+1", 1, ("ann",)),)
    assert texts["cy joined the channel."].kind == Kind.JOIN
    assert texts["header changed"].kind == Kind.SERVICE
    bot = texts["build passed"]
    assert (bot.kind, bot.author_id) == (Kind.SERVICE, "bot:ci-bot")
    assert (texts[""].kind, texts[""].attachments) == (
        Kind.MEDIA,
        (Attachment("photo", "diagram.png"), Attachment("file", "spec.pdf")),
    )
    assert texts["psst"].group_id == "dm:ann,bo"
    assert texts["edited"].edited == datetime.fromtimestamp((T0 + 9) / 1000, tz=UTC)
    assert parsed.warnings == ()


def test_identical_posts_get_distinct_stable_ids(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "e.jsonl", *HEAD, post("ann", "+1", T0), post("ann", "+1", T0))
    first, second = parse(mattermost.SOURCE, path).messages
    assert first.id != second.id
    again = parse(mattermost.SOURCE, path).messages
    assert [m.id for m in again] == [first.id, second.id]  # the same in every read


def test_sniff_is_specific(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "e.jsonl", *HEAD)
    assert mattermost.sniff(read_head(path), path)
    assert not mattermost.sniff(b'{"type": "message", "text": "x"}', path)
    assert not mattermost.sniff(b'{"name": "x", "type": "personal_chat", "id": 1, "messages": []}', path)
    assert not mattermost.sniff(b'{"guild": {"id": "1"}, "channel": {}}', path)
    assert not mattermost.sniff(b'\xef\xbb\xbf{"participants": [{"name": "A"}], "messages": []}', path)


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_bytes(b"\n\n")
    with pytest.raises(InputError, match="empty file"):
        parse(mattermost.SOURCE, tmp_path / "e.jsonl")


def test_truncated_jsonl_keeps_the_complete_lines(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    text = "\n".join([*HEAD, post("ann", "one", T0), post("bo", "two", T0 + 1)])
    path.write_text(text[:-20], encoding="utf-8")
    parsed = parse(mattermost.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["one"]
    ((where, reason),) = parsed.warnings
    assert where == "line 9"
    assert "ends too early (truncated?)" in reason


def test_truncated_single_object(tmp_path: Path) -> None:
    path = tmp_path / "post.json"
    path.write_bytes(SAMPLE.read_bytes()[:1000])
    with pytest.raises(InputError, match=r"ends too early \(truncated\?\)"):
        parse(mattermost.SOURCE, path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(
        "\n".join([*HEAD, post("ann", "café", T0)]).encode("utf-8").replace(b"caf\xc3\xa9", b"caf\xe9")
    )
    with pytest.raises(InputError, match="not valid UTF-8: byte 0xe9") as caught:
        parse(mattermost.SOURCE, path)
    assert caught.value.where == "line 8"


def test_bad_lines_and_posts_are_skipped_with_warnings(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "e.jsonl",
        *HEAD,
        "this is not json",
        '{"type": "post"}',
        post("ann", "no time", 0),
        line("post", user="ann", message="no channel", create_at=T0),
        post("ann", "fine", T0, replies=[{"user": "bo", "message": "bad reply"}, "junk"]),
    )
    parsed = parse(mattermost.SOURCE, path)
    assert [m.text for m in parsed.messages] == ["fine"]
    assert [w for w, _ in parsed.warnings] == [
        "line 8",
        "line 9",
        "line 11",
        "line 10",
        "line 12, reply 1",
        "line 12, reply 2",
    ]
    reasons = dict(parsed.warnings)
    assert reasons["line 8"].startswith("invalid JSON")
    assert reasons["line 9"] == 'expected {"type": T, T: {...}}'
    assert reasons["line 10"] == 'no usable "create_at"'
    assert reasons["line 12, reply 1"] == 'no usable "create_at"'


def test_nothing_readable_is_an_error(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "e.jsonl", '{"type": "post", "post": ', "garbage")
    with pytest.raises(InputError, match="invalid JSON") as caught:
        parse(mattermost.SOURCE, path)
    assert caught.value.where == "line 2, column 1"  # not JSONL: read as one document
    path = jsonl(tmp_path / "e.jsonl", '{"unrelated": 1}', "garbage")
    with pytest.raises(InputError, match="invalid JSON") as caught:
        parse(mattermost.SOURCE, path)
    assert caught.value.where == "line 2"  # JSONL with no usable line at all


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "e.jsonl", *HEAD, post("ann", "z" * FIFTY_MB, T0))
    (message,) = parse(mattermost.SOURCE, path).messages
    assert len(message.text) == FIFTY_MB


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(nested_json(5000))
    with pytest.raises(InputError, match="JSON nested deeper than 1024 levels"):
        parse(mattermost.SOURCE, path)
    path.write_bytes(b'{"type": "post", "post": ' + nested_json(5000) + b"}\n")
    with pytest.raises(InputError, match="JSON nested deeper than 1024 levels"):
        parse(mattermost.SOURCE, path)


# -- overlapping exports ---------------------------------------------------------------------


def test_overlapping_exports_store_the_union_once(tmp_path: Path) -> None:
    """The sample's thread cut into two exports sharing the root and one reply."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    replies = data["post"]["replies"]
    for name, part in (("a.jsonl", replies[:2]), ("b.jsonl", replies[1:])):
        jsonl(tmp_path / name, json.dumps({"type": "post", "post": {**data["post"], "replies": part}}))
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, tmp_path / "a.jsonl")
        second = import_file(store, tmp_path / "b.jsonl")
        assert (first.new, second.new) == (3, 1)
        assert store.count() == 4
        assert {m.id for m in store.messages()} == {m.id for m in parse(mattermost.SOURCE, SAMPLE).messages}
