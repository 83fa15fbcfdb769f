"""The message store: SQLite under ``.digest/``, a cache rebuilt from ``exports/`` at any time.

Messages are keyed by (platform, group, message id) and upserted, so importing the same
export twice, or two overlapping exports, stores each message once. Each imported file is
remembered by its content hash (and its size and modification time, so an untouched file is
skipped without even being read). Each group has a ``revision`` that grows whenever an import
adds or changes one of its messages: distillation caches its results per group and revision.
Each message keeps the revision that last changed it (``seq``), so a week of a group is known
unchanged from its count and newest ``seq`` alone (:meth:`Store.weeks`).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from sys import intern
from typing import Any

import orjson

from digest.model import Attachment, Group, Kind, Message, Reaction, member_key
from digest.sources.base import Resume

SCHEMA_VERSION = 5
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
    body BLOB NOT NULL,
    flags INTEGER NOT NULL,  -- SAID | LINKED: what tells a chat with reply links from one without
    seq INTEGER NOT NULL,  -- the group's revision that last added or changed the message
    UNIQUE (gid, id)
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (gid, ts);
CREATE TABLE IF NOT EXISTS weeks (  -- Store.weeks, kept: counted once, then as imports add
    gid INTEGER NOT NULL,
    week INTEGER NOT NULL,
    count INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    said INTEGER NOT NULL,
    linked INTEGER NOT NULL,
    PRIMARY KEY (gid, week)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS weeks_counted (  -- the group's revision its weeks hold for
    gid INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL
);
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
    mtime_ns INTEGER,
    resume_offset INTEGER,  -- where the next export of the same chat may be read on from
    resume_sha TEXT,
    resume_state TEXT
);
"""
BATCH = 5000
Row = tuple[str, float, bytes, int]
"""A message as stored (without its group): id, time, the rest as one JSON array (one value to
bind instead of eleven is what makes writing fast), and its flags."""
SAID = 1
"""Flag of a text or media message."""
LINKED = 2
"""Flag of a text or media message that carries a reply link."""
WEEK_SECONDS = 604_800
_WEEKS_BEFORE = 20_000
"""Weeks are counted from Monday 1970-01-05 00:00 UTC; SQLite's integer cast truncates, so
times are shifted by this many weeks to keep them positive (any time after the year 1590)."""
_SHIFT = _WEEKS_BEFORE * WEEK_SECONDS - 345_600
_COUNT_WEEKS = (
    f"SELECT CAST((ts + {_SHIFT}) / {WEEK_SECONDS} AS INTEGER) AS week, count(*), max(seq), "
    "sum(flags & 1), sum((flags >> 1) & 1) FROM messages WHERE {where} GROUP BY week ORDER BY week"
)
"""Each week's count, newest ``seq``, messages that said something and those with a reply link."""
_ADD_WEEK = (
    "INSERT INTO weeks VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count, "
    "seq = max(seq, excluded.seq), said = said + excluded.said, linked = linked + excluded.linked"
)
_UPSERT = (
    "INSERT INTO messages (gid, id, ts, body, flags, seq) VALUES ({gid}, ?, ?, ?, ?, {seq}) "
    "ON CONFLICT DO UPDATE SET ts = excluded.ts, body = excluded.body, flags = excluded.flags, "
    "seq = excluded.seq "
    # only a real change counts (and bumps the group's revision): re-importing is not one
    "WHERE excluded.ts IS NOT ts OR excluded.body IS NOT body"
)


@dataclass(slots=True)
class Tally:
    """What the rows of one chat hold, counted where they are made (perhaps another process)."""

    parsed: int = 0
    replies: int = 0
    authors: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)

    def row(self, m: Message) -> Row:
        """The store's row of ``m``, counted."""
        self.parsed += 1
        if m.reply_to is not None:
            self.replies += 1
        self.names.add((m.author_id, m.author_name))
        if m.author_id and m.kind is not Kind.SERVICE:
            self.authors.add(m.author_id)
        return message_row(m)

    def merge(self, other: Tally) -> None:
        self.parsed += other.parsed
        self.replies += other.replies
        self.authors |= other.authors
        self.names |= other.names


@dataclass(frozen=True, slots=True)
class Week:
    """One week of a group's messages, as the store counts them."""

    number: int  # weeks since Monday 1970-01-05 (UTC)
    count: int
    seq: int  # the newest revision among its messages: the week changed when this or count did
    said: int  # text and media messages
    linked: int  # of those, the ones with a reply link

    @property
    def start(self) -> float:
        return self.number * WEEK_SECONDS + 345_600.0

    @property
    def end(self) -> float:
        return self.start + WEEK_SECONDS


def week_number(ts: float) -> int:
    """The week of a time (seconds since 1970, UTC), as :meth:`Store.weeks` numbers them."""
    return int((ts + _SHIFT) // WEEK_SECONDS) - _WEEKS_BEFORE


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
        self._weeks: dict[tuple[int, int], list[Week]] = {}  # by group and revision

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
        """Upsert a stream of messages of one group; a later export's copy wins."""
        tally = Tally()
        return self.add_rows(group, map(tally.row, messages), tally)

    def add_rows(self, group: Group, rows: Iterable[Row], tally: Tally) -> ChatStats:
        """Upsert rows of one group, batch by batch; ``tally`` counts them as they are read."""
        gid = self.upsert_group(group)
        before = self.count(group)
        (last,) = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM messages").fetchone()
        changes = self.conn.total_changes
        (revision,) = self.conn.execute("SELECT revision + 1 FROM groups WHERE gid = ?", (gid,)).fetchone()
        upsert = _UPSERT.format(gid=int(gid), seq=int(revision))  # our own integers
        for batch in batched(rows, BATCH):
            self.conn.executemany(upsert, batch)
        changed = self.conn.total_changes - changes
        added = self.count(group) - before
        if changed:
            self._count_new_weeks(gid, revision, last, only_added=changed == added)
            self.conn.execute("UPDATE groups SET revision = ? WHERE gid = ?", (revision, gid))
        self.conn.executemany(
            "INSERT OR IGNORE INTO authors VALUES (?, ?, ?)",
            ((group.platform, a, n) for a, n in sorted(tally.names)),
        )
        return ChatStats(group, tally.parsed, added, len(tally.authors), tally.replies)

    def remember_import(
        self,
        sha256: str,
        path: str,
        fmt: str,
        messages: int,
        size: int | None = None,
        mtime_ns: int | None = None,
        resume: Resume | None = None,
    ) -> None:
        point = (resume.offset, resume.sha, resume.state) if resume is not None else (None, None, None)
        self.conn.execute(
            "INSERT OR REPLACE INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha256, path, fmt, messages, size, mtime_ns, *point),
        )

    def resume_point(self, path: str, fmt: str) -> Resume | None:
        """Where the export last imported from ``path`` (in format ``fmt``) may be read on from."""
        row = self.conn.execute(
            "SELECT resume_offset, resume_sha, resume_state FROM imports WHERE path = ? AND format = ? "
            "ORDER BY rowid DESC LIMIT 1",
            (path, fmt),
        ).fetchone()
        return Resume(int(row[0]), str(row[1]), str(row[2])) if row and row[0] is not None else None

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
                "SELECT id, ts, body FROM messages WHERE gid = ? ORDER BY ts, length(id), id", (gid,)
            )
            for row in rows:
                yield _message(each, row)

    def weeks(self, group: Group) -> list[Week]:
        """The group's messages week by week (Monday to Monday, UTC), oldest first: how many,
        the newest ``seq`` among them, and how many said something and carried a reply link.

        Counted over the group's messages once, then kept (table ``weeks``) and brought up to
        date by each import that only adds messages, from the rows it added."""
        row = self.conn.execute(
            "SELECT gid, revision FROM groups WHERE platform = ? AND id = ?", (group.platform, group.id)
        ).fetchone()
        if row is None:
            return []
        known = self._weeks.get(row)
        if known is None:
            gid, revision = row
            counted = self.conn.execute("SELECT revision FROM weeks_counted WHERE gid = ?", (gid,)).fetchone()
            if counted is not None and counted[0] == revision:
                rows = self.conn.execute(
                    "SELECT week, count, seq, said, linked FROM weeks WHERE gid = ? ORDER BY week", (gid,)
                ).fetchall()
            else:
                rows = self.conn.execute(_COUNT_WEEKS.format(where="gid = ?"), (gid,)).fetchall()
                self._keep_weeks(gid, revision, rows)
            known = [Week(int(w) - _WEEKS_BEFORE, n, seq, said, linked) for w, n, seq, said, linked in rows]
            self._weeks[row] = known
        return list(known)

    def _keep_weeks(self, gid: int, revision: int, rows: list[Any]) -> None:
        """Keep the weeks just counted (not where the store is open read-only, or busy)."""
        try:
            with self._savepoint():
                self.conn.execute("DELETE FROM weeks WHERE gid = ?", (gid,))
                self.conn.executemany(
                    "INSERT INTO weeks VALUES (?, ?, ?, ?, ?, ?)", ((gid, *r) for r in rows)
                )
                self.conn.execute("INSERT OR REPLACE INTO weeks_counted VALUES (?, ?)", (gid, revision))
        except sqlite3.OperationalError:
            pass

    def _count_new_weeks(self, gid: int, revision: int, last: int, only_added: bool) -> None:
        """After an import into the group: its kept weeks, brought up to ``revision`` from the
        rows after rowid ``last`` if the import ``only_added`` messages (it changed none), else
        forgotten (counted again when next asked for)."""
        counted = self.conn.execute("SELECT revision FROM weeks_counted WHERE gid = ?", (gid,)).fetchone()
        if counted is None:
            return
        if not only_added or counted[0] != revision - 1:
            self.conn.execute("DELETE FROM weeks_counted WHERE gid = ?", (gid,))
            return
        # the rows this import added, and only those: by rowid (``+gid``: not by the group's index)
        rows = self.conn.execute(_COUNT_WEEKS.format(where="rowid > ? AND +gid = ?"), (last, gid))
        self.conn.executemany(_ADD_WEEK, ((gid, *r) for r in rows.fetchall()))
        self.conn.execute("UPDATE weeks_counted SET revision = ? WHERE gid = ?", (revision, gid))

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self.conn.execute("SAVEPOINT weeks")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO weeks")
            self.conn.execute("RELEASE weeks")
            raise
        self.conn.execute("RELEASE weeks")

    def messages_between(self, group: Group, start: float, end: float) -> list[tuple[Message, int]]:
        """The group's messages with ``start <= ts < end``, in order, each with its ``seq``."""
        rows = self.conn.execute(
            "SELECT id, ts, body, seq FROM messages WHERE gid = ? AND ts >= ? AND ts < ? "
            "ORDER BY ts, length(id), id",
            (self._gid(group), start, end),
        )
        return [(_message(group, row[:3]), row[3]) for row in rows]

    def messages_before(self, group: Group, end: float, limit: int) -> list[Message]:
        """The last ``limit`` messages of the group before ``end``, in order."""
        rows = self.conn.execute(
            "SELECT id, ts, body FROM messages WHERE gid = ? AND ts < ? "
            "ORDER BY ts DESC, length(id) DESC, id DESC LIMIT ?",
            (self._gid(group), end, limit),
        ).fetchall()
        return [_message(group, row) for row in reversed(rows)]

    def messages_by_id(self, group: Group, ids: Iterable[str]) -> dict[str, tuple[Message, int]]:
        """The group's messages of these ids that exist, each with its ``seq``."""
        rows = self._by_ids(group, ids, "id, ts, body, seq")
        return {row[0]: (_message(group, row[:3]), row[3]) for row in rows}

    def times_by_id(self, group: Group, ids: Iterable[str]) -> dict[str, float]:
        """The times of the group's messages of these ids that exist."""
        return dict(self._by_ids(group, ids, "id, ts"))

    def _by_ids(self, group: Group, ids: Iterable[str], columns: str) -> Iterator[Any]:
        gid = self._gid(group)
        wanted = sorted(set(ids))
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.conn.execute(
                f"SELECT {columns} FROM messages WHERE gid = ? AND id IN ({marks})", (gid, *chunk)
            )

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
                "DROP TABLE IF EXISTS authors; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS weeks;"
                "DROP TABLE IF EXISTS weeks_counted;"
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


def message_row(m: Message) -> Row:
    """A message as the store's row (without its group): what an import sends to SQLite."""
    offset = m.timestamp.utcoffset()
    body = (
        int(offset.total_seconds()) if offset else 0,
        m.author_id,
        m.author_name,
        m.text,
        m.kind.value,
        m.reply_to,
        [[r.emoji, r.count, list(r.author_ids)] for r in m.reactions] if m.reactions else None,
        [[a.kind, a.name] for a in m.attachments] if m.attachments else None,
        m.edited.timestamp() if m.edited else None,
        m.forwarded_from,
    )
    return m.id, m.timestamp.timestamp(), orjson.dumps(body), flags(m)


def flags(m: Message) -> int:
    """``SAID`` for a text or media message, with ``LINKED`` when it carries a reply link."""
    if m.kind is not Kind.TEXT and m.kind is not Kind.MEDIA:
        return 0
    return SAID | LINKED if m.reply_to is not None else SAID


def batched(items: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """Lists of up to ``size`` items, in order."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


_ZONES: dict[int, timezone] = {0: UTC}


def _zone(offset: int) -> timezone:
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(timedelta(seconds=offset))
    return zone


def _message(group: Group, row: tuple[Any, ...]) -> Message:
    msg_id, ts, body = row
    offset, author_id, author_name, text, kind, reply_to, reactions, attachments, edited, forwarded = (
        orjson.loads(body)
    )
    tz = _zone(offset)
    return Message(
        platform=group.platform,
        group_id=group.id,
        id=msg_id,
        timestamp=datetime.fromtimestamp(ts, tz=tz),
        author_id=intern(author_id),  # one string per member, not one per message
        author_name=intern(author_name),
        text=text,
        kind=Kind(kind),
        reply_to=reply_to,
        reactions=tuple(Reaction(e, c, tuple(a)) for e, c, a in reactions) if reactions else (),
        attachments=tuple(Attachment(k, n) for k, n in attachments) if attachments else (),
        edited=datetime.fromtimestamp(edited, tz=tz) if edited is not None else None,
        forwarded_from=forwarded,
    )
