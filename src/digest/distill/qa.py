"""Q&A from reply chains: a question, the asker's follow-ups, the answers, the accepted one.

Each judgement carries a confidence that the draft's front matter records, so curators can
confirm or correct it in review:

- the question: :func:`~digest.distill.questions.judge_question` on the thread's first
  message, read together with the asker's own continuation lines ("hi, I have X" / "how do
  I fix it?") when the first line alone does not ask;
- the answers: replies by others, without thanks, stickers, emoji, laughter and "+1", and
  (in a long thread) without replies that neither address the asker nor share a word with
  the question;
- the accepted answer: the one the asker thanked or said worked (by replying to it or naming
  its author), else the one the asker reacted to, else the one clearly most reacted to; an
  answer the asker said did not help is never accepted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from digest.distill.questions import (
    MAX_JUDGED,
    Feedback,
    content_words,
    feedback,
    is_social_reply,
    is_thanks,
    is_thanks_only,
    judge_question,
    make_title,
    plain,
)
from digest.distill.tags import choose_tags
from digest.distill.tags import match_tags as match_tags
from digest.model import QA, Answer, Kind, Message
from digest.search import analysis, glossary
from digest.store import LINKED, SAID, flags
from digest.text import short_hash

MIN_QUESTION_CONFIDENCE = 0.6
MIN_UNANSWERED_CONFIDENCE = 0.9
OPENING_GAP = timedelta(minutes=5)
"""The asker's lines this close together, before anyone answers, are one question."""
LONG_THREAD = 4
"""From this many replies on, replies unrelated to the question are left out."""
FEW_LINKS = 0.05
"""Below this share of messages with a reply link, replies are reconstructed."""
UNACCEPTED = 0.7
"""Overall confidence factor of a Q&A without an accepted answer."""
_SUBSTANCE = re.compile(r"[\w\u3400-\u9fff]")
_NEGATIVE_EMOJI = frozenset("👎😢😞😡🤔😕💩🙄")
_NAME_SPLIT = re.compile(r"\s*[|｜/／\-－—]\s*")


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


def few_reply_links(messages: Sequence[Message]) -> bool:
    """Does this chat carry too few reply links to follow (WhatsApp, old WeChat exports)?

    Then its replies are reconstructed (:func:`digest.distill.threads.reconstruct`); the
    links it does carry still win.
    """
    marks = [flags(m) for m in messages]
    return too_few_links(sum(f & SAID for f in marks), sum(1 for f in marks if f & LINKED))


def too_few_links(said: int, linked: int) -> bool:
    """:func:`few_reply_links` from the counts of text and media messages and of those linked."""
    return linked < max(1.0, FEW_LINKS * said)


def distill_group(
    messages: Sequence[Message],
    tags: Mapping[str, Sequence[str]] | None = None,
    replies: Mapping[str, str] | None = None,
    roots: Container[str] | None = None,
    known: Iterable[str] = (),
) -> GroupQA:
    """Q&A of one group's messages (in time order).

    ``replies`` may add reconstructed reply links (message id -> parent id) for messages the
    export left without one; an explicit ``reply_to`` always wins. With ``roots``, only Q&A
    whose question is one of those messages are made (the others are there as their threads
    and parents); ``known`` are the names (case-folded) that spoke before the first message.
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
    authors: set[str] = set(known)  # names seen so far, for "nick: ..." lines
    for root in messages:
        addressed = replies is not None and _addresses(root.text, authors)
        if root.author_name:
            authors.add(root.author_name.casefold())
        if roots is not None and root.id not in roots:
            continue
        if not is_content(root) or _is_rooted(root, parent, by_id) or addressed:
            continue  # "nick: ..." in a chat without reply links answers nick: a reply, not a question
        verdict = judge_question(root.text)
        question = root
        opening: list[Message] = []
        if not verdict.is_question:  # "hi, my X breaks" / "how do I fix it?": one question
            opening = _opening(root, children)
            if opening:
                verdict = judge_question("\n".join(m.text for m in (root, *opening)))
                if content_words(plain(root.text)) < 2:  # "excuse me" / "hi all": the next line asks
                    question, opening = opening[0], opening[1:]
        if not verdict.is_question or verdict.confidence < MIN_QUESTION_CONFIDENCE:
            continue
        thread = [m for m in _descendants(root, children) if m.id != question.id]
        qa = _qa(question, opening, thread, parent, by_id, verdict.confidence, tags or {})
        if qa.answers:
            qas.append(qa)
        elif verdict.confidence >= MIN_UNANSWERED_CONFIDENCE:
            unanswered.append(question)
    return GroupQA(tuple(qas), tuple(unanswered))


_NICK_PREFIX = re.compile(r"^\s*@?([^\s:,，：]{2,32})[:：]\s")


def _addresses(text: str, authors: set[str]) -> bool:
    """Does the message open with ``nick:``, naming someone who spoke before?"""
    match = _NICK_PREFIX.match(text)
    return match is not None and match.group(1).casefold() in authors


def _is_rooted(message: Message, parent: Mapping[str, str], by_id: Mapping[str, Message]) -> bool:
    """A reply to real content is part of someone else's thread, not a new question."""
    target = parent.get(message.id)
    return target is not None and is_content(by_id[target])


def _opening(root: Message, children: Mapping[str, list[Message]]) -> list[Message]:
    """The asker's own next lines, each replying to the one before, before anyone else speaks."""
    out: list[Message] = []
    current = root
    while True:
        replies = sorted(children.get(current.id, ()), key=lambda m: (m.timestamp, m.id))
        if not replies:
            return out
        first = replies[0]
        if first.author_id != root.author_id or first.timestamp - current.timestamp > OPENING_GAP:
            return out
        if not is_content(first) or is_thanks(first.text):
            return out
        out.append(first)
        current = first


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
    opening: Sequence[Message],
    thread: list[Message],
    parent: Mapping[str, str],
    by_id: Mapping[str, Message],
    confidence: float,
    tags: Mapping[str, Sequence[str]],
) -> QA:
    asker = root.author_id
    details: list[Message] = list(opening)
    candidates: list[Message] = []
    thanked: set[str] = set()
    said: list[tuple[Message, Message | None]] = []  # the asker's replies and what they reply to
    opened = {m.id for m in opening}
    for m in thread:
        if m.id in opened:
            continue
        target = by_id.get(parent.get(m.id, ""))
        if m.author_id == asker:
            if target is not None and target.author_id != asker:
                said.append((m, target))  # a reply to an answer: feedback or talk, never a detail
                if is_thanks(m.text):
                    thanked.add(target.id)
            elif feedback(m.text) in (Feedback.WORKS, Feedback.THANKS) and is_thanks_only(m.text):
                said.append((m, None))  # "thanks all, it works now" under the question
            elif is_content(m) and not is_thanks_only(m.text):
                details.append(m)
            continue
        if target is not None and target.author_id != m.author_id and is_thanks(m.text):
            thanked.add(target.id)
        if is_content(m) and not is_thanks_only(m.text) and not is_social_reply(m.text):
            candidates.append(m)
    question_text = "\n".join(m.text for m in (root, *details))
    answers = _on_topic(root, question_text, candidates, parent, by_id)
    accepted, how, sure = _accepted(root, answers, said)
    ask_text = "\n".join(m.text for m in (root, *opening))
    return QA(
        id=qa_id(root),
        title=make_title(ask_text),
        question=root,
        details=tuple(details),
        answers=tuple(Answer(message=a, accepted=a.id == accepted, thanked=a.id in thanked) for a in answers),
        tags=choose_tags([(ask_text, 1.0), *((d.text, 0.5) for d in details[len(opening) :])], tags),
        confidence=round(confidence * (sure if accepted else UNACCEPTED), 2),
        question_confidence=round(confidence, 2),
        accepted_by=how,
        accepted_confidence=round(sure, 2),
    )


def _names(message: Message) -> set[str]:
    """How others may call the author: the display name and the name part of a nickname."""
    name = message.author_name.strip()
    parts = [p for p in _NAME_SPLIT.split(name) if p]
    found = {name, *(parts[-1:] if len(parts) > 1 else [])}
    return {n.casefold() for n in found if len(n) >= 2}


def _mentions(text: str, names: set[str]) -> bool:
    lowered = text.casefold()
    for name in names:
        if name.isascii():
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", lowered):
                return True
        elif name in lowered:
            return True
    return False


def _bag(text: str) -> set[str]:
    words = set(analysis.bag(text[:MAX_JUDGED]))
    return words | {s for w in words for s in glossary.synonyms(w)}


def _on_topic(
    root: Message,
    question: str,
    candidates: list[Message],
    parent: Mapping[str, str],
    by_id: Mapping[str, Message],
) -> list[Message]:
    """In a long thread, the replies that address the asker or share a word with the question."""
    if len(candidates) < LONG_THREAD:
        return candidates
    asker_names = _names(root)
    asked = _bag(question)
    kept: list[Message] = []
    for m in candidates:
        target = by_id.get(parent.get(m.id, ""))
        addresses = target is None or target.author_id == root.author_id or _mentions(m.text, asker_names)
        if addresses or not asked.isdisjoint(analysis.bag(m.text[:MAX_JUDGED])):
            kept.append(m)
    return kept


def _accepted(
    root: Message, answers: list[Message], said: list[tuple[Message, Message | None]]
) -> tuple[str | None, str, float]:
    """The accepted answer's id, how it was accepted and how sure: thanks, reaction, reactions."""
    ids = {a.id for a in answers}
    order = {a.id: i for i, a in enumerate(answers)}
    verdicts: dict[str, tuple[Feedback, float]] = {}  # answer -> the asker's last word on it
    for m, target in said:
        fb = feedback(m.text)
        if fb is Feedback.NONE:
            continue
        earlier = [a for a in answers if (a.timestamp, a.id) < (m.timestamp, m.id)]
        if target is not None and target.id in ids:
            answer, sure = target.id, 0.95
        else:
            named = [a for a in earlier if _mentions(m.text, _names(a))]
            if named:
                answer, sure = named[-1].id, 0.9
            elif earlier and (target is None or target.author_id == root.author_id):
                answer, sure = earlier[-1].id, 0.65
            else:
                continue
        if fb is Feedback.THANKS:
            sure -= 0.05
        verdicts[answer] = (fb, sure)
    good = [(sure, a) for a, (fb, sure) in verdicts.items() if fb is not Feedback.FAILED]
    if good:
        sure, best = max(good, key=lambda g: (g[0], order[g[1]]))
        return best, "thanks", sure
    failed = {a for a, (fb, _sure) in verdicts.items() if fb is Feedback.FAILED}
    open_answers = [a for a in answers if a.id not in failed]
    liked = [
        a
        for a in open_answers
        if any(root.author_id in r.author_ids and r.emoji not in _NEGATIVE_EMOJI for r in a.reactions)
    ]
    if liked:
        return liked[-1].id, "reaction", 0.85
    counts = sorted(((_reactions(a), a.id) for a in open_answers), key=lambda c: (-c[0], order[c[1]]))
    if counts and counts[0][0] > 0 and (len(counts) == 1 or counts[0][0] > counts[1][0]):
        margin = counts[0][0] - (counts[1][0] if len(counts) > 1 else 0)
        return counts[0][1], "reactions", min(0.8, 0.45 + 0.1 * margin)
    return None, "none", 0.0


def _reactions(answer: Message) -> int:
    """Reactions others gave an answer (not its author's own, not thumbs-down)."""
    return sum(
        r.count - (answer.author_id in r.author_ids)
        for r in answer.reactions
        if r.emoji not in _NEGATIVE_EMOJI
    )
