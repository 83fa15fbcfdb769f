"""The query language of ``digest search``: words, "exact phrases" and filters.

Filters: ``tag:NAME``, ``author:NAME``, ``group:NAME`` (names are matched by their slug, so
``author:"Ana Li"`` and ``author:ana-li`` are the same), ``after:DATE`` (on or after) and
``before:DATE`` (strictly before), where DATE is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
A repeated filter must hold every time (``tag:pandas tag:sql``: both tags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from digest.errors import DigestError
from digest.text import slugify

FILTERS = ("tag", "author", "group", "after", "before")
_PART = re.compile(
    r"(?P<key>tag|author|group|after|before)[:：](?P<value>\"[^\"]*\"|“[^”]*”|\S+)"
    r"|[\"“](?P<phrase>[^\"”]+)[\"”]"
    r"|(?P<word>\S+)",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


class QueryError(DigestError):
    """A filter that cannot be understood, e.g. a malformed date."""


@dataclass(frozen=True, slots=True)
class Filters:
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    after: datetime | None = None  # inclusive, UTC
    before: datetime | None = None  # exclusive, UTC

    def __bool__(self) -> bool:
        return bool(self.tags or self.authors or self.groups or self.after or self.before)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str  # the free words, phrases removed
    phrases: tuple[str, ...] = ()
    filters: Filters = Filters()

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.phrases


def parse_date(value: str, key: str) -> datetime:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first instant of that period, in UTC."""
    match = _DATE.match(value.strip())
    if match is None:
        raise QueryError(f"{key}:{value}: expected a date like 2024-05-31, 2024-05 or 2024")
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError as exc:
        raise QueryError(f"{key}:{value}: {exc}") from None


def parse(raw: str) -> ParsedQuery:
    """Split a query into free text, quoted phrases and filters."""
    words: list[str] = []
    phrases: list[str] = []
    found: dict[str, list[str]] = {key: [] for key in FILTERS}
    for match in _PART.finditer(raw):
        if match.group("key"):
            value = match.group("value").strip('"“”')
            if value:
                found[match.group("key").lower()].append(value)
        elif match.group("phrase"):
            phrases.append(match.group("phrase").strip())
        else:
            words.append(match.group("word"))
    after = max((parse_date(v, "after") for v in found["after"]), default=None)
    before = min((parse_date(v, "before") for v in found["before"]), default=None)
    filters = Filters(
        tags=tuple(slugify(v) for v in found["tag"]),
        authors=tuple(slugify(v) for v in found["author"]),
        groups=tuple(slugify(v) for v in found["group"]),
        after=after,
        before=before,
    )
    return ParsedQuery(" ".join(words), tuple(p for p in phrases if p), filters)
