"""The message store: idempotent upserts, one transaction per file, deterministic order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.model import Attachment, Group, Kind, Message, Reaction
from digest.store import open_store, transaction

GROUP = Group("telegram", "1", "Group")


def msg(i: int, text: str = "hi", **kw: object) -> Message:
    base = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=i)
    return Message("telegram", "1", str(i), base, f"u{i % 3}", f"name{i % 3}", text, **kw)  # type: ignore[arg-type]


def test_same_messages_twice_are_stored_once(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        first = store.add_messages(GROUP, [msg(i) for i in range(10)])
        second = store.add_messages(GROUP, [msg(i) for i in range(5, 15)])
        assert (first.new, first.known) == (10, 0)
        assert (second.new, second.known) == (5, 5)
        assert store.count() == 15


def test_later_copy_wins(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(GROUP, [msg(1, "before")])
        store.add_messages(GROUP, [msg(1, "after (edited)")])
        assert [m.text for m in store.messages()] == ["after (edited)"]


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    tz = timezone(timedelta(hours=8))
    original = Message(
        "telegram",
        "1",
        "7",
        datetime(2026, 9, 1, 18, 0, tzinfo=tz),
        "u1",
        "小王",
        "问题？",
        kind=Kind.MEDIA,
        reply_to="3",
        reactions=(Reaction("👍", 2, ("u2", "u3")),),
        attachments=(Attachment("photo", "a.jpg"),),
        edited=datetime(2026, 9, 1, 18, 5, tzinfo=tz),
        forwarded_from="Channel",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(GROUP, [original])
        (back,) = store.messages()
    assert back == original
    assert back.timestamp.utcoffset() == timedelta(hours=8)


def test_failed_import_leaves_nothing(tmp_path: Path) -> None:
    def broken():  # type: ignore[no-untyped-def]
        yield msg(1)
        raise RuntimeError("truncated")

    with open_store(tmp_path / "s.sqlite") as store:
        with pytest.raises(RuntimeError), transaction(store):
            store.add_messages(GROUP, broken())
        assert store.count() == 0
        assert store.groups() == []


def test_messages_come_in_time_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(GROUP, [msg(i) for i in (5, 1, 12, 3)])
        assert [m.id for m in store.messages()] == ["1", "3", "5", "12"]
