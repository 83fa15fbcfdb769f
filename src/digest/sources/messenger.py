"""Facebook Messenger JSON from "Download your information" (``message_1.json``).

``{"participants", "messages", "title", "thread_path"}``, messages newest first with
``timestamp_ms``, ``sender_name``, ``content`` and media lists (photos, videos, audio_files,
files, gifs, sticker, share). The thread is the group (id = ``thread_path``, title =
``title``).

Facebook writes UTF-8 text as if each byte were a Latin-1 character ("CafÃ©" for "Café");
every string is repaired with ``.encode("latin-1").decode("utf-8")`` where that round-trips,
and left alone where it does not (text that was never garbled).

Messenger has no user ids and no message ids: members are keyed ``name:<sender>`` and a
message's id is :func:`~digest.sources.base.stable_id` of (thread, time, sender, text,
occurrence), so the same message has the same id in every download (and in both
``message_1.json`` and ``message_2.json`` when they overlap). There are no reply links.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Source, StableIds, Warn, strip_bom
from digest.sources.jsonio import as_list, parse_json

PLATFORM = "messenger"
MEDIA_KEYS = (("photos", "photo"), ("videos", "video"), ("gifs", "animation"), ("audio_files", "audio"))
SERVICE_TYPES = frozenset({"Call", "Unsubscribe"})
_SNIFF = re.compile(rb'^\{\s*"participants"\s*:\s*\[')


def sniff(head: bytes, path: Path) -> bool:
    """A JSON object that opens with ``"participants"``, or shows ``sender_name`` and ``timestamp_ms``."""
    head = strip_bom(head).lstrip()
    if not head.startswith(b"{"):
        return False
    return bool(_SNIFF.match(head)) or (b'"sender_name"' in head and b'"timestamp_ms"' in head)


def fix_mojibake(text: str) -> str:
    """Undo Facebook's UTF-8-read-as-Latin-1; text that does not round-trip is returned as is."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """The one thread in a Messenger JSON file, oldest message first."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    data = parse_json(path, raw)
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object at the top level, as Facebook writes it")
    records = data.get("messages")
    if not isinstance(records, list):
        raise InputError(path, 'not a Messenger export: no "messages" list')
    participants = [
        fix_mojibake(str(p.get("name")))
        for p in as_list(data.get("participants"))
        if isinstance(p, dict) and p.get("name")
    ]
    title = fix_mojibake(str(data.get("title") or "")) or ", ".join(participants) or path.stem
    thread = str(data.get("thread_path") or "")
    if not thread:
        thread = "title-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]
    group = Group(platform=PLATFORM, id=thread, title=title)
    yield Chat(group=group, messages=_stream(thread, records, warn))


class _Skip(Exception):
    """A record that cannot be imported; the rest of the file still is."""


def _stream(thread: str, records: list[Any], warn: Warn) -> Iterator[Message]:
    ids = StableIds()
    # Newest first in the file: walk it backwards, then sort (stable) by time for safety.
    dated: list[tuple[datetime, dict[str, Any]]] = []
    for position in range(len(records) - 1, -1, -1):
        raw = records[position]
        try:
            dated.append((_checked(raw), raw))
        except _Skip as skip:
            warn(f"message {position + 1}", str(skip))
    dated.sort(key=lambda item: item[0])
    for timestamp, raw in dated:
        yield _message(thread, raw, timestamp, ids)


def _checked(raw: Any) -> datetime:
    if not isinstance(raw, dict):
        raise _Skip("expected a JSON object")
    millis = raw.get("timestamp_ms")
    if isinstance(millis, bool) or not isinstance(millis, int) or millis <= 0:
        raise _Skip('no usable "timestamp_ms"')
    try:
        return datetime.fromtimestamp(millis // 1000, tz=UTC) + timedelta(milliseconds=millis % 1000)
    except (OverflowError, OSError, ValueError):
        raise _Skip(f'"timestamp_ms" out of range: {millis}') from None


def _message(thread: str, raw: dict[str, Any], timestamp: datetime, ids: StableIds) -> Message:
    sender = fix_mojibake(str(raw.get("sender_name") or "")) or "Facebook user"
    text = fix_mojibake(str(raw.get("content") or ""))
    attachments = _attachments(raw)
    mtype = str(raw.get("type") or "Generic")
    if mtype == "Subscribe":
        kind = Kind.JOIN
    elif mtype in SERVICE_TYPES or raw.get("is_unsent") is True:
        kind = Kind.SERVICE
    elif not text.strip() and attachments:
        kind = Kind.MEDIA
    else:
        kind = Kind.TEXT
    return Message(
        platform=PLATFORM,
        group_id=thread,
        id=ids(thread, timestamp, sender, text),
        timestamp=timestamp,
        author_id=f"name:{sender}",
        author_name=sender,
        text=text,
        kind=kind,
        reactions=_reactions(raw.get("reactions")),
        attachments=attachments,
    )


def _attachments(raw: dict[str, Any]) -> tuple[Attachment, ...]:
    out: list[Attachment] = []
    for key, kind in (*MEDIA_KEYS, ("files", "file")):
        items = raw.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                out.append(Attachment(kind, PurePosixPath(fix_mojibake(str(item.get("uri") or ""))).name))
    sticker = raw.get("sticker")
    if isinstance(sticker, dict):
        out.append(Attachment("sticker", PurePosixPath(str(sticker.get("uri") or "")).name))
    share = raw.get("share")
    if isinstance(share, dict) and share.get("link"):
        out.append(Attachment("link", str(share["link"])))
    return tuple(out)


def _reactions(value: Any) -> tuple[Reaction, ...]:
    if not isinstance(value, list):
        return ()
    by_emoji: dict[str, list[str]] = {}
    for item in value:
        if isinstance(item, dict) and item.get("reaction"):
            actor = fix_mojibake(str(item.get("actor") or ""))
            by_emoji.setdefault(fix_mojibake(str(item["reaction"])), []).append(actor)
    return tuple(
        Reaction(emoji=emoji, count=len(actors), author_ids=tuple(f"name:{a}" for a in actors if a))
        for emoji, actors in by_emoji.items()
    )


SOURCE = Source(
    name="messenger",
    platform=PLATFORM,
    description="Facebook Messenger JSON, message_1.json",
    extensions=(".json",),
    sniff=sniff,
    read=read,
)
