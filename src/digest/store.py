"""The message store: SQLite under ``.digest/``, a cache rebuilt from ``exports/`` at any time.

Messages are keyed by (platform, group, message id) and upserted, so importing the same
export twice, or two overlapping exports, stores each message once. Each imported file is
remembered by its content hash, so an unchanged export is skipped without being parsed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson

from digest.model import Attachment, Group, Kind, Message, Reaction, member_key

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (platform, id)
);
CREATE TABLE IF NOT EXISTS messages (
    platform TEXT NOT NULL,
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    ts REAL NOT NULL,
    utc_offset INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    reply_to TEXT,
    reactions BLOB,
    attachments BLOB,
    edited REAL,
    forwarded_from TEXT,
    PRIMARY KEY (platform, group_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (platform, group_id, ts);
CREATE TABLE IF NOT EXISTS imports (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    messages INTEGER NOT NULL
);
"""
BATCH = 5000


@dataclass(frozen=True, slots=True)
class ChatStats:
    """What one chat of one import added to the store."""

    group: Group
    parsed: int
    new: int
    members: int
    replies: int

    @property
    def known(self) -> int:
        return self.parsed - self.new


class Store:
    """A thin, typed layer over the SQLite file; open it with :func:`open_store`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- writing ---------------------------------------------------------------------------

    def upsert_group(self, group: Group) -> None:
        self.conn.execute(
            "INSERT INTO groups VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET title = excluded.title",
            (group.platform, group.id, group.title),
        )

    def add_messages(self, group: Group, messages: Iterable[Message]) -> ChatStats:
        """Upsert a stream of messages of one group; a later export's copy wins."""
        self.upsert_group(group)
        before = self.count(group)
        parsed = replies = 0
        authors: set[str] = set()
        batch: list[tuple[object, ...]] = []
        for message in messages:
            parsed += 1
            replies += message.reply_to is not None
            if message.author_id and message.kind is not Kind.SERVICE:
                authors.add(message.author_id)
            batch.append(_row(message))
            if len(batch) >= BATCH:
                self._write(batch)
                batch.clear()
        self._write(batch)
        return ChatStats(group, parsed, self.count(group) - before, len(authors), replies)

    def _write(self, rows: list[tuple[object, ...]]) -> None:
        self.conn.executemany(
            "INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET "
            "ts=excluded.ts, utc_offset=excluded.utc_offset, author_id=excluded.author_id, "
            "author_name=excluded.author_name, text=excluded.text, kind=excluded.kind, "
            "reply_to=excluded.reply_to, reactions=excluded.reactions, "
            "attachments=excluded.attachments, edited=excluded.edited, "
            "forwarded_from=excluded.forwarded_from",
            rows,
        )

    def remember_import(self, sha256: str, path: str, fmt: str, messages: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO imports VALUES (?, ?, ?, ?)", (sha256, path, fmt, messages))

    # -- reading ---------------------------------------------------------------------------

    def is_imported(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def count(self, group: Group | None = None) -> int:
        if group is None:
            return int(self.conn.execute("SELECT count(*) FROM messages").fetchone()[0])
        row = self.conn.execute(
            "SELECT count(*) FROM messages WHERE platform = ? AND group_id = ?",
            (group.platform, group.id),
        ).fetchone()
        return int(row[0])

    def groups(self) -> list[Group]:
        rows = self.conn.execute("SELECT platform, id, title FROM groups ORDER BY platform, id")
        return [Group(*row) for row in rows]

    def messages(self, group: Group | None = None) -> Iterator[Message]:
        """Every message, in (platform, group, time, id) order: deterministic."""
        sql = "SELECT * FROM messages"
        args: tuple[str, ...] = ()
        if group is not None:
            sql += " WHERE platform = ? AND group_id = ?"
            args = (group.platform, group.id)
        sql += " ORDER BY platform, group_id, ts, length(id), id"
        for row in self.conn.execute(sql, args):
            yield _message(row)

    def authors(self) -> Iterator[tuple[str, str]]:
        """Every distinct (member id, display name) pair: the names a member went by."""
        rows = self.conn.execute(
            "SELECT DISTINCT platform, author_id, author_name FROM messages"
            " ORDER BY platform, author_id, author_name"
        )
        for platform, author_id, name in rows:
            yield member_key(str(platform), str(author_id)), str(name)

    def latest_timestamp(self) -> datetime | None:
        row = self.conn.execute("SELECT max(ts) FROM messages").fetchone()
        return datetime.fromtimestamp(row[0], tz=UTC) if row and row[0] is not None else None


@contextmanager
def open_store(path: Path) -> Iterator[Store]:
    """Open (creating if needed) the store; commit on success, roll back on error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            # The store is a cache: an old layout is simply rebuilt from exports/.
            conn.executescript(
                "DROP TABLE IF EXISTS messages; DROP TABLE IF EXISTS groups;DROP TABLE IF EXISTS imports;"
            )
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        yield Store(conn)
    finally:
        conn.close()


@contextmanager
def transaction(store: Store) -> Iterator[Store]:
    """All or nothing: one imported file is one transaction."""
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        yield store
    except BaseException:
        store.conn.execute("ROLLBACK")
        raise
    store.conn.execute("COMMIT")


def _row(m: Message) -> tuple[object, ...]:
    offset = m.timestamp.utcoffset()
    return (
        m.platform,
        m.group_id,
        m.id,
        m.timestamp.timestamp(),
        int(offset.total_seconds()) if offset else 0,
        m.author_id,
        m.author_name,
        m.text,
        m.kind.value,
        m.reply_to,
        orjson.dumps([[r.emoji, r.count, list(r.author_ids)] for r in m.reactions]) if m.reactions else None,
        orjson.dumps([[a.kind, a.name] for a in m.attachments]) if m.attachments else None,
        m.edited.timestamp() if m.edited else None,
        m.forwarded_from,
    )


def _message(row: tuple[object, ...]) -> Message:
    (
        platform,
        group_id,
        msg_id,
        ts,
        offset,
        author_id,
        author_name,
        text,
        kind,
        reply_to,
        reactions,
        attachments,
        edited,
        forwarded,
    ) = row
    tz = timezone(timedelta(seconds=int(offset))) if offset else UTC  # type: ignore[call-overload]
    return Message(
        platform=str(platform),
        group_id=str(group_id),
        id=str(msg_id),
        timestamp=datetime.fromtimestamp(float(ts), tz=tz),  # type: ignore[arg-type]
        author_id=str(author_id),
        author_name=str(author_name),
        text=str(text),
        kind=Kind(str(kind)),
        reply_to=str(reply_to) if reply_to is not None else None,
        reactions=tuple(
            Reaction(e, int(c), tuple(a))
            for e, c, a in orjson.loads(reactions)  # type: ignore[arg-type]
        )
        if reactions
        else (),
        attachments=tuple(
            Attachment(k, n)
            for k, n in orjson.loads(attachments)  # type: ignore[arg-type]
        )
        if attachments
        else (),
        edited=datetime.fromtimestamp(float(edited), tz=tz) if edited is not None else None,  # type: ignore[arg-type]
        forwarded_from=str(forwarded) if forwarded is not None else None,
    )
