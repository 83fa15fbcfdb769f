"""Slack workspace export: a ``.zip`` or its unpacked folder.

The layout is ``users.json``, ``channels.json`` (and ``groups.json``, ``mpims.json``,
``dms.json`` when the export has private channels and direct messages) beside one folder per
channel holding ``YYYY-MM-DD.json`` day files. Each channel is a group (id = channel id,
title = ``#name``); a message's id is its ``ts``; a thread reply (``thread_ts`` != ``ts``)
replies to its parent.

Bots: a message with ``subtype: bot_message``, or a plain message carrying a ``bot_id``, is
kept (its text stays searchable) but marked ``Kind.SERVICE``, never content, and credited to
``bot:<bot id>``, so integrations (GitHub feeds, CI notices) neither count as questions or
answers nor earn anyone points. Joins are ``Kind.JOIN``; every other subtype (topic and
purpose changes, ``tombstone``, ``bot_add``, pins...) is ``Kind.SERVICE``.

A zip is read in memory, never unpacked, and only within limits (entry count, total
uncompressed size, compression ratio per entry, safe entry names): a zip bomb is refused with
an ``InputError`` before anything is decompressed.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Source, Warn
from digest.sources.jsonio import as_dict, as_list, parse_json

PLATFORM = "slack"

MAX_ENTRIES = 100_000
"""A zip with more entries than this is refused (a real export has one per channel-day)."""
MAX_TOTAL_BYTES = 4 * 1024**3
"""The most uncompressed bytes a zip may declare in all."""
MAX_RATIO = 250
"""The highest compression ratio allowed for an entry larger than ``RATIO_FLOOR``."""
RATIO_FLOOR = 1024**2
"""Entries smaller than this are never refused for their ratio."""

METADATA = ("channels.json", "groups.json", "mpims.json", "dms.json")
JOIN_SUBTYPES = frozenset({"channel_join", "group_join"})
CONTENT_SUBTYPES = frozenset({"", "thread_broadcast", "me_message", "file_share", "file_comment"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_TS = re.compile(r"^(\d{1,12})(?:\.(\d{1,9}))?$")
_TOKEN = re.compile(r"<([^<>]*)>")
_UPLOADED = re.compile(r"^<@\w+(?:\|[^>]*)?> uploaded a file: ")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_READ_ERRORS = (
    OSError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
"""What reading a damaged, encrypted or oddly compressed zip entry can raise."""


# -- format detection ------------------------------------------------------------------------


def sniff(head: bytes, path: Path) -> bool:
    """A folder or zip holding both ``users.json`` and ``channels.json``."""
    try:
        if path.is_dir():
            return (path / "users.json").is_file() and (path / "channels.json").is_file()
        if not head.startswith(_ZIP_MAGIC):
            return False
        declared = declared_entries(path)
        if declared is None or declared > MAX_ENTRIES:
            return False
        with zipfile.ZipFile(path) as archive:
            return _export_root(archive.namelist()) is not None
    except _READ_ERRORS:
        return False


def declared_entries(path: Path) -> int | None:
    """The entry count a zip's end-of-central-directory record declares, read cheaply.

    Read before ``zipfile`` parses the central directory, so an archive claiming millions of
    entries is refused without building millions of ``ZipInfo`` objects.
    """
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        tail_size = min(size, 65_535 + 22 + 20)
        fh.seek(size - tail_size)
        tail = fh.read(tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            return None
        count: int = struct.unpack("<H", tail[at + 10 : at + 12])[0]
        locator = at - 20
        if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
            offset: int = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
            fh.seek(offset)
            record = fh.read(56)
            if record[:4] == b"PK\x06\x06" and len(record) == 56:
                count = struct.unpack("<Q", record[32:40])[0]
        return count


def _export_root(names: list[str]) -> str | None:
    """The folder prefix ("" or "name/") holding users.json and channels.json, shallowest first."""
    present = set(names)
    candidates = sorted(
        (n[: -len("channels.json")] for n in names if PurePosixPath(n).name == "channels.json"),
        key=lambda prefix: (prefix.count("/"), prefix),
    )
    for prefix in candidates:
        if (prefix == "" or prefix.endswith("/")) and f"{prefix}users.json" in present:
            return prefix
    return None


# -- the export as a tree of files ----------------------------------------------------------


class _Tree:
    """Files of an export by relative POSIX name, from a folder or a checked zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: zipfile.ZipFile | None = None
        self._prefix = ""
        if path.is_dir():
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file())
        else:
            self._archive = _open_zip(path)
            names = [i.filename for i in self._archive.infolist() if not i.is_dir()]
            self._prefix = _export_root(names) or ""
            cut = len(self._prefix)
            self.names = sorted(n[cut:] for n in names if n.startswith(self._prefix))

    def read(self, name: str) -> bytes:
        """One file's bytes; a damaged entry or unreadable file is an ``InputError`` naming it."""
        try:
            if self.path.is_dir():
                return (self.path / name).read_bytes()
            if self._archive is not None:
                return self._archive.read(self._prefix + name)
            with zipfile.ZipFile(self.path) as archive:  # a chat consumed after the reader ended
                return archive.read(self._prefix + name)
        except _READ_ERRORS as exc:
            raise InputError(self.path, f"cannot read it: {exc}", name) from None

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None


def _open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip only after checking it is not a bomb; ``InputError`` otherwise."""
    try:
        declared = declared_entries(path)
        if declared is not None and declared > MAX_ENTRIES:
            raise InputError(path, f"zip archive has {declared} entries; the limit is {MAX_ENTRIES}")
        archive = zipfile.ZipFile(path)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except _READ_ERRORS as exc:
        raise InputError(path, f"not a readable zip archive: {exc}") from None
    try:
        check_zip(path, archive.infolist())
    except InputError:
        archive.close()
        raise
    return archive


def check_zip(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse unsafe archives: too many entries, too large, too compressed, or odd names."""
    if len(entries) > MAX_ENTRIES:
        raise InputError(path, f"zip archive has {len(entries)} entries; the limit is {MAX_ENTRIES}")
    total = 0
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in PurePosixPath(name).parts:
            raise InputError(path, "zip entry has an absolute or parent-relative name", repr(entry.filename))
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise InputError(
                path,
                f"zip entry expands {entry.compress_size} bytes to {entry.file_size} "
                f"(more than {MAX_RATIO}:1): refused as a likely zip bomb",
                entry.filename,
            )
    if total > MAX_TOTAL_BYTES:
        raise InputError(
            path, f"zip archive expands to {total} bytes; the limit is {MAX_TOTAL_BYTES}: refused"
        )


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Channel:
    id: str
    title: str
    folders: tuple[str, ...]  # folder names it may be stored under (name, then id)


@dataclass(frozen=True, slots=True)
class _Names:
    """Display names for users and channels, to resolve ``<@U123>`` and ``<#C123>``."""

    users: dict[str, str]
    channels: dict[str, str]


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """One chat per channel (then private channel, group DM and DM) that has day files."""
    tree = _Tree(path)
    try:
        if "channels.json" not in tree.names:
            raise InputError(path, "not a Slack export: no channels.json")
        users = _users(path, tree)
        channels = [c for meta in METADATA for c in _channels(path, tree, meta, users)]
        names = _Names(users, {c.id: c.title.lstrip("#") for c in channels})
        days = _days_by_folder(tree.names)
        used: set[str] = set()
        for channel in channels:
            folder = next((f for f in channel.folders if f in days and f not in used), None)
            if folder is None:
                continue
            used.add(folder)
            group = Group(platform=PLATFORM, id=channel.id, title=channel.title)
            yield Chat(group=group, messages=_stream(tree, folder, days[folder], channel.id, names, warn))
        for folder in sorted(set(days) - used):
            warn(folder, "channel folder not listed in channels.json; its folder name is used as its id")
            group = Group(platform=PLATFORM, id=folder, title=f"#{folder}")
            yield Chat(group=group, messages=_stream(tree, folder, days[folder], folder, names, warn))
    finally:
        tree.close()


def _users(path: Path, tree: _Tree) -> dict[str, str]:
    if "users.json" not in tree.names:
        raise InputError(path, "not a Slack export: no users.json")
    data = parse_json(path, tree.read("users.json"), "users.json")
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of users", "users.json")
    out: dict[str, str] = {}
    for user in data:
        if isinstance(user, dict) and user.get("id"):
            profile = as_dict(user.get("profile"))
            out[str(user["id"])] = _first(
                profile.get("display_name"),
                profile.get("real_name"),
                user.get("real_name"),
                user.get("name"),
                user["id"],
            )
    return out


def _channels(path: Path, tree: _Tree, meta: str, users: dict[str, str]) -> Iterator[_Channel]:
    if meta not in tree.names:
        return
    data = parse_json(path, tree.read(meta), meta)
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of channels", meta)
    for item in data:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        cid = str(item["id"])
        name = str(item.get("name") or "")
        if meta in ("mpims.json", "dms.json"):
            members = as_list(item.get("members"))
            title = ", ".join(f"@{users.get(str(m), str(m))}" for m in members) or name or cid
        else:
            title = f"#{name or cid}"
        yield _Channel(id=cid, title=title, folders=tuple(f for f in (name, cid) if f))


def _days_by_folder(names: list[str]) -> dict[str, list[str]]:
    days: dict[str, list[str]] = {}
    for name in names:
        parts = name.split("/")
        if len(parts) == 2 and _DAY.match(parts[1]):
            days.setdefault(parts[0], []).append(parts[1])
    return {folder: sorted(files) for folder, files in days.items()}


class _Skip(Exception):
    """A record that cannot be imported; the rest of the export still is."""


def _stream(
    tree: _Tree, folder: str, days: list[str], channel_id: str, names: _Names, warn: Warn
) -> Iterator[Message]:
    for day in days:
        name = f"{folder}/{day}"
        try:
            records = parse_json(tree.path, tree.read(name))
        except InputError as exc:
            spot = f" ({exc.where})" if exc.where and exc.where != name else ""
            warn(name, f"day file skipped: {exc.detail}{spot}")
            continue
        if not isinstance(records, list):
            warn(name, "day file skipped: expected a JSON list of messages")
            continue
        for index, raw in enumerate(records):
            try:
                message = _message(channel_id, raw, names)
            except _Skip as skip:
                ts = raw.get("ts") if isinstance(raw, dict) else None
                warn(f"{name}, message {ts if isinstance(ts, str) else f'#{index}'}", str(skip))
                continue
            if message is not None:
                yield message


def _message(channel_id: str, raw: Any, names: _Names) -> Message | None:
    if not isinstance(raw, dict):
        raise _Skip("expected a JSON object")
    if raw.get("type", "message") != "message":
        return None
    ts = raw.get("ts")
    if not isinstance(ts, str) or not _TS.match(ts):
        raise _Skip('no usable "ts"')
    subtype = str(raw.get("subtype") or "")
    bot = subtype == "bot_message" or (bool(raw.get("bot_id")) and subtype in CONTENT_SUBTYPES)
    author_id, author_name = _author(raw, subtype, bot, names)
    text = render(str(raw.get("text") or ""), names)
    if not text.strip():
        text = _legacy_attachment_text(raw.get("attachments"), names)
    attachments = _files(raw)
    if bot:
        kind = Kind.SERVICE
    elif subtype in JOIN_SUBTYPES:
        kind = Kind.JOIN
    elif subtype not in CONTENT_SUBTYPES:
        kind = Kind.SERVICE
    elif attachments and (not text.strip() or _UPLOADED.match(str(raw.get("text") or ""))):
        kind = Kind.MEDIA  # no words of its own, or Slack's old "uploaded a file:" line
    else:
        kind = Kind.TEXT
    thread = raw.get("thread_ts")
    edited = raw.get("edited")
    return Message(
        platform=PLATFORM,
        group_id=channel_id,
        id=ts,
        timestamp=slack_time(ts),
        author_id=author_id,
        author_name=author_name,
        text=text,
        kind=kind,
        reply_to=thread if isinstance(thread, str) and thread and thread != ts else None,
        reactions=_reactions(raw.get("reactions")),
        attachments=attachments,
        edited=_edited(edited),
    )


def slack_time(ts: str) -> datetime:
    """A Slack ``ts`` ("1452837318.000002") as an exact, aware UTC datetime."""
    match = _TS.match(ts)
    if match is None:
        raise ValueError(f"not a Slack timestamp: {ts!r}")
    seconds, fraction = match.group(1), match.group(2) or ""
    micro = int(fraction[:6].ljust(6, "0"))
    return datetime.fromtimestamp(int(seconds), tz=UTC).replace(microsecond=micro)


def _author(raw: dict[str, Any], subtype: str, bot: bool, names: _Names) -> tuple[str, str]:
    profile = as_dict(raw.get("user_profile"))
    if bot:
        bot_profile = as_dict(raw.get("bot_profile"))
        key = _first(raw.get("bot_id"), raw.get("user"), raw.get("username"), "unknown")
        name = _first(
            raw.get("username"),
            bot_profile.get("name"),
            names.users.get(str(raw.get("user") or "")),
            key,
        )
        return f"bot:{key}", name
    user = raw.get("user")
    comment = raw.get("comment")
    if not user and subtype == "file_comment" and isinstance(comment, dict):
        user = comment.get("user")
    uid = str(user or "")
    name = _first(
        profile.get("display_name"),
        profile.get("real_name"),
        names.users.get(uid),
        raw.get("username"),
        uid,
    )
    return uid, name


def render(text: str, names: _Names) -> str:
    """Slack's markup as readable text: ``<@U1>`` -> ``@Name``, links, entities decoded."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(_unescape(text[pos : match.start()]))
        out.append(_token(match.group(1), names))
        pos = match.end()
    out.append(_unescape(text[pos:]))
    return "".join(out)


def _token(body: str, names: _Names) -> str:
    target, _, label = body.partition("|")
    label = _unescape(label)
    if target.startswith("@"):
        return "@" + (names.users.get(target[1:]) or label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (label.lstrip("#") or names.channels.get(target[1:]) or target[1:])
    if target.startswith("!"):
        command = target[1:]
        if command in ("here", "channel", "everyone"):
            return f"@{command}"
        return label or f"@{command.split('^')[0]}"
    url = _unescape(target)
    if url.startswith("mailto:"):
        return label or url[len("mailto:") :]
    if not label or label == url or url.endswith(f"//{label}"):
        return url
    return f"{label} ({url})"


def _unescape(text: str) -> str:
    """Slack escapes exactly these three characters; ``&amp;`` goes last."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _legacy_attachment_text(value: Any, names: _Names) -> str:
    """The readable text of old-style ``attachments`` (what bots such as GitHub post)."""
    if not isinstance(value, list):
        return ""
    lines: list[str] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        parts = [item.get(k) for k in ("pretext", "title", "text")]
        found = [render(p, names) for p in parts if isinstance(p, str) and p.strip()]
        if not found and isinstance(item.get("fallback"), str):
            found = [render(item["fallback"], names)]
        lines.extend(found)
    return "\n".join(lines)


def _files(raw: dict[str, Any]) -> tuple[Attachment, ...]:
    files = as_list(raw.get("files"))
    if isinstance(raw.get("file"), dict):
        files = [raw["file"], *files]
    out: list[Attachment] = []
    for item in files:
        if not isinstance(item, dict):
            continue
        mime = str(item.get("mimetype") or "")
        kind = "file"
        if mime.startswith("image/"):
            kind = "photo"
        elif mime.startswith("video/"):
            kind = "video"
        elif mime.startswith("audio/"):
            kind = "audio"
        out.append(Attachment(kind, _first(item.get("name"), item.get("title"))))
    return tuple(out)


def _reactions(value: Any) -> tuple[Reaction, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Reaction] = []
    for item in value:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        users = as_list(item.get("users"))
        authors = tuple(str(u) for u in users if u)
        try:
            count = int(item.get("count", len(authors)))
        except (TypeError, ValueError):
            count = len(authors)
        out.append(Reaction(emoji=str(item["name"]), count=max(count, len(authors)), author_ids=authors))
    return tuple(out)


def _edited(value: Any) -> datetime | None:
    if isinstance(value, dict) and isinstance(value.get("ts"), str) and _TS.match(value["ts"]):
        return slack_time(value["ts"])
    return None


def _first(*values: Any) -> str:
    """The first non-empty value, as a string."""
    for value in values:
        if value is not None and str(value).strip():
            return str(value)
    return ""


SOURCE = Source(
    name="slack",
    platform=PLATFORM,
    description="Slack workspace export, .zip or folder with users.json and channels.json",
    extensions=(".zip",),
    sniff=sniff,
    read=read,
)
