"""Reading JSON and UTF-8 exports with errors a curator can act on, never a traceback.

Every importer of a JSON format goes through :func:`parse_json`, so an empty file, a
truncated file, a file in the wrong encoding and a pathologically nested document all give
the same kind of one-line ``InputError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from digest.errors import InputError
from digest.sources.base import strip_bom

NEWLINE = b"\n"
JSON_MAX_DEPTH = 1024
"""orjson refuses documents nested deeper than this; we say so in plain words."""


def decode_utf8(path: Path | str, raw: bytes, where: str | None = None) -> str:
    """``raw`` as text (a UTF-8 BOM is dropped), or an ``InputError`` naming the bad byte."""
    body = strip_bom(raw)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, _utf8_message(body, exc), where) from None


def parse_json(path: Path | str, raw: bytes, where: str | None = None) -> Any:
    """Parse one JSON document; ``where`` names the part of an archive it came from."""
    body = strip_bom(raw)
    if not body.strip():
        raise InputError(path, "empty file, no JSON in it", where)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        spot = f"line {exc.lineno}, column {exc.colno}"
        bad = _bad_utf8(body) if "UTF-8" in str(exc.msg) else None
        if bad is not None:
            spot = f"line {body.count(NEWLINE, 0, bad.start) + 1}"
        raise InputError(path, json_error(body, exc), f"{where}, {spot}" if where else spot) from None


def json_error(body: bytes, exc: orjson.JSONDecodeError) -> str:
    """A plain-words reason for an orjson failure on ``body``."""
    reason = str(exc.msg)
    if "depth limit" in reason or "recursion" in reason:
        return f"JSON nested deeper than {JSON_MAX_DEPTH} levels; this is not a chat export"
    bad = _bad_utf8(body) if "UTF-8" in reason else None
    if bad is not None:
        return _utf8_message(body, bad)
    if "end of data" in reason or "EOF" in reason or exc.pos >= len(body.rstrip()):
        return f"invalid JSON: {reason}; the file ends too early (truncated?)"
    return f"invalid JSON: {reason}"


def _bad_utf8(body: bytes) -> UnicodeDecodeError | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    return None


def _utf8_message(body: bytes, exc: UnicodeDecodeError) -> str:
    return (
        f"not valid UTF-8: byte 0x{body[exc.start]:02x} at offset {exc.start}; "
        "export it again, or convert the file to UTF-8"
    )


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: for optional nested objects."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one: for optional lists."""
    return value if isinstance(value, list) else []
