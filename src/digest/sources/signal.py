"""Signal chats exported as text by signal-export style tools.

One header line per message, then any further lines of the same message::

    [2019-12-24, 12:23] Jane Doe: Hello John!
    [2020-01-17 21:49:05] John Doe: Hello
    Jane!

The date is ISO (year first), the clock 24-hour, seconds and the comma optional. Markdown
images or links to exported media (``![photo.jpg](media/photo.jpg)``) become attachments.
The text has no message or member ids: a member is ``name:`` + display name and a message
id is a :func:`~digest.sources.base.stable_id`. The group is named after the file, or after
its folder when the file has a generic name (``chat.md``). Times are read as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message
from digest.sources.base import Source, StableIds, Warn, head_text, text_lines
from digest.text import slugify

PLATFORM = "signal"
HEADER = re.compile(
    r"\[(?P<date>\d{4}-\d{2}-\d{2}),? (?P<time>\d{2}:\d{2}(?::\d{2})?)\] "
    r"(?P<author>[^:\n]{1,200}?):(?: (?P<text>.*)|$)"
)
MEDIA_LINK = re.compile(r"!?\[(?P<label>[^\]\n]*)\]\((?P<target>(?:\./)?media/[^)\n]+)\)")
MEDIA_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.(?:jpe?g|png|gif|webp|heic)$", re.I), "photo"),
    (re.compile(r"\.(?:mp4|mov|webm)$", re.I), "video"),
    (re.compile(r"\.(?:aac|m4a|mp3|ogg|opus)$", re.I), "voice"),
)
GENERIC_STEMS = frozenset({"chat", "_chat", "messages", "index", "export"})


def sniff(head: bytes, path: Path) -> bool:
    """A ``.txt`` or ``.md`` whose first non-blank line is a Signal message header."""
    if path.suffix.lower() not in (".txt", ".md"):
        return False
    for line in head_text(head).lstrip("\ufeff").splitlines()[:5]:
        if line.strip():
            return HEADER.match(line) is not None
    return False


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """Yield the one chat of a Signal text export."""
    first = next((line for _n, line in text_lines(path) if line.strip()), None)
    if first is None:
        raise InputError(path, "empty file: no Signal messages in it")
    stem = path.stem
    if stem.lower() in GENERIC_STEMS and path.parent.name:
        stem = path.parent.name
    group = Group(platform=PLATFORM, id=slugify(stem), title=stem)
    yield Chat(group=group, messages=_messages(path, group, warn))


@dataclass(slots=True)
class _Pending:
    timestamp: datetime
    author: str
    lines: list[str]


def _messages(path: Path, group: Group, warn: Warn) -> Iterator[Message]:
    ids = StableIds()
    pending: _Pending | None = None
    seen_header = False
    orphan = False
    for number, line in text_lines(path):
        match = HEADER.match(line)
        if match is None:
            if pending is not None:
                pending.lines.append(line)
            elif line.strip() and not orphan:
                orphan = True
                warn(f"line {number}", "text that belongs to no message; skipped")
            continue
        seen_header = True
        if pending is not None:
            yield _message(group, pending, ids)
            pending = None
        when = _timestamp(match["date"], match["time"])
        if when is None:
            orphan = True
            warn(f"line {number}", f"{match['date']} {match['time']} is not a valid date and time; skipped")
            continue
        orphan = False
        pending = _Pending(when, match["author"].strip(), [match["text"] or ""])
    if pending is not None:
        yield _message(group, pending, ids)
    if not seen_header:
        raise InputError(path, "no Signal message lines found (expected '[2019-12-24, 12:23] Name: text')")


def _timestamp(day: str, clock: str) -> datetime | None:
    try:
        return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)
    except ValueError:
        return None


def _message(group: Group, pending: _Pending, ids: StableIds) -> Message:
    text = "\n".join(pending.lines).strip()
    attachments = tuple(_attachment(m) for m in MEDIA_LINK.finditer(text)) if "media/" in text else ()
    if attachments:
        text = MEDIA_LINK.sub("", text).strip()
    return Message(
        platform=PLATFORM,
        group_id=group.id,
        id=ids(group.id, pending.timestamp, pending.author, text),
        timestamp=pending.timestamp,
        author_id=f"name:{pending.author}",
        author_name=pending.author,
        text=text,
        kind=Kind.MEDIA if attachments and not text else Kind.TEXT,
        attachments=attachments,
    )


def _attachment(match: re.Match[str]) -> Attachment:
    name = Path(match["target"]).name
    kind = next((kind for pattern, kind in MEDIA_KINDS if pattern.search(name)), "file")
    return Attachment(kind, name)


SOURCE = Source(
    name="signal",
    platform=PLATFORM,
    description="Signal text export ([2019-12-24, 12:23] Name: text)",
    extensions=(".txt", ".md"),
    sniff=sniff,
    read=read,
)
