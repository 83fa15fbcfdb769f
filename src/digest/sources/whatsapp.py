"""WhatsApp "Export chat" text files (``.txt``): Android and iOS, any language's date layout.

There are two layouts, and every phone language fills them in its own way::

    [21/07/2022, 05:11:12] Name: message          iOS: brackets, always seconds
    [2022/7/21 05:11:12] Name: message            iOS set to Chinese
    11/10/24, 9:15 AM - Name: message             Android, US English
    06.08.2016, 13:23 - Name: message             Android, German
    2023/1/2 下午3:04 - 名字: 消息                  Android, Chinese

The layout, and whether dates are day-first or month-first, are decided from every header
line of the file, never from the first one alone: an order that makes some date impossible
(a 13th month) loses, then the order that keeps the messages in time order wins, then the
usual order of that kind of header (``/`` with AM/PM is month-first, the rest day-first).
Lines that do not start a message continue the one before it. System lines (encryption
notice, joins, deleted messages, missed calls) become ``SERVICE``/``JOIN`` and media
placeholders ``MEDIA`` with a typed attachment, in English and Chinese.

WhatsApp has no message or member ids: a member is ``name:`` + display name, a message id
is :func:`~digest.sources.base.stable_id` of its group, time, author and text, and the group
is the chat name the export shows (the sender of iOS's encryption notice), else the name in
"WhatsApp Chat with NAME.txt", else the file name. Times carry no zone and are read as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message
from digest.sources.base import (
    Marker,
    Resume,
    Source,
    StableIds,
    TextEncoding,
    Warn,
    detect_encoding,
    head_text,
    text_lines,
)
from digest.text import slugify

PLATFORM = "whatsapp"
MARKS = "\u200e\u200f"
"""Left-to-right and right-to-left marks: WhatsApp puts them around system and media lines."""
CLASSIFY_LIMIT = 4096
"""System and media lines are short: longer first lines are plain text, never pattern-matched."""

MERIDIEMS: dict[str, bool] = {
    # marker (lower case) -> afternoon?
    "am": False,
    "a.m.": False,
    "a. m.": False,
    "pm": True,
    "p.m.": True,
    "p. m.": True,
    "上午": False,
    "凌晨": False,
    "早上": False,
    "中午": True,
    "下午": True,
    "晚上": True,
    "午前": False,
    "午後": True,
    "오전": False,
    "오후": True,
}
_SPACE = r"[\s\u202f\u00a0]"  # WhatsApp writes a narrow no-break space before AM/PM
_MERIDIEM = "|".join(
    re.escape(m).replace("\\ ", " ").replace(" ", f"{_SPACE}?")
    for m in sorted(MERIDIEMS, key=len, reverse=True)
)
_DATE = r"(?P<d1>\d{1,4})(?P<sep>[./-])\s?(?P<d2>\d{1,2})(?P=sep)\s?(?P<d3>\d{1,4})\.?"


def _time(seconds: str) -> str:
    return (
        rf"(?:(?P<m1>{_MERIDIEM}){_SPACE}?)?(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}})"
        rf"(?:[:.](?P<second>\d{{2}})){seconds}(?:{_SPACE}*(?P<m2>{_MERIDIEM}))?"
    )


@dataclass(frozen=True, slots=True)
class Layout:
    """One way of writing a message header line; ``rest`` is the ``Name: text`` part."""

    name: str
    header: re.Pattern[str]


LAYOUTS: tuple[Layout, ...] = (
    Layout("ios", re.compile(rf"[{MARKS}]*\[{_DATE},?{_SPACE}{_time('')}\]{_SPACE}(?P<rest>.*)", re.I)),
    Layout(
        "android",
        re.compile(rf"[{MARKS}]*{_DATE},?{_SPACE}{_time('?')}{_SPACE}[-–]{_SPACE}(?P<rest>.*)", re.I),
    ),
)


@dataclass(frozen=True, slots=True)
class DateOrder:
    """Which of a header's three date numbers is the year, the month and the day (0, 1, 2)."""

    name: str
    year: int
    month: int
    day: int


DATE_ORDERS: tuple[DateOrder, ...] = (
    DateOrder("day-first", year=2, month=1, day=0),
    DateOrder("month-first", year=2, month=0, day=1),
    DateOrder("year-first", year=0, month=1, day=2),
    DateOrder("year-day", year=0, month=2, day=1),
)
TIE_BREAK: dict[tuple[str, bool], tuple[str, ...]] = {
    # (date separator, 12-hour clock) -> orders to prefer when the dates themselves cannot tell
    ("/", True): ("month-first", "day-first", "year-first", "year-day"),
}
DEFAULT_TIE_BREAK = ("day-first", "month-first", "year-first", "year-day")


@dataclass(frozen=True, slots=True)
class SystemLine:
    """A system line: its pattern, and whether it names an actor (``(?P<actor>...)``)."""

    pattern: re.Pattern[str]
    kind: Kind


def _system(pattern: str, kind: Kind = Kind.SERVICE) -> SystemLine:
    return SystemLine(re.compile(pattern.replace("ACTOR", r"(?P<actor>[^:]+?)"), re.S), kind)


ENCRYPTION_NOTICES: tuple[SystemLine, ...] = (
    # the first line of an export; on iOS "sent" by the chat itself, which tells its name
    _system(r"Messages and calls are end-to-end encrypted\b.*"),
    _system(r"Messages (?:you send )?to this (?:group|chat) are now secured with end-to-end encryption\b.*"),
    _system(r"消息和通话(?:都|已|均)?(?:进行|受)?(?:了)?端到端加密.*"),
)
SYSTEM_TEXTS: tuple[SystemLine, ...] = (
    # whole texts, with or without a sender in front
    *ENCRYPTION_NOTICES,
    _system(r"This message was deleted\.?|You deleted this message\.?|Waiting for this message\..*"),
    _system(r"这条消息已被删除。?|你删除了此消息。?|此消息已删除。?|正在等待此消息.*"),
    _system(r"Missed (?:group )?(?:voice|video) call.*|未接(?:群组)?(?:语音|视频)通话.*"),
)
SYSTEM_ACTIONS: tuple[SystemLine, ...] = (
    # lines without a "Name: " sender (Android), or after a sender and a mark (iOS);
    # ACTOR never contains a colon, so "Sarah: Bob joined" stays Sarah's message
    _system(r"ACTOR joined using (?:this group['’]s|your|an) invite link", Kind.JOIN),
    _system(r"ACTOR joined from the community", Kind.JOIN),
    _system(r"ACTOR (?:was added|added .+|joined)", Kind.JOIN),
    _system(
        r"ACTOR(?:通过此群组的邀请链接加入|已通过邀请链接加入|加入了群组|加入了此群组|加入了群聊)", Kind.JOIN
    ),
    _system(r"ACTOR(?:添加了|邀请了).+", Kind.JOIN),
    _system(r"ACTOR created (?:group [\"“].*[\"”]|this group)"),
    _system(r"ACTOR创建了群组.*"),
    _system(r"ACTOR (?:left|removed .+|was removed)"),
    _system(r"ACTOR(?:已退出|退出了群组|离开了群组|移除了.+)"),
    _system(
        r"ACTOR (?:changed|deleted|removed|reset) (?:the subject|the group name|this group['’]s|"
        r"the group description|their phone number|the group['’]s|the settings).*"
    ),
    _system(r"ACTOR (?:changed to \+?[\d ()-]+|turned (?:on|off) .+|pinned a message|is now an admin)"),
    _system(r"ACTOR(?:更改|修改|删除)了.+"),
    _system(r"You(?:['’]re| are) now an admin|你现在是管理员"),
    _system(r"Your security code with .+ changed.*|你与.+的安全码已更改.*"),
    _system(r"Disappearing messages .+"),
)

_WHOLE_LINES = SYSTEM_ACTIONS + SYSTEM_TEXTS


@dataclass(frozen=True, slots=True)
class MediaLine:
    """A media placeholder: ``caption`` and ``name`` groups are optional in the pattern.

    ``kind`` is the attachment kind; ``""`` means "infer it from the attached file's name".
    """

    pattern: re.Pattern[str]
    kind: str


def _media(pattern: str, kind: str = "") -> MediaLine:
    return MediaLine(re.compile(pattern, re.S | re.I), kind)


_CAPTION = rf"(?P<caption>.*?)[\s{MARKS}]*"
MEDIA_LINES: tuple[MediaLine, ...] = (
    _media(r"<Media omitted>|<(?:省略影音内容|媒体文件已省略|媒体已省略)>", "media"),
    _media(rf"{_CAPTION}(?:image omitted|图片已忽略)", "photo"),
    _media(rf"{_CAPTION}(?:video omitted|视频已忽略)", "video"),
    _media(rf"{_CAPTION}(?:audio omitted|音频已忽略|语音已忽略)", "voice"),
    _media(rf"{_CAPTION}(?:sticker omitted|贴图已忽略)", "sticker"),
    _media(rf"{_CAPTION}(?:GIF omitted|GIF ?已忽略)", "animation"),
    _media(rf"{_CAPTION}(?:document omitted|文档已忽略|文件已忽略)", "file"),
    _media(rf"{_CAPTION}(?:Contact card omitted|联系人名片已忽略)", "contact"),
    _media(rf"{_CAPTION}<(?:附件|attached)[:：]\s*(?P<name>[^>]+)>"),
    _media(r"(?P<name>[^\s(][^()]*?\.\w{1,5}) \((?:file attached|文件附件|附件)\)(?P<caption>.*)"),
    _media(r"(?:location|位置)[:：]\s*(?P<caption>https?://\S+)", "location"),
    _media(r"live location shared|实时位置已共享", "location"),
    _media(r"POLL:(?P<caption>.*)", "poll"),
)
ATTACHMENT_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    # attached file name -> attachment kind; the first match wins
    (re.compile(r"-PHOTO-|^IMG-", re.I), "photo"),
    (re.compile(r"-GIF-", re.I), "animation"),
    (re.compile(r"-VIDEO-|^VID-", re.I), "video"),
    (re.compile(r"-AUDIO-|^PTT-|^AUD-", re.I), "voice"),
    (re.compile(r"-STICKER-|^STK-", re.I), "sticker"),
    (re.compile(r"\.vcf$", re.I), "contact"),
    (re.compile(r"\.(?:jpe?g|png|webp|heic)$", re.I), "photo"),
    (re.compile(r"\.(?:mp4|mov|3gp)$", re.I), "video"),
    (re.compile(r"\.(?:opus|ogg|m4a|mp3|aac|wav)$", re.I), "voice"),
)
FILE_NAMES: tuple[re.Pattern[str], ...] = (
    # export file (or folder) name -> chat name
    re.compile(r"WhatsApp Chat (?:with|-) (?P<name>.+)", re.I),
    re.compile(r"(?:与|和)(?P<name>.+)的 ?WhatsApp 聊天"),
    re.compile(r"WhatsApp 聊天 ?- ?(?P<name>.+)"),
)
_AUTHOR = re.compile(rf"(?P<author>[^:\n]{{1,200}}?):(?:[ {MARKS}]|$)(?P<text>.*)", re.S)
_EDITED = re.compile(rf"[\s{MARKS}]*<This message was edited>$")


@dataclass(frozen=True, slots=True)
class _Header:
    """A header line's numbers, before the date order is known."""

    numbers: tuple[int, int, int]
    digits: tuple[int, int, int]
    separator: str
    hour: int
    minute: int
    second: int
    afternoon: bool | None  # None: a 24-hour clock
    rest: str

    def timestamp(self, order: DateOrder) -> datetime | None:
        """The time this header means under ``order``, or None if that is impossible."""
        year, digits = self.numbers[order.year], self.digits[order.year]
        if digits == 2 and order.year == 2:
            year += 2000
        elif digits != 4:
            return None
        hour = self.hour
        if self.afternoon is not None:
            if not 0 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if self.afternoon else 0)
        try:
            return datetime(
                year,
                self.numbers[order.month],
                self.numbers[order.day],
                hour,
                self.minute,
                self.second,
                tzinfo=UTC,
            )
        except ValueError:
            return None


def _header(match: re.Match[str]) -> _Header:
    marker = match["m1"] or match["m2"]
    afternoon = None
    if marker:
        afternoon = MERIDIEMS.get(re.sub(_SPACE, " ", marker).lower())
    return _Header(
        numbers=(int(match["d1"]), int(match["d2"]), int(match["d3"])),
        digits=(len(match["d1"]), len(match["d2"]), len(match["d3"])),
        separator=match["sep"],
        hour=int(match["hour"]),
        minute=int(match["minute"]),
        second=int(match["second"] or 0),
        afternoon=afternoon,
        rest=match["rest"],
    )


@dataclass(slots=True)
class _Evidence:
    """What the first pass learns about one layout from every header line of the file."""

    headers: int = 0
    invalid: list[int] = field(default_factory=lambda: [0] * len(DATE_ORDERS))
    inversions: list[int] = field(default_factory=lambda: [0] * len(DATE_ORDERS))
    last: list[datetime | None] = field(default_factory=lambda: [None] * len(DATE_ORDERS))
    separators: dict[str, int] = field(default_factory=dict)
    twelve_hour: int = 0
    chat_name: str = ""

    def add(self, header: _Header) -> None:
        self.headers += 1
        self.separators[header.separator] = self.separators.get(header.separator, 0) + 1
        self.twelve_hour += header.afternoon is not None
        for index, order in enumerate(DATE_ORDERS):
            when = header.timestamp(order)
            if when is None:
                self.invalid[index] += 1
                continue
            last = self.last[index]
            if last is not None and when < last:
                self.inversions[index] += 1
            self.last[index] = when
        if not self.chat_name and len(header.rest) < CLASSIFY_LIMIT:
            said = _AUTHOR.fullmatch(header.rest)
            if said and _match(ENCRYPTION_NOTICES, _clean(said["text"])):
                self.chat_name = said["author"].strip(MARKS + " ")

    def state(self) -> dict[str, Any]:
        """This evidence as JSON values (see :meth:`of`)."""
        return {
            "headers": self.headers,
            "invalid": self.invalid,
            "inversions": self.inversions,
            "last": [when.isoformat() if when else None for when in self.last],
            "separators": self.separators,
            "twelve_hour": self.twelve_hour,
            "chat_name": self.chat_name,
        }

    @staticmethod
    def of(data: dict[str, Any]) -> _Evidence:
        return _Evidence(
            int(data["headers"]),
            [int(n) for n in data["invalid"]],
            [int(n) for n in data["inversions"]],
            [datetime.fromisoformat(w) if w else None for w in data["last"]],
            {str(k): int(v) for k, v in data["separators"].items()},
            int(data["twelve_hour"]),
            str(data["chat_name"]),
        )

    def order(self) -> DateOrder:
        separator = max(self.separators, key=lambda s: self.separators[s]) if self.separators else ""
        twelve = self.twelve_hour * 2 > self.headers
        preference = TIE_BREAK.get((separator, twelve), DEFAULT_TIE_BREAK)

        def rank(index: int) -> tuple[int, int, int]:
            name = DATE_ORDERS[index].name
            return (self.invalid[index], self.inversions[index], preference.index(name))

        return DATE_ORDERS[min(range(len(DATE_ORDERS)), key=rank)]


def sniff(head: bytes, path: Path) -> bool:
    """A ``.txt`` whose first non-blank line is a WhatsApp message header."""
    if path.suffix.lower() != ".txt":
        return False
    for line in head_text(head).lstrip("\ufeff").splitlines()[:5]:
        if line.strip():
            return any(layout.header.match(line) for layout in LAYOUTS)
    return False


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """Yield the one chat of a WhatsApp export (two passes: decide the layout, then parse)."""
    return read_on(path, warn, None, Marker())


def read_on(path: Path, warn: Warn, resume: Resume | None, marker: Marker) -> Iterator[Chat]:
    """:func:`read`, or with ``resume`` only the messages after those of an earlier export of
    the same chat, when the lines that follow decide the layout and date order as before and
    are no earlier than its latest message (so no message id can repeat one of the earlier)."""
    if resume is not None:
        state = _State.of(resume.state)
        evidence = _read_on_evidence(path, resume.offset, state) if state is not None else None
        if state is not None and evidence is not None:
            marker.read_on = True
            yield _chat(path, warn, marker, state.encoding, evidence, state, resume.offset)
            return
    encoding = detect_encoding(path)
    evidence = {layout.name: _Evidence() for layout in LAYOUTS}
    blank = True
    for _number, line in text_lines(path, encoding):
        blank = blank and not line.strip()
        for layout in LAYOUTS:
            match = layout.header.match(line)
            if match:
                evidence[layout.name].add(_header(match))
    if blank:
        raise InputError(path, "empty file: no WhatsApp messages in it")
    yield _chat(path, warn, marker, encoding, evidence, _State(encoding, 0))


def _chat(
    path: Path,
    warn: Warn,
    marker: Marker,
    encoding: TextEncoding,
    evidence: dict[str, _Evidence],
    state: _State,
    start: int = 0,
) -> Chat:
    layout = max(LAYOUTS, key=lambda lay: evidence[lay.name].headers)
    found = evidence[layout.name]
    if not found.headers:
        raise InputError(
            path,
            "no WhatsApp message lines found (expected lines such as "
            "'[21/07/2022, 05:11:12] Name: text' or '21/07/2022, 05:11 - Name: text')",
        )
    title = found.chat_name or _name_from_path(path)
    group = Group(platform=PLATFORM, id=slugify(title), title=title)
    ids = StableIds(state.latest, state.at_latest)

    def messages() -> Iterator[Message]:
        lines = yield from _messages(path, encoding, group, layout, found, warn, ids, start, state.lines + 1)
        size = _ending(path)
        if size is not None and encoding.codec in _BYTE_CODECS and encoding.errors == "strict":
            marker.point = (size, _State(encoding, lines, evidence, ids.latest, ids.at_latest).dumps())

    return Chat(group=group, messages=messages())


_BYTE_CODECS = ("utf-8", "utf-8-sig")
"""Encodings a text export can be read on from in the middle: every line starts at a byte."""


@dataclass(frozen=True, slots=True)
class _State:
    """What reading an export on from where its last import ended needs to know."""

    encoding: TextEncoding
    lines: int  # lines before the offset
    evidence: dict[str, _Evidence] = field(default_factory=dict)
    latest: datetime | None = None  # the latest message time before the offset
    at_latest: dict[str, int] = field(default_factory=dict)  # the message counts at that time

    def dumps(self) -> str:
        return orjson.dumps(
            {
                "codec": self.encoding.codec,
                "lines": self.lines,
                "evidence": {name: e.state() for name, e in self.evidence.items()},
                "latest": self.latest.isoformat() if self.latest else None,
                "at_latest": self.at_latest,
            }
        ).decode()

    @staticmethod
    def of(text: str) -> _State | None:
        try:
            data = orjson.loads(text)
            return _State(
                TextEncoding(str(data["codec"])),
                int(data["lines"]),
                {name: _Evidence.of(e) for name, e in data["evidence"].items()},
                datetime.fromisoformat(data["latest"]) if data["latest"] else None,
                {str(k): int(v) for k, v in data["at_latest"].items()},
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            return None


def _ending(path: Path) -> int | None:
    """The size of a file that ends with a line end (else None: its last line may go on in a
    later export)."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            if not size:
                return None
            fh.seek(size - 1)
            return size if fh.read(1) == b"\n" else None
    except OSError:
        return None


def _read_on_evidence(path: Path, offset: int, state: _State) -> dict[str, _Evidence] | None:
    """The evidence of the whole file, from ``state`` and the lines after ``offset``, if the
    file can be read on from there: the same layout and date order, a header line first, no
    message earlier than the latest before."""
    if state.encoding.codec not in _BYTE_CODECS or state.latest is None or not state.evidence:
        return None
    evidence = {name: _Evidence.of(e.state()) for name, e in state.evidence.items()}
    before = max(LAYOUTS, key=lambda lay: evidence[lay.name].headers)
    order = evidence[before.name].order()
    earliest: list[datetime | None] = [None] * len(DATE_ORDERS)
    first = True
    try:
        for _number, line in text_lines(path, state.encoding, offset, state.lines + 1):
            for layout in LAYOUTS:
                match = layout.header.match(line)
                if match is None:
                    continue
                header = _header(match)
                evidence[layout.name].add(header)
                if layout is before:
                    for index, each in enumerate(DATE_ORDERS):
                        when, known = header.timestamp(each), earliest[index]
                        if when is not None and (known is None or when < known):
                            earliest[index] = when
            if first and not before.header.match(line):
                return None  # the last message before goes on here
            first = False
    except InputError:
        return None  # not the encoding it was: read it whole
    after = max(LAYOUTS, key=lambda lay: evidence[lay.name].headers)
    if after is not before or evidence[after.name].order() != order:
        return None
    soonest = earliest[DATE_ORDERS.index(order)]
    if soonest is not None and soonest < state.latest:
        return None
    return evidence


def _name_from_path(path: Path) -> str:
    stem = path.stem
    if stem.strip("_").lower() in {"chat", "_chat"} and path.parent.name:
        stem = path.parent.name  # iOS: "WhatsApp Chat - NAME/_chat.txt"
    for pattern in FILE_NAMES:
        match = pattern.fullmatch(stem)
        if match:
            return match["name"].strip()
    return stem


@dataclass(slots=True)
class _Pending:
    """The message being read: its header, and the lines that continue it."""

    number: int
    timestamp: datetime
    author: str
    kind: Kind
    attachments: tuple[Attachment, ...]
    lines: list[str]


def _messages(
    path: Path,
    encoding: TextEncoding,
    group: Group,
    layout: Layout,
    found: _Evidence,
    warn: Warn,
    ids: StableIds,
    start: int = 0,
    first: int = 1,
) -> Generator[Message, None, int]:
    """The messages of the lines from ``start`` (numbered from ``first``); returns the number
    of the last line read."""
    order = found.order()
    pending: _Pending | None = None
    orphan = False  # inside lines that belong to no message (before the first, or a skipped one)
    number = first - 1
    for number, line in text_lines(path, encoding, start, first):
        match = layout.header.match(line)
        if match is None:
            if pending is not None:
                pending.lines.append(line)
            elif line.strip() and not orphan:
                orphan = True
                warn(f"line {number}", "text that belongs to no message; skipped")
            continue
        if pending is not None:
            yield _message(group, pending, ids)
            pending = None
        header = _header(match)
        when = header.timestamp(order)
        if when is None:
            orphan = True
            date = "".join(match.group("d1", "sep", "d2", "sep", "d3"))
            warn(
                f"line {number}",
                f"{date} {match['hour']}:{match['minute']} is not a valid "
                f"{order.name} date and time; message skipped",
            )
            continue
        orphan = False
        pending = _classify(number, when, header.rest, found.chat_name)
    if pending is not None:
        yield _message(group, pending, ids)
    return number


def _message(group: Group, pending: _Pending, ids: StableIds) -> Message:
    text = "\n".join(pending.lines).strip()
    text = _EDITED.sub("", text) if pending.kind is Kind.TEXT else text
    author = pending.author
    return Message(
        platform=PLATFORM,
        group_id=group.id,
        id=ids(group.id, pending.timestamp, author, text),
        timestamp=pending.timestamp,
        author_id=f"name:{author}" if author else "",
        author_name=author,
        text=text,
        kind=pending.kind,
        attachments=pending.attachments,
    )


def _classify(number: int, when: datetime, rest: str, chat_name: str) -> _Pending:
    """Sender, kind and first text line of a header's ``Name: text`` part."""
    if len(rest) > CLASSIFY_LIMIT:
        said = _AUTHOR.match(rest[:CLASSIFY_LIMIT])
        if said:
            author = said["author"].strip(MARKS + " ")
            return _Pending(number, when, author, Kind.TEXT, (), [rest[said.start("text") :]])
        return _Pending(number, when, "", Kind.SERVICE, (), [rest])
    action = _match(_WHOLE_LINES, _clean(rest))
    if action is not None:
        line, match = action
        return _Pending(number, when, _actor(match), line.kind, (), [_clean(rest)])
    said = _AUTHOR.fullmatch(rest)
    if said is None:  # a system line digest does not know yet: never content
        return _Pending(number, when, "", Kind.SERVICE, (), [_clean(rest)])
    author, text = said["author"].strip(MARKS + " "), said["text"]
    if _match(ENCRYPTION_NOTICES, _clean(text)):
        return _Pending(number, when, "", Kind.SERVICE, (), [_clean(text)])  # "sent" by the chat
    system = _match(SYSTEM_TEXTS, _clean(text))
    if system is None and text.startswith(tuple(MARKS)):  # iOS: "Group: \u200eAlice added Bob"
        system = _match(SYSTEM_ACTIONS, _clean(text))
        if system is not None:
            actor = _actor(system[1])
            author = actor if actor or author != chat_name else ""  # the chat is nobody
    if system is not None:
        return _Pending(number, when, author, system[0].kind, (), [_clean(text)])
    for media in MEDIA_LINES if _either(MEDIA_LINES).fullmatch(_clean(text)) else ():
        found = media.pattern.fullmatch(_clean(text))
        if found is not None:
            groups = found.groupdict()
            name = _clean(groups.get("name") or "")
            kind = media.kind or _attachment_kind(name)
            caption = _clean((groups.get("caption") or "").replace("\u200e", "").replace("\u200f", ""))
            return _Pending(number, when, author, Kind.MEDIA, (Attachment(kind, name),), [caption])
    return _Pending(number, when, author, Kind.TEXT, (), [text.lstrip(MARKS)])


def _match(lines: tuple[SystemLine, ...], text: str) -> tuple[SystemLine, re.Match[str]] | None:
    if not _either(lines).fullmatch(text):  # one search says "none of them": most lines are chat
        return None
    for line in lines:
        match = line.pattern.fullmatch(text)
        if match is not None:
            return line, match
    return None


def _either(lines: tuple[SystemLine | MediaLine, ...]) -> re.Pattern[str]:
    """One pattern that matches exactly when one of ``lines`` does (their names left out)."""
    either = _EITHER.get(id(lines))  # by identity: the lists are constants, hashing them is not free
    if either is None:
        flags = {line.pattern.flags for line in lines}
        assert len(flags) == 1, "one set of flags per list of lines"
        alternatives = "|".join(f"(?:{_NAMED.sub('(?:', line.pattern.pattern)})" for line in lines)
        either = _EITHER[id(lines)] = re.compile(alternatives, flags.pop())
        _KEEP.append(lines)  # the id stays this list's
    return either


_NAMED = re.compile(r"\(\?P<\w+>")
_EITHER: dict[int, re.Pattern[str]] = {}
_KEEP: list[tuple[SystemLine | MediaLine, ...]] = []


def _actor(match: re.Match[str]) -> str:
    return (match.groupdict().get("actor") or "").strip(MARKS + " ")


def _clean(text: str) -> str:
    return text.strip(MARKS + " \t")


def _attachment_kind(name: str) -> str:
    for pattern, kind in ATTACHMENT_NAMES:
        if pattern.search(name):
            return kind
    return "file"


SOURCE = Source(
    name="whatsapp",
    platform=PLATFORM,
    description='WhatsApp "Export chat" .txt (Android or iOS, any language)',
    extensions=(".txt",),
    sniff=sniff,
    read=read,
    read_on=read_on,
)
