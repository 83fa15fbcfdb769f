"""IRC channel logs: ``[HH:MM] <nick> text``, one line per message.

Accepted line shapes (brackets around the time are optional, and so are a date and seconds)::

    [03:10] <yohannes> can anyone recommend an app to open *.rar files?
    [2019-03-01 03:10:59] <@op> text
    === nick [~user@host] has joined #ubuntu        (also: has quit / has left, is now known as)
    === nick reboots in the vain hope ...           (an action written by the logger as ===)
    [03:11] * nick waves                             (an action)
    [03:12] -nick:#ubuntu- a notice
    -!- nick [user@host] has joined #ubuntu          (irssi)

Every line is one message whose id is its 0-based line number in the file, so ids line up
with line-numbered annotations; a line that does not parse is reported and skipped, but
still uses up its number. Logs carry only times: the date comes from a line's own date
prefix, else from a ``YYYY-MM-DD`` in the file name, else 1970-01-01, and the day rolls
over when the clock goes backwards. Times are read as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from digest.errors import InputError
from digest.model import Chat, Group, Kind, Message
from digest.sources.base import HEAD_BYTES, Source, Warn, strip_bom

PLATFORM = "irc"
EPOCH_DAY = date(1970, 1, 1)
ROLLOVER = timedelta(hours=2)
"""The clock must go back by more than this to mean "next day" (smaller steps: jitter, DST)."""
MAX_LINE_BYTES = 64 * 1024

_STAMP = re.compile(
    r"(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?\[?(?:(?P<date2>\d{4}-\d{2}-\d{2})[ T])?"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\]?\s+"
)
_NICK = r"[^\s<>]+"
_SAY = re.compile(rf"<[ @+%&~]?(?P<nick>{_NICK})>(?: (?P<text>.*))?$")
_EMPTY_SAY = re.compile(r"<\s*>(?: (?P<text>.*))?$")
_ACTION = re.compile(rf"\*\s+(?P<nick>{_NICK})(?:\s+(?P<text>.*))?$")
_NOTICE = re.compile(r"-(?P<nick>[^\s:!-][^\s:!]*?)(?::\S+)?-\s+(?P<text>.*)$")
_SYSTEM = re.compile(r"(?:===|-!-|\*\*\*|--[<>-]?)\s+(?P<body>.*)$")
_JOINED = re.compile(rf"(?P<nick>{_NICK})(?:\s+[\[(][^\])]*[\])])?\s+has joined\b")
_LEFT = re.compile(rf"(?P<nick>{_NICK})(?:\s+[\[(][^\])]*[\])])?\s+(?:has (?:quit|left|parted)|was kicked)\b")
_RENAMED = re.compile(rf"(?P<nick>{_NICK}) is now known as \S+")
_OTHER_SYSTEM = re.compile(
    rf"(?:mode/|Topic\b|topic\b|Netsplit|Irssi|Day changed|Log (?:opened|closed)|(?P<nick>{_NICK}) "
    r"(?:changed the topic|sets mode|set the topic|has changed mode|was kicked))"
)
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CHANNEL = re.compile(r"\s(#[^\s,\[\]()]+)")


@dataclass(frozen=True, slots=True)
class Line:
    """What one log line says, before it gets a date: ``kind`` is None for unparseable."""

    nick: str
    text: str
    kind: Kind
    clock: time | None
    day: date | None


def parse_line(line: str) -> Line | None:
    """Read one IRC line; None if it has none of the known shapes."""
    clock: time | None = None
    day: date | None = None
    rest = line
    stamp = _STAMP.match(line)
    if stamp is not None:
        hour, minute, second = int(stamp["h"]), int(stamp["m"]), int(stamp["s"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        clock = time(hour, minute, second)
        raw_day = stamp["date"] or stamp["date2"]
        if raw_day:
            try:
                day = date.fromisoformat(raw_day)
            except ValueError:
                return None
        rest = line[stamp.end() :]
    said = _SAY.match(rest)
    if said:
        return Line(said["nick"], said["text"] or "", Kind.TEXT, clock, day)
    if _EMPTY_SAY.match(rest):
        return None
    system = _SYSTEM.match(rest)
    if system:
        return _system(system["body"], clock, day)
    action = _ACTION.match(rest)
    if action:
        text = action["text"] or ""
        found = _system(f"{action['nick']} {text}", clock, day)
        if found is not None and found.kind is not Kind.TEXT:
            return found
        return Line(action["nick"], text, Kind.TEXT, clock, day)
    notice = _NOTICE.match(rest)
    if notice and clock is not None:
        return Line(notice["nick"], notice["text"], Kind.TEXT, clock, day)
    return None


def _system(body: str, clock: time | None, day: date | None) -> Line | None:
    body = body.strip()
    for pattern, kind in ((_JOINED, Kind.JOIN), (_LEFT, Kind.SERVICE), (_RENAMED, Kind.SERVICE)):
        found = pattern.match(body)
        if found:
            return Line(found["nick"], body, kind, clock, day)
    other = _OTHER_SYSTEM.match(body)
    if other:
        return Line(other["nick"] or "", body, Kind.SERVICE, clock, day)
    nick, _, text = body.partition(" ")
    if not nick or not text.strip():
        return None
    # "=== nick does something": the logger's way of writing an action (/me).
    return Line(nick, text.strip(), Kind.TEXT, clock, day)


def sniff(head: bytes, path: Path) -> bool:
    """Several lines shaped like IRC (``<nick>`` or ``===`` lines), and most lines so."""
    text = strip_bom(head).decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(head) >= HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    lines = [line for line in lines if line.strip()]
    if not lines:
        return False
    matches = sum(1 for line in lines if _looks_irc(line))
    return matches >= min(3, len(lines)) and 2 * matches >= len(lines)


def _looks_irc(line: str) -> bool:
    stamp = _STAMP.match(line)
    rest = line[stamp.end() :] if stamp else line
    if stamp is not None and (_SAY.match(rest) or _EMPTY_SAY.match(rest)):
        return True
    return _SYSTEM.match(rest) is not None and parse_line(line) is not None


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    if path.is_dir():
        raise InputError(path, "expected an IRC log file, found a folder")
    group_id = path.stem
    group = Group(platform=PLATFORM, id=group_id, title=_title(path) or group_id)
    yield Chat(group=group, messages=_messages(path, group_id, warn))


def _title(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    found = _CHANNEL.search(head)
    return found.group(1) if found else ""


def file_day(path: Path) -> date:
    """The date in a log's file name (``YYYY-MM-DD``), else 1970-01-01."""
    found = _FILE_DATE.search(path.name)
    if found:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            pass
    return EPOCH_DAY


def _messages(path: Path, group_id: str, warn: Warn) -> Iterator[Message]:
    day = file_day(path)
    last: datetime | None = None
    for number, line in enumerate(_lines(path)):
        where = f"line {number}"
        if len(line) > MAX_LINE_BYTES:
            warn(where, f"line longer than {MAX_LINE_BYTES} characters")
            continue
        if not line.strip():
            warn(where, "blank line")
            continue
        parsed = parse_line(line)
        if parsed is None:
            warn(where, "not an IRC line ([HH:MM] <nick> text, === or * lines)")
            continue
        if parsed.day is not None:
            day = parsed.day
        if parsed.clock is None:
            stamp = last or datetime.combine(day, time(0), tzinfo=UTC)
        else:
            stamp = datetime.combine(day, parsed.clock, tzinfo=UTC)
            if parsed.day is None and last is not None and stamp < last - ROLLOVER:
                day += timedelta(days=1)
                stamp += timedelta(days=1)
        last = stamp
        yield Message(
            platform=PLATFORM,
            group_id=group_id,
            id=str(number),
            timestamp=stamp,
            author_id=parsed.nick,
            author_name=parsed.nick,
            text=parsed.text,
            kind=parsed.kind,
        )


def _lines(path: Path) -> Iterator[str]:
    """Lines as Python's universal newlines count them (\\n, \\r\\n or a lone \\r)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    with fh:
        first = True
        for raw in fh:
            if first:
                raw = strip_bom(raw)
                first = False
            body = raw[:-1] if raw.endswith(b"\n") else raw
            if body.endswith(b"\r"):
                body = body[:-1]
            for piece in body.split(b"\r"):
                yield _decode(piece)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


SOURCE = Source(
    name="irc",
    platform=PLATFORM,
    description="IRC channel log, [HH:MM] <nick> text",
    extensions=(".txt", ".log"),
    sniff=sniff,
    read=read,
)
