"""Markdown files with YAML front matter: safe reading, hash-stamped writing, atomic replace."""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest.errors import ContentError

HASH_KEY = "digest_hash"
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_HASH_LINE = re.compile(rf"^{HASH_KEY}:.*\n", re.MULTILINE)
MAX_CONTENT_BYTES = 5 * 1024 * 1024
_SPANNING = ("while scanning a quoted scalar", "while parsing a flow")


@dataclass(frozen=True, slots=True)
class Document:
    """One content file: its front matter, its body, and where the body starts."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line number where the body starts
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    """Line of each front-matter key: ``key``, ``key.sub`` (nested) and ``key[0]`` (list items)."""

    @property
    def edited(self) -> bool:
        """True when a human changed the file since digest generated it (or wrote it)."""
        recorded = self.meta.get(HASH_KEY)
        if not recorded:
            return True
        return bool(recorded != stamp(self.path.read_text(encoding="utf-8")))


def parse(path: Path, text: str | None = None) -> Document:
    """Split front matter from body; every problem is a ``path:line: message`` error.

    Inside :func:`parsed_cache`, a file read before and unchanged since (same size and
    modification time) is not read again.
    """
    cache = _CACHE.get()
    if text is None and cache is not None:
        return cache.parse(path)
    return _parse(path, text)


def _parse(path: Path, text: str | None = None) -> Document:
    if text is None:
        try:
            if path.stat().st_size > MAX_CONTENT_BYTES:
                raise ContentError(path, 1, f"file is larger than {MAX_CONTENT_BYTES} bytes")
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    if not text.startswith("---"):
        return Document(path, {}, text, 1)
    first = text.find("\n")
    closing = _FENCE.search(text, first + 1 if first >= 0 else len(text))
    if first < 0 or closing is None:
        raise ContentError(path, 1, "front matter opened with '---' is never closed")
    block = text[first + 1 : closing.start()]
    try:
        meta, lines = _load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None) or ""
        if context.startswith(_SPANNING):  # an unclosed quote or bracket: point at where it opened
            mark = getattr(exc, "context_mark", None) or mark
            problem = f"{problem} {context}"
        line = 2 + (mark.line if mark is not None else 0)
        raise ContentError(path, line, f"front matter is not valid YAML: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(path, 2, f"front matter must be a mapping of keys, not {type(meta).__name__}")
    body_start = closing.end() + 1
    return Document(path, meta, text[body_start:], text.count("\n", 0, body_start) + 1, lines)


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~6x faster


def _load(block: str) -> tuple[Any, dict[str, int]]:
    """``yaml.safe_load`` of a front-matter block, plus the file line of every key."""
    loader = _SafeLoader(block)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        _key_lines(node, "", lines, depth=2)
    return data, lines


def _key_lines(node: yaml.Node, prefix: str, lines: dict[str, int], depth: int) -> None:
    """Record where keys and list items start; the block starts on line 2 of the file."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines.setdefault(name, 2 + key.start_mark.line)
            if depth > 1:
                _key_lines(value, name, lines, depth - 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault(f"{prefix}[{i}]", 2 + item.start_mark.line)


def stamp(text: str) -> str:
    """The hash of a file's text without its own hash line."""
    return "sha256:" + hashlib.sha256(_HASH_LINE.sub("", text).encode("utf-8")).hexdigest()[:32]


def render(meta: dict[str, Any], body: str, stamped: bool = True) -> str:
    """Front matter plus body, with a hash line recording what digest generated.

    ``stamped=False`` leaves the hash out: the file then counts as a curator's from the start.
    """
    text = f"---\n{dump_yaml(meta)}---\n\n{body.rstrip()}\n"
    if not stamped:
        return text
    return text.replace("\n---\n", f"\n{HASH_KEY}: {stamp(text)}\n---\n", 1)


_SafeDumper: Any = getattr(yaml, "CSafeDumper", None)
_LIBYAML_WRITES_AS_IS = re.compile("[\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Text libyaml writes exactly as PyYAML's own emitter does (it escapes emoji, for one)."""


def dump_yaml(meta: dict[str, Any]) -> str:
    """``yaml.safe_dump`` of front matter; with libyaml (~10x faster) when the output is the same."""
    if _SafeDumper is not None and all(_LIBYAML_WRITES_AS_IS.fullmatch(t) for t in _texts(meta)):
        return str(yaml.dump(meta, Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, width=100))
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ParseCache:
    """Documents parsed before, by path, size and modification time, kept in a pickle file
    digest owns (``.digest/content.pickle``), so a rebuild does not parse unchanged pages."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.entries: dict[str, tuple[int, int, Document]] = {}
        self.changed = False
        try:
            loaded = pickle.loads(file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            loaded = None
        if isinstance(loaded, dict):
            self.entries = loaded

    def parse(self, path: Path) -> Document:
        stat = path.stat()
        key = os.path.abspath(path)  # not resolved: a stat is enough, no walk of symlinks
        entry = self.entries.get(key)
        if entry is not None and entry[:2] == (stat.st_size, stat.st_mtime_ns) and entry[2].path == path:
            return entry[2]
        doc = _parse(path)
        self.entries[key] = (stat.st_size, stat.st_mtime_ns, doc)
        self.changed = True
        return doc

    def remember(self, path: Path, text: str) -> None:
        """``text`` was just written to ``path``: the next run need not parse it."""
        stat = path.stat()
        self.entries[os.path.abspath(path)] = (stat.st_size, stat.st_mtime_ns, _parse(path, text))
        self.changed = True

    def save(self) -> None:
        gone = [key for key in self.entries if not os.path.exists(key)]
        for key in gone:
            del self.entries[key]
        if not (self.changed or gone):
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.file.name}.", dir=self.file.parent)
        try:
            with os.fdopen(fd, "wb") as fh:  # straight into the file: no second copy in memory
                pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = {**copyreg.dispatch_table, Document: _document_args}
                pickler.dump(self.entries)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _document_args(doc: Document) -> tuple[type[Document], tuple[Any, ...]]:
    """Rebuild a Document by its constructor: far faster to load than a dataclass's state."""
    return Document, (doc.path, doc.meta, doc.body, doc.body_line, dict(doc.lines))


_CACHE: ContextVar[ParseCache | None] = ContextVar("digest_parse_cache", default=None)


def remember(path: Path, text: str) -> None:
    """Tell the active :func:`parsed_cache`, if any, what was just written to ``path``."""
    cache = _CACHE.get()
    if cache is not None:
        cache.remember(path, text)


@contextmanager
def parsed_cache(file: Path) -> Iterator[ParseCache]:
    """Parse through the cache in ``file`` inside this block (the outermost block's cache wins)."""
    active = _CACHE.get()
    if active is not None:
        yield active
        return
    cache = ParseCache(file)
    token = _CACHE.set(cache)
    try:
        yield cache
    finally:
        _CACHE.reset(token)
    cache.save()
