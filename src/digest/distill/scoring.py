"""Contributions and points: every point traceable to one act, one rule and one weight."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from digest.distill.questions import is_thanks
from digest.model import QA, Contribution, Message

RULES = (
    "answer",
    "accepted_answer",
    "thanks_received",
    "reaction_received",
    "question_answered",
    "resource_shared",
    "event_organised",
    "curation",
)


def contributions(
    qas: Iterable[QA],
    messages: Sequence[Message],
    weights: Mapping[str, int],
    replies: Mapping[str, str] | None = None,
) -> list[Contribution]:
    """Score Q&A and thanks: answers (once per member per Q&A), acceptance, thanks, reactions.

    A thanks counts for the message it replies to: its explicit reply link, or else the one
    ``replies`` reconstructed (message id -> parent id) for a chat without links.
    """
    by_id = {(m.group_id, m.id): m for m in messages}
    out = qa_contributions(qas, weights) + thanks_contributions(messages, by_id, weights, replies)
    return sorted(out, key=lambda c: (c.timestamp, c.member_id, c.rule, c.ref))


def qa_contributions(qas: Iterable[QA], weights: Mapping[str, int]) -> list[Contribution]:
    """Answers (once per member per Q&A), accepted answers, reactions to answers, answered questions."""
    out: list[Contribution] = []
    for qa in qas:
        credited: set[str] = set()
        for answer in qa.answers:
            msg = answer.message
            if msg.member_id not in credited:
                credited.add(msg.member_id)
                out.append(_c(msg.member_id, "answer", weights, msg.timestamp, qa.id))
            if answer.accepted:
                out.append(_c(msg.member_id, "accepted_answer", weights, msg.timestamp, qa.id))
            reactors = sum(r.count - (msg.author_id in r.author_ids) for r in msg.reactions)
            if reactors > 0:
                out.append(_c(msg.member_id, "reaction_received", weights, msg.timestamp, qa.id, reactors))
        if qa.accepted is not None:
            q = qa.question
            out.append(_c(q.member_id, "question_answered", weights, q.timestamp, qa.id))
    return out


def thanks_contributions(
    messages: Iterable[Message],
    by_id: Mapping[tuple[str, str], Message],
    weights: Mapping[str, int],
    replies: Mapping[str, str] | None = None,
) -> list[Contribution]:
    """``thanks_received`` for the author of each message one of ``messages`` thanks
    (looked up in ``by_id``, by group and message id)."""
    out: list[Contribution] = []
    for m in messages:
        parent = reply_of(m, replies)
        if parent is None or not is_thanks(m.text):
            continue
        target = by_id.get((m.group_id, parent))
        if target is not None and target.author_id != m.author_id and target.author_id:
            key = target.member_id
            out.append(_c(key, "thanks_received", weights, m.timestamp, f"{m.group_id}/{m.id}"))
    return out


def reply_of(message: Message, replies: Mapping[str, str] | None) -> str | None:
    """The id of the message ``message`` replies to: its own link wins over a reconstructed one
    (a reconstructed link to itself means it starts a conversation)."""
    if message.reply_to is not None:
        return message.reply_to
    parent = replies.get(message.id) if replies else None
    return parent if parent != message.id else None


def _c(
    member_id: str, rule: str, weights: Mapping[str, int], when: datetime, ref: str, times: int = 1
) -> Contribution:
    return Contribution(member_id, rule, float(weights.get(rule, 0) * times), when, ref)


@dataclass(frozen=True, slots=True)
class Standing:
    """One row of a leaderboard."""

    member_id: str
    points: float
    by_rule: tuple[tuple[str, float], ...]
    answers: int
    accepted: int


def leaderboard(
    contribs: Iterable[Contribution],
    since: datetime | None = None,
    exclude: frozenset[str] = frozenset(),
    until: datetime | None = None,
) -> list[Standing]:
    """Members by points (then accepted answers, then id), optionally since and before a moment."""
    points: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in contribs:
        if (since is not None and c.timestamp < since) or c.member_id in exclude:
            continue
        if until is not None and c.timestamp >= until:
            continue
        points[c.member_id][c.rule] += c.points
        if c.rule == "answer":
            counts[c.member_id][0] += 1
        elif c.rule == "accepted_answer":
            counts[c.member_id][1] += 1
    rows = [
        Standing(
            member_id=member,
            points=sum(rules.values()),
            by_rule=tuple((r, rules[r]) for r in RULES if rules.get(r)),
            answers=counts[member][0],
            accepted=counts[member][1],
        )
        for member, rules in points.items()
    ]
    rows = [r for r in rows if r.points > 0]
    return sorted(rows, key=lambda r: (-r.points, -r.accepted, r.member_id))
