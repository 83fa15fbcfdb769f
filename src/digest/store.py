"""The message store: SQLite under ``.digest/``, a cache rebuilt from ``exports/`` at any time.

Messages are keyed by (platform, group, message id) and upserted, so importing the same
export twice, or two overlapping exports, stores each message once. Each imported file is
remembered by its content hash (and its size and modification time, so an untouched file is
skipped without even being read). Each group has a ``revision`` that grows whenever an import
adds or changes one of its messages: distillation caches its results per group and revision.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson

from digest.model import Attachment, Group, Kind, Message, Reaction, member_key

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS groups (
    gid INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, id)
);
CREATE TABLE IF NOT EXISTS messages (
    gid INTEGER NOT NULL,
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
    UNIQUE (gid, id)
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (gid, ts);
CREATE TABLE IF NOT EXISTS authors (
    platform TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    PRIMARY KEY (platform, author_id, author_name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imports (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    messages INTEGER NOT NULL,
    size INTEGER,
    mtime_ns INTEGER
);
"""
BATCH = 5000
_UPDATED = (
    *("ts", "utc_offset", "author_id", "author_name", "text", "kind", "reply_to"),
    *("reactions", "attachments", "edited", "forwarded_from"),
)
_COLUMNS = ", ".join(("id", *_UPDATED))
_UPSERT = (
    f"INSERT INTO messages (gid, {_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c}=excluded.{c}" for c in _UPDATED)
    # only a real change counts (and bumps the group's revision): re-importing is not one
    + " WHERE "
    + " OR ".join(f"excluded.{c} IS NOT {c}" for c in _UPDATED)
)


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

    def upsert_group(self, group: Group) -> int:
        """Record the group (a new title wins) and return its row number."""
        self.conn.execute(
            "INSERT INTO groups (platform, id, title) VALUES (?, ?, ?) "
            "ON CONFLICT DO UPDATE SET title = excluded.title WHERE title IS NOT excluded.title",
            (group.platform, group.id, group.title),
        )
        return self._gid(group)

    def _gid(self, group: Group) -> int:
        row = self.conn.execute(
            "SELECT gid FROM groups WHERE platform = ? AND id = ?", (group.platform, group.id)
        ).fetchone()
        return int(row[0]) if row else -1

    def add_messages(self, group: Group, messages: Iterable[Message]) -> ChatStats:
        """Upsert a stream of messages of one group; a later export's copy wins.

        Rows are written by a second thread while this one reads the export: SQLite releases
        the interpreter lock while it works, so parsing and writing overlap.
        """
        gid = self.upsert_group(group)
        before = self.count(group)
        changes = self.conn.total_changes
        parsed = replies = 0
        authors: set[str] = set()
        names: set[tuple[str, str]] = set()
        writer = _Writer(self.conn)
        batch: list[tuple[object, ...]] = []
        try:
            for message in messages:
                parsed += 1
                if message.reply_to is not None:
                    replies += 1
                names.add((message.author_id, message.author_name))
                if message.author_id and message.kind is not Kind.SERVICE:
                    authors.add(message.author_id)
                batch.append(_row(gid, message))
                if len(batch) >= BATCH:
                    writer.put(batch)
                    batch = []
            writer.put(batch)
        finally:
            writer.close()
        if self.conn.total_changes != changes:
            self.conn.execute("UPDATE groups SET revision = revision + 1 WHERE gid = ?", (gid,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO authors VALUES (?, ?, ?)", ((group.platform, a, n) for a, n in names)
        )
        return ChatStats(group, parsed, self.count(group) - before, len(authors), replies)

    def remember_import(
        self,
        sha256: str,
        path: str,
        fmt: str,
        messages: int,
        size: int | None = None,
        mtime_ns: int | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO imports VALUES (?, ?, ?, ?, ?, ?)",
            (sha256, path, fmt, messages, size, mtime_ns),
        )

    # -- reading ---------------------------------------------------------------------------

    def is_imported(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def is_unchanged(self, path: str, size: int, mtime_ns: int) -> bool:
        """Was this very file (same path, size and modification time) imported already?"""
        row = self.conn.execute(
            "SELECT 1 FROM imports WHERE path = ? AND size = ? AND mtime_ns = ?", (path, size, mtime_ns)
        ).fetchone()
        return row is not None

    def count(self, group: Group | None = None) -> int:
        if group is None:
            return int(self.conn.execute("SELECT count(*) FROM messages").fetchone()[0])
        row = self.conn.execute(
            "SELECT count(*) FROM messages WHERE gid = ?",
            (self._gid(group),),
        ).fetchone()
        return int(row[0])

    def groups(self) -> list[Group]:
        rows = self.conn.execute("SELECT platform, id, title FROM groups ORDER BY platform, id")
        return [Group(*row) for row in rows]

    def revision(self, group: Group) -> str:
        """A token that changes whenever the group's messages do (and only then, or when the
        store is rebuilt): what per-group caches are keyed by."""
        row = self.conn.execute(
            "SELECT revision FROM groups WHERE platform = ? AND id = ?", (group.platform, group.id)
        ).fetchone()
        return f"{self.identity()}/{row[0] if row else 0}"

    def identity(self) -> str:
        """A random id given to this store file when it was created."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
        return str(row[0]) if row else ""

    def messages(self, group: Group | None = None) -> Iterator[Message]:
        """Every message, in (platform, group, time, id) order: deterministic."""
        for each in self.groups() if group is None else [group]:
            gid = self._gid(each)
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE gid = ? ORDER BY ts, length(id), id", (gid,)
            )
            for row in rows:
                yield _message(each, row)

    def authors(self) -> Iterator[tuple[str, str]]:
        """Every distinct (member id, display name) pair: the names a member went by."""
        rows = self.conn.execute(
            "SELECT platform, author_id, author_name FROM authors ORDER BY platform, author_id, author_name"
        )
        for platform, author_id, name in rows:
            yield member_key(str(platform), str(author_id)), str(name)

    def latest_timestamp(self) -> datetime | None:
        row = self.conn.execute("SELECT max(ts) FROM messages").fetchone()
        return datetime.fromtimestamp(row[0], tz=UTC) if row and row[0] is not None else None


class _Writer:
    """A thread that writes batches of rows while the caller prepares the next ones."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._queue: queue.Queue[list[tuple[object, ...]] | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="digest-store-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (rows := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._conn.executemany(_UPSERT, rows)
                except BaseException as exc:  # handed to the caller in close()
                    self._error = exc

    def put(self, rows: list[tuple[object, ...]]) -> None:
        if self._error is not None:
            raise self._error
        if rows:
            self._queue.put(rows)

    def close(self) -> None:
        """Wait for every batch to be written; raise what the writer met."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


@contextmanager
def open_store(path: Path) -> Iterator[Store]:
    """Open (creating if needed) the store; commit on success, roll back on error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages: the indexes stay in memory
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            # The store is a cache: an old layout is simply rebuilt from exports/.
            conn.executescript(
                "DROP TABLE IF EXISTS messages; DROP TABLE IF EXISTS groups; DROP TABLE IF EXISTS imports;"
                "DROP TABLE IF EXISTS authors; DROP TABLE IF EXISTS meta;"
            )
        conn.executescript(SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('identity', ?)", (uuid.uuid4().hex,))
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


def _row(gid: int, m: Message) -> tuple[object, ...]:
    offset = m.timestamp.utcoffset()
    return (
        gid,
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


_ZONES: dict[int, timezone] = {0: UTC}


def _zone(offset: int) -> timezone:
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(timedelta(seconds=offset))
    return zone


def _message(group: Group, row: tuple[object, ...]) -> Message:
    (
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
    tz = _zone(int(offset))  # type: ignore[call-overload]
    return Message(
        platform=group.platform,
        group_id=group.id,
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
