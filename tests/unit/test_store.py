"""The message store: idempotent upserts, one transaction per file, deterministic order."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.model import Attachment, Group, Kind, Message, Reaction
from digest.store import _COUNT_WEEKS, Store, open_store, transaction

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


def test_weeks_kept_between_imports_equal_weeks_counted_again(tmp_path: Path) -> None:
    other = Group("telegram", "2", "Other")
    rng = random.Random(5)

    def message(group: Group, i: int, text: str = "hi", reply: str | None = None, at: int = -1) -> Message:
        when = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(hours=7 * (i if at < 0 else at))  # 24 a week
        return Message("telegram", group.id, str(i), when, f"u{i % 3}", "n", text, reply_to=reply)

    def counted(store: Store, group: Group) -> list[tuple[int, ...]]:
        gid = store._gid(group)
        return [tuple(r) for r in store.conn.execute(_COUNT_WEEKS.format(where="gid = ?"), (gid,))]

    def kept(store: Store, group: Group) -> list[tuple[int, ...]]:
        fresh = Store(store.conn).weeks(group)  # a new store object: nothing remembered in memory
        return [(w.number + 20_000, w.count, w.seq, w.said, w.linked) for w in fresh]

    with open_store(tmp_path / "s.sqlite") as store:
        sizes = {GROUP.id: 0, other.id: 0}
        for step in range(14):
            group = rng.choice([GROUP, other])
            n = sizes[group.id]
            if step % 5 == 4 and n:  # an edit: an old message moves to another week, with new text
                i = rng.randrange(n)
                store.add_messages(group, [message(group, i, "edited", str(max(0, i - 1)), at=i + 40)])
            else:  # a day or two of new messages, some replies, some known again
                more = range(n, n + rng.randint(5, 60))
                new = [message(group, i, reply=str(i - 1) if i % 2 else None) for i in more]
                store.add_messages(group, [*new, *(message(group, i) for i in range(max(0, n - 3), n))])
                sizes[group.id] = n + len(new)
            for g in (GROUP, other):
                assert kept(store, g) == counted(store, g), step
        gid = store._gid(GROUP)
        revision = store.conn.execute("SELECT revision FROM groups WHERE gid = ?", (gid,)).fetchone()[0]
        store.add_messages(GROUP, [message(GROUP, 500 + i) for i in range(30)])  # only new messages
        (after,) = store.conn.execute("SELECT revision FROM weeks_counted WHERE gid = ?", (gid,)).fetchone()
        assert after == revision + 1  # brought up to date by the import itself
        assert kept(store, GROUP) == counted(store, GROUP)

    read_only = sqlite3.connect(f"{(tmp_path / 's.sqlite').resolve().as_uri()}?mode=ro", uri=True)
    with open_store(tmp_path / "s.sqlite") as store:
        store.add_messages(GROUP, [message(GROUP, 3, "edited again")])  # kept weeks forgotten
        assert counted(store, GROUP) == kept(Store(read_only), GROUP)  # counted, not kept
        assert (
            store.conn.execute("SELECT count(*) FROM weeks_counted WHERE gid = ?", (gid,)).fetchone()[0] == 0
        )
    read_only.close()
