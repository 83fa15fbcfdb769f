"""Distillation one group at a time, cached per group, merged into one ``Knowledge``.

Only one group's messages are held at once (two with two worker processes): what a group
contributes to the whole (Q&A, contributions, resources, intros, member activity) is a
:class:`GroupPart`, which keeps no message beyond those its Q&A, intros and shares quote.
A part is cached under ``.digest/distill/`` keyed by the group's revision in the store (it
changes whenever an import adds or changes one of the group's messages) and by everything
else distillation reads (:class:`Rules`: settings, consent, pseudonyms, joined identities and
the code of the distill stage itself), so a rebuild with nothing new distills nothing, and
one new day of messages distills only the groups that got messages.

Exports with few or no reply links (WhatsApp, Signal, IRC, ...; see
:func:`digest.distill.qa.few_reply_links`) get their replies reconstructed, the links they
have winning (:func:`digest.distill.threads.reconstruct`), in windows of ``RECONSTRUCT_CHUNK`` messages,
each with the ``WINDOW`` messages before it as context: the ranker only ever looks that far
back, and a long chat in one call costs more per message than in windows.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import multiprocessing
import operator
import os
import pickle
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from digest.distill.activity import week_of
from digest.distill.identity import credit
from digest.distill.intros import Intro, ProfileRules, find_intros
from digest.distill.privacy import Guard
from digest.distill.profiles import parse_nickname
from digest.distill.qa import distill_group, few_reply_links
from digest.distill.resources import Resource, Share, find_resources, resource_contributions
from digest.distill.scoring import contributions
from digest.distill.threads import WINDOW, reconstruct
from digest.memory import collector_paused
from digest.model import QA, Answer, Attachment, Contribution, Group, Kind, Message, Reaction
from digest.store import Store

CACHE_VERSION = 1
RECONSTRUCT_CHUNK = 2000
"""Messages per reconstruction window (plus ``WINDOW`` messages of context before them)."""
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


@dataclass(frozen=True, slots=True)
class GroupPart:
    """What one group contributes to the community's knowledge; no messages of its own."""

    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]
    contributions: tuple[Contribution, ...]
    resources: tuple[Resource, ...]
    intros: tuple[Intro, ...]  # read with the nickname the member first had in this group
    first_names: dict[str, str]  # member -> the first display name in this group
    members: dict[str, Seen]  # authors of anything but service lines
    activity: dict[str, dict[date, int]]  # member -> Monday -> text and media messages
    arrivals: dict[str, datetime]  # member -> first join or message
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


def reconstructed_replies(messages: Sequence[Message]) -> dict[str, str]:
    """Reply links for a chat without any, reconstructed window by window."""
    out: dict[str, str] = {}
    for start in range(0, len(messages), RECONSTRUCT_CHUNK):
        context = max(0, start - WINDOW)
        parents = reconstruct(messages[context : start + RECONSTRUCT_CHUNK])
        for m in messages[start : start + RECONSTRUCT_CHUNK]:
            out[m.id] = parents[m.id]
    return out


def distill_part(messages: Sequence[Message], rules: Rules) -> GroupPart:
    """Distill one group's messages (already redacted and credited), in time order."""
    people = rules.people
    replies = reconstructed_replies(messages) if few_reply_links(messages) else None
    result = distill_group(messages, rules.tags, replies)
    contribs = contributions(result.qas, messages, rules.weights, replies)
    found = find_resources(messages, result.qas, rules.tags, replies)
    contribs.extend(resource_contributions(found, rules.weights))
    first_names: dict[str, str] = {}
    members: dict[str, Seen] = {}
    activity: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    arrivals: dict[str, datetime] = {}
    newest: datetime | None = None
    for m in messages:
        if newest is None or m.timestamp > newest:
            newest = m.timestamp
        if not m.author_id:
            continue
        member = m.member_id
        first_names.setdefault(member, m.author_name)
        if m.kind is Kind.SERVICE:
            continue
        seen = members.get(member)
        if seen is None:
            seen = members[member] = Seen(
                m.author_name, m.timestamp, m.timestamp, [f"{m.platform}/{m.group_id}"]
            )
        elif m.timestamp >= seen.last:
            seen.last = m.timestamp
            seen.name = m.author_name or seen.name
        seen.first = min(seen.first, m.timestamp)
        if m.kind in (Kind.TEXT, Kind.MEDIA):
            seen.count += 1
            activity[member][week_of(m.timestamp)] += 1
        if member not in arrivals or m.timestamp < arrivals[member]:
            arrivals[member] = m.timestamp
    nicknames = {member: parse_nickname(name, people.nickname) for member, name in first_names.items()}
    intros = find_intros(messages, people.window, people.vocabulary, nicknames)
    return GroupPart(
        qas=result.qas,
        unanswered=result.unanswered,
        contributions=tuple(contribs),
        resources=tuple(found),
        intros=tuple(intros),
        first_names=first_names,
        members=members,
        activity={member: dict(weeks) for member, weeks in activity.items()},
        arrivals=arrivals,
        message_count=len(messages),
        newest=newest,
    )


def read_group(store: Store, group: Group, rules: Rules) -> list[Message]:
    """A group's messages as distillation may see them: redacted, pseudonymised, credited."""
    guard, identities = rules.guard, rules.identities
    return [credit(guard.message(m), identities) for m in store.messages(group)]


def _distill_file(database: str, group: Group, rules: Rules) -> bytes:
    """One group in a worker process, with its own read-only connection to the store; the part
    comes back pickled as the cache keeps it (quick to load)."""
    conn = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    try:
        with collector_paused():
            return PartCache.dumps(distill_part(read_group(Store(conn), group, rules), rules))
    finally:
        conn.close()


class PartCache:
    """Group parts as pickles in a folder digest owns (``.digest/distill/``), by key."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def key(self, store: Store, group: Group, rules_key: str) -> str:
        token = f"{store.revision(group)}\0{group.platform}\0{group.id}\0{group.title}\0{rules_key}"
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @staticmethod
    def dumps(part: GroupPart) -> bytes:
        """The part as a pickle whose records are rebuilt by their constructors (much faster to
        load than the generic state of frozen dataclasses)."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {**copyreg.dispatch_table, **_REDUCERS}
        pickler.dump(part)
        return buffer.getvalue()

    def get(self, key: str) -> GroupPart | None:
        self.used.add(key)
        if self.folder is None:
            return None
        try:
            part = pickle.loads((self.folder / f"part-{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None
        return part if isinstance(part, GroupPart) else None

    def put(self, key: str, part: GroupPart, pickled: bytes | None = None) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pickled if pickled is not None else self.dumps(part))
            os.replace(tmp, self.folder / f"part-{key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self) -> None:
        """Forget the parts this run did not use (older revisions, other settings)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("part-*.pickle"):
            if path.stem.removeprefix("part-") not in self.used:
                path.unlink(missing_ok=True)


def distill_parts(
    store: Store, groups: Sequence[tuple[Group, Group]], rules: Rules, cache: Path | None = None
) -> list[GroupPart]:
    """Every group's part, from the cache where the group did not change, else distilled.

    ``groups`` pairs each group as stored with the group as published (title redacted).
    Large amounts of work go to one worker process per core, a group each.
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
    size = sum(store.count(raw) for _index, raw, _key in todo) if workers > 1 and database else 0
    if size > PARALLEL_MESSAGES:
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {index: pool.submit(_distill_file, database, raw, rules) for index, raw, _key in todo}
            for index, _raw, key in todo:
                pickled = futures.pop(index).result()  # a finished future keeps its result: let go
                found[index] = pickle.loads(pickled)
                parts.put(key, found[index], pickled)
                del pickled
    else:
        for index, raw, key in todo:
            found[index] = distill_part(read_group(store, raw, rules), rules)
            parts.put(key, found[index])
    parts.prune()
    return [replace(found[index], key=key) for index, key in enumerate(keys)]


def whole_key(parts: Sequence[GroupPart]) -> str:
    """A digest of every group's inputs: what community-wide steps can be cached by."""
    return hashlib.sha256("\0".join(part.key for part in parts).encode()).hexdigest()


def cached_step(
    step: Callable[[Sequence[QA]], Sequence[QA]], qas: Sequence[QA], key: str, cache: Path | None
) -> list[QA]:
    """``step(qas)`` for a community-wide step over every Q&A (repeat detection), remembered by
    ``key``: only the fields the step changed are kept, so a hit costs little."""
    file = cache / f"step-{key}.pickle" if cache is not None else None
    if file is not None:
        try:
            changes = pickle.loads(file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            changes = None
        if isinstance(changes, dict):
            return [replace(qa, **changes[qa.id]) if qa.id in changes else qa for qa in qas]
    out = list(step(qas))
    if file is not None and len(out) == len(qas):
        changes = {}
        for before, after in zip(qas, out, strict=True):
            if before != after and before.id == after.id:
                names = [f.name for f in fields(QA)]
                changes[after.id] = {
                    n: getattr(after, n) for n in names if getattr(after, n) != getattr(before, n)
                }
        for old in file.parent.glob("step-*.pickle"):
            old.unlink(missing_ok=True)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(pickle.dumps(changes, protocol=pickle.HIGHEST_PROTOCOL))
    return out


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
)


def _by_constructor(record_type: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """Pickles a record of ``record_type`` as a call of its constructor with its fields."""
    names = [f.name for f in fields(record_type)]
    values = operator.attrgetter(*names)

    def reduce(record: Any) -> tuple[type, tuple[Any, ...]]:
        return record_type, values(record)

    return reduce


_REDUCERS = {record_type: _by_constructor(record_type) for record_type in _RECORDS}


def _database(store: Store) -> str:
    """The store's file, for worker processes ("" for an in-memory store)."""
    for _seq, name, path in store.conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(path or "")
    return ""
