"""Q&A from reply chains: a question, the asker's follow-ups, the answers, the accepted one."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from digest.distill.questions import is_thanks, is_thanks_only, judge_question, make_title
from digest.model import QA, Answer, Kind, Message
from digest.text import has_cjk, short_hash

MIN_QUESTION_CONFIDENCE = 0.6
MIN_UNANSWERED_CONFIDENCE = 0.9
_SUBSTANCE = re.compile(r"[\w\u3400-\u9fff]")


@dataclass(frozen=True, slots=True)
class GroupQA:
    """What one group yields: Q&A drafts, and questions nobody answered yet."""

    qas: tuple[QA, ...]
    unanswered: tuple[Message, ...]


def qa_id(message: Message) -> str:
    """The stable id of the Q&A rooted at ``message``."""
    return "q-" + short_hash(message.platform, message.group_id, message.id, length=10)


def is_content(message: Message) -> bool:
    return message.kind in (Kind.TEXT, Kind.MEDIA) and bool(_SUBSTANCE.search(message.text))


def distill_group(
    messages: Sequence[Message],
    tags: Mapping[str, Sequence[str]] | None = None,
    replies: Mapping[str, str] | None = None,
) -> GroupQA:
    """Q&A of one group's messages (in time order).

    ``replies`` may add reconstructed reply links (message id -> parent id) for messages the
    export left without one; an explicit ``reply_to`` always wins.
    """
    by_id = {m.id: m for m in messages}
    parent: dict[str, str] = {}
    for m in messages:
        target = m.reply_to or (replies or {}).get(m.id)
        if target and target != m.id and target in by_id:
            parent[m.id] = target
    children: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        if m.id in parent:
            children[parent[m.id]].append(m)

    qas: list[QA] = []
    unanswered: list[Message] = []
    for root in messages:
        if not is_content(root) or _is_rooted(root, parent, by_id):
            continue
        verdict = judge_question(root.text)
        if not verdict.is_question or verdict.confidence < MIN_QUESTION_CONFIDENCE:
            continue
        thread = _descendants(root, children)
        qa = _qa(root, thread, parent, by_id, verdict.confidence, tags or {})
        if qa.answers:
            qas.append(qa)
        elif verdict.confidence >= MIN_UNANSWERED_CONFIDENCE:
            unanswered.append(root)
    return GroupQA(tuple(qas), tuple(unanswered))


def _is_rooted(message: Message, parent: Mapping[str, str], by_id: Mapping[str, Message]) -> bool:
    """A reply to real content is part of someone else's thread, not a new question."""
    target = parent.get(message.id)
    return target is not None and is_content(by_id[target])


def _descendants(root: Message, children: Mapping[str, list[Message]]) -> list[Message]:
    out: list[Message] = []
    stack = list(children.get(root.id, ()))
    seen = {root.id}
    while stack:
        m = stack.pop()
        if m.id in seen:
            continue
        seen.add(m.id)
        out.append(m)
        stack.extend(children.get(m.id, ()))
    return sorted(out, key=lambda m: (m.timestamp, m.id))


def _qa(
    root: Message,
    thread: list[Message],
    parent: Mapping[str, str],
    by_id: Mapping[str, Message],
    confidence: float,
    tags: Mapping[str, Sequence[str]],
) -> QA:
    asker = root.author_id
    details: list[Message] = []
    answers: list[Message] = []
    thanked: set[str] = set()
    thanked_by_asker: list[str] = []
    for m in thread:
        target = by_id.get(parent.get(m.id, ""))
        if m.author_id == asker:
            if target is not None and target.author_id != asker and is_thanks(m.text):
                thanked.add(target.id)
                thanked_by_asker.append(target.id)
            elif (
                is_content(m) and not is_thanks_only(m.text) and (target is None or target.author_id == asker)
            ):
                details.append(m)
            continue
        if target is not None and target.author_id != m.author_id and is_thanks(m.text):
            thanked.add(target.id)
        if is_content(m) and not is_thanks_only(m.text):
            answers.append(m)
    accepted = _accepted(asker, answers, thanked_by_asker)
    return QA(
        id=qa_id(root),
        title=make_title(root.text),
        question=root,
        details=tuple(details),
        answers=tuple(Answer(message=a, accepted=a.id == accepted, thanked=a.id in thanked) for a in answers),
        tags=match_tags(" ".join([root.text, *(d.text for d in details)]), tags),
        confidence=round(confidence * (1.0 if accepted else 0.8), 2),
    )


def _accepted(asker: str, answers: list[Message], thanked_by_asker: list[str]) -> str | None:
    """The asker's thanks decide; then the asker's reaction; then the most reacted answer."""
    ids = {a.id for a in answers}
    for target in thanked_by_asker:
        if target in ids:
            return target
    for a in answers:
        if any(asker in r.author_ids for r in a.reactions):
            return a.id
    best = max(answers, key=lambda a: a.reaction_count, default=None)
    return best.id if best is not None and best.reaction_count > 0 else None


def match_tags(text: str, vocabulary: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Tags whose name or synonyms occur in ``text`` (words for Latin script, substrings for CJK)."""
    lowered = text.lower()
    found: list[str] = []
    for tag, synonyms in vocabulary.items():
        for word in (tag, *synonyms):
            w = word.lower()
            if (has_cjk(w) and w in lowered) or (
                not has_cjk(w) and re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", lowered)
            ):
                found.append(tag)
                break
    return tuple(found)
