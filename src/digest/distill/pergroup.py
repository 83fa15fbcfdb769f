"""Distillation one group at a time, cached per group, merged into one ``Knowledge``.

Only one group's messages are held at once (two with two worker processes): what a group
contributes to the whole (Q&A, contributions, resources, intros, member activity) is a
:class:`GroupPart`, which keeps no message beyond those its Q&A, intros and shares quote.
A part is cached under ``.digest/distill/`` keyed by the group's revision in the store (it
changes whenever an import adds or changes one of the group's messages) and by everything
else distillation reads (:class:`Rules`: settings, consent, pseudonyms, joined identities and
the code of the distill stage itself), so a rebuild with nothing new distills nothing, and
one new day of messages distills only the groups that got messages.

Within a group, each week is distilled and cached on its own (:mod:`digest.distill.weeks`), so
one new day of messages distills the week it falls in, and the earlier weeks whose threads it
answers, not the group's whole history.

Exports with few or no reply links (WhatsApp, Signal, IRC, ...; see
:func:`digest.distill.qa.few_reply_links`) get their replies reconstructed, the links they
have winning (:func:`digest.distill.threads.reconstruct`), week by week, each week with the
``WINDOW`` messages before it as context: the ranker only ever looks that far back.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Protocol, TypeVar

import orjson

from digest import pickling
from digest.distill.identity import credit
from digest.distill.intros import Intro, ProfileRules
from digest.distill.privacy import Guard
from digest.distill.resources import Resource, Share
from digest.distill.weeks import Earlier, Folded, Links, MemorySource, WeekPart, chain_keys, distill_weeks
from digest.memory import collector_paused
from digest.model import QA, Answer, Attachment, Contribution, Group, Message, Reaction
from digest.store import Store, Week
from digest.text import short_hash

CACHE_VERSION = 2
_T = TypeVar("_T")
PARALLEL_MESSAGES = 200_000
"""Distill in one worker process per core when the groups to distill hold more messages."""


@dataclass(slots=True)
class Seen:
    """A member as one group saw them (or several, once merged)."""

    name: str  # the latest display name
    first: datetime
    last: datetime
    groups: list[str] = field(default_factory=list)
    count: int = 0  # text and media messages

    def merge(self, other: Seen) -> None:
        """Fold in what a later group saw (groups are merged in store order)."""
        if other.last >= self.last:
            self.last = other.last
            self.name = other.name or self.name
        self.first = min(self.first, other.first)
        self.groups.extend(g for g in other.groups if g not in self.groups)
        self.count += other.count


class _MemberFacts(Protocol):
    @property
    def first_names(self) -> dict[str, str]: ...
    @property
    def members(self) -> dict[str, Seen]: ...
    @property
    def activity(self) -> dict[str, dict[date, int]]: ...


@dataclass(slots=True)
class MemberTally:
    """Members as several parts (weeks of a group, groups of a community) saw them, folded
    in order: the first name, the merged :class:`Seen` (its ``first``: their arrival), weekly
    activity."""

    first_names: dict[str, str] = field(default_factory=dict)
    members: dict[str, Seen] = field(default_factory=dict)
    activity: dict[str, dict[date, int]] = field(default_factory=dict)

    def fold(self, part: _MemberFacts) -> None:
        for member, name in part.first_names.items():
            self.first_names.setdefault(member, name)
        for member, entry in part.members.items():
            if member in self.members:
                self.members[member].merge(entry)
            else:
                self.members[member] = Seen(
                    entry.name, entry.first, entry.last, list(entry.groups), entry.count
                )
        for member, weeks in part.activity.items():
            totals = self.activity.setdefault(member, {})
            for monday, count in weeks.items():
                totals[monday] = totals.get(monday, 0) + count


@dataclass(frozen=True, slots=True)
class GroupPart:
    """What one group contributes to the community's knowledge; no messages of its own."""

    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]
    contributions: Sequence[Contribution]  # a Deferred: worked out when first read
    resources: Sequence[Resource]  # likewise
    intros: tuple[Intro, ...]  # read with the nickname the member first had in this group
    first_names: dict[str, str]  # member -> the first display name in this group
    members: dict[str, Seen]  # authors of anything but service lines
    activity: dict[str, dict[date, int]]  # member -> Monday -> text and media messages
    message_count: int
    newest: datetime | None
    key: str = ""  # the cache key it was stored under: a digest of its inputs


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything a group's distillation reads besides its messages."""

    tags: Mapping[str, Sequence[str]]
    weights: Mapping[str, int]
    guard: Guard
    identities: Mapping[str, str]
    people: ProfileRules

    def key(self) -> str:
        """A stable digest of these rules and of the distill stage's own code."""
        pseudonyms = self.guard.pseudonyms
        nickname = self.people.nickname
        data = {
            "tags": [[tag, list(words)] for tag, words in self.tags.items()],
            "weights": sorted(self.weights.items()),
            "redact": [list(self.guard.redact.kinds), self.guard.redact.replacement, self.guard.template],
            # which key hashed pseudonyms and redacted ids (a digest of it: never the key itself)
            "key": short_hash("key", length=64, key=self.guard.key) if self.guard.key else "",
            "pseudonyms": [
                sorted(pseudonyms.members.items()),
                sorted(pseudonyms.names.items()),
                sorted(pseudonyms.anywhere),
            ],
            "identities": sorted(self.identities.items()),
            "nickname": [list(nickname.separators), list(nickname.fields)],
            "skills": [[s.label, list(s.synonyms)] for s in self.people.vocabulary],
            "window": self.people.window.total_seconds(),
            "code": _code_digest(),
        }
        return hashlib.sha256(orjson.dumps(data)).hexdigest()


def _code_digest() -> str:
    """A hash of the distill stage's source and reply model: a cache never outlives a change."""
    digest = hashlib.sha256(f"{CACHE_VERSION}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted([*package.glob("*.py"), package.parent / "model.py"]):
        digest.update(path.read_bytes())
    digest.update(resources.files("digest").joinpath("data", "links_model.json").read_bytes())
    return digest.hexdigest()


def distill_part(messages: Sequence[Message], rules: Rules) -> GroupPart:
    """Distill one group's messages (already redacted and credited, in time order)."""
    return distill_weeks(MemorySource(messages), rules, PartCache(None), "")


class StoreSource:
    """One group of the store, as distillation may see it: redacted, pseudonymised, credited."""

    def __init__(self, store: Store, group: Group, rules: Rules) -> None:
        self.store, self.group = store, group
        self.guard, self.identities = rules.guard, rules.identities

    def _seen(self, m: Message) -> Message:
        return credit(self.guard.message(m), self.identities)

    def weeks(self) -> list[Week]:
        return self.store.weeks(self.group)

    def week(self, week: Week) -> list[tuple[Message, int]]:
        return [
            (self._seen(m), seq) for m, seq in self.store.messages_between(self.group, week.start, week.end)
        ]

    def before(self, end: float, limit: int) -> list[Message]:
        return [self._seen(m) for m in self.store.messages_before(self.group, end, limit)]

    def by_id(self, ids: Iterable[str]) -> dict[str, tuple[Message, int]]:
        return {i: (self._seen(m), seq) for i, (m, seq) in self.store.messages_by_id(self.group, ids).items()}

    def times(self, ids: Iterable[str]) -> dict[str, float]:
        return self.store.times_by_id(self.group, ids)


def distill_stored(store: Store, group: Group, rules: Rules, cache: PartCache, rules_key: str) -> GroupPart:
    """One group of the store, week by week, through ``cache``."""
    return distill_weeks(StoreSource(store, group, rules), rules, cache, _base(store, group, rules_key))


def pending(store: Store, group: Group, cache: PartCache, rules_key: str) -> int:
    """About how many of the group's messages are in weeks not distilled yet."""
    weeks = store.weeks(group)
    chains = chain_keys(weeks, _base(store, group, rules_key))
    return sum(w.count for w in weeks if not cache.has(f"links-{chains[w.number]}"))


def _base(store: Store, group: Group, rules_key: str) -> str:
    """What every week of a group is keyed by besides its messages: the store, the group, the rules."""
    return f"{store.identity()}\0{group.platform}\0{group.id}\0{rules_key}"


def _distill_file(
    database: str, group: Group, rules: Rules, folder: Path | None
) -> tuple[bytes, set[str], bool]:
    """One group in a worker process, with its own read-only connection to the store; the part
    comes back pickled as the cache keeps it (quick to load), with the names of the cache
    entries it used and whether to keep the part (see :func:`distill_parts`)."""
    conn = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    cache = PartCache(folder)
    try:
        with collector_paused():
            part = distill_stored(Store(conn), group, rules, cache, rules.key())
            return PartCache.dumps(part), cache.used, cache.saved == cache.folds == 0
    finally:
        conn.close()


class PartCache:
    """Group parts as pickles in a folder digest owns (``.digest/distill/``), by key."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.saved = 0  # entries written
        self.folds = 0  # kept folds read
        self._listing: list[str] | None = None

    def key(self, store: Store, group: Group, rules_key: str) -> str:
        token = f"{store.revision(group)}\0{group.platform}\0{group.id}\0{group.title}\0{rules_key}"
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @staticmethod
    def dumps(part: object) -> bytes:
        """The part as a pickle whose records are rebuilt by their constructors."""
        return pickling.dumps(part, _RECORDS)

    def get(self, key: str) -> GroupPart | None:
        return self.load(f"part-{key}", GroupPart)

    def put(self, key: str, part: GroupPart, pickled: bytes | None = None) -> None:
        self.save(f"part-{key}", part, pickled)

    def has(self, name: str) -> bool:
        return self.folder is not None and (self.folder / f"{name}.pickle").is_file()

    def named(self, prefix: str) -> dict[str, str]:
        """The entries named ``{prefix}{first}-{rest}``, by ``first`` (the folder is listed once)."""
        if self._listing is None:
            folder = self.folder
            self._listing = sorted(p.stem for p in folder.glob("*.pickle")) if folder is not None else []
        return {
            name[len(prefix) :].split("-", 1)[0]: name for name in self._listing if name.startswith(prefix)
        }

    def load(self, name: str, kind: type[_T]) -> _T | None:
        """The entry ``name`` if it is cached and of type ``kind``."""
        self.used.add(name)
        if self.folder is None:
            return None
        try:
            found = pickle.loads((self.folder / f"{name}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None
        return found if isinstance(found, kind) else None

    def save(self, name: str, entry: object, pickled: bytes | None = None) -> None:
        """Keep ``entry`` as ``name`` (written whole or not at all)."""
        self.used.add(name)
        self.saved += 1
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pickled if pickled is not None else self.dumps(entry))
            os.replace(tmp, self.folder / f"{name}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Forget the entries this run did not use (older revisions, other settings)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for prefix in ("part", "links", "week", "fold"):
            for path in self.folder.glob(f"{prefix}-*.pickle"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)


def distill_parts(
    store: Store, groups: Sequence[tuple[Group, Group]], rules: Rules, cache: Path | None = None
) -> list[GroupPart]:
    """Every group's part, from the cache where the group did not change, else distilled.

    ``groups`` pairs each group as stored with the group as published (title redacted).
    Large amounts of work go to one worker process per core, a group each. A group's merged
    part is cached only once all of its weeks came from the cache (a group that gets messages
    every day would write its whole part every day for nothing), and not when a kept fold was
    read: the fold and its few later weeks read faster than the whole part would.
    """
    parts = PartCache(cache)
    rules_key = rules.key()
    found: dict[int, GroupPart] = {}
    todo: list[tuple[int, Group, str]] = []
    keys: list[str] = []
    for index, (raw, _shown) in enumerate(groups):
        key = parts.key(store, raw, rules_key)
        keys.append(key)
        part = parts.get(key)
        if part is None:
            todo.append((index, raw, key))
        else:
            found[index] = part
    database = _database(store)
    workers = min(os.cpu_count() or 1, len(todo))
    size = (
        sum(pending(store, raw, parts, rules_key) for _i, raw, _k in todo) if workers > 1 and database else 0
    )
    if size > PARALLEL_MESSAGES:
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                index: pool.submit(_distill_file, database, raw, rules, cache) for index, raw, _key in todo
            }
            for index, _raw, key in todo:
                pickled, used, keep = futures.pop(index).result()  # a finished future keeps its result
                parts.used |= used
                found[index] = pickle.loads(pickled)
                if keep:
                    parts.put(key, found[index], pickled)
                del pickled
    else:
        for index, raw, key in todo:
            before = parts.saved, parts.folds
            found[index] = distill_stored(store, raw, rules, parts, rules_key)
            if (parts.saved, parts.folds) == before:
                parts.put(key, found[index])
    parts.prune()
    return [replace(found[index], key=key) for index, key in enumerate(keys)]


def whole_key(parts: Sequence[GroupPart]) -> str:
    """A digest of every group's inputs: what community-wide steps can be cached by."""
    return hashlib.sha256("\0".join(part.key for part in parts).encode()).hexdigest()


def cached_step(
    step: Callable[[], dict[str, _T]], key: str, cache: Path | None, kind: type[_T]
) -> dict[str, _T]:
    """What a community-wide step found (by Q&A id, values of type ``kind``), remembered by
    ``key`` (only the last one is kept)."""
    entries = PartCache(cache)
    found = entries.load(f"step-{key}", dict)
    if found is not None and all(isinstance(value, kind) for value in found.values()):
        return found
    found = step()
    if cache is not None:
        for old in cache.glob("step-*.pickle"):
            old.unlink(missing_ok=True)
    entries.save(f"step-{key}", found)
    return found


_RECORDS: tuple[type, ...] = (
    Message,
    Reaction,
    Attachment,
    Group,
    QA,
    Answer,
    Contribution,
    Intro,
    Resource,
    Share,
    Links,
    WeekPart,
    Seen,  # mutable, but rebuilt by their constructors just as well
    MemberTally,
    Folded,
    Earlier,
)


def _database(store: Store) -> str:
    """The store's file, for worker processes ("" for an in-memory store)."""
    for _seq, name, path in store.conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(path or "")
    return ""
