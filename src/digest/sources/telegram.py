"""Telegram Desktop "Export chat history" JSON (``result.json``).

Reads both a single-chat export (``{"name", "type", "id", "messages"}``) and a full-account
export (``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``); each chat is a group.

A single-chat export (a group's whole history: the big one) is streamed: its header is read
from the first bytes, then the ``messages`` list is cut into blocks of a few megabytes at
message boundaries and each block is parsed with orjson, so memory stays bounded by the block
size and parsing runs at orjson's speed. A cut is only taken when orjson accepts the block as
a list of complete values, so it can never fall inside a message or a string. Anything the
stream cannot read (a full-account export, an odd header, a broken file) is read whole, as
before, which also gives the precise error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Marker, Resume, Source, Warn, strip_bom
from digest.sources.jsonio import as_list, parse_json

PLATFORM = "telegram"
JOIN_ACTIONS = frozenset({"join_group_by_link", "join_group_by_request", "invite_members"})
MEDIA_TYPES = {
    "sticker": "sticker",
    "voice_message": "voice",
    "video_message": "video",
    "video_file": "video",
    "animation": "animation",
    "audio_file": "audio",
}
_SNIFF = re.compile(
    rb'"type"\s*:\s*"(personal_chat|bot_chat|saved_messages|\w+_(group|supergroup|channel))"'
    rb'|"(personal_information|left_chats|frequent_contacts)"\s*:'
)


def sniff(head: bytes, path: Path) -> bool:
    head = strip_bom(head).lstrip()
    return head.startswith(b"{") and bool(_SNIFF.search(head))


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    return read_on(path, warn, None, Marker())


def read_on(path: Path, warn: Warn, resume: Resume | None, marker: Marker) -> Iterator[Chat]:
    """:func:`read`, or with ``resume`` only the messages after those of an earlier export of
    the same chat; ``marker`` learns where the last message of a single-chat export ends."""
    if resume is not None:
        start = _read_on_from(path, resume.offset)
        if start is not None:
            marker.read_on = True
            meta = orjson.loads(resume.state)
            yield _chat(
                path, meta, 0, warn, _stream_messages(path, start, _Ends(resume.state, marker, resume.offset))
            )
            return
    header = _stream_header(path)
    if header is not None:
        meta, offset = header
        state = orjson.dumps(meta).decode()
        yield _chat(path, meta, 0, warn, _stream_messages(path, offset, _Ends(state, marker)))
        return
    data = _load(path)
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object at the top level, as Telegram writes it")
    if "messages" in data:
        chats = [data]
    elif isinstance(data.get("chats"), dict):
        chats = list(_chat_list(data, "chats")) + list(_chat_list(data, "left_chats"))
    else:
        raise InputError(path, 'not a Telegram export: no "messages" or "chats" key')
    for index, chat in enumerate(chats):
        yield _chat(path, chat, index, warn)


def _load(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_json(path, raw)


def _chat_list(data: dict[str, Any], key: str) -> Iterator[dict[str, Any]]:
    block = data.get(key)
    items = as_list(block.get("list")) if isinstance(block, dict) else []
    yield from (c for c in items if isinstance(c, dict))


STREAM_BLOCK = 4 << 20
"""Bytes read at a time from a streamed export; a block is cut at the last message boundary."""
HEADER_BYTES = 1 << 20
"""The header of a single-chat export (name, type, id) must come within this many bytes."""
_MESSAGES_KEY = re.compile(rb'"messages"\s*:\s*\[')
_BOUNDARY = re.compile(rb"(\n[ \t]*)?\}[ \t\r\n]*,")
_TRIES = 4


def _stream_header(path: Path) -> tuple[dict[str, Any], int] | None:
    """The keys before ``"messages": [`` of a single-chat export and where the list starts."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(HEADER_BYTES)
    except OSError:
        return None
    head = strip_bom(raw)
    skipped = len(raw) - len(head)
    for match in _MESSAGES_KEY.finditer(head):
        try:
            meta = orjson.loads(head[: match.start()] + b'"messages": []}')
        except orjson.JSONDecodeError:
            continue
        if isinstance(meta, dict) and "id" in meta:  # else the group's id comes later: read it whole
            return meta, skipped + match.end()
    return None


_CLOSE = re.compile(rb"\}\s*\]\s*\}\s*\Z")
"""The end of a single-chat export: its last message, the end of the list and of the file."""


class _Ends:
    """Follows where the last message read so far ends, and tells ``marker`` at the end."""

    def __init__(self, state: str, marker: Marker, end: int | None = None) -> None:
        self.state, self.marker, self.end = state, marker, end

    def done(self, buffer: bytes, at: int) -> None:
        """``buffer`` (read from ``at``) is what follows the last cut, up to the end of the file."""
        close = _CLOSE.search(buffer)
        if close is not None:  # else something follows the list: read whole next time
            self.end = at + close.start() + 1 if buffer[: close.start()].strip() else self.end
            if self.end is not None:
                self.marker.point = (self.end, self.state)


def _read_on_from(path: Path, offset: int) -> int | None:
    """Where the messages after ``offset`` begin (after the comma that follows the last old
    message), or None when the file does not go on there with more messages."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            head = fh.read(64)
    except OSError:
        return None
    rest = head.lstrip()
    return offset + len(head) - len(rest) + 1 if rest.startswith(b",") else None


def _stream_messages(path: Path, offset: int, ends: _Ends | None = None) -> Iterator[Any]:
    """The records of the ``messages`` list that starts at ``offset``, block by block;
    ``ends`` follows where the last one ends."""
    buffer = b""
    at = offset  # the file offset of buffer[0]
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            while block := fh.read(STREAM_BLOCK):
                buffer += block
                cut = _cut(buffer)
                if cut is not None:
                    records, brace, end = cut
                    if ends is not None:
                        ends.end = at + brace + 1
                    buffer = buffer[end:]
                    at += end
                    yield from records
            tail = orjson.loads(b'{"messages": [' + buffer)
    except orjson.JSONDecodeError:
        parse_json(path, path.read_bytes())  # raises the precise error for the whole file
        raise InputError(path, "could not read the messages list") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    yield from as_list(tail.get("messages") if isinstance(tail, dict) else None)
    if ends is not None:
        ends.done(buffer, at)


def _cut(buffer: bytes) -> tuple[list[Any], int, int] | None:
    """Complete records at the start of ``buffer``, where the last one's closing brace is, and
    where the rest begins, if orjson agrees.

    Candidates are a ``}`` followed by a comma; closing braces at the start of a line with the
    least indentation (pretty-printed exports) are tried first, then those at a line end
    (one record per line), latest first.
    """
    found: list[re.Match[bytes]] = []
    window = 1 << 16
    while not found:  # look at the end of the buffer first: the latest boundaries are there
        start = max(0, len(buffer) - window)
        found = list(_BOUNDARY.finditer(buffer, start))
        if start == 0:
            break
        window *= 8
    if not found:
        return None
    at_line_start = [m for m in found if m.group(1) is not None]
    if at_line_start:
        least = min(len(m.group(1)) for m in at_line_start)
        candidates = [m for m in at_line_start if len(m.group(1)) == least]
    else:
        candidates = [m for m in found if b"\n" in m.group(0)] or found
    for match in reversed(candidates[-_TRIES:]):
        brace = match.start() + len(match.group(1) or b"")
        try:
            records = orjson.loads(b"[" + buffer[: brace + 1] + b"]")
        except orjson.JSONDecodeError:
            continue
        return records, brace, match.end()
    return None


def _chat(
    path: Path, chat: dict[str, Any], index: int, warn: Warn, streamed: Iterator[Any] | None = None
) -> Chat:
    messages: Iterable[Any]
    if streamed is not None:
        messages = streamed
    else:
        listed = chat.get("messages")
        if not isinstance(listed, list):
            raise InputError(path, 'expected a "messages" list', f"chat {index}")
        messages = listed
    group_id = str(chat.get("id", index))
    title = str(chat.get("name") or f"Telegram chat {group_id}")
    group = Group(platform=PLATFORM, id=group_id, title=title)

    def stream() -> Iterator[Message]:
        for position, raw in enumerate(messages):
            where = f"message {raw.get('id', '?')}" if isinstance(raw, dict) else f"record {position}"
            try:
                message = _message(group_id, raw)
            except _Skip as skip:
                warn(where, str(skip))
                continue
            if message is not None:
                yield message

    return Chat(group=group, messages=stream())


class _Skip(Exception):
    """A record that cannot be imported; the rest of the file still is."""


def _message(group_id: str, raw: Any) -> Message | None:
    if not isinstance(raw, dict):
        raise _Skip("expected a JSON object")
    mtype = raw.get("type")
    if mtype not in ("message", "service"):
        return None  # "unsupported" and future types carry nothing we can use
    if "id" not in raw:
        raise _Skip('no "id"')
    msg_id = str(raw["id"])
    timestamp = _timestamp(raw, "date", "date_unixtime")
    if timestamp is None:
        raise _Skip('no usable "date" or "date_unixtime"')
    text = _text(raw.get("text", ""))
    if mtype == "service":
        action = str(raw.get("action", ""))
        kind = Kind.JOIN if action in JOIN_ACTIONS else Kind.SERVICE
        author_id = str(raw.get("actor_id") or "")
        author_name = str(raw.get("actor") or "")
        text = text or action.replace("_", " ")
    else:
        author_id = str(raw.get("from_id") or "")
        author_name = str(raw.get("from") or "") or "Deleted Account"
        kind = Kind.TEXT
    attachments = _attachments(raw)
    if mtype == "message" and not text.strip() and attachments:
        kind = Kind.MEDIA
    reply = raw.get("reply_to_message_id")
    return Message(
        platform=PLATFORM,
        group_id=group_id,
        id=msg_id,
        timestamp=timestamp,
        author_id=author_id or (f"name:{author_name}" if author_name else ""),
        author_name=author_name,
        text=text,
        kind=kind,
        reply_to=str(reply) if reply is not None else None,
        reactions=_reactions(raw.get("reactions")),
        attachments=attachments,
        edited=_timestamp(raw, "edited", "edited_unixtime")
        if "edited" in raw or "edited_unixtime" in raw
        else None,
        forwarded_from=str(raw["forwarded_from"]) if raw.get("forwarded_from") else None,
    )


def _timestamp(raw: dict[str, Any], key: str, unix_key: str) -> datetime | None:
    unix = raw.get(unix_key)
    if unix is not None:
        try:
            return datetime.fromtimestamp(int(unix), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            pass
    value = raw.get(key)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        # Old exports write local time without an offset; read it as UTC, consistently.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _text(value: Any) -> str:
    """Telegram writes text as a string or as a list of strings and entity objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                piece = str(part.get("text", ""))
                href = part.get("href")
                if part.get("type") == "text_link" and isinstance(href, str) and href != piece:
                    piece = f"{piece} ({href})"
                parts.append(piece)
        return "".join(parts)
    return ""


def _reactions(value: Any) -> tuple[Reaction, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Reaction] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        emoji = str(item.get("emoji") or item.get("document_id") or item.get("type") or "?")
        try:
            count = int(item.get("count", 0))
        except (TypeError, ValueError):
            count = 0
        recent = as_list(item.get("recent"))
        authors = tuple(str(r["from_id"]) for r in recent if isinstance(r, dict) and r.get("from_id"))
        out.append(Reaction(emoji=emoji, count=max(count, len(authors)), author_ids=authors))
    return tuple(out)


def _attachments(raw: dict[str, Any]) -> tuple[Attachment, ...]:
    out: list[Attachment] = []
    if raw.get("photo"):
        out.append(Attachment("photo", Path(str(raw["photo"])).name))
    if raw.get("file"):
        kind = MEDIA_TYPES.get(str(raw.get("media_type", "")), "file")
        out.append(Attachment(kind, str(raw.get("file_name") or Path(str(raw["file"])).name)))
    if isinstance(raw.get("poll"), dict):
        out.append(Attachment("poll", str(raw["poll"].get("question", ""))))
    if raw.get("location_information"):
        out.append(Attachment("location", str(raw.get("place_name") or "")))
    if raw.get("contact_information"):
        out.append(Attachment("contact"))
    return tuple(out)


SOURCE = Source(
    name="telegram",
    platform=PLATFORM,
    description="Telegram Desktop JSON export, result.json",
    extensions=(".json",),
    sniff=sniff,
    read=read,
    read_on=read_on,
)
