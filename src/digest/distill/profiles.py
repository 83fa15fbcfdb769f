"""Members as the store sees them: names, groups, activity, and the nickname convention."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from digest.model import Kind, Member, Message
from digest.text import slugify

DEFAULT_SEPARATORS = ("|", "｜", "/", "／", "-", "－", "—")
DEFAULT_FIELDS = ("city", "role", "name")


@dataclass(frozen=True, slots=True)
class Nickname:
    name: str
    city: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class NicknameFormat:
    """A community's nickname convention: what separates the parts, and which part is what.

    Nicknames like "上海-产品经理-小王" or "Berlin | data eng | Ana" are ``city, role, name``.
    ``skip`` marks a part to ignore; a nickname with another number of parts is just a name.
    """

    separators: tuple[str, ...] = DEFAULT_SEPARATORS
    fields: tuple[str, ...] = DEFAULT_FIELDS

    def pattern(self) -> re.Pattern[str]:
        alternatives = sorted({s.strip() for s in self.separators if s.strip()}, key=len, reverse=True)
        return re.compile(r"\s*(?:" + "|".join(re.escape(a) for a in alternatives) + r")\s*")


def parse_nickname(nickname: str, fmt: NicknameFormat | None = None) -> Nickname:
    """Split a nickname by the convention (``city-role-name`` by default); anything else is a name."""
    fmt = fmt or NicknameFormat()
    parts = [p.strip() for p in fmt.pattern().split(nickname.strip()) if p.strip()]
    if len(parts) == len(fmt.fields) and len(parts) > 1:
        found = dict(zip(fmt.fields, parts, strict=True))
        if found.get("name"):
            return Nickname(name=found["name"], city=found.get("city", ""), role=found.get("role", ""))
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
