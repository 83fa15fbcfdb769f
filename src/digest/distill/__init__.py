"""Distillation: from stored messages to Q&A, members and contributions.

``distill_store`` runs the stages group by group and returns one immutable ``Knowledge``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digest.distill.deferred import Deferred
from digest.distill.identity import identity_map
from digest.distill.intros import Intro, ProfileRules, read_intro
from digest.distill.privacy import Privacy, Pseudonyms, prepare
from digest.distill.profiles import Nickname, parse_nickname
from digest.model import QA, Contribution, Group, Member, Message
from digest.store import Store
from digest.text import slugify

if TYPE_CHECKING:  # the stages (numpy, jieba, whoosh) load when something is distilled, not
    # when a command only needs the settings or the privacy rules
    from digest.distill.resources import Resource


def mark_repeats(qas: Sequence[QA], key: str, cache: Path | None = None) -> list[QA]:
    """The Q&A marked by :mod:`digest.distill.repeats` (loaded when first needed), whose
    findings are kept by ``key``, a digest of every group's inputs."""
    from digest.distill.pergroup import cached_step
    from digest.distill.repeats import Repeat, marked, repeats_among

    return marked(qas, cached_step(lambda: repeats_among(qas, cache=cache), key, cache, Repeat))


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything distilled from the store; the input of the pages stage."""

    groups: tuple[Group, ...]
    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]
    members: tuple[Member, ...]
    contributions: Sequence[Contribution]  # from distill_store: worked out when first read
    now: datetime  # the newest message: "recent" is measured from here, so builds are reproducible
    message_count: int
    private: frozenset[str] = frozenset()  # member ids without a public profile (pseudonymised)
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)  # real names: never publish them
    intros: tuple[Intro, ...] = ()  # self-introductions, oldest first (public members only)
    resources: Sequence[Resource] = ()  # links shared in chat, deduplicated, oldest first
    nicknames: Mapping[str, Nickname] = field(default_factory=dict)  # member id -> parsed nickname
    activity: Mapping[str, Mapping[date, int]] = field(default_factory=dict)  # member -> Monday -> messages
    arrivals: Mapping[str, datetime] = field(default_factory=dict)  # member -> first join or message
    identities: Mapping[str, str] = field(default_factory=dict)  # joined account -> member credited
    fingerprint: str = ""  # a digest of every input of the distillation ("": unknown)


def distill_store(
    store: Store,
    tags: Mapping[str, Sequence[str]],
    weights: Mapping[str, int],
    privacy: Privacy | None = None,
    people: ProfileRules | None = None,
    cache: Path | None = None,
) -> Knowledge:
    """Distill the whole store; ``privacy`` (redaction on by default) applies to every message
    as it is read, so nothing downstream ever sees unredacted text or an opted-out name.

    Groups are distilled one at a time (see :mod:`digest.distill.pergroup`); with ``cache``
    (a folder digest owns) a group whose messages did not change is not distilled again.
    """
    privacy = privacy or Privacy()
    identities = identity_map(privacy.consent.aliases, (member for member, _name in store.authors()))
    privacy = _consent_follows_identity(privacy, identities)
    guard = prepare(privacy, store.authors())
    from digest.distill.pergroup import MemberTally, Rules, distill_parts, whole_key
    from digest.distill.resources import merge_resources

    people = people or ProfileRules()
    rules = Rules(tags, weights, guard, identities, people)
    private = frozenset(guard.pseudonyms.members)
    stored = store.groups()
    groups = [guard.group(g) for g in stored]
    parts = distill_parts(store, list(zip(stored, groups, strict=True)), rules, cache)
    qas: list[QA] = []
    unanswered: list[Message] = []
    intros: dict[str, Intro] = {}
    tally = MemberTally()
    first_names = tally.first_names
    for part in parts:
        qas.extend(part.qas)
        unanswered.extend(part.unanswered)
        tally.fold(part)
        for intro in part.intros:
            member = intro.member_id
            if member in private or member in intros:
                continue
            if first_names[member] != part.first_names[member]:  # read with the name seen first anywhere
                nick = parse_nickname(first_names[member], people.nickname)
                intro = read_intro(intro.message, people.vocabulary, nick)
            intros[member] = intro
    seen, activity = tally.members, tally.activity
    arrived = {member: entry.first for member, entry in seen.items()}  # first join or message
    newest = [part.newest for part in parts if part.newest is not None]
    members = sorted(
        (
            Member(member, e.name, slugify(e.name), tuple(e.groups), e.first, e.last, e.count)
            for member, e in seen.items()
        ),
        key=lambda mb: (seen[mb.id].first, mb.id),
    )
    nicknames: dict[str, Nickname] = {
        m: parse_nickname(name, people.nickname) for m, name in first_names.items()
    }
    nicknames.update((mb.id, parse_nickname(mb.name, people.nickname)) for mb in members)  # latest name
    asked = sorted(qas, key=lambda q: (q.question.timestamp, q.id))
    return Knowledge(
        groups=tuple(groups),
        qas=tuple(mark_repeats(asked, whole_key(parts), cache)),  # repeats: community-wide
        unanswered=tuple(sorted(unanswered, key=lambda m: m.timestamp, reverse=True)),
        members=tuple(members),
        # Points and resources are for the site build: worked out when it first reads them.
        contributions=Deferred(
            lambda: sorted(
                (c for part in parts for c in part.contributions),
                key=lambda c: (c.timestamp, c.member_id, c.rule, c.ref),
            )
        ),
        now=max(newest, default=datetime(1970, 1, 1, tzinfo=UTC)),
        message_count=sum(part.message_count for part in parts),
        private=private,
        pseudonyms=guard.pseudonyms,
        intros=tuple(sorted(intros.values(), key=lambda i: (i.message.timestamp, i.member_id))),
        # a link shared in two groups is one resource
        resources=Deferred(lambda: merge_resources(r for part in parts for r in part.resources)),
        nicknames=nicknames,
        activity=activity,
        arrivals=arrived,
        identities=identities,
        fingerprint=whole_key(parts),
    )


def _consent_follows_identity(privacy: Privacy, identities: Mapping[str, str]) -> Privacy:
    """An account joined to a member who opted out (or in) is opted out (or in) with them."""
    consent = privacy.consent
    opt_out = consent.opt_out | {a for a, owner in identities.items() if owner in consent.opt_out}
    opt_in = consent.opt_in | {a for a, owner in identities.items() if owner in consent.opt_in}
    return replace(privacy, consent=replace(consent, opt_out=frozenset(opt_out), opt_in=frozenset(opt_in)))
