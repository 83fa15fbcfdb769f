"""Mattermost bulk export (``mmctl export create``): JSONL, one object per line.

Lines are typed: ``version``, ``team``, ``channel``, ``user``, ``direct_channel``, ``post``
(a channel post, its thread replies nested in ``replies``) and ``direct_post``. Each channel is
a group (id ``team/channel``, title ``team / #channel``); each direct or group-direct channel
too (id ``dm:`` and its sorted members). Replies get ``reply_to`` = their root post.

Bulk exports carry no post ids, so a post's id is :func:`~digest.sources.base.stable_id` of
(team/channel, create_at, user, message, occurrence): the same post has the same id in every
export, and overlapping exports dedupe. Members are keyed by username, named by nickname,
else full name, else username. Bot and webhook posts (``props.from_bot``/``from_webhook``)
are ``Kind.SERVICE`` credited to ``bot:<username>``, as in the Slack importer; system posts
are ``Kind.SERVICE`` (``Kind.JOIN`` for joins and adds).

The file is read twice, streaming: once for names and to note where each channel's posts
are, then once per channel, so a multi-gigabyte export is never held in memory. A file
whose whole content is one post object (or a JSON list of line objects) is accepted too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import orjson

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Source, StableIds, Warn, strip_bom
from digest.sources.jsonio import as_dict, json_error, parse_json

PLATFORM = "mattermost"
POST_TYPES = ("post", "direct_post")
JOIN_TYPES = frozenset(
    {"system_join_channel", "system_join_team", "system_add_to_channel", "system_add_to_team"}
)
_SNIFF = re.compile(rb'^\{\s*"type"\s*:\s*"(\w+)"\s*,\s*"\1"\s*:')


def sniff(head: bytes, path: Path) -> bool:
    """A JSON line ``{"type": "X", "X": {...}}``, as every bulk-export line is."""
    return bool(_SNIFF.match(strip_bom(head).lstrip()))


@dataclass(slots=True)
class _Channel:
    """Where one group's posts are: line offsets (JSONL) or the posts themselves."""

    group: Group
    team: str
    offsets: list[tuple[int, int]] = field(default_factory=list)  # (line number, byte offset)
    inline: list[tuple[str, Any]] = field(default_factory=list)  # (where, line object)


@dataclass(slots=True)
class _Index:
    users: dict[str, str] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    channel_names: dict[tuple[str, str], str] = field(default_factory=dict)
    groups: dict[str, _Channel] = field(default_factory=dict)
    parsed: int = 0


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """One chat per channel and per direct channel, in order of first appearance."""
    index = _index(path, warn)
    ids = StableIds()
    for channel in index.groups.values():
        group = _titled(channel, index)
        yield Chat(group=group, messages=_stream(path, channel, group, index, ids, warn))


def _titled(channel: _Channel, index: _Index) -> Group:
    group = channel.group
    if group.id.startswith("dm:"):
        members = group.id[3:].split(",")
        return Group(PLATFORM, group.id, ", ".join(f"@{index.users.get(m, m)}" for m in members))
    team, _, name = group.id.partition("/")
    display = index.channel_names.get((team, name), name)
    return Group(PLATFORM, group.id, f"{index.teams.get(team, team)} / #{display}")


# -- pass 1: names, and where each channel's posts are ---------------------------------------


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def _index(path: Path, warn: Warn) -> _Index:
    index = _Index()
    with _open(path) as fh:
        first = strip_bom(fh.readline())
        while first and not first.strip():
            first = fh.readline()
        if not first:
            raise InputError(path, "empty file")
        fh.seek(0)
        if _is_line_object(first):
            _index_lines(path, fh, index, warn)
            return index
    _index_document(path, index, warn)
    return index


def _is_line_object(line: bytes) -> bool:
    try:
        value = orjson.loads(strip_bom(line))
    except orjson.JSONDecodeError:
        return False
    return isinstance(value, dict)


def _index_lines(path: Path, fh: BinaryIO, index: _Index, warn: Warn) -> None:
    offset = 0
    first_error: InputError | None = None
    for number, line in enumerate(fh, 1):
        start, offset = offset, offset + len(line)
        body = strip_bom(line) if number == 1 else line
        if not body.strip():
            continue
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            reason = json_error(body, exc)
            if reason.startswith("not valid UTF-8"):
                raise InputError(path, reason, f"line {number}") from None
            first_error = first_error or InputError(path, reason, f"line {number}")
            warn(f"line {number}", reason)
            continue
        _note(index, f"line {number}", value, warn, (number, start))
    if index.parsed == 0 and first_error is not None:
        raise first_error


def _index_document(path: Path, index: _Index, warn: Warn) -> None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    value = parse_json(path, raw)
    records = value if isinstance(value, list) else [value]
    for number, record in enumerate(records, 1):
        _note(index, f"record {number}", record, warn, None)
    if index.parsed == 0:
        raise InputError(path, "no Mattermost bulk-export objects in it")


def _note(index: _Index, where: str, value: Any, warn: Warn, at: tuple[int, int] | None) -> None:
    kind = value.get("type") if isinstance(value, dict) else None
    body = value.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, dict):
        warn(where, 'expected {"type": T, T: {...}}')
        return
    index.parsed += 1
    if kind == "user" and body.get("username"):
        full = " ".join(str(body.get(k) or "") for k in ("first_name", "last_name")).strip()
        index.users[str(body["username"])] = str(body.get("nickname") or full or body["username"])
    elif kind == "team" and body.get("name"):
        index.teams[str(body["name"])] = str(body.get("display_name") or body["name"])
    elif kind == "channel" and body.get("name"):
        key = (str(body.get("team") or ""), str(body["name"]))
        index.channel_names[key] = str(body.get("display_name") or body["name"])
    elif kind in POST_TYPES:
        group_id, team = _group_of(kind, body)
        if group_id is None:
            warn(where, "post without a channel (or direct-channel members): skipped")
            return
        channel = index.groups.get(group_id)
        if channel is None:
            channel = index.groups[group_id] = _Channel(Group(PLATFORM, group_id, group_id), team)
        if at is None:
            channel.inline.append((where, value))
        else:
            channel.offsets.append(at)


def _group_of(kind: str, body: dict[str, Any]) -> tuple[str | None, str]:
    if kind == "direct_post":
        members = body.get("channel_members")
        if not isinstance(members, list) or not members:
            return None, ""
        return "dm:" + ",".join(sorted(str(m) for m in members)), ""
    team, channel = body.get("team"), body.get("channel")
    if not team or not channel:
        return None, ""
    return f"{team}/{channel}", str(team)


# -- pass 2: one channel's posts -------------------------------------------------------------


class _Skip(Exception):
    """A post that cannot be imported; the rest of the file still is."""


def _stream(
    path: Path, channel: _Channel, group: Group, index: _Index, ids: StableIds, warn: Warn
) -> Iterator[Message]:
    for where, value in _records(path, channel):
        kind = str(value.get("type"))
        post = value.get(kind)
        if not isinstance(post, dict):
            continue
        try:
            root = _message(group.id, post, index, ids, None)
        except _Skip as skip:
            warn(where, str(skip))
            continue
        yield root
        replies = post.get("replies")
        for number, reply in enumerate(replies if isinstance(replies, list) else [], 1):
            try:
                yield _message(group.id, reply, index, ids, root.id)
            except _Skip as skip:
                warn(f"{where}, reply {number}", str(skip))


def _records(path: Path, channel: _Channel) -> Iterator[tuple[str, dict[str, Any]]]:
    for where, value in channel.inline:
        yield where, value
    if not channel.offsets:
        return
    with _open(path) as fh:
        for number, offset in channel.offsets:
            fh.seek(offset)
            line = fh.readline()
            value = orjson.loads(strip_bom(line) if offset == 0 else line)  # parsed fine in pass 1
            yield f"line {number}", value


def _message(group_id: str, post: Any, index: _Index, ids: StableIds, reply_to: str | None) -> Message:
    if not isinstance(post, dict):
        raise _Skip("expected a JSON object")
    timestamp = _time(post.get("create_at"))
    if timestamp is None:
        raise _Skip('no usable "create_at"')
    user = str(post.get("user") or "")
    if not user:
        raise _Skip('no "user"')
    text = str(post.get("message") or "")
    props = as_dict(post.get("props"))
    bot = str(props.get("from_bot")).lower() == "true" or str(props.get("from_webhook")).lower() == "true"
    post_type = str(post.get("type") or "")
    attachments = _attachments(post.get("attachments"))
    if bot:
        kind = Kind.SERVICE
    elif post_type in JOIN_TYPES:
        kind = Kind.JOIN
    elif post_type:
        kind = Kind.SERVICE
    elif not text.strip() and attachments:
        kind = Kind.MEDIA
    else:
        kind = Kind.TEXT
    name = str(props.get("override_username") or "") if bot else ""
    return Message(
        platform=PLATFORM,
        group_id=group_id,
        id=ids(group_id, timestamp, user, text),
        timestamp=timestamp,
        author_id=f"bot:{user}" if bot else user,
        author_name=name or index.users.get(user, user),
        text=text,
        kind=kind,
        reply_to=reply_to,
        reactions=_reactions(post.get("reactions")),
        attachments=attachments,
        edited=_time(post.get("edit_at")),
    )


def _time(value: Any) -> datetime | None:
    """Milliseconds since the epoch as an aware UTC datetime; 0 and junk are None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        millis = int(value)
    except ValueError:
        return None
    if millis <= 0:
        return None
    try:
        return datetime.fromtimestamp(millis // 1000, tz=UTC) + timedelta(milliseconds=millis % 1000)
    except (OverflowError, OSError, ValueError):
        return None


def _reactions(value: Any) -> tuple[Reaction, ...]:
    if not isinstance(value, list):
        return ()
    by_emoji: dict[str, list[str]] = {}
    for item in value:
        if isinstance(item, dict) and item.get("emoji_name"):
            by_emoji.setdefault(str(item["emoji_name"]), []).append(str(item.get("user") or ""))
    return tuple(
        Reaction(emoji=emoji, count=len(users), author_ids=tuple(u for u in users if u))
        for emoji, users in by_emoji.items()
    )


def _attachments(value: Any) -> tuple[Attachment, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Attachment] = []
    for item in value:
        if isinstance(item, dict) and item.get("path"):
            name = PurePosixPath(str(item["path"])).name
            suffix = PurePosixPath(name.lower()).suffix
            kind = "photo" if suffix in {".png", ".jpg", ".jpeg", ".gif", ".webp"} else "file"
            out.append(Attachment(kind, name))
    return tuple(out)


SOURCE = Source(
    name="mattermost",
    platform=PLATFORM,
    description="Mattermost bulk export, JSONL (mmctl export)",
    extensions=(".jsonl", ".json"),
    sniff=sniff,
    read=read,
)
