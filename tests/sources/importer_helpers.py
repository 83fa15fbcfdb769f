"""Helpers shared by the importer tests: run an importer, collect what it yields and warns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from digest.model import Group, Kind, Message
from digest.pipeline import import_file
from digest.sources.base import Source
from digest.store import ChatStats, open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything one importer run produced."""

    groups: tuple[Group, ...]
    messages: tuple[Message, ...]
    warnings: tuple[tuple[str, str], ...]

    @property
    def members(self) -> set[str]:
        """Every author id seen, service lines and bots included."""
        return {m.author_id for m in self.messages}

    @property
    def people(self) -> set[str]:
        """Members as the store counts them: authors of anything but service lines."""
        return {m.author_id for m in self.messages if m.author_id and m.kind is not Kind.SERVICE}

    @property
    def replies(self) -> int:
        return sum(m.reply_to is not None for m in self.messages)

    def by_id(self) -> dict[str, Message]:
        return {m.id: m for m in self.messages}

    def of(self, group_id: str) -> list[Message]:
        return [m for m in self.messages if m.group_id == group_id]


def parse(source: Source, path: Path) -> Parsed:
    """Read ``path`` with ``source``, consuming each chat's stream as the pipeline does."""
    warnings: list[tuple[str, str]] = []
    groups: list[Group] = []
    messages: list[Message] = []
    for chat in source.read(path, lambda where, message: warnings.append((where, message))):
        groups.append(chat.group)
        messages.extend(chat.messages)
    return Parsed(tuple(groups), tuple(messages), tuple(warnings))


def store_stats(source: Source, path: Path, db: Path) -> list[ChatStats]:
    """Import through the real pipeline into a fresh store; the per-chat statistics it reports."""
    with open_store(db) as store:
        report = import_file(store, path, source)
    return report.chats


def nested_json(depth: int) -> bytes:
    """A syntactically valid JSON document nested ``depth`` arrays deep."""
    return b"[" * depth + b"]" * depth
