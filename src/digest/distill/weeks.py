"""One group's distillation, week by week, each week cached: a new day redistills its own week.

A week (Monday to Monday, UTC) is distilled in two passes, oldest week first:

1. **Links** (:class:`Links`): whom each of its messages replies to (the export's link, or a
   reconstructed one in a chat without links, with the ``WINDOW`` messages before the week as
   context), which earlier weeks each message's thread reaches back to, and the names that
   spoke. Its key chains the week's content with every earlier week's, so it holds as long as
   nothing up to the week changed.
2. **The week's part** (:class:`WeekPart`): the Q&A whose question is in the week, with their
   threads wherever they go on (the later messages that reach back into the week), the
   parents its messages reply to, and what its own messages contribute (thanks, shares,
   intro candidates, member activity). Its key adds the later messages that reach back, so
   an answer posted today to last month's question redistills last month's week, and only it.

The weeks are then folded, oldest first, into the group's :class:`GroupPart`
(:class:`Folded`), where a group-wide view is needed: resources (a share's Q&A, a link shared
again), introductions (within a window of the member's arrival, read with their first
nickname), resource points. The fold of all weeks but the last few is cached too: a new day
reads it and the weeks after it, not the group's whole history.

A reply to a message of a *later* week (clock skew, broken exports) cannot be followed week by
week: such a group is distilled as one span.
"""

from __future__ import annotations

import functools
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from digest.distill.activity import week_of
from digest.distill.deferred import Deferred
from digest.distill.intros import Intro, accept_intros, intro_candidates
from digest.distill.profiles import parse_nickname
from digest.distill.qa import distill_group, too_few_links
from digest.distill.resources import (
    Resource,
    Share,
    in_qas,
    resource_contributions,
    resources_from,
    shares_in,
    thanks_by_target,
)
from digest.distill.scoring import qa_contributions, thanks_contributions
from digest.distill.threads import WINDOW, reconstruct
from digest.model import QA, Contribution, Kind, Message
from digest.store import LINKED, SAID, Week, flags, week_number
from digest.text import record_digest

if TYPE_CHECKING:
    from digest.distill.pergroup import GroupPart, MemberTally, PartCache, Rules, Seen

RECONSTRUCT_CHUNK = 2000
"""Messages per reconstruction call (plus ``WINDOW`` messages of context before them)."""

Dated = tuple[Message, int]
"""A message with the store revision that last changed it."""


class Source(Protocol):
    """One group's messages as distillation may see them (redacted, credited), by week."""

    def weeks(self) -> list[Week]: ...

    def week(self, week: Week) -> list[Dated]: ...

    def before(self, end: float, limit: int) -> list[Message]: ...

    def by_id(self, ids: Iterable[str]) -> dict[str, Dated]: ...

    def times(self, ids: Iterable[str]) -> dict[str, float]: ...


@dataclass(frozen=True, slots=True)
class Links:
    """What one week tells the weeks after it."""

    names: frozenset[str]  # case-folded names its messages were posted under
    parents: dict[str, str]  # message -> the message (of the group) it replies to
    reach: dict[str, tuple[int, ...]]  # message -> the earlier weeks holding its ancestors
    seqs: dict[str, int]  # the revision of each message in ``reach``
    forward: bool  # a message replies to one of a later week


@dataclass(frozen=True, slots=True)
class WeekPart:
    """What one week contributes to its group; see :class:`~digest.distill.pergroup.GroupPart`."""

    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]
    contributions: tuple[Contribution, ...]  # Q&A and thanks (resource points are group-wide)
    shares: dict[str, list[Share]]  # normalised URL -> shares, not yet placed in a Q&A
    intros: tuple[Intro, ...]  # members' first introductions (the first of theirs in the group)
    introduced: frozenset[str]  # members with a message reading as an introduction
    first_names: dict[str, str]
    members: dict[str, Seen]
    activity: dict[str, dict[date, int]]
    first_seen: dict[str, datetime]  # member -> first line of any kind (what intros count from)
    message_count: int
    newest: datetime | None


@dataclass(slots=True)
class Earlier:
    """What the weeks before a week saw: all a week's part reads of them."""

    names: set[str] = field(default_factory=set)  # case-folded names that spoke
    first_names: dict[str, str] = field(default_factory=dict)
    first_seen: dict[str, datetime] = field(default_factory=dict)
    introduced: set[str] = field(default_factory=set)

    def add(self, links: Links, part: WeekPart) -> None:
        self.names |= links.names
        for member, name in part.first_names.items():
            self.first_names.setdefault(member, name)
        for member, when in part.first_seen.items():
            self.first_seen.setdefault(member, when)
        self.introduced |= part.introduced


def few_links(weeks: Sequence[Week]) -> bool:
    """:func:`digest.distill.qa.few_reply_links`, from the store's counts."""
    return too_few_links(sum(w.said for w in weeks), sum(w.linked for w in weeks))


def chain_keys(weeks: Sequence[Week], base: str) -> dict[int, str]:
    """Week -> a digest of its content and of every earlier week's (and of ``base``)."""
    chain = record_digest((base, few_links(weeks)))
    out: dict[int, str] = {}
    for week in weeks:
        chain = out[week.number] = record_digest((chain, week.number, week.count, week.seq))
    return out


FOLD_LAG = 2
"""A group's weeks are kept folded up to this many weeks before its last: a new day lands in
the last week, and its replies seldom reach further back."""
FOLD_AGAIN = 4
"""Weeks folded from the cache after the kept fold before a newer fold is kept instead."""


def distill_weeks(source: Source, rules: Rules, cache: PartCache, base: str) -> GroupPart:
    """The group's part, week by week; ``base`` keys everything the weeks read besides their
    messages (the group, the store, the rules).

    The weeks up to a few before the last are kept folded (:class:`Folded`): a new day reads
    that fold and the weeks after it, not every week of the group's history.
    """
    weeks = source.weeks()
    mode = few_links(weeks)
    chains = chain_keys(weeks, base)
    links = _LinkBook(source, weeks, chains, cache, mode)
    resumed = _resume(weeks, chains, links, cache)
    start, folded = resumed if resumed is not None else (0, Folded())
    if any(links[week.number].forward for week in weeks[start:]):  # oldest first, as chains need
        return distill_span(source, rules)

    reaching = _reaching(links, weeks[start:])
    keep_at = len(weeks) - 1 - FOLD_LAG
    if resumed is not None and keep_at - start < FOLD_AGAIN:
        keep_at = -1  # the fold kept is recent enough
    for index in range(start, len(weeks)):
        week = weeks[index]
        later = sorted((mid, seq, parent) for mid, seq, parent, _from in reaching.get(week.number, ()))
        key = f"week-{record_digest((chains[week.number], later))}"
        part = cache.load(key, WeekPart)
        if part is None:
            part = _week_part(week, links.own(week), later, source, rules, mode, links, folded.earlier)
            # Each Q&A's origin is a digest of it: a week distilled again keeps the origin of
            # each of its Q&A that came out the same (its draft is not rendered again).
            part = replace(part, qas=tuple(replace(qa, origin=record_digest(qa)) for qa in part.qas))
            cache.save(key, part)
        folded.add(links[week.number], part, key)
        if index == keep_at and cache.folder is not None:
            incoming = _incoming(reaching, week.number)
            cache.save(f"fold-{chains[week.number]}-{incoming}", folded.sealed())
    return folded.finish(rules)


Reaching = dict[int, list[tuple[str, int, str, int]]]
"""Week -> the later messages whose threads reach back into it: id, revision, parent, their week."""


def _reaching(links: Mapping[int, Links], weeks: Sequence[Week]) -> Reaching:
    """What the links of ``weeks`` tell the weeks their threads reach back into."""
    reaching: Reaching = defaultdict(list)
    for week in weeks:
        week_links = links[week.number]
        for mid, back in week_links.reach.items():
            for number in back:
                reaching[number].append((mid, week_links.seqs[mid], week_links.parents[mid], week.number))
    return reaching


def _incoming(reaching: Reaching, upto: int) -> str:
    """A digest of the messages after week ``upto`` whose threads reach back to it or before."""
    found = sorted(
        (number, entry[:3])
        for number, entries in reaching.items()
        if number <= upto
        for entry in entries
        if entry[3] > upto
    )
    return record_digest(found)


def _resume(
    weeks: Sequence[Week], chains: Mapping[int, str], links: _LinkBook, cache: PartCache
) -> tuple[int, Folded] | None:
    """The kept fold of the group's first weeks, if nothing it was made from changed: no
    message of its weeks, and no later message reaching back into them. Returns the index of
    the first week after it, and the fold."""
    kept = cache.named("fold-")
    upto = next(
        (index for index in range(len(weeks) - 1, -1, -1) if chains[weeks[index].number] in kept), None
    )
    if upto is None:
        return None
    before = [f"links-{chains[week.number]}" for week in weeks[: upto + 1]]
    if not all(cache.has(name) for name in before):  # later weeks may read them
        return None
    after = weeks[upto + 1 :]
    if any(links[week.number].forward for week in after):  # oldest first: each reads those before
        return None
    reaching = _reaching(links, after)
    number = weeks[upto].number
    name = f"fold-{chains[number]}-{_incoming(reaching, number)}"
    if name != kept[chains[number]]:
        return None
    folded = cache.load(name, Folded)
    if folded is None:
        return None
    cache.folds += 1
    cache.used.update(before)
    cache.used.update(folded.entries)  # its weeks stay cached: a change in them needs them again
    return upto + 1, folded


class _LinkBook(Mapping[int, Links]):
    """Each week's :class:`Links` by week number, read from the cache or worked out when first
    asked for (a week's links read those of the weeks before it that its replies reach)."""

    def __init__(
        self, source: Source, weeks: Sequence[Week], chains: Mapping[int, str], cache: PartCache, mode: bool
    ) -> None:
        self.source, self.cache, self.mode, self.chains = source, cache, mode, chains
        self.weeks = {week.number: week for week in weeks}
        self.found: dict[int, Links] = {}
        self.read: dict[str, Dated] = {}  # messages read in this run, by id
        self.read_weeks: dict[int, list[Dated]] = {}

    def own(self, week: Week) -> list[Dated]:
        """The week's messages (read once)."""
        if week.number not in self.read_weeks:
            self.read_weeks[week.number] = self.source.week(week)
            self.read.update((m.id, (m, seq)) for m, seq in self.read_weeks[week.number])
        return self.read_weeks[week.number]

    def __getitem__(self, number: int) -> Links:
        found = self.found.get(number)
        if found is None:
            key = f"links-{self.chains[number]}"
            found = self.cache.load(key, Links)
            if found is None:
                week = self.weeks[number]
                found = _links(week, self.own(week), self.source, self.mode, self)
                self.cache.save(key, found)
            self.found[number] = found
        return found

    def __iter__(self) -> Iterator[int]:
        return iter(self.weeks)

    def __len__(self) -> int:
        return len(self.weeks)


def _links(week: Week, dated: list[Dated], source: Source, mode: bool, earlier: Mapping[int, Links]) -> Links:
    messages = [m for m, _seq in dated]
    ids = {m.id for m in messages}
    rebuilt = reconstructed(source.before(week.start, WINDOW), messages) if mode else {}
    targets: dict[str, str] = {}
    for m in messages:
        target = m.reply_to or rebuilt.get(m.id)
        if target and target != m.id:
            targets[m.id] = target
    times = source.times(t for t in targets.values() if t not in ids)
    parents = {mid: t for mid, t in targets.items() if t in ids or t in times}
    reach: dict[str, tuple[int, ...]] = {}
    settled: set[str] = set()
    forward = False
    for m in messages:  # each chain walked up once (a thread of thousands of replies: no recursion)
        path: list[str] = []
        mid: str | None = m.id
        found: tuple[int, ...] = ()
        while mid is not None and mid not in settled and mid not in path:
            path.append(mid)
            parent = parents.get(mid)
            if parent is None or parent in ids:
                mid = parent
                continue
            number = week_number(times[parent])
            if number > week.number:
                forward = True
            else:
                found = tuple(sorted({number, *earlier[number].reach.get(parent, ())}))
            mid = None
        if mid is not None and mid in settled:
            found = reach.get(mid, ())
        for step in path:
            settled.add(step)
            if found:
                reach[step] = found
    seqs = {m.id: seq for m, seq in dated}
    return Links(
        names=frozenset(m.author_name.casefold() for m in messages if m.author_name),
        parents=parents,
        reach=reach,
        seqs={mid: seqs[mid] for mid in reach},
        forward=forward,
    )


def reconstructed(context: Sequence[Message], messages: Sequence[Message]) -> dict[str, str]:
    """Reconstructed reply links of ``messages``, chunk by chunk, each chunk with the
    ``WINDOW`` messages before it as context."""
    chat = [*context, *messages]
    out: dict[str, str] = {}
    for start in range(len(context), len(chat), RECONSTRUCT_CHUNK):
        parents = reconstruct(chat[max(0, start - WINDOW) : start + RECONSTRUCT_CHUNK])
        for m in chat[start : start + RECONSTRUCT_CHUNK]:
            out[m.id] = parents[m.id]
    return out


def _week_part(
    week: Week,
    dated: list[Dated],
    later: list[tuple[str, int, str]],
    source: Source,
    rules: Rules,
    mode: bool,
    links: _LinkBook,
    earlier: Earlier,
) -> WeekPart:
    from digest.distill.pergroup import Seen

    read = links.read
    messages = [m for m, _seq in dated]
    ids = {m.id for m in messages}
    week_links = links[week.number]
    wanted = {mid for mid, _seq, _parent in later}
    wanted |= {p for mid, p in week_links.parents.items() if p not in ids}  # parents in earlier weeks
    missing = [mid for mid in wanted if mid not in read]
    read.update(source.by_id(missing))
    context = [read[mid][0] for mid in wanted if mid in read]
    replies: dict[str, str] | None = None
    if mode:
        replies = dict(week_links.parents)
        replies.update((mid, parent) for mid, _seq, parent in later)
    chat = sorted([*messages, *context], key=lambda m: (m.timestamp, len(m.id), m.id))
    result = distill_group(chat, rules.tags, replies, roots=ids, known=earlier.names)
    by_id = {(m.group_id, m.id): m for m in chat}
    contribs = qa_contributions(result.qas, rules.weights)
    contribs += thanks_contributions(messages, by_id, rules.weights, replies)
    first_names: dict[str, str] = {}
    members: dict[str, Seen] = {}
    activity: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    first_seen: dict[str, datetime] = {}
    for m in messages:
        if not m.author_id:
            continue
        member = m.member_id
        first_names.setdefault(member, m.author_name)
        first_seen.setdefault(member, m.timestamp)
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
    people = rules.people
    fresh = {m: c for m, c in intro_candidates(messages).items() if m not in earlier.introduced}
    arrived = {m: earlier.first_seen.get(m, first_seen[m]) for m in fresh}
    named = {m: earlier.first_names.get(m, first_names[m]) for m in fresh}
    nicknames = {m: parse_nickname(name, people.nickname) for m, name in named.items()}
    return WeekPart(
        qas=result.qas,
        unanswered=result.unanswered,
        contributions=tuple(contribs),
        shares=dict(shares_in(messages, thanks_by_target(chat, replies))),
        intros=tuple(accept_intros(fresh, arrived, people.window, people.vocabulary, nicknames)),
        introduced=frozenset(fresh),
        first_names=first_names,
        members=members,
        activity={member: dict(weeks) for member, weeks in activity.items()},
        first_seen=first_seen,
        message_count=len(messages),
        newest=max((m.timestamp for m in messages), default=None),
    )


@dataclass(slots=True)
class Folded:
    """A group's weeks folded, oldest first: what its :class:`GroupPart` is made of, and what
    the weeks after them read of them (``earlier``).

    Points and shares, which only the site build reads (as points and resources), are kept
    pickled in ``packed`` once a fold has been cached: reading the fold back does not rebuild
    them, and the group's part makes them from it only when they are read.
    """

    earlier: Earlier = field(default_factory=Earlier)
    qas: list[QA] = field(default_factory=list)
    unanswered: list[Message] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)  # of the weeks since ``packed``
    shares: dict[str, list[Share]] = field(default_factory=dict)  # likewise
    intros: list[Intro] = field(default_factory=list)
    tally: MemberTally = field(default_factory=lambda: _tally())
    message_count: int = 0
    newest: datetime | None = None
    entries: list[str] = field(default_factory=list)  # the cache entries of the weeks folded
    packed: bytes = b""  # the points and shares of the weeks before, pickled

    def add(self, links: Links | None, part: WeekPart, entry: str = "") -> None:
        """Fold in the next week (``links``: what later weeks read of it, if any follow)."""
        if links is not None:
            self.earlier.add(links, part)
        self.qas.extend(part.qas)
        self.unanswered.extend(part.unanswered)
        self.contributions.extend(part.contributions)
        for url, found in part.shares.items():
            self.shares.setdefault(url, []).extend(found)
        self.intros.extend(part.intros)
        self.tally.fold(part)
        self.message_count += part.message_count
        if part.newest is not None and (self.newest is None or part.newest > self.newest):
            self.newest = part.newest
        if entry:
            self.entries.append(entry)

    def sealed(self) -> Folded:
        """The fold as the cache keeps it: its points and shares packed."""
        from digest.distill.pergroup import PartCache

        packed = PartCache.dumps(self._points_and_shares())
        return replace(self, contributions=[], shares={}, packed=packed)

    def _points_and_shares(self) -> tuple[list[Contribution], dict[str, list[Share]]]:
        """Every week's points and shares (in week order), unpacked."""
        contributions: list[Contribution] = []
        shares: dict[str, list[Share]] = {}
        if self.packed:
            contributions, shares = pickle.loads(self.packed)
        contributions.extend(self.contributions)
        for url, found in self.shares.items():
            shares.setdefault(url, []).extend(found)
        return contributions, shares

    def finish(self, rules: Rules) -> GroupPart:
        """The group's part: its weeks, and what needs the whole group (resources, and the
        points for them), worked out when first read."""
        from digest.distill.pergroup import GroupPart

        qas = tuple(self.qas)

        @functools.cache
        def site() -> tuple[list[Contribution], list[Resource]]:
            contributions, shares = self._points_and_shares()
            resources = resources_from(shares, in_qas(qas), rules.tags)
            contributions.extend(resource_contributions(resources, rules.weights))
            return contributions, resources

        return GroupPart(
            qas=qas,
            unanswered=tuple(self.unanswered),
            contributions=Deferred(lambda: site()[0]),
            resources=Deferred(lambda: site()[1]),
            intros=tuple(self.intros),
            first_names=self.tally.first_names,
            members=self.tally.members,
            activity=self.tally.activity,
            message_count=self.message_count,
            newest=self.newest,
        )


def _tally() -> MemberTally:
    from digest.distill.pergroup import MemberTally

    return MemberTally()


def distill_span(source: Source, rules: Rules) -> GroupPart:
    """The whole group as one span, without any cache: how a chat where a message replies to
    one of a later week is distilled, and what week by week must equal (tests)."""
    from digest.distill.pergroup import PartCache

    weeks = source.weeks()
    folded = Folded()
    if weeks:
        span = Week(weeks[0].number, sum(w.count for w in weeks), max(w.seq for w in weeks), 0, 0)
        whole = _Whole(source, weeks, span)
        mode = few_links(weeks)
        links = _LinkBook(whole, [span], {span.number: ""}, PartCache(None), mode)
        folded.add(None, _week_part(span, links.own(span), [], whole, rules, mode, links, Earlier()))
    return folded.finish(rules)


class _Whole:
    """A source that shows every week of another as one span."""

    def __init__(self, source: Source, weeks: Sequence[Week], span: Week) -> None:
        self.source, self.all, self.span = source, weeks, span

    def weeks(self) -> list[Week]:
        return [self.span]

    def week(self, week: Week) -> list[Dated]:
        return [dated for w in self.all for dated in self.source.week(w)]

    def before(self, end: float, limit: int) -> list[Message]:
        return []

    def by_id(self, ids: Iterable[str]) -> dict[str, Dated]:
        return self.source.by_id(ids)

    def times(self, ids: Iterable[str]) -> dict[str, float]:
        return self.source.times(ids)


class MemorySource:
    """A source over messages already in memory (in time order): what tests and one-off
    distillations read."""

    def __init__(self, messages: Sequence[Message]) -> None:
        self.by_week: dict[int, list[Message]] = defaultdict(list)
        for m in messages:
            self.by_week[week_number(m.timestamp.timestamp())].append(m)
        self.ids = {m.id: m for m in messages}

    def weeks(self) -> list[Week]:
        out = []
        for number in sorted(self.by_week):
            marks = [flags(m) for m in self.by_week[number]]
            said, linked = sum(f & SAID for f in marks), sum(1 for f in marks if f & LINKED)
            out.append(Week(number, len(marks), 0, said, linked))
        return out

    def week(self, week: Week) -> list[Dated]:
        return [(m, 0) for m in self.by_week.get(week.number, ())]

    def before(self, end: float, limit: int) -> list[Message]:
        earlier = [m for n in sorted(self.by_week) if n < week_number(end) for m in self.by_week[n]]
        return earlier[-limit:]

    def by_id(self, ids: Iterable[str]) -> dict[str, Dated]:
        return {i: (self.ids[i], 0) for i in ids if i in self.ids}

    def times(self, ids: Iterable[str]) -> dict[str, float]:
        return {i: self.ids[i].timestamp.timestamp() for i in ids if i in self.ids}
