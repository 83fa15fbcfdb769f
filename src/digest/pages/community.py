"""People and contribution: profiles, the directory, boards by role and tag, badges, weekly
digests, the resource library and the rewards ledger.

``Community`` is built from a :class:`~digest.pages.site.SiteModel` the first time a page
needs it: it reads the curated profiles and events (a wrong type or an unknown organiser
is a ``ContentError`` naming the file and line) and the git history of ``content/``.
Everything else is computed from the distilled knowledge, so the same inputs give the
same pages.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup

from digest.distill.activity import week_label, week_of, week_start, weeks_between
from digest.distill.intros import SEEKING, Intro
from digest.distill.resources import Resource, Share
from digest.distill.scoring import RULES, Standing, leaderboard
from digest.i18n import strings
from digest.model import Contribution, Message
from digest.pages.curators import Commit, content_commits, curation_contributions
from digest.pages.events import Event, load_events
from digest.pages.fields import checked, text, texts
from digest.pages.frontmatter import Document
from digest.pages.schema import Kind
from digest.pages.svg import Bar, bar_chart
from digest.text import URL_PATTERN

if TYPE_CHECKING:
    from digest.pages.site import QAEntry, SiteModel

DIGESTS_DIR = "digests"
_URL = re.compile(URL_PATTERN, re.IGNORECASE)
PROFILE_KEYS = ("city", "role", "company", "skills", "offers", "seeking", "links", "emails")
DIGEST_TOP = 5  # best Q&A and top contributors per weekly digest
UPCOMING_DAYS = 14  # a weekly digest lists events up to this many days after the week
EXPERTISE_TOP = 5


@dataclass(frozen=True, slots=True)
class Role:
    """A board by role: the rule that counts acts, and the rules whose points it shows."""

    key: str
    counted: str
    rules: tuple[str, ...]


ROLES = (
    Role("answerers", "answer", ("answer", "accepted_answer", "reaction_received", "thanks_received")),
    Role("askers", "question_answered", ("question_answered",)),
    Role("sharers", "resource_shared", ("resource_shared",)),
    Role("curators", "curation", ("curation",)),
    Role("organisers", "event_organised", ("event_organised",)),
)


@dataclass(frozen=True, slots=True)
class Badge:
    """Earned by reaching ``threshold`` acts of ``rule`` (all time)."""

    key: str
    rule: str
    threshold: int


BADGES = (
    Badge("first_answer", "answer", 1),
    Badge("solver", "accepted_answer", 1),
    Badge("helper", "accepted_answer", 5),
    Badge("expert", "accepted_answer", 10),
    Badge("good_question", "question_answered", 1),
    Badge("sharer", "resource_shared", 1),
    Badge("librarian", "resource_shared", 5),
    Badge("curator", "curation", 1),
    Badge("helpful_curator", "curation", 10),
    Badge("organiser", "event_organised", 1),
)


@dataclass(frozen=True, slots=True)
class Profile:
    """The curated card of a member (front matter), checked for types."""

    city: str = ""
    role: str = ""
    company: str = ""
    skills: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    seeking: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoleRow:
    member_id: str
    count: int
    points: float


@dataclass(frozen=True, slots=True)
class BestAnswer:
    qa: QAEntry
    accepted: bool
    reactions: int


@dataclass(frozen=True, slots=True)
class Person:
    """One row of the people directory."""

    member_id: str
    profile: Profile
    expertise: tuple[str, ...]
    points: float


@dataclass(slots=True)
class Week:
    """What one weekly digest shows."""

    monday: date
    messages: int
    updated: datetime  # the newest moment it covers: the week's end, or the newest message
    asked: int = 0  # Q&A asked that week (``qas`` holds the best of them)
    previous: date | None = None  # the weeks before and after that have a digest
    next: date | None = None
    qas: list[QAEntry] = field(default_factory=list)
    unanswered: list[Message] = field(default_factory=list)
    newcomers: list[tuple[str, Intro | None]] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    board: list[Standing] = field(default_factory=list)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def uri(self) -> str:
        return digest_uri(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    member_id: str
    name: str
    points: tuple[tuple[str, float], ...]  # every rule, in RULES order

    @property
    def total(self) -> float:
        return sum(p for _rule, p in self.points)


def digest_uri(monday: date) -> str:
    return f"{DIGESTS_DIR}/{week_label(monday)}.md"


def read_profile(doc: Document) -> Profile:
    """A member page's card; a value of the wrong type is a ``ContentError`` (file and line)."""
    values = checked(doc, Kind.MEMBER, PROFILE_KEYS)
    return Profile(
        city=text(values, "city"),
        role=text(values, "role"),
        company=text(values, "company"),
        skills=texts(values, "skills"),
        offers=texts(values, "offers"),
        seeking=texts(values, "seeking"),
        links=texts(values, "links"),
        emails=tuple(e.lower() for e in texts(values, "emails")),
    )


@dataclass(slots=True)
class Community:
    site: SiteModel
    profiles: dict[str, Profile]
    events: list[Event]
    commits: list[Commit]
    contributions: tuple[Contribution, ...]
    qa_ids: dict[str, str]  # knowledge Q&A id -> the public Q&A entry id it shows as
    entries: dict[str, QAEntry]  # public Q&A entries by id
    _acts: dict[str, Counter[str]] = field(default_factory=dict)
    _totals: dict[str, float] = field(default_factory=dict)
    _resources: list[Resource] | None = None
    _intros: dict[str, Intro] = field(default_factory=dict)
    _expertise: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    _best: dict[str, list[BestAnswer]] = field(default_factory=dict)
    _weeks: dict[date, Week] = field(default_factory=dict)
    _times: list[datetime] = field(default_factory=list)
    _active: list[date] | None = None  # weeks with a message: every profile's chart spans them
    _shared: dict[str, list[Resource]] | None = None  # member -> resources they shared

    @classmethod
    def build(cls, site: SiteModel) -> Community:
        content = site.content
        profiles = {mid: read_profile(content.members[mid]) for mid in site.members if mid in content.members}
        known = set(content.members) | {m.id for m in site.knowledge.members}
        events = load_events(content.docs_dir, known)
        # Every member's e-mails count, public or not: points are owed either way.
        emails: dict[str, str] = {}
        for mid, doc in sorted(content.members.items()):
            for email in read_profile(doc).emails:
                emails.setdefault(email, mid)
        commits = content_commits(content.docs_dir) if emails else []
        weights = site.settings.points
        today = site.knowledge.now.date()
        extra = [
            Contribution(
                who, "event_organised", float(weights.event_organised), week_start(e.date), f"event/{e.id}"
            )
            for e in events
            if e.date <= today
            for who in dict.fromkeys(e.organisers)
        ]
        extra.extend(curation_contributions(commits, emails, weights.curation))
        every = sorted((*site.contributions, *extra), key=lambda c: (c.timestamp, c.member_id, c.rule, c.ref))
        merges = site.curation.merges
        qa_ids = {qa.id: merges.get(qa.id, qa.id) for qa in site.knowledge.qas}
        entries = {q.id: q for q in site.qas}
        community = cls(site, profiles, events, commits, tuple(every), qa_ids, entries)
        for c in community.contributions:
            community._acts.setdefault(c.member_id, Counter())[c.rule] += 1
            community._totals[c.member_id] = community._totals.get(c.member_id, 0.0) + c.points
        community._intros = {i.member_id: i for i in site.knowledge.intros}
        return community

    # -- boards ------------------------------------------------------------------------------

    def standings(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        contribs: Iterable[Contribution] | None = None,
    ) -> list[Standing]:
        if contribs is None:  # contributions are in time order: only look at the period
            if len(self._times) != len(self.contributions):
                self._times = [c.timestamp for c in self.contributions]
            times = self._times
            first = bisect_left(times, since) if since is not None else 0
            last = bisect_left(times, until) if until is not None else len(times)
            contribs = self.contributions[first:last]
        rows = leaderboard(contribs, since, until=until)
        return [r for r in rows if r.member_id in self.site.members][: self.site.settings.leaderboard_size]

    def this_week(self) -> datetime:
        return week_start(week_of(self.site.knowledge.now))

    def role_board(self, role: Role) -> list[RoleRow]:
        counts: Counter[str] = Counter()
        points: dict[str, float] = defaultdict(float)
        for c in self.contributions:
            if c.member_id not in self.site.members:
                continue
            if c.rule == role.counted:
                counts[c.member_id] += 1
            if c.rule in role.rules:
                points[c.member_id] += c.points
        rows = [RoleRow(m, n, points[m]) for m, n in counts.items()]
        rows.sort(key=lambda r: (-r.count, -r.points, r.member_id))
        return rows[: self.site.settings.leaderboard_size]

    def roles(self) -> list[tuple[Role, list[RoleRow]]]:
        """The boards by role that have anyone on them (no git history: no curator board)."""
        return [(role, rows) for role in ROLES if (rows := self.role_board(role))]

    def tag_board(self, tag: str, size: int = 5) -> list[Standing]:
        """Who earned most by answering Q&A with this tag: the people to ask about it."""
        tagged = {q.id for q in self.site.qas if tag in q.tags}
        answering = ROLES[0].rules
        contribs = [c for c in self.contributions if c.rule in answering and self.qa_ids.get(c.ref) in tagged]
        return self.standings(contribs=contribs)[:size]

    def tag_boards(self) -> list[tuple[str, list[Standing]]]:
        return [(tag, board) for tag in self.site.tags() if (board := self.tag_board(tag, 3))]

    def skilled(self, tag: str) -> list[str]:
        """Members whose curated skills name the tag."""
        wanted = tag.casefold()
        found = [mid for mid, p in self.profiles.items() if any(s.casefold() == wanted for s in p.skills)]
        return sorted(found, key=lambda mid: self.site.members[mid].name.casefold())

    # -- badges --------------------------------------------------------------------------------

    def badges(self, member_id: str) -> list[Badge]:
        done = self._acts.get(member_id, Counter())
        return [b for b in BADGES if done[b.rule] >= b.threshold]

    def badge_holders(self) -> list[tuple[Badge, list[str]]]:
        out = []
        for badge in BADGES:
            holders = [
                m for m in self.site.members if self._acts.get(m, Counter())[badge.rule] >= badge.threshold
            ]
            out.append((badge, sorted(holders, key=lambda m: self.site.members[m].name.casefold())))
        return out

    # -- profiles ------------------------------------------------------------------------------

    def profile(self, member_id: str) -> Profile:
        return self.profiles.get(member_id, Profile())

    def expertise(self, member_id: str) -> list[tuple[str, int]]:
        """Tags of the Q&A the member answered, most answered first."""
        if not self._expertise:
            counts: dict[str, Counter[str]] = defaultdict(Counter)
            for q in self.site.qas:
                for who in q.answerers:
                    counts[who].update(q.tags)
            self._expertise = {
                who: sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])) for who, tags in counts.items()
            }
        return self._expertise.get(member_id, [])

    def best_answers(self, member_id: str, size: int = 5) -> list[BestAnswer]:
        """The member's answers on the site, accepted and most reacted to first."""
        if not self._best:
            best: dict[str, dict[str, BestAnswer]] = defaultdict(dict)
            for qa in self.site.knowledge.qas:
                entry = self.entries.get(self.qa_ids[qa.id])
                if entry is None:
                    continue
                for answer in qa.answers:
                    who = answer.message.member_id
                    candidate = BestAnswer(entry, answer.accepted, answer.message.reaction_count)
                    held = best[who].get(entry.id)
                    if held is None or (candidate.accepted, candidate.reactions) > (
                        held.accepted,
                        held.reactions,
                    ):
                        best[who][entry.id] = candidate
            self._best = {
                who: sorted(found.values(), key=lambda b: (-b.accepted, -b.reactions, b.qa.title, b.qa.id))
                for who, found in best.items()
            }
        return self._best.get(member_id, [])[:size]

    def intro(self, member_id: str) -> Intro | None:
        return self._intros.get(member_id)

    def activity_chart(self, member_id: str, title: str, unit: str) -> Markup:
        """Messages per week over the community's whole span, as inline SVG."""
        weeks = self.span()
        counts = self.site.knowledge.activity.get(member_id, {})
        bars = [Bar(f"{week_label(w)}: {counts.get(w, 0)} {unit}", counts.get(w, 0)) for w in weeks]
        first = week_label(weeks[0]) if weeks else ""
        last = week_label(weeks[-1]) if len(weeks) > 1 else ""
        return bar_chart(bars, title, first, last)

    def groups_of(self, member_id: str) -> list[tuple[str, str | None]]:
        """(title, group page or None) of each group the member posted in."""
        stats = self.site.members[member_id].stats
        titles = {f"{g.platform}/{g.id}": g.title for g in self.site.knowledge.groups}
        uris = self.site.group_uris()
        keys = stats.groups if stats else ()
        return [(titles.get(key, key), uris.get(key)) for key in keys if key in titles]

    def shared_by(self, member_id: str) -> list[Resource]:
        if self._shared is None:  # once for every profile, not one pass over all resources each
            self._shared = defaultdict(list)
            for resource in self.resources():
                for member in dict.fromkeys(s.member_id for s in resource.shares):
                    self._shared[member].append(resource)
        return list(self._shared.get(member_id, []))

    def organised_by(self, member_id: str) -> list[Event]:
        return [e for e in self.events if member_id in e.organisers]

    def seeking(self, values: Iterable[str]) -> list[str]:
        """``seeking`` values in the site language."""
        ui = strings(self.site.settings.language)
        return [seeking_label(v, ui) for v in values]

    @property
    def rules(self) -> tuple[str, ...]:
        return RULES

    @property
    def tag_pages(self) -> set[str]:
        """Tags that have a page (those of at least one Q&A on the site)."""
        return set(self.site.tags())

    def points_of(self, member_id: str) -> float:
        return self._totals.get(member_id, 0.0)

    # -- the directory ------------------------------------------------------------------------

    def directory(self) -> list[Person]:
        people = [
            Person(
                mid,
                self.profile(mid),
                tuple(tag for tag, _n in self.expertise(mid)[:EXPERTISE_TOP]),
                self.points_of(mid),
            )
            for mid in self.site.members
        ]
        return sorted(people, key=lambda p: (self.site.members[p.member_id].name.casefold(), p.member_id))

    # -- resources ----------------------------------------------------------------------------

    def resources(self) -> list[Resource]:
        """Resources with at least one share on the site (a link inside a hidden Q&A is not)."""
        if self._resources is None:
            self._resources = []
            for resource in self.site.knowledge.resources:
                shares = tuple(s for s in resource.shares if self._public_share(s))
                if shares:
                    self._resources.append(
                        Resource(resource.url, resource.domain, shares, resource.tags, resource.last_shared)
                    )
        return self._resources

    def note(self, resource: Resource, limit: int = 160) -> str:
        """What the first share on its own said around the link (the link left out); a link in an
        answer has its question instead."""
        alone = next((s for s in resource.shares if s.qa_id is None), None)
        if alone is None:
            return ""
        text = " ".join(_URL.sub(" ", alone.message.text).split()).rstrip(":：")
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def _public_share(self, share: Share) -> bool:
        return share.qa_id is None or self.qa_ids.get(share.qa_id, share.qa_id) in self.entries

    def question_of(self, resource: Resource) -> QAEntry | None:
        qa_id = resource.qa_id
        return self.entries.get(self.qa_ids.get(qa_id, qa_id)) if qa_id else None

    def by_domain(self) -> list[tuple[str, list[Resource]]]:
        groups: dict[str, list[Resource]] = defaultdict(list)
        for r in self.resources():
            groups[r.domain.removeprefix("www.")].append(r)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def by_tag(self) -> list[tuple[str, list[Resource]]]:
        groups: dict[str, list[Resource]] = defaultdict(list)
        for r in self.resources():
            for tag in r.tags:
                groups[tag].append(r)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    # -- weekly digests -------------------------------------------------------------------------

    def weeks(self) -> list[date]:
        """The weeks that have a digest: those with at least one message."""
        if self._active is None:
            self._active = active_weeks(self.site)
        return list(self._active)

    def span(self) -> list[date]:
        """Every week from the first message's to the newest's."""
        weeks = self.weeks()
        return weeks_between(weeks[0], weeks[-1]) if weeks else []

    def week(self, monday: date) -> Week:
        """What the weekly digest of the week starting on ``monday`` shows (computed once)."""
        if monday not in self._weeks:
            self._weeks[monday] = self._week(monday)
        return self._weeks[monday]

    def _week(self, monday: date) -> Week:
        k = self.site.knowledge
        start, end = week_start(monday), week_start(monday + timedelta(days=7))

        def inside(moment: datetime | None) -> bool:
            return moment is not None and start <= moment < end

        messages = sum(weeks.get(monday, 0) for weeks in k.activity.values())
        asked = [q for q in self.site.qas if inside(q.asked_at)]
        qas = sorted(asked, key=lambda q: (-q.score, q.title, q.id))[:DIGEST_TOP]
        unanswered = sorted(
            (m for m in k.unanswered if inside(m.timestamp)), key=lambda m: (m.timestamp, m.id)
        )
        intros = {i.member_id: i for i in k.intros}
        newcomers = sorted(
            (mid for mid, when in k.arrivals.items() if inside(when) and mid in self.site.members),
            key=lambda mid: (k.arrivals[mid], mid),
        )
        resources = [r for r in self.resources() if inside(r.first.message.timestamp)]
        last = monday + timedelta(days=6 + UPCOMING_DAYS)
        events = [e for e in self.events if monday <= e.date <= last]
        board = self.standings(start, end)[:DIGEST_TOP]
        weeks = self.weeks()
        before = [w for w in weeks if w < monday]
        after = [w for w in weeks if w > monday]
        return Week(
            monday=monday,
            messages=messages,
            updated=min(end - timedelta(seconds=1), max(k.now, start)),
            asked=len(asked),
            previous=before[-1] if before else None,
            next=after[0] if after else None,
            qas=qas,
            unanswered=unanswered,
            newcomers=[(mid, intros.get(mid)) for mid in newcomers],
            resources=resources,
            events=events,
            board=board,
        )

    # -- the rewards ledger ----------------------------------------------------------------------

    def ledger(self, since: datetime | None, until: datetime | None) -> list[LedgerRow]:
        """Each member's points by rule in [since, until); members without points are left out."""
        k = self.site.knowledge
        names = {m.id: m.name for m in k.members}
        names.update({mid: entry.name for mid, entry in self.site.members.items()})
        by_member: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(RULES, 0.0))
        for c in self.contributions:
            if (since is not None and c.timestamp < since) or (until is not None and c.timestamp >= until):
                continue
            by_member[c.member_id][c.rule] = by_member[c.member_id].get(c.rule, 0.0) + c.points
        rows = [
            LedgerRow(mid, names.get(mid, mid), tuple((r, points.get(r, 0.0)) for r in RULES))
            for mid, points in by_member.items()
        ]
        rows = [r for r in rows if r.total]
        return sorted(rows, key=lambda r: (-r.total, r.member_id))


def active_weeks(site: SiteModel) -> list[date]:
    """Weeks with at least one message, oldest first (what the weekly digests cover)."""
    k = site.knowledge
    totals: Counter[date] = Counter()
    for weeks in k.activity.values():
        totals.update(weeks)
    if not totals:
        return []
    return [w for w in weeks_between(min(totals), max(totals)) if totals[w]]


def seeking_label(value: str, ui: Mapping[str, str]) -> str:
    """A ``seeking`` value in the site language: ``learning: SQL`` -> ``学习: SQL``."""
    head, sep, rest = value.partition(":")
    key = head.strip().lower()
    if key in SEEKING:
        label = ui[f"seeking_{key}"]
        return f"{label}: {rest.strip()}" if sep and rest.strip() else label
    return value
