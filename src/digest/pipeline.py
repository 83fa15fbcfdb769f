"""The stages wired together: import exports into the store (distill and build follow)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.context import SpawnContext
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from digest.errors import DigestError, InputError
from digest.memory import collector_paused
from digest.model import Group
from digest.sources import REGISTRY, Registry, Source
from digest.sources.base import Marker, Resume, check_size
from digest.store import BATCH, ChatStats, Row, Store, Tally, batched, transaction

IGNORED_NAMES = frozenset({".gitkeep", ".DS_Store", "Thumbs.db"})


@dataclass(slots=True)
class FileReport:
    """What importing one export did."""

    path: Path
    format: str
    unchanged: bool = False
    read_on: bool = False  # only what followed an earlier export of the same chat was read
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


class _Hashes:
    """The sha256 of a file, and of any of its first bytes, from one read (states kept every
    ``HASH_STEP`` bytes, the rest read again when asked for)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        digest = hashlib.sha256()
        self._states: list[Any] = []
        with path.open("rb") as fh:
            while True:
                self._states.append(digest.copy())
                chunk = fh.read(HASH_STEP)
                if not chunk:
                    break
                digest.update(chunk)
        self.whole = digest.hexdigest()

    def prefix(self, offset: int) -> str:
        """The sha256 of the first ``offset`` bytes ("" if the file is shorter)."""
        step = offset // HASH_STEP
        if offset < 0 or step >= len(self._states):
            return ""
        digest = self._states[step].copy()
        with self.path.open("rb") as fh:
            fh.seek(step * HASH_STEP)
            rest = fh.read(offset - step * HASH_STEP)
        if len(rest) != offset - step * HASH_STEP:
            return ""
        digest.update(rest)
        return str(digest.hexdigest())


HASH_STEP = 1 << 20
PROGRESS_EVERY = 100_000
PARALLEL_BYTES = 64 << 20
"""From this many bytes of exports to read, worker processes parse them while SQLite writes."""
QUEUE_BATCHES = 64
"""Batches of rows a worker may read ahead of the writer (about 300,000 messages)."""


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
    return next(import_files(store, [path], source, progress, registry))


def import_files(
    store: Store,
    paths: Sequence[Path],
    source: Source | None = None,
    progress: Callable[[str], None] | None = None,
    registry: Registry = REGISTRY,
) -> Iterator[FileReport]:
    """Import exports in order, each in one transaction, yielding a report as each is done.

    Files imported before (same path, size and time, or same content) are skipped. When
    many megabytes are to be read, worker processes parse the exports ahead (one per core)
    and hand rows to this process, which only writes them: parsing and writing overlap.
    """
    todo: list[tuple[Path, Source, FileReport, tuple[int, int] | None]] = []
    for path in paths:
        check_size(path)  # also when the format is forced and detection did not look at the file
        chosen = source or registry.detect(path)
        report = FileReport(path=path, format=chosen.name)
        stat = _file_stat(path)
        if stat is not None and store.is_unchanged(str(path), *stat):
            report.unchanged = True  # the very file imported before: not even read again
        todo.append((path, chosen, report, stat))
    reading = [
        (path, chosen, store.resume_point(str(path), chosen.name) if chosen.read_on else None)
        for path, chosen, report, _stat in todo
        if not report.unchanged
    ]
    readers = _Readers(reading, parallel=sum(_size(path) for path, _c, _r in reading) >= PARALLEL_BYTES)
    try:
        for path, chosen, report, stat in todo:
            if not report.unchanged:
                _import(store, readers.take(path, chosen), report, stat, progress)
            yield report
    finally:
        readers.close()


def _import(
    store: Store,
    reader: _Reader,
    report: FileReport,
    stat: tuple[int, int] | None,
    progress: Callable[[str], None] | None,
) -> None:
    sha = reader.sha()
    if store.is_imported(sha):
        reader.close()
        if stat is not None:  # the same bytes again: where they may be read on from still holds
            store.remember_import(sha, str(report.path), report.format, 0, *stat, reader.resume)
        report.unchanged = True
        return
    with transaction(store), collector_paused():
        for group, rows, tally in reader.chats():
            counted = rows if progress is None else _counting(rows, report.path, progress)
            report.chats.append(store.add_rows(group, counted, tally))
        report.warnings.extend(reader.warnings)
        report.read_on = reader.read_on
        size, mtime = stat or (None, None)
        store.remember_import(sha, str(report.path), report.format, report.parsed, size, mtime, reader.next)


class _Reader:
    """One export read in this process: its content hash, then each chat's rows.

    An export that only grew since ``prior`` (its first bytes unchanged) is read on from
    there, where its importer can (:attr:`Source.read_on`).
    """

    def __init__(self, path: Path, source: Source, prior: Resume | None = None) -> None:
        self.path = path
        self.source = source
        self.prior = prior
        self.warnings: list[str] = []
        self.resume: Resume | None = None  # ``prior``, if the file still begins with its bytes
        self.read_on = False  # only what followed ``resume`` was read
        self.next: Resume | None = None  # where the next export of this chat may be read on from
        self._hashes: _Hashes | None = None

    def sha(self) -> str:
        if self.source.read_on is None or not self.path.is_file():
            return content_hash(self.path)
        self._hashes = _Hashes(self.path)
        prior = self.prior
        if prior is not None and self._hashes.prefix(prior.offset) == prior.sha:
            self.resume = prior
        return self._hashes.whole

    def _settle(self, marker: Marker) -> None:
        """Once the export was read: whether it was read on, and where to read on next time."""
        self.read_on = marker.read_on
        if marker.point is not None and self._hashes is not None:
            offset, state = marker.point
            self.next = Resume(offset, self._hashes.prefix(offset), state)

    def chats(self) -> Iterator[tuple[Group, Iterator[Row], Tally]]:
        """Each chat: its group, its rows, and their tally (complete once the rows are read)."""

        def warn(where: str, message: str) -> None:
            self.warnings.append(f"{self.path}: {where}: {message}")

        read_on = self.source.read_on
        marker = Marker()
        if read_on is None:
            chats = self.source.read(self.path, warn)
        else:
            chats = read_on(self.path, warn, self.resume, marker)
        for chat in chats:
            tally = Tally()
            yield chat.group, map(tally.row, chat.messages), tally
        self._settle(marker)

    def close(self) -> None:
        pass


class _Worker:
    """A worker process reading its share of the exports in order (:func:`_read_exports`)."""

    def __init__(self, files: list[tuple[Path, Source, Resume | None]], context: SpawnContext) -> None:
        self.queue: Queue[tuple[str, Any]] = context.Queue(QUEUE_BATCHES)
        self.process = context.Process(target=_read_exports, args=(files, self.queue), daemon=True)
        self.process.start()

    def get(self, path: Path) -> tuple[str, Any]:
        """The next item the worker sent about ``path`` (errors included, not raised)."""
        while True:
            try:
                return self.queue.get(timeout=1.0)
            except queue.Empty:
                if not self.process.is_alive():
                    code = self.process.exitcode
                    raise InputError(path, f"the reader stopped (exit code {code})") from None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.queue.close()


class _WorkerReader(_Reader):
    """One export read by a worker process, its rows passed by the worker's queue."""

    def __init__(self, path: Path, source: Source, worker: _Worker) -> None:
        super().__init__(path, source)
        self._worker = worker
        self._done = False

    def _get(self) -> tuple[str, Any]:
        kind, value = self._worker.get(self.path)
        if kind == "error":
            self._done = True
            raise value
        return kind, value

    def sha(self) -> str:
        kind, value = self._get()
        assert kind == "sha"
        sha, self.resume = value
        return str(sha)

    def chats(self) -> Iterator[tuple[Group, Iterator[Row], Tally]]:
        while True:
            kind, value = self._get()
            if kind == "done":
                warnings, self.read_on, self.next = value
                self.warnings.extend(warnings)
                self._done = True
                return
            assert kind == "chat"
            tally = Tally()
            yield value, self._rows(tally), tally

    def _rows(self, tally: Tally) -> Iterator[Row]:
        while True:
            kind, value = self._get()
            if kind == "end":
                tally.merge(value)
                return
            yield from value

    def close(self) -> None:
        """Pass over what is left of this export (it was skipped): the worker's next one follows."""
        while not self._done:
            kind, _value = self._worker.get(self.path)
            self._done = kind in ("done", "error")


class _Readers:
    """The readers of the files to import: when it pays, a few worker processes (one per core)
    share the files and read them ahead, each its own in order."""

    def __init__(self, files: list[tuple[Path, Source, Resume | None]], parallel: bool) -> None:
        pooled = [file for file in files if parallel and _picklable(file[1])]
        jobs = min(os.cpu_count() or 1, len(pooled))
        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
        self._workers = [_Worker(pooled[k::jobs], context) for k in range(jobs)]
        self._assigned = {file[0]: self._workers[i % jobs] for i, file in enumerate(pooled)}
        self._prior = {path: prior for path, _source, prior in files}

    def take(self, path: Path, source: Source) -> _Reader:
        worker = self._assigned.pop(path, None)
        if worker is None:
            return _Reader(path, source, self._prior.get(path))
        return _WorkerReader(path, source, worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()


def _read_exports(files: list[tuple[Path, Source, Resume | None]], out: Queue[tuple[str, Any]]) -> None:
    """In a worker process: for each export in turn, its content hash (and whether it is read
    on from ``prior``), then its chats as batches of rows, then its warnings and where it may
    be read on from next time (or the error that stopped it)."""
    for path, source, prior in files:
        try:
            reader = _Reader(path, source, prior)
            out.put(("sha", (reader.sha(), reader.resume)))
            with collector_paused():
                for group, rows, tally in reader.chats():
                    out.put(("chat", group))
                    for batch in batched(rows, BATCH):
                        out.put(("rows", batch))
                    out.put(("end", tally))
            out.put(("done", (reader.warnings, reader.read_on, reader.next)))
        except DigestError as exc:
            out.put(("error", exc))
        except BaseException as exc:  # a bug, not bad input: the writer shows it whole
            trace = "".join(traceback.format_exception(exc))
            out.put(("error", RuntimeError(f"reading {path} failed:\n{trace}")))


def _picklable(source: Source) -> bool:
    try:
        pickle.dumps(source)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _file_stat(path: Path) -> tuple[int, int] | None:
    """Size and modification time of a file export (a folder's own times say nothing)."""
    if not path.is_file():
        return None
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _counting(rows: Iterable[Row], path: Path, progress: Callable[[str], None]) -> Iterator[Row]:
    for count, row in enumerate(rows, 1):
        if count % PROGRESS_EVERY == 0:
            progress(f"{path}: {count:,} messages read")
        yield row
