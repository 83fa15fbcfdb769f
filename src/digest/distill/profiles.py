"""Members as the store sees them: names, groups, activity, and the nickname convention."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

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
        return _splitter(self.separators)


@functools.cache
def _splitter(separators: tuple[str, ...]) -> re.Pattern[str]:
    """What splits a nickname's parts (made once per convention: thousands of names are split)."""
    alternatives = sorted({s.strip() for s in separators if s.strip()}, key=len, reverse=True)
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
