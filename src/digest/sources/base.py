"""The importer contract and the registry that picks an importer for a file."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from digest.errors import InputError
from digest.model import Chat

HEAD_BYTES = 4096
Warn = Callable[[str, str], None]
"""Reports a skipped record: ``warn(where, message)``, e.g. ``warn("message 17", "no date")``."""
MAX_FILE_BYTES = 2 * 1024**3  # refuse anything larger than 2 GiB outright


@dataclass(frozen=True, slots=True)
class Resume:
    """Where a grown export can be read on from: its first ``offset`` bytes (whose sha256 is
    ``sha``) are those of an export imported before and hold every message up to there;
    ``state`` is what the importer needs to read on (for Telegram, the chat's header)."""

    offset: int
    sha: str
    state: str


@dataclass(slots=True)
class Marker:
    """What an importer tells of an export it reads with ``read_on``: whether it read on from
    the :class:`Resume` it was given, and (once read to the end) where the next export of the
    same chat may be read on from: ``point = (offset, state)``."""

    read_on: bool = False
    point: tuple[int, str] | None = None


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
    read_on: Callable[[Path, Warn, Resume | None, Marker], Iterator[Chat]] | None = None
    """For formats an export grows in by appending (a chat exported again later):
    ``read_on(path, warn, resume, marker)`` reads only what follows ``resume`` where it can
    (the caller checked that the file still begins with those bytes), else the whole file,
    and tells ``marker`` what it did."""


class Registry:
    """An explicit, ordered list of importers; the first whose sniff matches wins."""

    def __init__(self) -> None:
        self._sources: dict[str, Source] = {}

    def replacing(self, source: Source) -> Registry:
        """A copy of this registry with ``source`` in place of the importer of the same name."""
        copy = Registry()
        for existing in self._sources.values():
            copy.register(source if existing.name == source.name else existing)
        return copy

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

    def recognises(self, path: Path) -> bool:
        """Does any importer claim this file?"""
        head = read_head(path)
        return any(source.sniff(head, path) for source in self._sources.values())

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


def check_size(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse an export larger than ``limit`` bytes (a folder: its files together), before reading."""
    try:
        if path.is_dir():
            size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        else:
            size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if size > limit:
        raise InputError(
            path, f"export is {size} bytes; the limit is {limit} (split it into smaller exports)"
        )


def strip_bom(head: bytes) -> bytes:
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head


# -- helpers for importers of formats without message ids, and of plain-text exports -------

STABLE_ID_LENGTH = 20
"""Hex digits of a :func:`stable_id` (80 bits: collisions are not a practical concern)."""


def stable_id(group_id: str, timestamp: datetime, author: str, text: str, occurrence: int = 0) -> str:
    """A message id for formats that have none (WhatsApp, Signal, QQ text, generic files).

    It is a hash of the group, the time (in UTC), the author and the text, so the same message
    gets the same id in every export it appears in and overlapping exports dedupe in the
    store. ``occurrence`` tells identical messages apart (same group, time, author and text,
    e.g. two "ok" in one minute): 0 for the first in the export, 1 for the second, and so on.
    """
    when = timestamp.astimezone(UTC).isoformat() if timestamp.tzinfo else timestamp.isoformat()
    payload = "\x1f".join((group_id, when, author, text, str(occurrence)))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:STABLE_ID_LENGTH]


class StableIds:
    """Hands out :func:`stable_id` values for one export, counting repeats of the same message."""

    __slots__ = ("_seen", "at_latest", "latest")

    def __init__(self, latest: datetime | None = None, at_latest: dict[str, int] | None = None) -> None:
        self._seen: dict[str, int] = dict(at_latest or {})
        self.latest = latest  # the latest time seen so far
        self.at_latest: dict[str, int] = dict(at_latest or {})  # the counts of the messages at that time

    def __call__(self, group_id: str, timestamp: datetime, author: str, text: str) -> str:
        first = stable_id(group_id, timestamp, author, text)
        occurrence = self._seen.get(first, 0)
        self._seen[first] = occurrence + 1
        if self.latest is None or timestamp > self.latest:
            self.latest, self.at_latest = timestamp, {first: occurrence + 1}
        elif timestamp == self.latest:
            self.at_latest[first] = occurrence + 1
        return first if occurrence == 0 else stable_id(group_id, timestamp, author, text, occurrence)


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """How to open a text export: a codec for :func:`open` and its error handler.

    ``errors`` is ``"replace"`` only when the file ends inside a character (a truncated
    copy), or when plenty of valid UTF-8 comes before a stray bad byte (a damaged copy):
    the bad bytes read as U+FFFD and everything else is intact.
    """

    codec: str
    errors: str = "strict"


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CHUNK = 1 << 20
_MIN_UTF8_EVIDENCE = 32
"""Bytes of valid multi-byte UTF-8 before a bad byte that make a file "damaged UTF-8", not GBK."""


def detect_encoding(path: Path) -> TextEncoding:
    """The encoding of a text export, checked over the whole file (in chunks, not in memory).

    A byte-order mark decides (UTF-8, UTF-16 LE/BE, as QQ writes); without one: UTF-16 when
    every other byte is NUL, else strict UTF-8, else GB18030 (a superset of GBK and GB2312).
    Anything else is an ``InputError`` naming the encodings digest reads.
    """
    head = read_head(path)
    candidates = [codec for bom, codec in _BOMS if head.startswith(bom)][:1]
    if not candidates:
        candidates = [c for c in (_utf16_without_bom(head),) if c] + ["utf-8", "gb18030"]
    for codec in candidates:
        errors = _decodes(path, codec)
        if errors is not None:
            return TextEncoding(codec, errors)
    raise InputError(
        path,
        "not text in UTF-8, UTF-16 or GB18030/GBK (wrong encoding, or not a text export); "
        "export it again or convert it to UTF-8",
    )


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[: len(head) - len(head) % 2]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    # ASCII in UTF-16 LE has a NUL in every odd byte; a few CJK characters (U+4E00) add even ones
    if odd_nuls >= pairs * 0.3 and even_nuls * 10 <= odd_nuls:
        return "utf-16-le"
    if even_nuls >= pairs * 0.3 and odd_nuls * 10 <= even_nuls:
        return "utf-16-be"
    return None


def _decodes(path: Path, codec: str) -> str | None:
    """``"strict"`` if the whole file decodes, ``"replace"`` if only its last character is cut."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    wide = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                text = decoder.decode(chunk)
                if codec == "utf-8" and not text.isascii():
                    wide += len(chunk) - len(text)  # the extra bytes of multi-byte characters
    except UnicodeDecodeError as exc:
        # Plenty of valid multi-byte UTF-8 before one bad byte: damaged UTF-8, not GBK.
        before = bytes(exc.object[: exc.start])
        wide += len(before) - len(before.decode("utf-8", "ignore"))
        return "replace" if codec == "utf-8" and wide >= _MIN_UTF8_EVIDENCE else None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "replace"
    return "strict"


def open_text(path: Path, newline: str | None = None, encoding: TextEncoding | None = None) -> TextIO:
    """Open a text export in its detected (or the given) encoding, BOM dropped.

    With the default ``newline=None`` every CRLF, CR and LF reads as ``"\\n"`` (mixed line ends
    included); pass ``newline=""`` for the :mod:`csv` module.
    """
    encoding = encoding or detect_encoding(path)
    try:
        return path.open(encoding=encoding.codec, errors=encoding.errors, newline=newline)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def decode_text(path: Path) -> str:
    """The whole text of an export, decoded as :func:`open_text` does, line ends as ``"\\n"``."""
    with open_text(path) as fh:
        return fh.read()


def text_lines(
    path: Path, encoding: TextEncoding | None = None, start: int = 0, first: int = 1
) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` pairs of a text export, numbered from 1, without line ends.

    Streams the file (a 2 GiB export is not loaded at once); splits only on CR/LF, never on
    the Unicode line separators that may sit inside a message. Pass the ``encoding`` from
    :func:`detect_encoding` to read a file twice without detecting it twice. With ``start``
    (a byte offset at the start of a line, in a byte-oriented encoding such as UTF-8), the
    lines from there, numbered from ``first``.
    """
    if start:
        assert encoding is not None, "a text export is read from an offset in a known encoding"
        try:
            raw = path.open("rb")
            raw.seek(start)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
        codec = encoding.codec.removesuffix("-sig")  # the mark is at the start of the file only
        fh: TextIO = io.TextIOWrapper(raw, encoding=codec, errors=encoding.errors)
    else:
        fh = open_text(path, encoding=encoding)
    with fh:
        try:
            for number, line in enumerate(fh, first):
                yield number, line.rstrip("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read: {exc}") from None


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing: BOM, UTF-16, UTF-8, then GB18030.

    Never raises: a character cut at the end of ``head`` is dropped.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head.decode(codec, "ignore")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return head.decode(utf16, "ignore")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", "ignore")
    return head.decode("gb18030", "ignore")


CSV_FIELD_LIMIT = MAX_FILE_BYTES
"""A CSV field may be as large as a whole export (the :mod:`csv` default is 128 KiB)."""


def csv_rows(path: Path, warn: Warn, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` of every row of a CSV export in its detected encoding.

    Quoted fields may span lines (the number is the row's first line) and hold a 50 MB
    message; CRLF inside a field reads as ``"\\n"``. A row the :mod:`csv` module cannot read is
    reported through ``warn`` and skipped.
    """
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)  # process-wide, and only ever raised
    with open_text(path, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                warn(f"line {start}", f"unreadable CSV row ({exc}); skipped")
                if reader.line_num < start:
                    return  # the reader cannot move on
                continue
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(path, f"cannot read: {exc}", f"line {start}") from None
            yield start, [field.replace("\r\n", "\n") for field in row]
