"""Any other tool's output: JSON Lines or CSV with one message per record.

Each record names its fields by column; :data:`FIELDS` are the ones digest reads, and by
default a field's column has the field's own name::

    {"timestamp": "2024-03-01T09:15:00+08:00", "author": "Ann", "text": "Hello", "id": "1"}
    timestamp,author,text,id,reply_to,group,author_id

``timestamp`` (ISO 8601 with or without an offset, read as UTC without one; or epoch
seconds or milliseconds), ``text`` and ``author`` or ``author_id`` are required; ``id``
(else a :func:`~digest.sources.base.stable_id`), ``reply_to`` and ``group`` (else the file
name) are optional. Other names come through the ``generic_columns`` setting in mkdocs.yml,
turned into an importer by :func:`make_source`; the registry holds the default one. A JSON
Lines file starts with ``{``; anything else is CSV (comma, semicolon or tab separated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from digest.errors import InputError
from digest.model import Chat, Group, Message
from digest.sources.base import (
    HEAD_BYTES,
    Source,
    StableIds,
    Warn,
    csv_rows,
    head_text,
    read_head,
    text_lines,
)
from digest.text import slugify

PLATFORM = "generic"
FIELDS = ("timestamp", "author", "text", "id", "reply_to", "group", "author_id")
"""The fields a column mapping may name (``generic_columns`` keys)."""
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")
DELIMITERS = (",", ";", "\t")
MILLISECONDS_FROM = 1e11  # a number this large is milliseconds (1e11 seconds is the year 5138)
MICROSECONDS_FROM = 1e14


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds each field."""

    timestamp: str = "timestamp"
    author: str = "author"
    text: str = "text"
    id: str = "id"
    reply_to: str = "reply_to"
    group: str = "group"
    author_id: str = "author_id"

    @classmethod
    def of(cls, mapping: Mapping[str, str] | None = None) -> Columns:
        """Columns from a ``field -> column`` mapping; unmapped fields keep their own name."""
        mapping = dict(mapping or {})
        unknown = sorted(set(mapping) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(FIELDS)}")
        return cls(**{key: str(value) for key, value in mapping.items()})

    def required(self, present: set[str]) -> list[str]:
        """The required columns missing from ``present`` (author *or* author_id suffices)."""
        missing = [name for name in (self.timestamp, self.text) if name not in present]
        if self.author not in present and self.author_id not in present:
            missing.append(self.author)
        return missing


def make_source(columns: Mapping[str, str] | None = None) -> Source:
    """An importer of JSON Lines and CSV files whose columns are named by ``columns``."""
    cols = Columns.of(columns)
    names = ", ".join(f"{f.name}={getattr(cols, f.name)}" for f in fields(cols) if f.name != "group")

    def sniff(head: bytes, path: Path) -> bool:
        return _sniff(cols, head, path)

    def read(path: Path, warn: Warn) -> Iterator[Chat]:
        return _read(cols, path, warn)

    return Source(
        name="generic",
        platform=PLATFORM,
        description=f"generic JSON Lines or CSV ({names})",
        extensions=JSONL_SUFFIXES + CSV_SUFFIXES,
        sniff=sniff,
        read=read,
    )


def _sniff(cols: Columns, head: bytes, path: Path) -> bool:
    suffix = path.suffix.lower()
    text = head_text(head).lstrip("\ufeff")
    first, newline, _rest = text.lstrip().partition("\n")
    if suffix in JSONL_SUFFIXES and first.startswith("{"):
        if not newline and len(head) >= HEAD_BYTES:
            # the first record is longer than the head: look for its keys only
            keys = set(re.findall(r'"([^"\\]{1,100})"\s*:', first))
        else:
            try:
                record = orjson.loads(first)
            except orjson.JSONDecodeError:
                return False  # e.g. Telegram's pretty-printed result.json: "{" alone
            keys = set(record) if isinstance(record, dict) else set()
        return "_type" not in keys and not cols.required(keys)
    if suffix in CSV_SUFFIXES and first.strip():
        return not cols.required(set(_header(first, _delimiter(first, suffix))))
    return False


def _delimiter(line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    return max(DELIMITERS, key=line.count)


def _header(line: str, delimiter: str) -> list[str]:
    return [name.strip().strip('"').strip() for name in line.strip().split(delimiter)]


class _Skip(Exception):
    """A record that cannot be imported; the rest of the file still is."""


@dataclass(slots=True)
class _Chats:
    """Messages bucketed by group, in the order groups first appear."""

    default: Group
    groups: dict[str, Group] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    ids: StableIds = field(default_factory=StableIds)

    def add(self, cols: Columns, record: Mapping[str, Any]) -> None:
        group = self.default
        group_value = _string(record.get(cols.group))
        if group_value:
            group = self.groups.get(group_value) or Group(PLATFORM, group_value, group_value)
        self.groups.setdefault(group.id, group)
        timestamp = _timestamp(record.get(cols.timestamp))
        if timestamp is None:
            raise _Skip(f"{cols.timestamp} {_show(record.get(cols.timestamp))} is not a date and time")
        author = _string(record.get(cols.author))
        author_id = _string(record.get(cols.author_id)) or (f"name:{author}" if author else "")
        if not author_id:
            raise _Skip(f"no {cols.author} or {cols.author_id}")
        value = record.get(cols.text)
        if isinstance(value, (dict, list)):
            raise _Skip(f"{cols.text} is not text")
        text = _string(value)
        if not text.strip():
            raise _Skip(f"no {cols.text}")
        message_id = _string(record.get(cols.id)) or self.ids(group.id, timestamp, author_id, text)
        self.messages.setdefault(group.id, []).append(
            Message(
                platform=PLATFORM,
                group_id=group.id,
                id=message_id,
                timestamp=timestamp,
                author_id=author_id,
                author_name=author or author_id,
                text=text,
                reply_to=_string(record.get(cols.reply_to)) or None,
            )
        )

    def chats(self) -> Iterator[Chat]:
        for group_id, messages in self.messages.items():
            yield Chat(group=self.groups[group_id], messages=messages)


def _read(cols: Columns, path: Path, warn: Warn) -> Iterator[Chat]:
    head = head_text(read_head(path)).lstrip("\ufeff").lstrip()
    if not head:
        raise InputError(path, "empty file: no records in it")
    chats = _Chats(default=Group(PLATFORM, slugify(path.stem), path.stem))
    records = _jsonl(path, warn) if head.startswith("{") else _csv(cols, path, warn)
    for where, record in records:
        try:
            chats.add(cols, record)
        except _Skip as skip:
            warn(where, f"{skip}; skipped")
    yield from chats.chats()


def _jsonl(path: Path, warn: Warn) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in text_lines(path):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            message = str(exc.msg)
            if "depth" in message or "recursion" in message:
                message = "nested deeper than 1024 levels"
            warn(f"line {number}", f"not a JSON record ({message}); skipped")
            continue
        if not isinstance(record, dict):
            warn(f"line {number}", "not a JSON object; skipped")
            continue
        yield f"line {number}", record


def _csv(cols: Columns, path: Path, warn: Warn) -> Iterator[tuple[str, dict[str, Any]]]:
    first = head_text(read_head(path)).lstrip("\ufeff").lstrip().partition("\n")[0]
    rows = csv_rows(path, warn, _delimiter(first, path.suffix.lower()))
    header: list[str] | None = None
    for number, row in rows:
        if header is None:
            header = [name.strip().lstrip("\ufeff") for name in row]
            missing = cols.required(set(header))
            if missing:
                raise InputError(
                    path,
                    f"no column {', '.join(missing)} (the columns are {', '.join(header)}); "
                    "name yours with the generic_columns setting in mkdocs.yml",
                    f"line {number}",
                )
            continue
        if not any(value.strip() for value in row):
            continue
        if len(row) < len(header):
            warn(f"line {number}", f"{len(row)} fields, expected {len(header)} (truncated?); skipped")
            continue
        yield f"line {number}", dict(zip(header, row, strict=False))
    if header is None:
        raise InputError(path, "empty file: no CSV header in it")


def _string(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _show(value: Any) -> str:
    return repr(value)[:40]


def _timestamp(value: Any) -> datetime | None:
    """ISO 8601 (naive means UTC) or epoch seconds, milliseconds or microseconds."""
    if isinstance(value, str):
        value = value.strip()
        try:
            number = float(value)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        value = number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = float(value)
    if abs(seconds) >= MICROSECONDS_FROM:
        seconds /= 1e6
    elif abs(seconds) >= MILLISECONDS_FROM:
        seconds /= 1e3
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


SOURCE = make_source()
