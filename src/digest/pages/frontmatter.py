"""Markdown files with YAML front matter: safe reading, hash-stamped writing, atomic replace."""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import tempfile
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from digest import pickling
from digest.errors import ContentError

HASH_KEY = "digest_hash"
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_HASH_LINE = re.compile(rf"^{HASH_KEY}:.*\n", re.MULTILINE)
MAX_CONTENT_BYTES = 5 * 1024 * 1024
_SPANNING = ("while scanning a quoted scalar", "while parsing a flow")


@dataclass(frozen=True, slots=True)
class Document:
    """One content file: its front matter, its body, and where the body starts.

    A document kept between runs (:class:`ParseCache`) holds only its front matter: the body
    and the line of each key are read from the file again when asked for (a community of
    50,000 pages would otherwise keep every page in memory).
    """

    path: Path
    meta: dict[str, Any]
    body_text: str | None  # None: not kept, see ``body``
    body_line: int  # 1-based line number where the body starts
    key_lines: Mapping[str, int] | None = field(default=None, compare=False)

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        if self.body_text is not None:
            return self.body_text
        return self._again().body_text or ""

    @property
    def lines(self) -> Mapping[str, int]:
        """Line of each front-matter key: ``key``, ``key.sub`` (nested) and ``key[0]`` (list items)."""
        if self.key_lines is not None:
            return self.key_lines
        return self._again().key_lines or {}

    def slim(self) -> Document:
        """This document without its body and key lines (read again when needed)."""
        return Document(self.path, self.meta, None, self.body_line, None)

    def _again(self) -> Document:
        try:
            return _parse(self.path)
        except (OSError, ContentError):  # gone or broken since it was read: nothing more to say
            return Document(self.path, self.meta, "", self.body_line, {})

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


def parse_pages(folder: Path, skip: Collection[str] = ()) -> list[Document]:
    """:func:`parse` of every ``*.md`` file directly in ``folder`` but those named in ``skip``,
    by name (none: no folder)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".md") and name not in skip)
    except (FileNotFoundError, NotADirectoryError):
        return []
    cache = _CACHE.get()
    if cache is not None:
        return cache.parse_pages(folder, names)
    return [_parse(folder / name) for name in names]


def _parse(path: Path, text: str | None = None) -> Document:
    if text is None:
        try:
            if path.stat().st_size > MAX_CONTENT_BYTES:
                raise ContentError(path, 1, f"file is larger than {MAX_CONTENT_BYTES} bytes")
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    if not text.startswith("---"):
        return Document(path, {}, text, 1, {})
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
    except ValueError as exc:  # YAML reads 2026-02-30 as a date and the calendar refuses it
        line, value = _bad_date(block)
        raise ContentError(path, 2 + line, f"{value!r} is not a date on the calendar ({exc})") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(path, 2, f"front matter must be a mapping of keys, not {type(meta).__name__}")
    body_start = closing.end() + 1
    return Document(path, meta, text[body_start:], text.count("\n", 0, body_start) + 1, lines)


_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def _bad_date(block: str) -> tuple[int, str]:
    """The 0-based line of the first impossible date in a front-matter block, and the date."""
    for number, line in enumerate(block.split("\n")):
        for match in _DATE.finditer(line):
            try:
                date(*(int(part) for part in match.groups()))
            except ValueError:
                return number, match.group(0)
    return 0, "a value"


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~6x faster


def _load(block: str) -> tuple[Any, dict[str, int]]:
    """``yaml.safe_load`` of a front-matter block, plus the file line of every key."""
    simple = _load_simple(block)
    if simple is not None:
        return simple
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


class _NotSimple(Exception):
    """The block is outside the subset :func:`_load_simple` reads: YAML itself must read it."""


_NOT_TEXT = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
"""What YAML does not read as itself on one line: control characters, line and paragraph
separators, the byte order mark, surrogates and non-characters."""


def _text_but(excluded: str) -> str:
    """A character class: what YAML reads as itself on one line, but ``excluded``."""
    return f"[^{_NOT_TEXT}{re.escape(excluded)}]"


_PLAIN_FIRST = _text_but(" -?:,[]{}#&*!|>'\"%@`")  # no indicator starts a plain scalar
_PLAIN_MORE = _text_but(" :")
_IN_SINGLE = _text_but("'")
_IN_DOUBLE = _text_but(chr(34) + chr(92))  # no escape sequence
_PLAIN = rf"{_PLAIN_FIRST}{_PLAIN_MORE}*+(?:(?: (?!#|$)|:(?! |$)){_PLAIN_MORE}*+)*+"
"""A plain scalar on one line: no indicator first, no ``: `` or `` #``, no space or ``:`` last."""
_SCALAR = rf"({_PLAIN})|'({_IN_SINGLE}*+(?:''{_IN_SINGLE}*+)*+)'|" + rf'"({_IN_DOUBLE}*+)"'
_LINE = re.compile(rf"(?:([A-Za-z_][A-Za-z0-9_-]{{0,99}}):(?: (?:{_SCALAR}))?|( *)- (?:{_SCALAR}))?")
"""A ``key: scalar`` line, a ``key:`` line, a block list item, or an empty line; each scalar
plain, single-quoted or double-quoted (a group each)."""
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


_OPEN = object()
"""A ``key:`` line's value in :data:`_READ_LINES`: nothing yet, block list items may follow."""
_READ_LINES: dict[str, tuple[str | None, str | None, Any]] = {}
"""Lines read before, as (key, item indent, value): front matter repeats many of its lines
(``status: draft``, a tag, a member id), and every value is immutable."""
_READ_LINES_FOR: list[tuple[int, int]] = []  # the resolver table the lines were read with
_READ_LINES_MAX = 50_000


def _load_simple(block: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """What :func:`_load` returns, read line by line without YAML's parser, for the front matter
    digest writes and most curators keep: ``key: scalar`` lines and block lists of scalars.

    A scalar is plain, single-quoted, or double-quoted without escapes, on one line; plain ones
    are typed by YAML's own resolvers and constructors. Anything else (nesting, flow
    collections, comments, anchors, tags, multi-line scalars, duplicate keys, ...) returns None
    and YAML reads the block, so the result and every error stay YAML's.
    """
    resolvers = _SafeLoader.yaml_implicit_resolvers
    if None in resolvers:
        return None  # a resolver for any first character: not the table this reader knows
    table = (id(resolvers), sum(map(len, resolvers.values())))
    if [table] != _READ_LINES_FOR or len(_READ_LINES) > _READ_LINES_MAX:
        _READ_LINES.clear()
        _READ_LINES_FOR[:] = [table]
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    open_key: str | None = None  # the last key had no value: block list items may follow
    items: list[Any] | None = None
    indent: str | None = None
    for number, line in enumerate(block.split("\n"), 2):  # the block starts on line 2
        read = _READ_LINES.get(line)
        if read is None:
            try:
                read = _READ_LINES[line] = _read_line(line, resolvers)
            except _NotSimple:
                return None
        key, item_indent, value = read
        if key is not None:
            if key in meta:
                return None
            lines[key] = number
            if value is _OPEN:
                meta[key] = None
                open_key, items = key, None
            else:
                meta[key] = value
                open_key = None
        elif item_indent is not None:
            if open_key is None:
                return None
            if items is None:
                items = meta[open_key] = []
                indent = item_indent
            elif item_indent != indent:
                return None
            lines[f"{open_key}[{len(items)}]"] = number
            items.append(value)
    return (meta, lines) if meta else None


def _read_line(line: str, resolvers: Mapping[Any, Any]) -> tuple[str | None, str | None, Any]:
    """One front-matter line as (key, item indent, value); raises _NotSimple for any other."""
    match = _LINE.fullmatch(line)
    if match is None:
        raise _NotSimple
    key, plain, single, double, item_indent, item_plain, item_single, item_double = match.groups()
    if key is not None:
        if _resolve(key, resolvers) != _STR:
            raise _NotSimple
        if plain is None and single is None and double is None:
            return key, None, _OPEN
        return key, None, _scalar(plain, single, double, resolvers)
    if item_indent is not None:
        return None, item_indent, _scalar(item_plain, item_single, item_double, resolvers)
    return None, None, None  # an empty line


def _scalar(plain: str | None, single: str | None, double: str | None, resolvers: Mapping[Any, Any]) -> Any:
    """A scalar as YAML's safe loader constructs it, from the one of its three forms given."""
    if single is not None:
        return single.replace("''", "'")
    if double is not None:
        return double
    assert plain is not None
    tag = _resolve(plain, resolvers)
    if tag == _STR:
        return plain
    if tag not in _SCALAR_TAGS:
        raise _NotSimple
    try:
        return _SafeLoader.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, plain))
    except Exception:  # whatever YAML makes of it, it says so itself
        raise _NotSimple from None


def _resolve(text: str, resolvers: Mapping[Any, Any]) -> str:
    """The tag YAML's implicit resolvers give a plain scalar (as ``Resolver.resolve`` does)."""
    for tag, regexp in resolvers.get(text[:1], ()):
        if regexp.match(text):
            return str(tag)
    return _STR


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


def stamp_of(text: str) -> str | None:
    """The hash line :func:`render` wrote into ``text`` (None without one), read without
    parsing the front matter (which can be long)."""
    end = _FENCE.search(text, 4)
    match = _HASH_LINE.search(text, 0, end.start() if end is not None else len(text))
    return match.group(0).split(":", 1)[1].strip() if match is not None else None


def render(meta: dict[str, Any], body: str, stamped: bool = True) -> str:
    """Front matter plus body, with a hash line recording what digest generated.

    ``stamped=False`` leaves the hash out: the file then counts as a curator's from the start.
    """
    return rendered(meta, body, stamped)[0]


def rendered(meta: dict[str, Any], body: str, stamped: bool = True) -> tuple[str, bool]:
    """:func:`render`'s text, and whether the front matter was digest's usual flat kind (which
    YAML reads back as written: see :func:`written_entry`)."""
    flat = _dump_flat(meta)
    text = f"---\n{flat if flat is not None else dump_yaml(meta)}---\n\n{body.rstrip()}\n"
    if stamped:
        text = text.replace("\n---\n", f"\n{HASH_KEY}: {stamp(text)}\n---\n", 1)
    return text, flat is not None


_SafeDumper: Any = getattr(yaml, "CSafeDumper", None)
_LIBYAML_WRITES_AS_IS = re.compile("[\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Text libyaml writes exactly as PyYAML's own emitter does (it escapes emoji, for one)."""


def dump_yaml(meta: dict[str, Any]) -> str:
    """``yaml.safe_dump`` of front matter: written directly when it is digest's usual flat kind
    (:func:`_dump_flat`), else with libyaml (~10x faster) when its output is the same."""
    flat = _dump_flat(meta)
    if flat is not None:
        return flat
    if _SafeDumper is not None and all(_LIBYAML_WRITES_AS_IS.fullmatch(t) for t in _texts(meta)):
        return str(yaml.dump(meta, Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, width=100))
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


_WIDTH = 100
_ONE_LINE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Text YAML writes on one line as it is: printable, no line break (nor U+2028/2029)."""


def _dump_flat(meta: dict[str, Any]) -> str | None:
    """What ``yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)`` writes, for
    a mapping of plain keys to one-line texts, numbers, booleans, nulls, lists of texts and
    lists of records of those (every draft digest writes); None for anything else (which then
    goes to PyYAML).

    Scalars follow PyYAML's emitter: plain where it would write them plain (a text YAML would
    not read back as a text, or that starts or contains an indicator, is single-quoted), and
    no line longer than the width PyYAML would fold at. ``tests/scale/test_yaml_dump.py``
    compares the two on random front matter."""
    if not meta:
        return None
    lines: list[str] = []
    for key, value in meta.items():
        if not isinstance(key, str) or _written(key) != key:
            return None
        if isinstance(value, list):
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):  # a record: its keys under one dash, indented
                    if not _add_pairs(lines, item, "- ", "  "):
                        return None
                    continue
                text = _written(item) if isinstance(item, str) else None
                if text is None or len(text) + 2 > _WIDTH:
                    return None
                lines.append(f"- {text}")
            continue
        if not _add_pairs(lines, {key: value}, "", ""):
            return None
    lines.append("")
    return "\n".join(lines)


def _add_pairs(lines: list[str], pairs: dict[Any, Any], first: str, rest: str) -> bool:
    """Append ``key: value`` lines of scalars (the first prefixed by ``first``, the others by
    ``rest``); False, adding nothing, if one of them is not written directly."""
    added: list[str] = []
    for key, value in pairs.items():
        text = _value(value)
        if text is None or not _plain_key(key):
            return False
        line = f"{rest if added else first}{key}: {text}"
        if len(line) > _WIDTH:
            return False
        added.append(line)
    lines.extend(added)
    return bool(added)


def _plain_key(key: object) -> bool:
    """Is ``key`` a text YAML writes as it is? (Remembered for digest's few keys: a page that
    gathers thousands of repeats lists them as records of the same three keys.)"""
    if key in _PLAIN_KEYS:
        return True
    if not isinstance(key, str) or _written(key) != key:
        return False
    if len(_PLAIN_KEYS) < 256:
        _PLAIN_KEYS.add(key)
    return True


_PLAIN_KEYS: set[object] = set()


def _value(value: object) -> str | None:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return _written(value)
    if type(value) is int:
        return str(value)
    if type(value) is float:
        written = repr(value)
        return written if "." in written and "e" not in written and "n" not in written else None
    return None


def _written(text: str) -> str | None:
    """``text`` as PyYAML writes a one-line text in block style; None for other texts."""
    if not _ONE_LINE.fullmatch(text):
        return None
    if _plain(text) and _resolve(text, _SafeLoader.yaml_implicit_resolvers) == _STR:
        return text
    return "'" + text.replace("'", "''") + "'"


def _plain(text: str) -> bool:
    """PyYAML's rules for a plain scalar in block context, for one-line printable text."""
    if not text or text[0] == " " or text[-1] == " " or text.startswith(("---", "...")):
        return False
    first = text[0]
    if first in "#,[]{}&*!|>'\"%@`":
        return False
    if first in "?:-" and (len(text) == 1 or text[1] == " "):
        return False
    return not (text.endswith(":") or ": " in text or " #" in text)


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


CacheEntry = tuple[int, int, Document]
"""A parsed file as the cache keeps it: its size, its modification time, the slim document."""


def written_entry(
    path: Path, text: str, meta: dict[str, Any] | None = None, flat: bool = False
) -> CacheEntry:
    """The cache entry of ``text``, just written to ``path``. With ``meta``, the front matter
    :func:`render` wrote ``text`` from, the entry is made without parsing it again when it is
    of the kind YAML reads back exactly as it was (a page gathering thousands of repeats has
    a front matter of thousands of lines); ``flat``: :func:`rendered` said it was."""
    stat = path.stat()
    doc = _as_rendered(path, text, meta, flat) if meta is not None else None
    return (stat.st_size, stat.st_mtime_ns, doc if doc is not None else _parse(path, text).slim())


def _as_rendered(path: Path, text: str, meta: dict[str, Any], flat: bool) -> Document | None:
    """What parsing ``text`` gives, from the ``meta`` it was rendered from (None: parse it)."""
    if not _reads_back(meta) or not (flat or _dump_flat(meta) is not None):
        return None
    closing = _FENCE.search(text, text.find("\n") + 1)
    if closing is None:
        return None
    read = dict(meta)
    hashed = stamp_of(text)
    if hashed is not None:
        read[HASH_KEY] = hashed
    body_start = closing.end() + 1
    return Document(path, read, None, text.count("\n", 0, body_start) + 1, None)


def _reads_back(value: Any) -> bool:
    """Does YAML read ``value`` back as the very same value (and type) once dumped?"""
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_reads_back(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _reads_back(v) for k, v in value.items())
    return False


class ParseCache:
    """Documents parsed before, by path, size and modification time, kept in a pickle file
    digest owns (``.digest/content.pickle``), so a rebuild does not parse unchanged pages.

    A run that changed a few entries appends them to a journal beside the file
    (``content.pickle.journal``) instead of writing every entry again; the file is written
    whole, and the journal dropped, once the journal would grow past an eighth of its size.
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        self.journal = file.with_name(f"{file.name}.journal")
        self.entries: dict[str, CacheEntry] = {}
        self.dirty: dict[str, CacheEntry | None] = {}  # changed since read (None: forgotten)
        self.seen: set[str] = set()  # entries parsed or learnt in this run
        try:
            loaded = pickle.loads(file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            loaded = None
        if isinstance(loaded, dict):
            self.entries = loaded
            self._replay()

    @property
    def changed(self) -> bool:
        return bool(self.dirty)

    def _replay(self) -> None:
        """Apply the journal's changes, in order (a torn last one is left out)."""
        try:
            with self.journal.open("rb") as fh:
                while True:
                    changes = pickle.load(fh)
                    if not isinstance(changes, dict):
                        break
                    for key, entry in changes.items():
                        if entry is None:
                            self.entries.pop(key, None)
                        else:
                            self.entries[key] = entry
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            pass

    def parse(self, path: Path) -> Document:
        stat = path.stat()
        key = os.path.abspath(path)  # not resolved: a stat is enough, no walk of symlinks
        self.seen.add(key)
        entry = self.entries.get(key)
        if entry is not None and entry[:2] == (stat.st_size, stat.st_mtime_ns) and entry[2].path == path:
            return entry[2]
        doc = _parse(path)
        self._set(key, (stat.st_size, stat.st_mtime_ns, doc.slim()))
        return doc

    def parse_pages(self, folder: Path, names: list[str]) -> list[Document]:
        """:meth:`parse` of the files ``names`` in ``folder``: without a path object made for
        each page found in the cache (a folder may hold tens of thousands of Q&A pages)."""
        base = os.path.join(os.path.abspath(folder), "-")[:-1]  # the cache's key, but the name
        shown = str(folder / "-")[:-1]  # a document's path, but the name
        docs: list[Document] = []
        for name in names:
            key = base + name
            try:
                stat = os.stat(key)
            except OSError:
                stat = None
            entry = self.entries.get(key)
            if (
                stat is not None
                and entry is not None
                and entry[0] == stat.st_size
                and entry[1] == stat.st_mtime_ns
                and str(entry[2].path) == shown + name
            ):
                self.seen.add(key)
                docs.append(entry[2])
            else:
                docs.append(self.parse(folder / name))
        return docs

    def remember(self, path: Path, text: str) -> None:
        """``text`` was just written to ``path``: the next run need not parse it."""
        self.learn(path, written_entry(path, text))

    def learn(self, path: Path, entry: CacheEntry) -> None:
        """Keep ``entry`` (from :func:`written_entry`, maybe made in a worker process)."""
        key = os.path.abspath(path)
        self.seen.add(key)
        self._set(key, entry)

    def _set(self, key: str, entry: CacheEntry) -> None:
        self.entries[key] = self.dirty[key] = entry

    def save(self) -> None:
        """Forget the files gone since (checked for those this run did not read), then keep
        the changes: appended to the journal, or the whole file written anew."""
        for key in [key for key in self.entries if key not in self.seen and not os.path.exists(key)]:
            del self.entries[key]
            self.dirty[key] = None
        if not self.dirty:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        changes = pickling.dumps(self.dirty, (Document,))
        if len(changes) + _size(self.journal) <= _size(self.file) // 8:
            with self.journal.open("ab") as fh:
                fh.write(changes)
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{self.file.name}.", dir=self.file.parent)
        try:
            with os.fdopen(fd, "wb") as fh:  # straight into the file: no second copy in memory
                pickling.pickler(fh, (Document,)).dump(self.entries)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.journal.unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_CACHE: ContextVar[ParseCache | None] = ContextVar("digest_parse_cache", default=None)


def remember(path: Path, text: str) -> None:
    """Tell the active :func:`parsed_cache`, if any, what was just written to ``path``."""
    cache = _CACHE.get()
    if cache is not None:
        cache.remember(path, text)


def learn(path: Path, entry: CacheEntry) -> None:
    """Give the active :func:`parsed_cache`, if any, the entry of a file just written."""
    cache = _CACHE.get()
    if cache is not None:
        cache.learn(path, entry)


def caching() -> bool:
    """A :func:`parsed_cache` is active."""
    return _CACHE.get() is not None


def seen_stat(path: str) -> list[int] | None:
    """The size and modification time of ``path`` (absolute) as the active
    :func:`parsed_cache` read it in this run (None: it did not)."""
    cache = _CACHE.get()
    if cache is None or path not in cache.seen:
        return None
    entry = cache.entries.get(path)
    return [entry[0], entry[1]] if entry is not None else None


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
