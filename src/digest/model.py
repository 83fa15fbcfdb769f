"""The shared language of every stage: small frozen records.

Data flows one way: sources -> store -> distill -> pages -> plugin. Every stage speaks
in these records, never in dicts or tuples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """What a message is, for distillation: only ``TEXT`` and ``MEDIA`` carry content."""

    TEXT = "text"
    MEDIA = "media"
    SERVICE = "service"  # joins, pins, title changes, calls: never content
    JOIN = "join"  # a member joined (useful for spotting self-introductions)


@dataclass(frozen=True, slots=True)
class Reaction:
    emoji: str
    count: int
    author_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # photo, file, voice, video, sticker, link, poll, location, contact
    name: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """One chat, channel or group: the unit an export belongs to."""

    platform: str
    id: str
    title: str


@dataclass(slots=True, unsafe_hash=True)
class Message:
    """One chat message as imported, keyed by (platform, group_id, id).

    Never changed after it is made, like every record here (``dataclasses.replace`` makes a
    changed copy); not declared frozen only because a frozen record costs three times as much
    to create, and imports and distillation create millions.
    """

    platform: str
    group_id: str
    id: str
    timestamp: datetime  # always timezone-aware
    author_id: str  # stable platform id of the sender ("" for anonymous service lines)
    author_name: str  # display name or group nickname at the time of the message
    text: str
    kind: Kind = Kind.TEXT
    reply_to: str | None = None  # id of the message this replies to, same group
    reactions: tuple[Reaction, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    edited: datetime | None = None
    forwarded_from: str | None = None
    member: str | None = None  # the member credited, when curators joined this account to another

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.platform, self.group_id, self.id)

    @property
    def member_id(self) -> str:
        """The member this message is credited to: platform-qualified, stable."""
        return self.member or member_key(self.platform, self.author_id)

    @property
    def reaction_count(self) -> int:
        return sum(r.count for r in self.reactions)


def member_key(platform: str, author_id: str) -> str:
    return f"{platform}:{author_id}"


@dataclass(frozen=True, slots=True)
class Chat:
    """What an importer yields: a group and a stream of its messages."""

    group: Group
    messages: Iterable[Message] = field(compare=False)  # may be a one-shot stream


@dataclass(frozen=True, slots=True)
class Member:
    """A person, as the distilled store sees them (curated fields live in content/)."""

    id: str  # member_key(platform, author_id)
    name: str
    slug: str
    groups: tuple[str, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    messages: int = 0


@dataclass(frozen=True, slots=True)
class Thread:
    """A question-rooted conversation: the root and every message that hangs off it."""

    root: Message
    replies: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    message: Message
    accepted: bool = False
    thanked: bool = False


@dataclass(frozen=True, slots=True)
class QA:
    """A distilled question with its answers; the draft of one Q&A page."""

    id: str
    title: str
    question: Message
    details: tuple[Message, ...] = ()  # the asker's follow-ups, folded into the question
    answers: tuple[Answer, ...] = ()
    tags: tuple[str, ...] = ()
    confidence: float = 1.0  # overall: how sure the distiller is of this page
    # Each judgement and how sure it is, so curators confirm or correct it in review:
    question_confidence: float = 1.0  # that the question is a knowledge question
    accepted_by: str = "none"  # thanks (or "it works"), reaction (the asker's), reactions (most), none
    accepted_confidence: float = 0.0
    repeat_of: str | None = None  # the earlier Q&A this one asks again
    repeat_confidence: float = 0.0
    # A digest of the Q&A as distilled ("": unknown): the same origin, the same Q&A, so later
    # stages tell an unchanged one without reading it all.
    origin: str = field(default="", compare=False)

    @property
    def accepted(self) -> Answer | None:
        return next((a for a in self.answers if a.accepted), None)

    @property
    def source_ids(self) -> tuple[str, ...]:
        msgs = (self.question, *self.details, *(a.message for a in self.answers))
        return tuple(m.id for m in msgs)

    def repeating(self, of: str, confidence: float) -> QA:
        """This Q&A as a repeat of Q&A ``of``: ``dataclasses.replace`` at half its cost (repeat
        detection marks tens of thousands of them on every run)."""
        return QA(
            self.id,
            self.title,
            self.question,
            self.details,
            self.answers,
            self.tags,
            self.confidence,
            self.question_confidence,
            self.accepted_by,
            self.accepted_confidence,
            of,
            confidence,
            self.origin,
        )


@dataclass(frozen=True, slots=True)
class Contribution:
    """One scored act: who earned how many points, by which rule, when, for what."""

    member_id: str
    rule: str
    points: float
    timestamp: datetime
    ref: str = ""  # the Q&A id or message key it was earned on
