"""DiscordChatExporter JSON: one channel (or thread) per file, ``{"guild", "channel", "messages"}``.

The channel is the group (id = channel id, title = ``guild / #channel``; a thread export is a
group of its own, titled ``guild / #parent / thread``). Replies come from
``reference.messageId`` when the reference points into the same channel. Mentions written as
``<@id>`` become ``@nickname``; a member is named by their server nickname before their
account name.

Bots (``author.isBot``) are kept but marked ``Kind.SERVICE`` and credited to ``bot:<id>``, as
in the Slack importer: their posts stay searchable but never count as questions, answers or
points. ``GuildMemberJoin`` and ``RecipientAdd`` are ``Kind.JOIN``; calls, pins, renames and
every other system type are ``Kind.SERVICE``.

An export can list a message twice (DiscordChatExporter re-fetches around page edges): the
later copy wins and one warning tells how many ids were repeated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from digest.errors import InputError
from digest.model import Attachment, Chat, Group, Kind, Message, Reaction
from digest.sources.base import Source, Warn, strip_bom
from digest.sources.jsonio import as_dict, as_list, parse_json

PLATFORM = "discord"
CONTENT_TYPES = frozenset({"Default", "Reply", "ThreadStarterMessage"})
JOIN_TYPES = frozenset({"GuildMemberJoin", "RecipientAdd"})
DELETED_USER = "Deleted User"
_SNIFF = re.compile(rb'^\{\s*"guild"\s*:\s*\{')
_MENTION = re.compile(r"<@!?(\d+|[\w-]+)>")
_CHANNEL = re.compile(r"<#(\d+|[\w-]+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_PHOTO = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".heic"})
_VIDEO = frozenset({".mp4", ".webm", ".mov", ".mkv", ".avi"})
_AUDIO = frozenset({".mp3", ".ogg", ".wav", ".m4a", ".flac", ".opus"})


def sniff(head: bytes, path: Path) -> bool:
    """A JSON object whose first key is ``"guild"``, as DiscordChatExporter writes it."""
    head = strip_bom(head).lstrip()
    return bool(_SNIFF.match(head)) and b'"channel"' in head


def read(path: Path, warn: Warn) -> Iterator[Chat]:
    """The one chat in a DiscordChatExporter JSON file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    data = parse_json(path, raw)
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object at the top level, as DiscordChatExporter writes it")
    channel = data.get("channel")
    messages = data.get("messages")
    if not isinstance(channel, dict) or not channel.get("id"):
        raise InputError(path, 'not a DiscordChatExporter export: no "channel" with an "id"')
    if not isinstance(messages, list):
        raise InputError(path, 'not a DiscordChatExporter export: no "messages" list')
    guild = as_dict(data.get("guild"))
    group = Group(platform=PLATFORM, id=str(channel["id"]), title=_title(guild, channel))
    yield Chat(group=group, messages=_stream(group.id, channel, messages, warn))


def _title(guild: dict[str, Any], channel: dict[str, Any]) -> str:
    guild_name = str(guild.get("name") or "Discord")
    name = str(channel.get("name") or channel.get("id"))
    parent = channel.get("category")
    if "Thread" in str(channel.get("type") or "") and parent:
        # DiscordChatExporter writes a thread's parent channel into "category".
        return f"{guild_name} / #{parent} / {name}"
    return f"{guild_name} / #{name}"


def _stream(channel_id: str, channel: dict[str, Any], records: list[Any], warn: Warn) -> Iterator[Message]:
    names = _known_names(records)
    channel_names = {channel_id: str(channel.get("name") or channel_id)}
    order: dict[str, int] = {}
    kept: list[Message] = []
    repeated: list[str] = []
    for position, raw in enumerate(records):
        try:
            message = _message(channel_id, raw, names, channel_names)
        except _Skip as skip:
            where = (
                f"message {raw.get('id')}"
                if isinstance(raw, dict) and raw.get("id")
                else f"record {position}"
            )
            warn(where, str(skip))
            continue
        if message.id in order:
            repeated.append(message.id)
            kept[order[message.id]] = message
        else:
            order[message.id] = len(kept)
            kept.append(message)
    if repeated:
        sample = ", ".join(sorted(set(repeated))[:3])
        warn(
            "messages",
            f"{len(repeated)} repeated message ids (e.g. {sample}); the later copy of each was kept",
        )
    yield from kept


class _Skip(Exception):
    """A record that cannot be imported; the rest of the file still is."""


def _known_names(records: list[Any]) -> dict[str, str]:
    """Every user id seen in the file (authors, mentions, reactions) -> the name shown."""
    names: dict[str, str] = {}
    for raw in records:
        if not isinstance(raw, dict):
            continue
        users: list[Any] = [raw.get("author")]
        if isinstance(raw.get("mentions"), list):
            users.extend(raw["mentions"])
        for reaction in as_list(raw.get("reactions")):
            if isinstance(reaction, dict) and isinstance(reaction.get("users"), list):
                users.extend(reaction["users"])
        for user in users:
            if isinstance(user, dict) and user.get("id"):
                name = _display(user)
                if name:
                    names.setdefault(str(user["id"]), name)
    return names


def _display(user: dict[str, Any]) -> str:
    return str(user.get("nickname") or user.get("name") or "")


def _message(channel_id: str, raw: Any, names: dict[str, str], channel_names: dict[str, str]) -> Message:
    if not isinstance(raw, dict):
        raise _Skip("expected a JSON object")
    if not raw.get("id"):
        raise _Skip('no "id"')
    timestamp = _time(raw.get("timestamp"))
    if timestamp is None:
        raise _Skip('no usable "timestamp"')
    mtype = str(raw.get("type") or "Default")
    author = as_dict(raw.get("author"))
    author_id = str(author.get("id") or "")
    author_name = _display(author) or DELETED_USER
    bot = bool(author.get("isBot"))
    if bot:
        author_id = f"bot:{author_id}"
    text = _text(str(raw.get("content") or ""), raw.get("mentions"), names, channel_names)
    forwarded = raw.get("forwardedMessage")
    reference = as_dict(raw.get("reference"))
    forwarded_from = None
    if isinstance(forwarded, dict) or reference.get("type") == "Forward":
        forwarded_from = str(reference.get("channelId") or "discord")
        if isinstance(forwarded, dict) and not text.strip():
            text = _text(str(forwarded.get("content") or ""), [], names, channel_names)
    attachments = _attachments(raw)
    if bot:
        kind = Kind.SERVICE
    elif mtype in JOIN_TYPES:
        kind = Kind.JOIN
    elif mtype not in CONTENT_TYPES:
        kind = Kind.SERVICE
    elif not text.strip() and attachments:
        kind = Kind.MEDIA
    else:
        kind = Kind.TEXT
    reply_to = None
    if kind in (Kind.TEXT, Kind.MEDIA) and reference.get("messageId") and forwarded_from is None:
        ref_channel = reference.get("channelId")
        if not ref_channel or str(ref_channel) == channel_id:
            reply_to = str(reference["messageId"])
    return Message(
        platform=PLATFORM,
        group_id=channel_id,
        id=str(raw["id"]),
        timestamp=timestamp,
        author_id=author_id,
        author_name=author_name,
        text=text,
        kind=kind,
        reply_to=reply_to,
        reactions=_reactions(raw.get("reactions")),
        attachments=attachments,
        edited=_time(raw.get("timestampEdited")),
        forwarded_from=forwarded_from,
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(content: str, mentions: Any, names: dict[str, str], channel_names: dict[str, str]) -> str:
    """Mentions, channel links and custom emoji as readable text."""
    local = dict(names)
    if isinstance(mentions, list):
        for user in mentions:
            if isinstance(user, dict) and user.get("id") and _display(user):
                local[str(user["id"])] = _display(user)
    content = _ROLE.sub(lambda m: "@role", content)
    content = _MENTION.sub(lambda m: "@" + (local.get(m.group(1)) or m.group(1)), content)
    content = _CHANNEL.sub(lambda m: "#" + channel_names.get(m.group(1), m.group(1)), content)
    return _EMOJI.sub(lambda m: f":{m.group(1)}:", content)


def _attachments(raw: dict[str, Any]) -> tuple[Attachment, ...]:
    out: list[Attachment] = []
    for item in as_list(raw.get("attachments")):
        if isinstance(item, dict):
            name = str(item.get("fileName") or PurePosixPath(str(item.get("url") or "")).name)
            suffix = PurePosixPath(name.lower()).suffix
            kind = "photo" if suffix in _PHOTO else "video" if suffix in _VIDEO else "file"
            out.append(Attachment("audio" if suffix in _AUDIO else kind, name))
    for item in as_list(raw.get("stickers")):
        if isinstance(item, dict):
            out.append(Attachment("sticker", str(item.get("name") or "")))
    for item in as_list(raw.get("embeds")):
        if isinstance(item, dict) and item.get("url"):
            out.append(Attachment("link", str(item["url"])))
    return tuple(out)


def _reactions(value: Any) -> tuple[Reaction, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Reaction] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("emoji"), dict):
            continue
        emoji = str(item["emoji"].get("name") or item["emoji"].get("code") or "?")
        users = as_list(item.get("users"))
        authors = tuple(
            f"bot:{u['id']}" if u.get("isBot") else str(u["id"])
            for u in users
            if isinstance(u, dict) and u.get("id")
        )
        try:
            count = int(item.get("count", len(authors)))
        except (TypeError, ValueError):
            count = len(authors)
        out.append(Reaction(emoji=emoji, count=max(count, len(authors)), author_ids=authors))
    return tuple(out)


SOURCE = Source(
    name="discord",
    platform=PLATFORM,
    description="DiscordChatExporter JSON export of one channel or thread",
    extensions=(".json",),
    sniff=sniff,
    read=read,
)
