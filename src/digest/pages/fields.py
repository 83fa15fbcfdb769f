"""Typed access to curated front matter: a wrong type is an error naming the file and line.

The types are those of ``pages/schema.py`` (the tables ``digest check`` validates against),
so a build and a check report the same problem in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from digest.errors import ContentError
from digest.pages.frontmatter import Document
from digest.pages.schema import SCHEMAS, TYPES, Kind, describe


def checked(doc: Document, kind: Kind, keys: Iterable[str]) -> dict[str, Any]:
    """The values of ``keys`` in ``doc``'s front matter (missing or empty ones left out).

    Raises ``ContentError(path, line, message)`` for the first value of the wrong type, or a
    required key that is missing.
    """
    schema = SCHEMAS[kind]
    out: dict[str, Any] = {}
    for key in keys:
        spec = schema[key]
        value = doc.meta.get(key)
        if value is None or value == "" or value == []:
            if spec.required:
                line = doc.lines.get(key, 1)
                raise ContentError(doc.path, line, f"{key!r} is required and must not be empty")
            continue
        test, expected = TYPES[spec.type]
        if not test(value):
            raise ContentError(
                doc.path, doc.lines.get(key, 1), f"{key!r} should be {expected}, not {describe(value)}"
            )
        out[key] = value
    return out


def texts(values: dict[str, Any], key: str) -> tuple[str, ...]:
    """A list-of-text value as a tuple of non-blank strings."""
    return tuple(v.strip() for v in values.get(key, ()) if isinstance(v, str) and v.strip())


def text(values: dict[str, Any], key: str) -> str:
    value = values.get(key, "")
    return value.strip() if isinstance(value, str) else ""
