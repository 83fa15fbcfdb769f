"""Members as the store sees them: names, groups, activity, and the nickname convention."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from digest.model import Kind, Member, Message
from digest.text import slugify

# Nicknames like "上海-产品经理-小王" or "Berlin | data eng | Ana": city, role, name.
_NICK_SEPARATORS = re.compile(r"\s*[|｜/／]\s*|\s+[-－—]\s+|[-－—]")


@dataclass(frozen=True, slots=True)
class Nickname:
    name: str
    city: str = ""
    role: str = ""


def parse_nickname(nickname: str) -> Nickname:
    """Split a ``city-role-name`` nickname; anything else is just a name."""
    parts = [p.strip() for p in _NICK_SEPARATORS.split(nickname.strip()) if p.strip()]
    if len(parts) == 3:
        return Nickname(name=parts[2], city=parts[0], role=parts[1])
    return Nickname(name=nickname.strip())


@dataclass(slots=True)
class _Seen:
    name: str
    first: datetime
    last: datetime
    groups: list[str] = field(default_factory=list)
    count: int = 0


def collect_members(messages: Iterable[Message]) -> list[Member]:
    """One Member per platform id, named by their latest nickname, in first-seen order."""
    seen: dict[str, _Seen] = {}
    for m in messages:
        if not m.author_id or m.kind is Kind.SERVICE:
            continue
        entry = seen.setdefault(m.member_id, _Seen(m.author_name, m.timestamp, m.timestamp))
        group_key = f"{m.platform}/{m.group_id}"
        if group_key not in entry.groups:
            entry.groups.append(group_key)
        if m.timestamp >= entry.last:
            entry.last = m.timestamp
            entry.name = m.author_name or entry.name
        entry.first = min(entry.first, m.timestamp)
        if m.kind in (Kind.TEXT, Kind.MEDIA):
            entry.count += 1
    members = [
        Member(
            id=member_id,
            name=e.name,
            slug=slugify(e.name),
            groups=tuple(e.groups),
            first_seen=e.first,
            last_seen=e.last,
            messages=e.count,
        )
        for member_id, e in seen.items()
    ]
    return sorted(members, key=lambda mb: (seen[mb.id].first, mb.id))
