"""Distillation: from stored messages to Q&A, members and contributions.

``distill_store`` runs the stages group by group and returns one immutable ``Knowledge``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from digest.distill.activity import arrivals, weekly_activity
from digest.distill.identity import credit, identity_map
from digest.distill.intros import Intro, ProfileRules, find_intros
from digest.distill.privacy import Privacy, Pseudonyms, prepare
from digest.distill.profiles import Nickname, collect_members, parse_nickname
from digest.distill.qa import distill_group
from digest.distill.resources import Resource, find_resources, resource_contributions
from digest.distill.scoring import contributions
from digest.model import QA, Contribution, Group, Member, Message
from digest.store import Store


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything distilled from the store; the input of the pages stage."""

    groups: tuple[Group, ...]
    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]
    members: tuple[Member, ...]
    contributions: tuple[Contribution, ...]
    now: datetime  # the newest message: "recent" is measured from here, so builds are reproducible
    message_count: int
    private: frozenset[str] = frozenset()  # member ids without a public profile (pseudonymised)
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)  # real names: never publish them
    intros: tuple[Intro, ...] = ()  # self-introductions, oldest first (public members only)
    resources: tuple[Resource, ...] = ()  # links shared in chat, deduplicated, oldest first
    nicknames: Mapping[str, Nickname] = field(default_factory=dict)  # member id -> parsed nickname
    activity: Mapping[str, Mapping[date, int]] = field(default_factory=dict)  # member -> Monday -> messages
    arrivals: Mapping[str, datetime] = field(default_factory=dict)  # member -> first join or message
    identities: Mapping[str, str] = field(default_factory=dict)  # joined account -> member credited


def distill_store(
    store: Store,
    tags: Mapping[str, Sequence[str]],
    weights: Mapping[str, int],
    privacy: Privacy | None = None,
    people: ProfileRules | None = None,
) -> Knowledge:
    """Distill the whole store; ``privacy`` (redaction on by default) applies to every message
    as it is read, so nothing downstream ever sees unredacted text or an opted-out name."""
    privacy = privacy or Privacy()
    identities = identity_map(privacy.consent.aliases, (member for member, _name in store.authors()))
    privacy = _consent_follows_identity(privacy, identities)
    guard = prepare(privacy, store.authors())
    people = people or ProfileRules()
    qas: list[QA] = []
    unanswered: list[Message] = []
    messages: list[Message] = []
    contribs: list[Contribution] = []
    intros: dict[str, Intro] = {}
    resources: list[Resource] = []
    nicknames: dict[str, Nickname] = {}
    private = frozenset(guard.pseudonyms.members)
    groups = [guard.group(g) for g in store.groups()]
    for group in groups:
        group_messages = [credit(guard.message(m), identities) for m in store.messages(group)]
        result = distill_group(group_messages, tags)
        qas.extend(result.qas)
        unanswered.extend(result.unanswered)
        contribs.extend(contributions(result.qas, group_messages, weights))
        messages.extend(group_messages)
        found = find_resources(group_messages, result.qas, tags)
        resources.extend(found)
        contribs.extend(resource_contributions(found, weights))
        for m in group_messages:
            if m.author_id and m.member_id not in nicknames:
                nicknames[m.member_id] = parse_nickname(m.author_name, people.nickname)
        for intro in find_intros(group_messages, people.window, people.vocabulary, nicknames):
            if intro.member_id not in private:
                intros.setdefault(intro.member_id, intro)
    now = max((m.timestamp for m in messages), default=datetime(1970, 1, 1, tzinfo=UTC))
    members = collect_members(messages)
    nicknames.update((mb.id, parse_nickname(mb.name, people.nickname)) for mb in members)  # latest name
    return Knowledge(
        groups=tuple(groups),
        qas=tuple(sorted(qas, key=lambda q: (q.question.timestamp, q.id))),
        unanswered=tuple(sorted(unanswered, key=lambda m: m.timestamp, reverse=True)),
        members=tuple(members),
        contributions=tuple(sorted(contribs, key=lambda c: (c.timestamp, c.member_id, c.rule, c.ref))),
        now=now,
        message_count=len(messages),
        private=private,
        pseudonyms=guard.pseudonyms,
        intros=tuple(sorted(intros.values(), key=lambda i: (i.message.timestamp, i.member_id))),
        resources=tuple(sorted(resources, key=lambda r: (r.first.message.timestamp, r.url))),
        nicknames=nicknames,
        activity=weekly_activity(messages),
        arrivals=arrivals(messages),
        identities=identities,
    )


def _consent_follows_identity(privacy: Privacy, identities: Mapping[str, str]) -> Privacy:
    """An account joined to a member who opted out (or in) is opted out (or in) with them."""
    consent = privacy.consent
    opt_out = consent.opt_out | {a for a, owner in identities.items() if owner in consent.opt_out}
    opt_in = consent.opt_in | {a for a, owner in identities.items() if owner in consent.opt_in}
    return replace(privacy, consent=replace(consent, opt_out=frozenset(opt_out), opt_in=frozenset(opt_in)))
