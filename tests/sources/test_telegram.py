"""Telegram Desktop JSON (result.json): the samples, a full-account export, bad input."""

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
from digest.sources import REGISTRY, telegram
from digest.store import open_store

RESULT_GROUP = FIXTURES / "telegram" / "result_group.json"
TOPICS = FIXTURES / "telegram" / "supergroup_with_topics.json"
T0 = 1_704_103_200  # 2024-01-01 10:00 UTC


# -- the samples -----------------------------------------------------------------------------


def test_result_group(tmp_path: Path) -> None:
    # Counted by hand from the raw JSON: 45 entries, 24 "message" + 20 "service" + 1
    # "unsupported" (id 45, nothing to import) = 44 messages. Senders/actors: user777000,
    # user10001, user10002, and send_payment (id 41) with no actor at all (author ""). One
    # reply_to_message_id (26 -> 7). Reactions on id 33.
    parsed = parse(telegram.SOURCE, RESULT_GROUP)
    assert [(g.id, g.title) for g in parsed.groups] == [("20001", "Team Chat")]
    assert len(parsed.messages) == 44
    assert parsed.members == {"user777000", "user10001", "user10002", ""}
    assert parsed.people == {"user777000", "user10001", "user10002"}  # the store's member count
    assert parsed.replies == 1
    assert parsed.warnings == ()
    got = parsed.by_id()
    assert got["26"].reply_to == "7"
    assert got["33"].reactions == (Reaction("👍", 5, ("user777000", "user10001")),)
    assert got["25"].forwarded_from == "Public Channel"
    assert got["5"].kind == Kind.JOIN
    assert got["13"].kind == Kind.SERVICE
    assert (got["41"].author_id, got["41"].kind) == ("", Kind.SERVICE)
    assert got["36"].attachments == (Attachment("location", "Office"),)
    stats = store_stats(telegram.SOURCE, RESULT_GROUP, tmp_path / "s.sqlite")
    assert [(s.parsed, s.new, s.members, s.replies) for s in stats] == [(44, 44, 3, 1)]


def test_supergroup_with_topics(tmp_path: Path) -> None:
    # Counted by hand from the raw JSON: 7 entries (4 message, 3 service), authors user100
    # (create_group and both topic_created), user200, user300, user400; reply_to_message_id
    # on ids 3, 5 and 6 (the topic links).
    parsed = parse(telegram.SOURCE, TOPICS)
    assert [(g.id, g.title) for g in parsed.groups] == [("987654321", "Test Group")]
    assert len(parsed.messages) == 7
    assert parsed.members == {"user100", "user200", "user300", "user400"}
    assert parsed.people == {"user200", "user300", "user400"}  # user100 only has service lines
    assert parsed.replies == 3
    assert {m.id: m.reply_to for m in parsed.messages if m.reply_to} == {"3": "2", "5": "4", "6": "4"}
    stats = store_stats(telegram.SOURCE, TOPICS, tmp_path / "s.sqlite")
    assert [(s.parsed, s.members, s.replies) for s in stats] == [(7, 3, 3)]


def test_personal_chat_sample(samples: Path, tmp_path: Path) -> None:
    # AGPL-3.0: read in place. Counted by hand from the raw JSON: 8 entries (6 message, 2
    # service: joined_telegram, phone_call), from/actor ids user700000000 and user300000000,
    # no reply_to_message_id. Old entries have only "date", new ones only "date_unixtime".
    path = samples / "telegram_json" / "DM_2A_7M.json"
    parsed = parse(telegram.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [("700000000", "Bob")]
    assert len(parsed.messages) == 8
    assert parsed.members == parsed.people == {"user700000000", "user300000000"}
    assert parsed.replies == 0
    got = parsed.by_id()
    assert got["3644"].text == "https://google.com 👀"  # an entity list
    assert got["2675"].timestamp == datetime(2019, 7, 5, 16, 55, 32, tzinfo=UTC)  # "date" only
    assert [m.kind for m in parsed.messages].count(Kind.SERVICE) == 2
    stats = store_stats(telegram.SOURCE, path, tmp_path / "s.sqlite")
    assert [(s.parsed, s.members, s.replies) for s in stats] == [(8, 2, 0)]


# -- a synthesized full-account export -------------------------------------------------------


def tmsg(mid: int, sender: str, text: Any, minute: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "type": "message",
        "date": datetime.fromtimestamp(T0 + 60 * minute, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(T0 + 60 * minute),
        "from": sender,
        "from_id": f"user{sender.lower()}",
        "text": text,
        **extra,
    }


def tservice(mid: int, actor: str, action: str, minute: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "type": "service",
        "date_unixtime": str(T0 + 60 * minute),
        "actor": actor,
        "actor_id": f"user{actor.lower()}",
        "action": action,
        "text": "",
        **extra,
    }


ENTITIES = [
    "See ",
    {"type": "text_link", "text": "the docs", "href": "https://docs.python.org"},
    " and ask ",
    {"type": "mention", "text": "@bob"},
    {"type": "bold", "text": "!"},
]
FULL_ACCOUNT = {
    "about": "Here is the data you requested.",
    "personal_information": {"user_id": 1, "first_name": "Ann"},
    "chats": {
        "about": "This page lists all chats from this export.",
        "list": [
            {
                "name": "Python Study",
                "type": "private_supergroup",
                "id": 1001,
                "messages": [
                    tservice(1, "Ann", "join_group_by_link", 0, inviter="Group"),
                    tmsg(2, "Ann", ENTITIES, 1, text_entities=[{"type": "plain", "text": "See "}]),
                    tmsg(
                        3,
                        "Bob",
                        "Thanks, that helped",
                        2,
                        reply_to_message_id=2,
                        edited="2024-01-01T10:05:00",
                        edited_unixtime=str(T0 + 300),
                        reactions=[
                            {
                                "type": "emoji",
                                "count": 2,
                                "emoji": "🔥",
                                "recent": [
                                    {"from": "Ann", "from_id": "userann", "date": "2024-01-01T10:06:00"}
                                ],
                            }
                        ],
                    ),
                    tmsg(
                        4,
                        "Bob",
                        "",
                        3,
                        forwarded_from="Python News",
                        photo="photos/photo_1.jpg",
                        width=1,
                        height=1,
                    ),
                    tservice(5, "Bob", "pin_message", 4, message_id=2),
                ],
            },
            {
                "name": "Bob",
                "type": "personal_chat",
                "id": 2002,
                "messages": [
                    tmsg(1, "Ann", "hi", 10),
                    tmsg(
                        2,
                        "Bob",
                        "",
                        11,
                        file="files/notes.pdf",
                        file_name="notes.pdf",
                        mime_type="application/pdf",
                    ),
                ],
            },
        ],
    },
    "left_chats": {
        "about": "This page lists all supergroups and channels from this export that you've left.",
        "list": [
            {"name": "Old Group", "type": "private_group", "id": 3003, "messages": [tmsg(7, "Cy", "bye", 20)]}
        ],
    },
}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_full_account_export(tmp_path: Path) -> None:
    path = write(tmp_path / "result.json", FULL_ACCOUNT)
    assert REGISTRY.detect(path).name == "telegram"
    parsed = parse(telegram.SOURCE, path)
    assert [(g.id, g.title) for g in parsed.groups] == [
        ("1001", "Python Study"),
        ("2002", "Bob"),
        ("3003", "Old Group"),
    ]
    assert parsed.warnings == ()
    study = {m.id: m for m in parsed.of("1001")}
    assert (study["1"].kind, study["1"].author_id) == (Kind.JOIN, "userann")
    assert study["2"].text == "See the docs (https://docs.python.org) and ask @bob!"
    answer = study["3"]
    assert answer.reply_to == "2"
    assert answer.edited == datetime(2024, 1, 1, 10, 5, tzinfo=UTC)
    assert answer.reactions == (Reaction("🔥", 2, ("userann",)),)
    forwarded = study["4"]
    assert (forwarded.kind, forwarded.forwarded_from, forwarded.attachments) == (
        Kind.MEDIA,
        "Python News",
        (Attachment("photo", "photo_1.jpg"),),
    )
    assert study["5"].kind == Kind.SERVICE
    (_, pdf) = parsed.of("2002")
    assert (pdf.kind, pdf.attachments) == (Kind.MEDIA, (Attachment("file", "notes.pdf"),))
    assert [m.text for m in parsed.of("3003")] == ["bye"]
    assert parsed.members == {"userann", "userbob", "usercy"}


def test_overlapping_exports_store_the_union_once(tmp_path: Path) -> None:
    """result_group.json cut into entries 1-30 and 20-45, imported one after the other."""
    data = json.loads(RESULT_GROUP.read_text(encoding="utf-8"))
    entries = data["messages"]
    write(tmp_path / "a.json", {**data, "messages": entries[:30]})
    write(tmp_path / "b.json", {**data, "messages": entries[19:]})
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_file(store, tmp_path / "a.json")
        second = import_file(store, tmp_path / "b.json")
        assert (first.new, second.new) == (30, 14)
        assert store.count() == 44
        assert {m.id for m in store.messages()} == {
            m.id for m in parse(telegram.SOURCE, RESULT_GROUP).messages
        }


# -- bad input -------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        parse(telegram.SOURCE, tmp_path / "result.json")


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(RESULT_GROUP.read_bytes()[:5000])
    with pytest.raises(InputError, match="invalid JSON"):
        parse(telegram.SOURCE, path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    chat = {"name": "Zoë", "type": "private_group", "id": 1, "messages": [tmsg(1, "Ann", "hi")]}
    path.write_bytes(json.dumps(chat, ensure_ascii=False).encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        parse(telegram.SOURCE, path)


def test_bad_records_are_skipped_with_warnings(tmp_path: Path) -> None:
    bad_date = {**tmsg(3, "Ann", "x"), "date": "soon"}
    del bad_date["date_unixtime"]
    chat = {
        "name": "G",
        "type": "private_group",
        "id": 1,
        "messages": [
            tmsg(1, "Ann", "ok"),
            "junk",
            bad_date,
            {"type": "message", "text": "no id"},
            tmsg(5, "Bob", "ok"),
        ],
    }
    parsed = parse(telegram.SOURCE, write(tmp_path / "result.json", chat))
    assert [m.id for m in parsed.messages] == ["1", "5"]
    assert [w for w, _ in parsed.warnings] == ["record 1", "message 3", "message ?"]


def test_fifty_megabyte_message(tmp_path: Path) -> None:
    chat = {"name": "G", "type": "private_group", "id": 1, "messages": [tmsg(1, "Ann", "q" * FIFTY_MB)]}
    (message,) = parse(telegram.SOURCE, write(tmp_path / "result.json", chat)).messages
    assert len(message.text) == FIFTY_MB


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(
        b'{"name": "G", "type": "private_group", "id": 1, "messages": ' + nested_json(5000) + b"}"
    )
    with pytest.raises(InputError, match=r"nested deeper|depth limit"):
        parse(telegram.SOURCE, path)
