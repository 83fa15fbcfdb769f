"""QQ's own PC text export (消息管理器 → 导出消息记录 → .txt)::

    消息记录（此消息记录为文本格式，不支持重新导入）

    ================================================================
    消息分组:我的群聊
    ================================================================
    消息对象:读书会
    ================================================================

    2023-01-02 12:34:56 【管理员】小王(123456789)
    大家好
    [图片]

    2023-01-02 12:35:01 小李<someone@example.com>
    收到

A file may hold several ``消息对象`` (one chat each, a group per chat); an excerpt without the
header is one chat named after the file. A message is a header line (date, time with an
optional AM/PM, the group nickname, then the QQ number in brackets or an e-mail in angle
brackets), its body lines, and a blank line. Placeholders such as ``[图片]`` become typed
attachments; notices (joins, recalls, 拍了拍, red packets, and everything QQ's system
accounts 10000 and 1000000 say) are ``SERVICE``/``JOIN``. QQ writes UTF-8, UTF-16 with a BOM
or GBK, with CRLF line ends: all are read. Message ids are
:func:`~digest.sources.base.stable_id`; times carry no zone and are read as UTC.
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

PLATFORM = "qq"
BANNER = "消息记录（此消息记录为文本格式，不支持重新导入）"
HEADER = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2}) (?P<time>\d{1,2}:\d{1,2}:\d{1,2})(?: ?(?P<ampm>AM|PM|上午|下午))? "
    r"(?P<name>.*?)\s*(?:\((?P<number>[^()\s]+)\)|<(?P<email>[^<>\s]+)>)\s*",
    re.I,
)
SECTION = re.compile(r"(?P<key>消息分组|消息对象)\s*[:：]\s*(?P<value>.*)")
RULE = re.compile(r"={20,}")
ROLE = re.compile(r"^(?:【[^】]*】\s*)+")
SYSTEM_ACCOUNTS = frozenset({"10000", "1000000"})
PLACEHOLDERS: dict[str, str] = {
    # placeholder in the text -> attachment kind
    "[图片]": "photo",
    "[闪照]": "photo",
    "[表情]": "sticker",
    "[语音]": "voice",
    "[视频]": "video",
    "[文件]": "file",
    "[位置]": "location",
    "[名片]": "contact",
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
NOTICES: tuple[tuple[re.Pattern[str], Kind], ...] = (
    # a whole (short) text -> the notice it is; the first match wins
    (re.compile(r".{0,80}(?:加入本群|加入了本群|加入了群聊|加入群聊)[。.!！]?"), Kind.JOIN),
    (re.compile(r".{0,80}邀请.{0,80}加入了?(?:本群|群聊)[。.!！]?"), Kind.JOIN),
    (
        re.compile(r".{0,80}(?:撤回了一条(?:成员)?消息|拍了拍.{0,80}|退出了本群|被移出本群|被管理员禁言.*)"),
        Kind.SERVICE,
    ),
    (re.compile(r"\[QQ红包\].*|.{0,80}领取了.{0,80}红包.*", re.S), Kind.SERVICE),
    (re.compile(r".{0,80}(?:修改了群名称|设置了群头像|成为了群主|被设置为管理员).*"), Kind.SERVICE),
)
NOTICE_LIMIT = 300


def sniff(head: bytes, path: Path) -> bool:
    """A ``.txt`` with QQ's export banner, its section lines, or a QQ message header first."""
    if path.suffix.lower() != ".txt":
        return False
    text = head_text(head).lstrip("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("消息记录") or ("消息对象" in text and RULE.search(text)):
        return True
    return HEADER.fullmatch(first) is not None


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """Yield one chat per ``消息对象`` section, streaming the file once."""
    reader = _Reader(path, warn)
    title = reader.preamble()
    while title is not None:
        group = Group(platform=PLATFORM, id=slugify(title), title=title)
        stream = reader.messages(group)
        yield Chat(group=group, messages=stream)
        for _unread in stream:  # the consumer stopped early: move on to the next section
            pass
        title = reader.next_title


@dataclass(slots=True)
class _Pending:
    number: int
    timestamp: datetime
    author_id: str
    author_name: str
    lines: list[str]


class _Reader:
    """Walks the file once; each section's message stream stops at the next ``消息对象``."""

    def __init__(self, path: Path, warn: Warn) -> None:
        self.path = path
        self.warn = warn
        self.lines = text_lines(path)
        self.held: tuple[int, str] | None = None  # a line read ahead by the preamble
        self.next_title: str | None = None

    def preamble(self) -> str | None:
        """Read the banner and section lines; the first chat's name, or None if no chat."""
        title: str | None = None
        seen_any = False
        for number, line in self.lines:
            stripped = line.strip().lstrip("\ufeff")
            seen_any = seen_any or bool(stripped)
            section = SECTION.fullmatch(stripped)
            if section and section["key"] == "消息对象":
                title = section["value"].strip() or self.path.stem
            elif not stripped or stripped == BANNER or RULE.fullmatch(stripped) or section:
                continue
            else:
                self.held = (number, line)
                return title or self.path.stem
        if not seen_any:
            raise InputError(self.path, "empty file: no QQ messages in it")
        return title  # a header with no messages: one empty chat, or none at all

    def messages(self, group: Group) -> Iterator[Message]:
        ids = StableIds()
        pending: _Pending | None = None
        orphan = False
        self.next_title = None
        while (item := self._next()) is not None:
            number, line = item
            stripped = line.strip()
            section = SECTION.fullmatch(stripped) if "消息" in stripped[:4] else None
            if section is not None or RULE.fullmatch(stripped) or stripped == BANNER:
                if section is not None and section["key"] == "消息对象":
                    self.next_title = section["value"].strip() or self.path.stem
                    break
                continue
            header = HEADER.fullmatch(line) if line[:1].isdigit() else None
            if header is None:
                if pending is not None:
                    pending.lines.append(line)
                elif stripped and not orphan:
                    orphan = True
                    self.warn(f"line {number}", "text that belongs to no message; skipped")
                continue
            if pending is not None:
                yield _message(group, pending, ids)
                pending = None
            when = _timestamp(header)
            if when is None:
                orphan = True
                self.warn(f"line {number}", f"{header['date']} {header['time']} is not a valid date; skipped")
                continue
            orphan = False
            author_id = header["number"] or header["email"] or ""
            name = ROLE.sub("", header["name"]).strip()
            pending = _Pending(number, when, author_id, name or author_id, [])
        if pending is not None:
            yield _message(group, pending, ids)

    def _next(self) -> tuple[int, str] | None:
        """The next line; a plain call, so a section's stream stopping never closes the file."""
        if self.held is not None:
            held, self.held = self.held, None
            return held
        return next(self.lines, None)


def _timestamp(header: re.Match[str]) -> datetime | None:
    try:
        year, month, day = (int(part) for part in header["date"].split("-"))
        hour, minute, second = (int(part) for part in header["time"].split(":"))
        marker = (header["ampm"] or "").upper()
        if marker:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if marker in ("PM", "下午") else 0)
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _message(group: Group, pending: _Pending, ids: StableIds) -> Message:
    text = "\n".join(pending.lines).strip()
    author_id, name = pending.author_id, pending.author_name
    kind = Kind.TEXT
    notice = _notice(text) if len(text) <= NOTICE_LIMIT else None
    if author_id in SYSTEM_ACCOUNTS or notice is not None:
        kind = notice or Kind.SERVICE
        if author_id in SYSTEM_ACCOUNTS:
            author_id = name = ""
    attachments: tuple[Attachment, ...] = ()
    if kind is Kind.TEXT and "[" in text:
        attachments = tuple(Attachment(PLACEHOLDERS[p]) for p in _PLACEHOLDER.findall(text))
        if attachments:
            text = _PLACEHOLDER.sub("", text).strip()
            kind = Kind.TEXT if text else Kind.MEDIA
    return Message(
        platform=PLATFORM,
        group_id=group.id,
        id=ids(group.id, pending.timestamp, author_id, text),
        timestamp=pending.timestamp,
        author_id=author_id,
        author_name=name,
        text=text,
        kind=kind,
        attachments=attachments,
    )


def _notice(text: str) -> Kind | None:
    for pattern, kind in NOTICES:
        if pattern.fullmatch(text):
            return kind
    return None


SOURCE = Source(
    name="qq-txt",
    platform=PLATFORM,
    description="QQ PC text export (消息管理器 .txt)",
    extensions=(".txt",),
    sniff=sniff,
    read=read,
)
