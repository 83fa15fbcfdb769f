"""Distillation: from stored messages to Q&A, members and contributions.

``distill_store`` runs the stages group by group and returns one immutable ``Knowledge``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from digest.distill.profiles import collect_members
from digest.distill.qa import distill_group
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


def distill_store(store: Store, tags: Mapping[str, Sequence[str]], weights: Mapping[str, int]) -> Knowledge:
    qas: list[QA] = []
    unanswered: list[Message] = []
    messages: list[Message] = []
    contribs: list[Contribution] = []
    groups = store.groups()
    for group in groups:
        group_messages = list(store.messages(group))
        result = distill_group(group_messages, tags)
        qas.extend(result.qas)
        unanswered.extend(result.unanswered)
        contribs.extend(contributions(result.qas, group_messages, weights))
        messages.extend(group_messages)
    now = max((m.timestamp for m in messages), default=datetime(1970, 1, 1, tzinfo=UTC))
    return Knowledge(
        groups=tuple(groups),
        qas=tuple(sorted(qas, key=lambda q: (q.question.timestamp, q.id))),
        unanswered=tuple(sorted(unanswered, key=lambda m: m.timestamp, reverse=True)),
        members=tuple(collect_members(messages)),
        contributions=tuple(sorted(contribs, key=lambda c: (c.timestamp, c.member_id, c.rule, c.ref))),
        now=now,
        message_count=len(messages),
    )
