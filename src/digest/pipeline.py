"""The stages wired together: import exports into the store (distill and build follow)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest.errors import InputError
from digest.memory import collector_paused
from digest.model import Message
from digest.sources import REGISTRY, Registry, Source
from digest.sources.base import check_size
from digest.store import ChatStats, Store, transaction

IGNORED_NAMES = frozenset({".gitkeep", ".DS_Store", "Thumbs.db"})


@dataclass(slots=True)
class FileReport:
    """What importing one export did."""

    path: Path
    format: str
    unchanged: bool = False
    chats: list[ChatStats] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(c.new for c in self.chats)

    @property
    def parsed(self) -> int:
        return sum(c.parsed for c in self.chats)


def expand(
    paths: Sequence[Path], registry: Registry = REGISTRY, skipped: list[Path] | None = None
) -> Iterator[Path]:
    """Files to import, in a stable order: folders are walked unless they are an export.

    A path given by name must be an export; a file met while walking a folder that no
    importer recognises (a README, notes) is added to ``skipped`` instead.
    """
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file or directory")
        if path.is_dir() and not _is_export_folder(path, registry):
            yield from _walk(path, registry, skipped)
        else:
            yield path


def _walk(folder: Path, registry: Registry, skipped: list[Path] | None) -> Iterator[Path]:
    for child in sorted(folder.iterdir()):
        if child.name.startswith(".") or child.name in IGNORED_NAMES:
            continue
        if child.is_dir() and not _is_export_folder(child, registry):
            yield from _walk(child, registry, skipped)
        elif child.is_dir() or registry.recognises(child):
            yield child
        elif skipped is not None:
            skipped.append(child)


def _is_export_folder(path: Path, registry: Registry) -> bool:
    return any(s.sniff(b"", path) for s in registry.sources())


def content_hash(path: Path) -> str:
    """sha256 of a file, or of a folder's files and their relative names."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


PROGRESS_EVERY = 100_000


def import_file(
    store: Store,
    path: Path,
    source: Source | None = None,
    progress: Callable[[str], None] | None = None,
    registry: Registry = REGISTRY,
) -> FileReport:
    """Import one export in one transaction: all of it lands, or none of it.

    ``progress`` hears a short line every 100,000 messages of a long import.
    """
    check_size(path)  # also when the format is forced and detection did not look at the file
    source = source or registry.detect(path)
    report = FileReport(path=path, format=source.name)
    stat = _file_stat(path)
    if stat is not None and store.is_unchanged(str(path), *stat):
        report.unchanged = True  # the very file imported before: not even read again
        return report
    sha = content_hash(path)
    if store.is_imported(sha):
        if stat is not None:
            store.remember_import(sha, str(path), source.name, 0, *stat)
        report.unchanged = True
        return report

    def warn(where: str, message: str) -> None:
        report.warnings.append(f"{path}: {where}: {message}")

    with transaction(store), collector_paused():
        for chat in source.read(path, warn):
            messages = chat.messages if progress is None else _counting(chat.messages, path, progress)
            report.chats.append(store.add_messages(chat.group, messages))
        store.remember_import(sha, str(path), source.name, report.parsed, *(stat or (None, None)))
    return report


def _file_stat(path: Path) -> tuple[int, int] | None:
    """Size and modification time of a file export (a folder's own times say nothing)."""
    if not path.is_file():
        return None
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _counting(messages: Iterable[Message], path: Path, progress: Callable[[str], None]) -> Iterator[Message]:
    for count, message in enumerate(messages, 1):
        if count % PROGRESS_EVERY == 0:
            progress(f"{path}: {count:,} messages read")
        yield message
