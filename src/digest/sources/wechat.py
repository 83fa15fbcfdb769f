"""WeChat chats exported as CSV by PyWxDump (one file per chat, or per page of 5000 rows).

Two column layouts exist::

    id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime     (newer)
    id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime     (older: content is
                                                                            JSON {"src", "msg"})

``room_name`` is the chat (a wxid, or ``…@chatroom`` for a group) and ``MsgSvrID`` the
server's message id. In a group ``talker`` is the sender's wxid; in a one-to-one chat the
other person is ``room_name`` and the exporter is ``talker`` on their own messages
(``is_sender=1``; older versions write "我"). ``type_name`` is mapped through
:data:`TYPES` to a kind and a typed attachment. A quoted reply (``引用回复``) ends with
``[引用](2024-10-04 21:25:04)name:quoted text``: the quote is cut from the text and the
reply points at the earlier message of the file with that text, nearest in time (and by
that name, when the name is an id we know). CSV times carry no zone and are read as UTC.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message
from digest.sources.base import Source, StableIds, Warn, csv_rows, head_text

PLATFORM = "wechat"
LAYOUTS: tuple[tuple[str, ...], ...] = (
    ("id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"),
    ("id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime"),
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")
QUOTE_TOLERANCE = 120
"""Seconds between a quote's time and the quoted message's (CSV times may lack seconds)."""
SELF = "我"
"""The exporter, as older PyWxDump versions name them."""
NOBODY = frozenset({"", "未知", "系统"})


@dataclass(frozen=True, slots=True)
class MessageType:
    """What a ``type_name`` means: a kind, an attachment kind, and whether ``msg`` is text."""

    kind: Kind
    attachment: str = ""
    placeholder: bool = False  # msg only names the type ("图片", "表情"): not text


_TEXT = MessageType(Kind.TEXT)
_LINK = MessageType(Kind.MEDIA, "link")
_SERVICE = MessageType(Kind.SERVICE)
TYPES: dict[str, MessageType] = {
    "文本": _TEXT,
    "引用回复": _TEXT,
    "粘贴的文本": _TEXT,
    "合并转发的聊天记录": _TEXT,
    "接龙": _TEXT,
    "群公告": _TEXT,
    "图片": MessageType(Kind.MEDIA, "photo", placeholder=True),
    "动画表情": MessageType(Kind.MEDIA, "sticker", placeholder=True),
    "用户上传的GIF表情": MessageType(Kind.MEDIA, "animation", placeholder=True),
    "视频": MessageType(Kind.MEDIA, "video", placeholder=True),
    "语音": MessageType(Kind.MEDIA, "voice"),
    "文件": MessageType(Kind.MEDIA, "file", placeholder=True),
    "文件(猜)": MessageType(Kind.MEDIA, "file", placeholder=True),
    "位置": MessageType(Kind.MEDIA, "location"),
    "位置共享": MessageType(Kind.MEDIA, "location"),
    "分享链接": _LINK,
    "(分享)卡片式链接": _LINK,
    "(分享)音乐": _LINK,
    "(分享)小程序": _LINK,
    "(分享)笔记": _LINK,
    "(分享)视频号名片": _LINK,
    "(分享)视频号视频": _LINK,
    "(分享)收藏夹": _LINK,
    "(分享)小说(猜)": _LINK,
    "视频号直播或直播回放": _LINK,
    "视频号直播或直播回放等": _LINK,
    "推荐公众号": MessageType(Kind.MEDIA, "contact"),
    "名片": MessageType(Kind.MEDIA, "contact"),
    "系统通知": _SERVICE,
    "拍一拍": _SERVICE,
    "邀请加群": MessageType(Kind.JOIN),
    "添加好友": _SERVICE,
    "语音通话": _SERVICE,
    "转账": _SERVICE,
    "红包": _SERVICE,
    "赠送红包封面": _SERVICE,
    "游戏相关": _SERVICE,
    **{f"消息撤回{n}": _SERVICE for n in (1, 5, 6, 33, 36, 57)},
}
JOIN_TEXTS = re.compile(r".*(?:加入了群聊|加入群聊|joined the group chat).*", re.S)
_TAG = re.compile(r"<[^<>]{1,200}>")
_ANCHOR = re.compile(r'<a href="(?P<url>[^"]*)">[^<]*</a>')
_QUOTE = re.compile(r"\[引用\]\((?P<time>[^)\n]*)\)(?P<name>[^:\n]*):(?P<text>.*)", re.S)
_SPACES = re.compile(r"\s+")


def sniff(head: bytes, path: Path) -> bool:
    """A ``.csv`` whose header row is one of PyWxDump's :data:`LAYOUTS`."""
    if path.suffix.lower() != ".csv":
        return False
    first = head_text(head).lstrip("\ufeff").split("\n", 1)[0].strip()
    return tuple(first.split(",")) in LAYOUTS


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """Yield one chat per ``room_name`` in the file (PyWxDump writes one per file)."""
    rows = csv_rows(path, warn)
    try:
        _number, header = next(rows)
    except StopIteration:
        raise InputError(path, "empty file: no PyWxDump CSV header in it") from None
    header = [name.strip().lstrip("\ufeff") for name in header]
    if tuple(header) not in LAYOUTS:
        raise InputError(path, f"not a PyWxDump CSV: unexpected columns {','.join(header)}", "line 1")
    chats: dict[str, _Room] = {}
    for number, values in rows:
        if not any(values):
            continue
        try:
            row = _Row.parse(header, values)
            room = chats.get(row.room)
            if room is None:
                room = chats[row.room] = _Room(Group(platform=PLATFORM, id=row.room, title=row.room))
            room.add(row)
        except _Skip as skip:
            warn(f"line {number}", str(skip))
    for room in chats.values():
        yield Chat(group=room.group, messages=room.messages)


class _Skip(Exception):
    """A row that cannot be imported; the rest of the file still is."""


@dataclass(frozen=True, slots=True)
class _Row:
    """One CSV row, checked and normalised (both layouts give the same fields)."""

    svr_id: str
    type_name: str
    is_sender: bool
    talker: str
    room: str
    msg: str
    src: str
    timestamp: datetime

    @classmethod
    def parse(cls, header: list[str], values: list[str]) -> _Row:
        if len(values) != len(header):
            raise _Skip(f"{len(values)} fields, expected {len(header)} (a broken or truncated row)")
        raw = dict(zip(header, values, strict=True))
        if "content" in raw:
            msg, src = _content(raw["content"])
        else:
            msg, src = raw["msg"], raw["src"]
        timestamp = _timestamp(raw["CreateTime"])
        if timestamp is None:
            raise _Skip(f"CreateTime {raw['CreateTime'][:40]!r} is not a date and time")
        room = raw["room_name"].strip()
        if not room:
            raise _Skip("no room_name")
        return cls(
            svr_id=raw["MsgSvrID"].strip(),
            type_name=raw["type_name"].strip(),
            is_sender=raw["is_sender"].strip() == "1",
            talker=raw["talker"].strip(),
            room=room,
            msg=msg,
            src=src,
            timestamp=timestamp,
        )


def _content(value: str) -> tuple[str, str]:
    """The older layout's ``content`` column: a JSON object with ``msg`` and ``src``."""
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        reason = "nested too deeply" if "depth" in str(exc) or "recursion" in str(exc) else exc.msg
        raise _Skip(f"content is not PyWxDump's JSON ({reason})") from None
    if not isinstance(data, dict):
        raise _Skip('content is not a JSON object with "msg" and "src"')
    msg, src = data.get("msg", ""), data.get("src", "")
    return (msg if isinstance(msg, str) else ""), (src if isinstance(src, str) else "")


def _timestamp(value: str) -> datetime | None:
    value = value.strip()
    if value.isdigit():
        seconds = int(value) / (1000 if len(value) >= 13 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class _Seen:
    """An earlier message a quote may point at."""

    id: str
    author_id: str
    timestamp: datetime
    position: int


@dataclass(slots=True)
class _Room:
    """One chat's messages, and an index of their texts to resolve quoted replies."""

    group: Group
    messages: list[Message] = field(default_factory=list)
    texts: dict[bytes, list[_Seen]] = field(default_factory=dict)
    ids: StableIds = field(default_factory=StableIds)

    def add(self, row: _Row) -> None:
        mtype = TYPES.get(row.type_name) or (_TEXT if row.msg.strip() else _SERVICE)
        group_chat = row.room.endswith("@chatroom")
        sender = row.talker if group_chat else row.room  # one-to-one: the other person is the room
        author = (row.talker or SELF) if row.is_sender else sender
        if (mtype.kind in (Kind.SERVICE, Kind.JOIN) and not row.is_sender) or author in NOBODY:
            author = ""
        text, shown, reply_to = self._text(row, mtype)
        kind = mtype.kind
        if kind is Kind.SERVICE and JOIN_TEXTS.fullmatch(text):
            kind = Kind.JOIN
        attachments = (
            (Attachment(mtype.attachment, _attachment_name(mtype, row)),) if mtype.attachment else ()
        )
        message = Message(
            platform=PLATFORM,
            group_id=self.group.id,
            id=row.svr_id if row.svr_id.strip("0") else self.ids(self.group.id, row.timestamp, author, text),
            timestamp=row.timestamp,
            author_id=author,
            author_name=author,
            text=text,
            kind=kind,
            reply_to=reply_to,
            attachments=attachments,
        )
        self.messages.append(message)
        self.texts.setdefault(_key(shown), []).append(
            _Seen(message.id, author, row.timestamp, len(self.messages))
        )

    def _text(self, row: _Row, mtype: MessageType) -> tuple[str, str, str | None]:
        """The message text, the text a later quote of it shows, and the quoted message id."""
        if mtype.kind in (Kind.SERVICE, Kind.JOIN):
            return _TAG.sub("", row.msg).strip(), row.msg, None
        if mtype.placeholder:
            return "", row.msg, None
        text = _ANCHOR.sub(lambda m: m["url"], row.msg).strip() if mtype.attachment == "link" else row.msg
        start = text.rfind("[引用](")
        quote = _QUOTE.fullmatch(text, start) if start >= 0 else None
        if quote is None:
            return text.strip(), row.msg, None
        own = text[:start].strip()
        return own, own, self._quoted(quote)

    def _quoted(self, quote: re.Match[str]) -> str | None:
        candidates = self.texts.get(_key(quote["text"]), [])
        when = _timestamp(quote["time"])
        name = quote["name"].strip()

        def rank(seen: _Seen) -> tuple[bool, bool, float, int]:
            gap = abs((seen.timestamp - when).total_seconds()) if when else 0.0
            return (gap > QUOTE_TOLERANCE, seen.author_id != name, gap, -seen.position)

        return min(candidates, key=rank).id if candidates else None


def _key(text: str) -> bytes:
    return hashlib.blake2b(_SPACES.sub(" ", text).strip().encode(), digest_size=16).digest()


def _attachment_name(mtype: MessageType, row: _Row) -> str:
    if mtype.attachment == "link":
        return row.src
    if row.src.lower().startswith(("http://", "https://")):
        return ""
    if mtype.attachment == "file" and row.msg.strip():
        return row.msg.strip()
    return row.src.replace("\\", "/").rsplit("/", 1)[-1]


SOURCE = Source(
    name="wechat-csv",
    platform=PLATFORM,
    description="WeChat CSV exported by PyWxDump",
    extensions=(".csv",),
    sniff=sniff,
    read=read,
)
