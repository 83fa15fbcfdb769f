"""The ChatLab standard format (v0.0.1 and v0.0.2), as JSON or JSON Lines.

ChatLab's open exchange format for chat records (specification: ``docs/cn/chatlab-format.md``
in hellodigua/ChatLab, also at chatlab.fun) is what WeFlow, the WeChat 4.x exporter, and
other converters write for WeChat, QQ and more::

    {"chatlab": {"version": "0.0.2", "exportedAt": 1703001600},
     "meta": {"name": "技术交流群", "platform": "wechat", "type": "group", "groupId": "389..."},
     "members": [{"platformId": "abc123", "accountName": "张三", "groupNickname": "群主-张三"}],
     "messages": [{"platformMessageId": "msg_001", "sender": "abc123", "accountName": "张三",
                   "timestamp": 1703001600, "type": 0, "content": "大家好！"}]}

The JSON Lines form has one object per line, told apart by ``_type``: a ``header`` line
first (``chatlab`` and ``meta``), then ``member`` and ``message`` lines; lines starting with
``#`` are comments. Messages keep the platform of ``meta.platform`` (so a WeChat group keeps
its wxids), are credited under the group nickname where there is one, and reply through
``replyToMessageId``. Message ``type`` numbers map through :data:`TYPES`; timestamps are
Unix seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message
from digest.sources.base import Source, StableIds, Warn, head_text, read_head, text_lines
from digest.sources.jsonio import parse_json
from digest.text import slugify

PLATFORM = "chatlab"
"""The platform of messages whose ``meta.platform`` is missing or ``mixed`` (merged files)."""


@dataclass(frozen=True, slots=True)
class MessageType:
    """What a ChatLab message type number means for digest."""

    name: str
    kind: Kind
    attachment: str = ""


TYPES: dict[int, MessageType] = {
    0: MessageType("TEXT", Kind.TEXT),
    1: MessageType("IMAGE", Kind.MEDIA, "photo"),
    2: MessageType("VOICE", Kind.MEDIA, "voice"),
    3: MessageType("VIDEO", Kind.MEDIA, "video"),
    4: MessageType("FILE", Kind.MEDIA, "file"),
    5: MessageType("EMOJI", Kind.MEDIA, "sticker"),
    7: MessageType("LINK", Kind.MEDIA, "link"),
    8: MessageType("LOCATION", Kind.MEDIA, "location"),
    20: MessageType("RED_PACKET", Kind.SERVICE),
    21: MessageType("TRANSFER", Kind.SERVICE),
    22: MessageType("POKE", Kind.SERVICE),
    23: MessageType("CALL", Kind.SERVICE),
    24: MessageType("SHARE", Kind.MEDIA, "link"),
    25: MessageType("REPLY", Kind.TEXT),
    26: MessageType("FORWARD", Kind.TEXT),
    27: MessageType("CONTACT", Kind.MEDIA, "contact"),
    80: MessageType("SYSTEM", Kind.SERVICE),
    81: MessageType("RECALL", Kind.SERVICE),
    99: MessageType("OTHER", Kind.TEXT),
}
JOIN_TEXTS = re.compile(
    r".{0,100}(?:加入了群聊|加入群聊|加入本群|joined the group|joined).{0,100}", re.S | re.I
)
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,12}\]")
_SNIFF_JSON = re.compile(rb'^\s*\{\s*"chatlab"\s*:\s*\{|"chatlab"\s*:\s*\{\s*"version"')
_SNIFF_JSONL = re.compile(r'"_type"\s*:\s*"header"')
_JSONL_RECORD = re.compile(r'\{\s*"_type"\s*:|\{.*"_type"\s*:\s*"(?:header|member|message)".*\}$')


def sniff(head: bytes, path: Path) -> bool:
    """A ``.json`` with a top-level ``chatlab`` header, or a ``.jsonl`` whose first line is one."""
    suffix = path.suffix.lower()
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if suffix == ".json" and body.startswith(b"{") and _SNIFF_JSON.search(body):
        return True
    if suffix in (".jsonl", ".ndjson", ".json"):
        first = _first_record(head_text(body))
        return bool(_SNIFF_JSONL.search(first)) and '"chatlab"' in first
    return False


def _first_record(text: str) -> str:
    """The first line that is neither blank nor a ``#`` comment."""
    return next((line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")), "")


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """Yield the one chat of a ChatLab file, JSON or JSON Lines (decided by its first record)."""
    first = _first_record(head_text(read_head(path)).lstrip("\ufeff"))
    if first.lstrip().startswith("{") and not _JSONL_RECORD.match(first.strip()):
        yield _read_json(path, warn)
    else:
        yield from _read_jsonl(path, warn)


def _read_json(path: Path, warn: Warn) -> Chat:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    data = parse_json(path, raw)
    if not isinstance(data, dict) or not isinstance(data.get("chatlab"), dict):
        raise InputError(path, 'not a ChatLab file: no "chatlab" header object at the top level')
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise InputError(path, 'not a ChatLab file: no "messages" list')
    reader = _Reader(_meta(path, data.get("meta")))
    for member in data.get("members") or []:
        reader.member(member)

    def stream() -> Iterator[Message]:
        for index, record in enumerate(messages):
            try:
                yield reader.message(record)
            except _Skip as skip:
                warn(f"message {index}", f"{skip}; skipped")

    return Chat(group=reader.group, messages=stream())


def _read_jsonl(path: Path, warn: Warn) -> Iterator[Chat]:
    lines = text_lines(path)
    reader: _Reader | None = None
    for number, line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = _record(line)
        except _Skip as skip:
            raise InputError(path, f"the ChatLab header is unreadable: {skip}", f"line {number}") from None
        if not isinstance(record, dict) or record.get("_type") != "header":
            raise InputError(
                path, "the first record of a ChatLab JSONL file must be its header", f"line {number}"
            )
        reader = _Reader(_meta(path, record.get("meta")))
        break
    if reader is None:
        raise InputError(path, "empty file: no ChatLab header in it")
    found = reader

    def stream() -> Iterator[Message]:
        for number, line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                record = _record(line)
                if not isinstance(record, dict):
                    raise _Skip("not a JSON object")
                kind = record.get("_type")
                if kind == "member":
                    found.member(record)
                elif kind == "message":
                    yield found.message(record)
                else:
                    raise _Skip(f"unknown _type {str(kind)[:40]!r}")
            except _Skip as skip:
                warn(f"line {number}", f"{skip}; skipped")

    yield Chat(group=found.group, messages=stream())


class _Skip(Exception):
    """A record that cannot be imported; the rest of the file still is."""


def _record(line: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        reason = str(exc.msg)
        if "depth" in reason or "recursion" in reason:
            reason = "nested deeper than 1024 levels"
        raise _Skip(f"not a JSON record ({reason})") from None


def _meta(path: Path, meta: Any) -> tuple[str, Group]:
    if not isinstance(meta, dict):
        raise InputError(path, 'not a ChatLab file: no "meta" object')
    name = str(meta.get("name") or path.stem)
    platform = str(meta.get("platform") or "").strip().lower()
    if not platform or platform == "mixed":
        platform = PLATFORM
    group_id = str(meta.get("groupId") or "") or slugify(name)
    return platform, Group(platform=platform, id=group_id, title=name)


class _Reader:
    """Turns member and message records of one chat into Messages."""

    def __init__(self, meta: tuple[str, Group]) -> None:
        self.platform, self.group = meta
        self.names: dict[str, str] = {}
        self.ids = StableIds()

    def member(self, record: Any) -> None:
        if not isinstance(record, Mapping):
            return
        member_id = _text(record.get("platformId"))
        name = _text(record.get("groupNickname")) or _text(record.get("accountName"))
        if member_id and name:
            self.names[member_id] = name

    def message(self, record: Any) -> Message:
        if not isinstance(record, Mapping):
            raise _Skip("not a JSON object")
        sender = _text(record.get("sender"))
        if not sender:
            raise _Skip('no "sender"')
        timestamp = _timestamp(record.get("timestamp"))
        if timestamp is None:
            raise _Skip(f'"timestamp" {str(record.get("timestamp"))[:40]!r} is not Unix seconds')
        number = record.get("type", 0)
        mtype = TYPES.get(number, TYPES[99]) if isinstance(number, int) else TYPES[99]
        content = record.get("content")
        if content is not None and not isinstance(content, str):
            raise _Skip('"content" is neither text nor null')
        text = (content or "").strip()
        kind = mtype.kind
        if mtype.attachment and PLACEHOLDER.fullmatch(text):
            text = ""  # "[图片]": the placeholder is not text
        if kind is Kind.TEXT and not text and number == 99:
            kind = Kind.SERVICE
        if kind is Kind.SERVICE and mtype.name == "SYSTEM" and JOIN_TEXTS.fullmatch(text):
            kind = Kind.JOIN
        name = (
            _text(record.get("groupNickname"))
            or self.names.get(sender)
            or _text(record.get("accountName"))
            or sender
        )
        message_id = _text(record.get("platformMessageId")) or self.ids(
            self.group.id, timestamp, sender, text
        )
        return Message(
            platform=self.platform,
            group_id=self.group.id,
            id=message_id,
            timestamp=timestamp,
            author_id=sender,
            author_name=name,
            text=text,
            kind=kind,
            reply_to=_text(record.get("replyToMessageId")) or None,
            attachments=(Attachment(mtype.attachment),) if mtype.attachment else (),
        )


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


SOURCE = Source(
    name="chatlab",
    platform=PLATFORM,
    description="ChatLab standard format, JSON or JSONL (WeFlow's WeChat export, QQ, ...)",
    extensions=(".json", ".jsonl"),
    sniff=sniff,
    read=read,
)
