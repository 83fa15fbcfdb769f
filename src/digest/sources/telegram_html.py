"""Telegram Desktop "Export chat history" as HTML: ``messages.html``, ``messages2.html``, ...

A folder holding ``messages.html`` is one export (its pages are read in number order); a
single page can be imported on its own too. Parsed with the standard library's
:mod:`html.parser`, streaming, one page at a time.

What the HTML keeps: ``div.message.default`` rows with id ``message123``, the sender in
``.from_name`` (a "joined" row continues the previous sender), the time in the ``.date``
title (``14.05.2023 16:43:57 UTC+03:30``, an ``Edited:`` line when edited), ``.text``,
``.reply_to`` links (``GoToMessage(N)``), ``.media_wrap`` attachments, reaction spans and
``div.message.service`` rows. What it lacks: user ids and the chat id. Members are keyed
``name:<sender>`` (as the JSON importer does for senders without an id), and the group id is
``html-`` and a hash of the chat title, so every export of the same chat lands in one group.
Message ids are Telegram's own, so overlapping exports dedupe.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Source, Warn, strip_bom
from digest.sources.jsonio import decode_utf8

PLATFORM = "telegram"
CHUNK = 1 << 20
_PAGE = re.compile(r"^messages(\d*)\.html$")
_SNIFF = re.compile(rb'<div class="(history|page_header)"|<div class="message (default|service)')
_ID = re.compile(r"^message(-?\d+)$")
_GOTO = re.compile(r"GoToMessage\((\d+)\)|go_to_message(\d+)")
_DATE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: UTC([+-])(\d{1,2}):?(\d{2}))?"
)
_JOIN = re.compile(r"\b(joined|invited)\b", re.IGNORECASE)
VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col"})
MEDIA_CLASSES = {
    "photo_wrap": "photo",
    "media_photo": "photo",
    "photo": "photo",
    "video_file_wrap": "video",
    "media_video": "video",
    "video_file": "video",
    "animated_wrap": "animation",
    "media_animation": "animation",
    "media_voice_message": "voice",
    "media_audio_file": "audio",
    "sticker_wrap": "sticker",
    "media_sticker": "sticker",
    "sticker": "sticker",
    "media_file": "file",
    "media_poll": "poll",
    "media_location": "location",
    "media_venue": "location",
    "media_live_location": "location",
    "media_contact": "contact",
    "media_call": "call",
    "media_game": "game",
    "media_invoice": "invoice",
}


def sniff(head: bytes, path: Path) -> bool:
    """A Telegram ``messages*.html`` page, or a folder holding ``messages.html``."""
    if path.is_dir():
        page = path / "messages.html"
        try:
            with page.open("rb") as fh:
                head = fh.read(4096)
        except OSError:
            return False
    elif not path.name.lower().endswith((".html", ".htm")):
        return False
    return bool(_SNIFF.search(strip_bom(head)))


def pages(path: Path) -> list[Path]:
    """The pages of an export in order: messages.html, messages2.html, ..., messages10.html."""
    if not path.is_dir():
        return [path]
    found = [(m.group(1), p) for p in path.iterdir() if (m := _PAGE.match(p.name)) and p.is_file()]
    return [p for _, p in sorted(found, key=lambda item: int(item[0] or 1))]


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """The one chat of an export folder (or of a single page)."""
    files = pages(path)
    if not files:
        raise InputError(path, "no messages.html in this folder")
    first = decode_utf8(files[0], _read_bytes(files[0]))
    if not first.strip():
        raise InputError(files[0], "empty file")
    if not _SNIFF.search(first[:65536].encode("utf-8")):
        raise InputError(files[0], "not a Telegram HTML export: no message rows in it")
    title = page_title(first) or (path.name if path.is_dir() else path.parent.name) or "Telegram chat"
    group_id = "html-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]
    group = Group(platform=PLATFORM, id=group_id, title=title)
    yield Chat(group=group, messages=_stream(files, first, group_id, _State(), warn))


def page_title(text: str) -> str:
    """The chat's name from a page's header, or "" when the page has none."""
    finder = _TitleFinder()
    with contextlib.suppress(_Found):
        finder.feed(text)
    return " ".join(finder.title.split())


class _Found(Exception):
    """Stops the title finder once it has what it needs."""


class _TitleFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._depth = 0
        self._in_header = False
        self._capture = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = _classes(attrs)
        if "history" in classes:
            raise _Found
        if "page_header" in classes:
            self._in_header = True
        elif self._in_header and tag == "div" and "text" in classes:
            self._capture = True

    def handle_endtag(self, tag: str) -> None:
        if self._capture and tag == "div":
            raise _Found

    def handle_data(self, data: str) -> None:
        if self._capture:
            self.title += data


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


@dataclass(slots=True)
class _State:
    """What carries over from row to row and page to page."""

    sender: str = ""
    last_time: datetime | None = None
    day: datetime | None = None
    pending: list[_Draft] = field(default_factory=list)


def _stream(files: list[Path], first: str, group_id: str, state: _State, warn: Warn) -> Iterator[Message]:
    for index, page in enumerate(files):
        text = first if index == 0 else decode_utf8(page, _read_bytes(page))
        if not text.strip():
            warn(page.name, "empty page skipped")
            continue
        # Telegram never writes "<![" marked sections; html.parser asserts on malformed ones.
        text = text.replace("<![", "&lt;![")
        parser = _PageParser()
        try:
            for start in range(0, len(text), CHUNK):
                parser.feed(text[start : start + CHUNK])
                yield from _finish(parser.take(), group_id, state, page.name, warn)
            parser.close()
        except AssertionError as exc:  # html.parser's way of saying it cannot go on
            raise InputError(page, f"HTML the parser cannot read: {exc}") from None
        yield from _finish(parser.take(), group_id, state, page.name, warn)
        if parser.open_message is not None:
            warn(
                f"{page.name}, message {parser.open_message}",
                "the page ends inside this message (truncated?)",
            )
    for draft in state.pending:
        warn(f"message {draft.id}", "service message with no date anywhere before or after it: skipped")


# -- turning parsed rows into messages -------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """One message row as the parser collects it (a builder; the result is a frozen Message)."""

    id: str
    service: bool
    joined: bool
    date_title: str = ""
    sender: str | None = None
    forwarded_from: str | None = None
    text: str = ""
    service_text: str = ""
    reply_to: str | None = None
    media: list[list[str]] = field(default_factory=list)  # [kind, name]
    reactions: list[list[str]] = field(default_factory=list)  # [emoji, count, userpics]


def _finish(drafts: list[_Draft], group_id: str, state: _State, page: str, warn: Warn) -> Iterator[Message]:
    for draft in drafts:
        if draft.id.startswith("-"):
            state.day = _day(draft.service_text) or state.day  # a date separator, not a message
            continue
        where = f"{page}, message {draft.id}"
        if draft.service:
            if state.last_time is None and state.day is None:
                state.pending.append(draft)
                continue
            when = state.last_time or state.day
            if when is not None:
                yield _service(group_id, draft, when)
            continue
        stamps = parse_date_title(draft.date_title)
        if stamps is None:
            warn(where, f"no readable date (title {draft.date_title!r}): skipped")
            continue
        timestamp, edited = stamps
        for pending in state.pending:
            yield _service(group_id, pending, timestamp)
        state.pending.clear()
        state.last_time = timestamp
        if draft.sender is not None and not draft.joined:
            state.sender = draft.sender
        sender = draft.sender if draft.sender is not None and not draft.joined else state.sender
        if not sender:
            warn(where, "no sender, and no earlier message to take it from: skipped")
            continue
        yield _message(group_id, draft, timestamp, edited, sender)


def _message(
    group_id: str, draft: _Draft, timestamp: datetime, edited: datetime | None, sender: str
) -> Message:
    attachments = tuple(Attachment(kind or "file", name) for kind, name in draft.media)
    kind = Kind.TEXT
    if any(a.kind == "call" for a in attachments):
        kind = Kind.SERVICE
    elif not draft.text.strip() and attachments:
        kind = Kind.MEDIA
    return Message(
        platform=PLATFORM,
        group_id=group_id,
        id=draft.id,
        timestamp=timestamp,
        author_id=f"name:{sender}",
        author_name=sender,
        text=draft.text,
        kind=kind,
        reply_to=draft.reply_to,
        reactions=tuple(_reaction(r) for r in draft.reactions if r[0]),
        attachments=attachments,
        edited=edited,
        forwarded_from=draft.forwarded_from or None,
    )


def _service(group_id: str, draft: _Draft, when: datetime) -> Message:
    text = draft.service_text
    return Message(
        platform=PLATFORM,
        group_id=group_id,
        id=draft.id,
        timestamp=when,
        author_id="",
        author_name="",
        text=text,
        kind=Kind.JOIN if _JOIN.search(text) else Kind.SERVICE,
    )


def _reaction(item: list[str]) -> Reaction:
    emoji, count, userpics = item
    number = int(count) if count.isdigit() else 0
    return Reaction(emoji=emoji, count=number or int(userpics) or 1)


def parse_date_title(title: str) -> tuple[datetime, datetime | None] | None:
    """``"14.05.2023 16:43:57 UTC+03:30"`` (and an optional ``Edited:`` line) as aware datetimes.

    Exports without an offset are read as UTC, like the JSON importer's old exports.
    """
    lines = [line.strip() for line in title.splitlines() if line.strip()]
    if not lines:
        return None
    sent = _date(lines[0])
    if sent is None:
        return None
    edited = next((_date(line) for line in lines[1:] if line.lower().startswith("edited")), None)
    return sent, edited


def _date(text: str) -> datetime | None:
    match = _DATE.search(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    zone = UTC
    if sign:
        delta = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-delta if sign == "-" else delta)
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone)
    except ValueError:
        return None


def _day(text: str) -> datetime | None:
    """A date separator ("14 May 2023", English exports only) as midnight UTC."""
    try:
        return datetime.strptime(" ".join(text.split()), "%d %B %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


# -- the HTML parser -------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    tag: str
    classes: frozenset[str]


@dataclass(slots=True)
class _Capture:
    """Text collected inside one element; ``done`` receives it when the element closes."""

    depth: int
    done: Callable[[str], None]
    parts: list[str] = field(default_factory=list)


def _classes(attrs: list[tuple[str, str | None]]) -> frozenset[str]:
    for key, value in attrs:
        if key == "class" and value:
            return frozenset(value.split())
    return frozenset()


class _PageParser(HTMLParser):
    """Collects message rows of one page as ``_Draft`` records, streaming."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[_Node] = []
        self._open_classes: Counter[str] = Counter()  # classes of open elements, for O(1) lookups
        self._open_tags: Counter[str] = Counter()
        self._captures: list[_Capture] = []
        self._draft: _Draft | None = None
        self._message_depth = -1
        self._done: list[_Draft] = []

    @property
    def open_message(self) -> str | None:
        return self._draft.id if self._draft is not None else None

    def take(self) -> list[_Draft]:
        done, self._done = self._done, []
        return done

    def _inside(self, cls: str) -> bool:
        """Whether an open element has class ``cls`` (constant time, however deep the page)."""
        return self._open_classes[cls] > 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = _classes(attrs)
        values = {k: v or "" for k, v in attrs}
        if tag == "br":
            self._data("\n")
            return
        if tag in VOID:
            if self._draft is not None and tag == "img":
                self._media_class(classes)
            return
        depth = len(self._stack)
        self._push(_Node(tag, classes))
        if self._draft is None:
            match = _ID.match(values.get("id", ""))
            if tag == "div" and "message" in classes and match:
                self._draft = _Draft(
                    id=match.group(1), service="service" in classes, joined="joined" in classes
                )
                self._message_depth = depth
            return
        self._row_tag(tag, classes, values, depth)

    def _row_tag(self, tag: str, classes: frozenset[str], values: dict[str, str], depth: int) -> None:
        draft = self._draft
        if draft is None:
            return
        if draft.service:
            if "body" in classes and "details" in classes:
                self._capture(depth, lambda text: setattr(draft, "service_text", " ".join(text.split())))
            return
        if "date" in classes and "details" in classes:
            if not draft.date_title and not self._inside("forwarded") and not self._inside("from_name"):
                draft.date_title = values.get("title", "")
            if self._inside("from_name"):
                self._capture(depth, lambda text: None)  # the forwarded message's own date
            return
        if "from_name" in classes:
            if self._inside("forwarded"):
                self._capture(depth, lambda text: setattr(draft, "forwarded_from", " ".join(text.split())))
            elif draft.sender is None and not self._inside("reply_to"):
                self._capture(depth, lambda text: setattr(draft, "sender", " ".join(text.split())))
            return
        if self._inside("reply_to") or "reply_to" in classes:
            goto = _GOTO.search(values.get("onclick", "") + " " + values.get("href", ""))
            if goto and draft.reply_to is None:
                draft.reply_to = goto.group(1) or goto.group(2)
            if "reply_to" in classes:
                self._capture(depth, lambda text: None)  # "In reply to this message"
            return
        if "media_wrap" in classes:
            draft.media.append(["", ""])
            return
        if self._inside("media_wrap") and draft.media:
            self._media_class(classes)
            item = draft.media[-1]
            if (
                tag == "a"
                and not item[1]
                and values.get("href")
                and not values["href"].startswith(("#", "http"))
            ):
                item[1] = PurePosixPath(values["href"]).name
            if "title" in classes:
                self._capture(depth, lambda text: _set_name(item, text))
            return
        if "reactions" in classes:
            return
        if "reaction" in classes:
            draft.reactions.append(["", "", "0"])
            return
        if self._inside("reaction") and draft.reactions:
            item = draft.reactions[-1]
            if "emoji" in classes:
                self._capture(depth, lambda text: item.__setitem__(0, text.strip()))
            elif "count" in classes:
                self._capture(depth, lambda text: item.__setitem__(1, text.strip()))
            elif "userpic" in classes:
                item[2] = str(int(item[2]) + 1)
            return
        if tag == "div" and "text" in classes and not draft.text and not self._captures:
            self._capture(depth, lambda text: setattr(draft, "text", text.strip()))
            return
        if tag == "a" and self._captures:
            href = values.get("href", "")
            parent = self._captures[-1]
            self._capture(depth, lambda text: parent.parts.append(_link(text, href)))

    def _media_class(self, classes: frozenset[str]) -> None:
        if self._draft is None or not self._draft.media:
            return
        item = self._draft.media[-1]
        for cls in classes:
            kind = MEDIA_CLASSES.get(cls)
            if kind and not item[0]:
                item[0] = kind

    def _capture(self, depth: int, done: Callable[[str], None]) -> None:
        self._captures.append(_Capture(depth, done))

    def _data(self, data: str) -> None:
        if self._captures:
            self._captures[-1].parts.append(data)

    def handle_data(self, data: str) -> None:
        self._data(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._open_tags[tag] == 0:
            return  # a stray closing tag
        while self._stack:  # close everything left open inside it, then it
            self._close(len(self._stack) - 1)
            node = self._pop()
            if node.tag == tag:
                break

    def _push(self, node: _Node) -> None:
        self._stack.append(node)
        self._open_tags[node.tag] += 1
        self._open_classes.update(node.classes)

    def _pop(self) -> _Node:
        node = self._stack.pop()
        self._open_tags[node.tag] -= 1
        self._open_classes.subtract(node.classes)
        return node

    def _close(self, depth: int) -> None:
        while self._captures and self._captures[-1].depth >= depth:
            capture = self._captures.pop()
            capture.done("".join(capture.parts))
        if self._draft is not None and depth == self._message_depth:
            self._done.append(self._draft)
            self._draft = None
            self._message_depth = -1


def _set_name(item: list[str], text: str) -> None:
    """A media title (the file name, mostly) beats the name taken from a link."""
    name = " ".join(text.split())
    if name:
        item[1] = name


def _link(label: str, href: str) -> str:
    if href.startswith(("http://", "https://")) and href != label and not href.endswith(f"//{label}"):
        return f"{label} ({href})"
    return label


SOURCE = Source(
    name="telegram-html",
    platform=PLATFORM,
    description="Telegram Desktop HTML export, messages.html (a folder with messages*.html)",
    extensions=(".html",),
    sniff=sniff,
    read=read,
)
