"""Front-matter schemas of content/ pages, as data: each key's type, whether it is required,
and what kind of thing its values must name.

``digest check`` validates every file against these tables; adding a front-matter key to a
page kind means adding one line here (and a row in the README's curator section). The consent
file (``privacy.yml``) has its own reader, ``pages/consent.py``, which check runs too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a file under docs_dir is, decided by where it lives."""

    QA = "qa"
    MEMBER = "member"
    EVENT = "event"
    PAGE = "page"  # any other Markdown page: only the common keys are checked
    ASSET = "asset"  # anything else: images, CSS, ... (link targets only)


class Ref(StrEnum):
    """What a key's values must name."""

    MEMBER = "member"
    QA = "Q&A"
    EVENT = "event"
    TAG = "tag"


@dataclass(frozen=True, slots=True)
class Field:
    type: str  # a key of TYPES
    required: bool = False
    ref: Ref | None = None
    choices: tuple[str, ...] = ()


def _is_date(value: Any) -> bool:
    if isinstance(value, date):  # datetime is a date too
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_key(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _is_list(item: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, list) and all(map(item, value))


def is_doc_path(value: Any) -> bool:
    """A relative ``.md`` path inside docs_dir."""
    if not isinstance(value, str) or not value.endswith(".md") or value.startswith("/"):
        return False
    normal = posixpath.normpath(value)
    return normal == value and not normal.startswith("../")


RANGE_KEYS = ("from", "until")


def _is_range(value: Any) -> bool:
    """A version or free-text label, or a ``{from: DATE, until: DATE}`` date range."""
    if isinstance(value, str):
        return bool(value.strip())
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= set(RANGE_KEYS)
        and all(_is_date(v) for v in value.values())
    )


ASKED_KEYS = ("id", "asker", "asked_at")


def _is_asked(value: Any) -> bool:
    """``also_asked``: a list of ``{id, asker, asked_at}``, the later questions merged here."""
    return isinstance(value, list) and all(
        isinstance(v, dict)
        and set(v) <= set(ASKED_KEYS)
        and isinstance(v.get("id"), str)
        and isinstance(v.get("asker", ""), str)
        and ("asked_at" not in v or _is_date(v["asked_at"]))
        for v in value
    )


# type name -> (test, what the error message says was expected)
TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "text"),
    "key": (_is_key, "an id (text or a number)"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    "date": (_is_date, "a date (YYYY-MM-DD)"),
    "url": (lambda v: isinstance(v, str) and v.startswith(("https://", "http://")), "an http(s) URL"),
    "texts": (_is_list(lambda v: isinstance(v, str)), "a list of text"),
    "keys": (_is_list(_is_key), "a list of ids"),
    "paths": (_is_list(is_doc_path), "a list of relative .md paths inside docs_dir, like qa/old-name.md"),
    "range": (_is_range, "a version (text) or a date range {from: DATE, until: DATE}"),
    "asked": (_is_asked, "a list of {id: Q&A id, asker: member id, asked_at: date}"),
}

# Keys every page may carry (Material's own page keys are allowed on free pages too).
COMMON: dict[str, Field] = {
    "title": Field("text"),
    "description": Field("text"),
    "hidden": Field("bool"),
    "redirect_from": Field("paths"),
    "digest_hash": Field("text"),
    "hide": Field("texts"),
}

SCHEMAS: dict[Kind, dict[str, Field]] = {
    Kind.QA: {
        **COMMON,
        "id": Field("text", required=True),
        "title": Field("text", required=True),
        "group": Field("text"),
        "asked_at": Field("date"),
        "asker": Field("text", ref=Ref.MEMBER),
        "answerers": Field("texts", ref=Ref.MEMBER),
        "accepted": Field("key"),
        "source": Field("keys"),
        "tags": Field("texts", ref=Ref.TAG),
        "status": Field("text", choices=("draft", "verified")),
        "confidence": Field("number"),
        "question_confidence": Field("number"),
        "accepted_by": Field("text", choices=("thanks", "reaction", "reactions", "none")),
        "accepted_confidence": Field("number"),
        "repeat_of": Field("text", ref=Ref.QA),
        "repeat_confidence": Field("number"),
        "also_asked": Field("asked"),
        "split": Field("bool"),
        "not_repeats": Field("texts", ref=Ref.QA),
        "pin": Field("bool"),
        "merge_into": Field("text", ref=Ref.QA),
        "last_verified": Field("date"),
        "applies_to": Field("range"),
        "events": Field("texts", ref=Ref.EVENT),
    },
    Kind.MEMBER: {
        **COMMON,
        "id": Field("text", required=True),
        "name": Field("text", required=True),
        "nickname": Field("text"),
        "aliases": Field("texts"),
        "city": Field("text"),
        "role": Field("text"),
        "company": Field("text"),
        "skills": Field("texts"),
        "offers": Field("texts"),
        "seeking": Field("texts"),
        "links": Field("texts"),
        "emails": Field("texts"),
        "opt_out": Field("bool"),
        "opt_in": Field("bool"),
    },
    Kind.EVENT: {
        **COMMON,
        "id": Field("text", required=True),
        "title": Field("text", required=True),
        "date": Field("date", required=True),
        "organisers": Field("texts", required=True, ref=Ref.MEMBER),
        "end": Field("date"),
        "location": Field("text"),
        "link": Field("url"),
        "tags": Field("texts", ref=Ref.TAG),
    },
    Kind.PAGE: COMMON,
}

# Kinds whose unknown keys are errors (free pages may carry any theme's keys).
CLOSED = frozenset({Kind.QA, Kind.MEMBER, Kind.EVENT})
EVENTS_DIR = "events"


def kind_of(rel: str, qa_dir: str, members_dir: str) -> Kind:
    """The kind of a file from its path relative to docs_dir (as ``load_content`` sees it)."""
    folder, _, name = rel.rpartition("/")
    if not name.endswith(".md"):
        return Kind.ASSET
    if name == "index.md":
        return Kind.PAGE
    if folder == qa_dir.strip("/"):
        return Kind.QA
    if folder == members_dir.strip("/"):
        return Kind.MEMBER
    if folder == EVENTS_DIR:
        return Kind.EVENT
    return Kind.PAGE


def as_date(value: Any) -> date | None:
    """A front-matter date (a YAML date, datetime or ISO string) as a date; None if it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def describe(value: Any) -> str:
    """A value as an error message shows it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return repr(short)
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__
