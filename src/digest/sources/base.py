"""The importer contract and the registry that picks an importer for a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.errors import InputError
from digest.model import Chat

HEAD_BYTES = 4096
Warn = Callable[[str, str], None]
"""Reports a skipped record: ``warn(where, message)``, e.g. ``warn("message 17", "no date")``."""
MAX_FILE_BYTES = 2 * 1024**3  # refuse anything larger than 2 GiB outright


@dataclass(frozen=True, slots=True)
class Source:
    """One importer: a platform, the names it answers to, a cheap sniff and a reader.

    ``sniff(head, path)`` looks at the first bytes (and the name) and answers whether the
    file is in this format; ``read(path, warn)`` yields one ``Chat`` per group in the export,
    raises ``InputError`` when the file as a whole is unreadable, and calls ``warn`` for each
    record it has to skip.
    """

    name: str
    platform: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[bytes, Path], bool]
    read: Callable[[Path, Warn], Iterator[Chat]]


class Registry:
    """An explicit, ordered list of importers; the first whose sniff matches wins."""

    def __init__(self) -> None:
        self._sources: dict[str, Source] = {}

    def register(self, source: Source) -> Source:
        if source.name in self._sources:
            raise ValueError(f"importer {source.name!r} is registered twice")
        self._sources[source.name] = source
        return source

    def sources(self) -> list[Source]:
        return list(self._sources.values())

    def names(self) -> list[str]:
        return list(self._sources)

    def get(self, name: str) -> Source:
        try:
            return self._sources[name]
        except KeyError:
            raise InputError(
                "--format", f"unknown format {name!r}; supported: {', '.join(self.names())}"
            ) from None

    def detect(self, path: Path) -> Source:
        """Pick the importer for ``path`` from its first bytes and its name."""
        head = read_head(path)
        for source in self._sources.values():
            if source.sniff(head, path):
                return source
        raise InputError(
            path,
            "not a chat export digest can read; supported formats: "
            + ", ".join(f"{s.name} ({s.description})" for s in self._sources.values())
            + " (use --format NAME to force one)",
        )


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of a file, with clear errors for missing or odd paths."""
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_dir():
        return b""
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            raise InputError(path, f"file is {stat.st_size} bytes; the limit is {MAX_FILE_BYTES}")
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def strip_bom(head: bytes) -> bytes:
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head
