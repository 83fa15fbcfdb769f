"""``digest check``: lints content/ for curators' pull requests, one ``path:line: message`` per problem.

Every file under docs_dir is checked against its kind's front-matter schema
(``pages/schema.py``): unknown keys (with a did-you-mean), wrong types, missing required keys,
duplicate ids, references to unknown members, Q&A, events or tags, ``merge_into`` chains that
end nowhere or loop, redirects that collide, and internal Markdown links (parsed with
markdown-it-py) that lead to no page: neither a file nor a page the plugin generates.

The community's templates under ``site_templates/`` are checked too: each must compile, and
each must be one digest reads (an override named as digest no longer names it is reported, with
the name it probably meant).

It reads only content/, site_templates/ and mkdocs.yml (plus the group titles in the store,
read-only, when there is one): no import, no distill, nothing written.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from digest import config as settings
from digest.config import DigestConfig
from digest.distill import Knowledge
from digest.errors import ConfigError, ContentError, DigestError
from digest.groups import is_public
from digest.model import Group
from digest.pages.consent import read_consent_file
from digest.pages.content import ContentIndex
from digest.pages.curation import curate
from digest.pages.frontmatter import HASH_KEY, Document, parse, stamp
from digest.pages.schema import CLOSED, RANGE_KEYS, SCHEMAS, TYPES, Field, Kind, Ref, describe, kind_of
from digest.pages.site import SiteModel
from digest.pages.templates import Templates
from digest.store import Store

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

PARALLEL_FROM = 2_000  # files; below this, worker processes cost more than they save
PARALLEL_CORES = 4
"""Fewer cores check in one process: a file takes ~90 µs to check but ~45 µs more to send back
from a worker, so two workers would save a sixth of the wall time for half as much CPU again
(which a shared machine does not have to give)."""


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding: where it is, what is wrong, and a short code for tools."""

    path: str  # relative to the community's folder (where mkdocs.yml is)
    line: int
    message: str
    code: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "code": self.code, "message": self.message}


@dataclass(slots=True)
class CheckReport:
    files: int
    problems: list[Problem]

    def as_json(self) -> dict[str, Any]:
        return {"files": self.files, "problems": [p.as_json() for p in self.problems]}

    def summary(self) -> str:
        if not self.problems:
            return f"checked {self.files} files: no problems"
        return f"checked {self.files} files: {len(self.problems)} problems"


@dataclass(slots=True)
class _Scanned:
    """One file after the per-file pass (picklable: it crosses process boundaries)."""

    rel: str  # relative to docs_dir
    kind: Kind
    doc: Document | None = None  # None when the front matter could not be read
    valid: bool = True  # the front matter matches its schema (types and required keys)
    links: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)


def check(config_file: Path) -> CheckReport:
    """Check every file in docs_dir; never raises for a content problem, only for a bad config."""
    docs, cfg = _settings(config_file)
    root = config_file.resolve().parent
    files = sorted(_files(docs))
    consent_file = cfg.privacy.consent_file
    to_scan = [rel for rel in files if rel.endswith(".md")]
    scanned = {s.rel: s for s in _scan_all(docs, to_scan, cfg)}
    checker = _Checker(root, docs, cfg, scanned, set(files))
    if consent_file in files:
        checker.consent(docs / consent_file)
    checker.cross_file(_groups(root / cfg.store, cfg))
    templates, template_problems = _check_templates(root / "site_templates")
    problems = sorted({*checker.problems, *template_problems})
    return CheckReport(len(to_scan) + (consent_file in files) + templates, problems)


def _settings(config_file: Path) -> tuple[Path, DigestConfig]:
    """docs_dir and digest's settings, read from mkdocs.yml with MkDocs' own YAML loader and
    validated with digest's schema, without loading the theme and every plugin as a build does
    (that imports the whole site machinery and costs more than checking 5,000 pages)."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such file; run `digest init` to create a community here")
    try:
        with config_file.open("rb") as fh:
            raw = yaml_load(fh)
    except ConfigurationError as exc:
        raise ConfigError(f"{config_file}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_file}: expected a mapping of settings")
    plugins = raw.get("plugins") or []
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else [next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, {}) for p in plugins]
    )
    options = next((opts or {} for name, opts in entries if name == "digest"), None)
    if options is None:
        raise ConfigError(f"{config_file}: the digest plugin is not enabled (add `- digest` to plugins)")
    cfg = DigestConfig(config_file_path=str(config_file))
    cfg.load_dict(options)
    errors, _warnings = cfg.validate()
    if errors:
        detail = "; ".join(f"Plugin 'digest' option {key!r}: {err}" for key, err in errors)
        raise ConfigError(f"{config_file}: {detail}")
    docs = settings.resolve(config_file, str(raw.get("docs_dir", "docs"))).resolve()
    if not docs.is_dir():
        raise ConfigError(f"{config_file}: docs_dir {docs} is not a folder")
    return docs, cfg


# -- the per-file pass ---------------------------------------------------------------------------


def _files(docs: Path) -> Iterator[str]:
    """Every file MkDocs would see: dot files and dot folders are left out, as MkDocs does."""
    for folder, dirs, names in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(docs).as_posix()
        for name in names:
            if not name.startswith("."):
                yield name if base == "." else f"{base}/{name}"


def _scan_all(docs: Path, rels: Sequence[str], cfg: DigestConfig) -> list[_Scanned]:
    jobs = [(docs, rel, kind_of(rel, cfg.qa_dir, cfg.members_dir)) for rel in rels]
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_FROM or workers < max(PARALLEL_CORES, 2):
        return [_scan(*job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    chunk = (len(jobs) + workers - 1) // workers
    with ProcessPoolExecutor(workers) as pool:
        parts = pool.map(_scan_chunk, [jobs[i : i + chunk] for i in range(0, len(jobs), chunk)])
        return [s for part in parts for s in part]


def _scan_chunk(jobs: list[tuple[Path, str, Kind]]) -> list[_Scanned]:
    return [_scan(*job) for job in jobs]


def _scan(docs: Path, rel: str, kind: Kind) -> _Scanned:
    result = _Scanned(rel, kind)
    path = docs / rel
    try:
        text = _read_text(path)
        doc = parse(path, text)
    except UnicodeDecodeError as exc:
        result.problems.append((1, "read", f"not UTF-8 text ({exc.reason})"))
        return result
    except ContentError as exc:
        result.problems.append((exc.line, "front-matter", exc.detail))
        return result
    if kind in (Kind.QA, Kind.MEMBER, Kind.EVENT) and not text.startswith("---"):
        kind = result.kind = Kind.PAGE  # a curator's free page in the folder: fine
    result.valid = _check_schema(doc, kind, result.problems)
    result.links = list(_links(doc.body, doc.body_line, generated=not _edited(doc, text)))
    # The body is not needed any more: keep the pickle small.
    result.doc = Document(doc.path, doc.meta, "", doc.body_line, doc.lines)
    return result


def _read_text(path: Path) -> str:
    """``path.read_text(encoding="utf-8")``: the same text (line ends made ``\\n``), read faster."""
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _edited(doc: Document, text: str) -> bool:
    recorded = doc.meta.get(HASH_KEY)
    return not recorded or recorded != stamp(text)


@cache
def _schema(kind: Kind) -> tuple[Mapping[str, Field], bool, tuple[str, ...]]:
    """A kind's schema, whether unknown keys are errors, and its required keys."""
    schema = SCHEMAS.get(kind, {})
    return schema, kind in CLOSED, tuple(key for key, spec in schema.items() if spec.required)


def _check_schema(doc: Document, kind: Kind, out: list[tuple[int, str, str]]) -> bool:
    """Append the front matter's problems against its kind's schema; True if it has none that
    make it unusable (wrong types, missing or empty required keys)."""
    schema, closed, required = _schema(kind)
    ok = True
    for key, value in doc.meta.items():
        spec = schema.get(str(key))
        if spec is None:
            if closed:
                hint = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.6)
                mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                out.append((doc.lines.get(str(key), 1), "unknown-key", f"unknown key {key!r}{mean}"))
            continue
        if value is None or value == "":
            if spec.required:
                line = doc.lines.get(str(key), 1)
                out.append((line, "required", f"{key!r} is required and must not be empty"))
                ok = False
            continue
        test, expected = TYPES[spec.type]
        extra = (
            [k for k in value if k not in RANGE_KEYS]
            if spec.type == "range" and isinstance(value, dict)
            else []
        )
        if extra:
            line = doc.lines.get(str(key), 1)
            for sub in extra:
                where = doc.lines.get(f"{key}.{sub}", line)
                known = " and ".join(repr(k) for k in RANGE_KEYS)
                out.append(
                    (where, "unknown-key", f"unknown key {sub!r} in {key!r} (a date range has {known})")
                )
            ok = False
        elif not test(value):
            line = doc.lines.get(str(key), 1)
            out.append((line, "type", f"{key!r} should be {expected}, not {describe(value)}"))
            ok = False
        elif spec.choices and value not in spec.choices:
            line = doc.lines.get(str(key), 1)
            choices = " or ".join(repr(c) for c in spec.choices)
            out.append((line, "type", f"{key!r} should be {choices}, not {describe(value)}"))
            ok = False
    for key in required:
        if key not in doc.meta:
            out.append((1, "required", f"missing required key {key!r}"))
            ok = False
    return ok


_GENERATED_LINK = re.compile(r"(?<!\\)\]\(([^()\s]*)\)")


@cache
def _markdown() -> MarkdownIt:
    """markdown-it-py, blocks only (the inline parser runs only where a link may be)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


def _links(body: str, first_line: int, generated: bool) -> Iterator[tuple[int, str]]:
    """(line, destination) of every link and image in a Markdown body.

    A page digest generated and nobody edited holds only links written by ``md_link`` (chat
    text escapes every bracket, and URLs carry no spaces or parentheses): a regular expression
    finds them exactly. So does :func:`_plain_links` for most edited pages. Any other page goes
    through markdown-it-py: blocks first, then the inline parser on the blocks that may hold a
    link (code blocks never do).
    """
    if generated:
        for match in _GENERATED_LINK.finditer(body):
            yield first_line + body.count("\n", 0, match.start()), match.group(1)
        return
    plain = _plain_links(body)
    if plain is not None:
        for offset, href in plain:
            yield first_line + offset, href
        return
    yield from _parsed_links(body, first_line)


def _parsed_links(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(line, destination) of every link and image, as markdown-it-py parses the body."""
    markdown = _markdown()
    env: dict[str, Any] = {}
    for token in markdown.parse(body, env):
        if token.type != "inline" or token.map is None or "]" not in token.content:
            continue
        if "](" not in token.content and "][" not in token.content and not env.get("references"):
            continue
        children: list[Any] = []
        markdown.inline.parse(token.content, markdown, env, children)
        line = first_line + token.map[0]
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                yield line, str(child.attrs.get("href", ""))
            elif child.type == "image":
                yield line, str(child.attrs.get("src", ""))


# A line that opens no block of its own: not indented (code, continuation), no quote, list,
# fence, HTML block, thematic break, setext underline or table delimiter row.
_BLOCK_START = re.compile(r"[ \t>\-+*_=`~<|:]|[0-9]{1,9}[.)](?:[ \t]|$)")
# ... and a line starting with a bracket must start with a link (a reference definition is
# ``[label]:``, and a label holds no bracket).
_LINK_FIRST = re.compile(r"!?\[[^\[\]\\`<\n]*\]\(")
_SIGNIFICANT = re.compile(r"\\[\s\S]|<|`+|!?\[|\]")
_INLINE_LINK = re.compile(r"!?\[[^\[\]\\`<\n]*\]\(((?!//)[A-Za-z0-9_.~/#?=+-]*)\)")
"""``[text](dest)`` or ``![alt](src)``: markdown-it-py's link rule reads it so, and its
destination is one ``normalizeLink`` leaves as it is."""
_ANGLED = re.compile(r"<([^<>\n]*)>")
_HTML_START = re.compile(r"<[A-Za-z/!?]")
_BACKTICKS = re.compile(r"`+")


def _plain_links(body: str) -> list[tuple[int, str]] | None:
    """(line offset, destination) of every link and image, exactly as markdown-it-py finds
    them, for a body of paragraphs and ATX headings; None for any other body.

    Such a body is inline text throughout, so one scan from left to right reads it as the
    inline parser does: escapes, URL and e-mail autolinks, code spans closed on their line,
    and links whose text holds no bracket, backtick or ``<`` and whose destination needs no
    normalising. Anything else that could change what is a link (a stray bracket, HTML, a
    code span running on) returns None. Autolinks are left out: they always name a scheme,
    and check never reports a link with one.
    """
    if "\r" in body or "\0" in body:
        return None  # markdown-it turns these into line breaks and U+FFFD first
    for line in body.split("\n"):
        if not line.strip(" \t"):
            continue
        if _BLOCK_START.match(line) or (line[0] in "![" and not _LINK_FIRST.match(line)):
            return None
    links: list[tuple[int, str]] = []
    pos = 0
    while (match := _SIGNIFICANT.search(body, pos)) is not None:
        start, pos = match.span()
        first = body[start]
        if first == "\\":
            continue  # an escaped character (or a hard break) is text
        if first == "<":
            angled = _ANGLED.match(body, start)
            if angled is not None and _is_autolink(angled.group(1)):
                pos = angled.end()
            elif _HTML_START.match(body, start):
                return None  # may be inline HTML
            continue
        if first == "`":
            closing = _code_span_end(body, pos, pos - start)
            if closing is None:
                return None
            pos = closing
            continue
        if first == "]":
            return None
        link = _INLINE_LINK.match(body, start)
        if link is None:
            return None
        links.append((body.count("\n", 0, start), link.group(1)))
        pos = link.end()
    return links


# CommonMark's absolute URI: a scheme of 2 to 32 characters, ``:``, no control character,
# space or angle bracket. markdown-it-py reads every such ``<URI>`` as an autolink too, unless
# the scheme is one it refuses: then ``<`` is text and what follows may hold a link, so such a
# body is left to markdown-it-py.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\x00-\x20\x7f<>]*")
_REFUSED_SCHEME = re.compile(r"(?:vbscript|javascript|file|data):", re.IGNORECASE)


def _is_autolink(text: str) -> bool:
    """``<text>`` is a URL or e-mail autolink (e-mail by markdown-it-py's own pattern)."""
    if _URI.fullmatch(text) is not None:
        return _REFUSED_SCHEME.match(text) is None
    if "@" not in text:
        return False
    from markdown_it.rules_inline.autolink import EMAIL_RE

    return EMAIL_RE.search(text) is not None


def _code_span_end(body: str, pos: int, length: int) -> int | None:
    """Where the code span opened by ``length`` backticks before ``pos`` ends, if it ends on
    the same line (markdown-it closes it at the first run of as many backticks)."""
    end = body.find("\n", pos)
    end = len(body) if end < 0 else end
    while (run := _BACKTICKS.search(body, pos, end)) is not None:
        if run.end() - run.start() == length:
            return run.end()
        pos = run.end()
    return None


# -- the cross-file pass --------------------------------------------------------------------------


class _Checker:
    def __init__(
        self, root: Path, docs: Path, cfg: DigestConfig, scanned: dict[str, _Scanned], files: set[str]
    ) -> None:
        self.root, self.docs, self.cfg = root, docs, cfg
        self.scanned, self.files = scanned, files
        self.problems: list[Problem] = []
        self.opted_out: set[str] = set()
        for s in scanned.values():
            for line, code, message in s.problems:
                self._add(s.rel, line, code, message)

    def _add(self, rel: str, line: int, code: str, message: str) -> None:
        path = self.docs / rel
        shown = os.path.relpath(path, self.root) if path.is_relative_to(self.root) else str(path)
        self.problems.append(Problem(Path(shown).as_posix(), line, message, code))

    def _error(self, exc: ContentError, code: str) -> None:
        self._add(str(self.docs / exc.path), exc.line, code, exc.detail)  # docs / absolute = absolute

    def consent(self, path: Path) -> None:
        try:
            listed = read_consent_file(path)
        except ContentError as exc:
            self._error(exc, "privacy")
            return
        self.opted_out = set(listed["opt_out"]) | set(listed["opt_in"])

    def cross_file(self, groups: Sequence[Group]) -> None:
        by_kind: dict[Kind, dict[str, _Scanned]] = {Kind.QA: {}, Kind.MEMBER: {}, Kind.EVENT: {}}
        for rel, s in sorted(self.scanned.items()):
            if s.doc is None or s.kind not in by_kind or not isinstance(s.doc.meta.get("id"), str):
                continue
            ids = by_kind[s.kind]
            doc_id = s.doc.meta["id"]
            if doc_id in ids:
                message = f"id {doc_id!r} is already used by {ids[doc_id].rel}"
                self._add(rel, s.doc.lines.get("id", 1), "duplicate-id", message)
            else:
                ids[doc_id] = s
        known: dict[Ref, set[str]] = {
            Ref.QA: set(by_kind[Kind.QA]),
            Ref.MEMBER: set(by_kind[Kind.MEMBER]) | self.opted_out,
            Ref.EVENT: set(by_kind[Kind.EVENT]),
            Ref.TAG: set(self.cfg.tags),
        }
        for s in self.scanned.values():
            if s.doc is not None:
                self._references(s, s.doc, known)
        content = ContentIndex(
            self.docs,
            qa={i: s.doc for i, s in by_kind[Kind.QA].items() if s.valid and s.doc},
            members={i: s.doc for i, s in by_kind[Kind.MEMBER].items() if s.valid and s.doc},
        )
        self._links(content, groups)

    def _references(self, s: _Scanned, doc: Document, known: Mapping[Ref, set[str]]) -> None:
        schema = SCHEMAS.get(s.kind, {})
        for key, value in doc.meta.items():
            spec = schema.get(str(key))
            # merge_into is resolved (targets, chains, cycles) with the other curation below.
            if spec is None or spec.ref is None or key == "merge_into" or not TYPES[spec.type][0](value):
                continue
            if spec.ref is Ref.TAG and not known[Ref.TAG]:
                continue  # no vocabulary in mkdocs.yml: tags are free
            values = value if isinstance(value, list) else [value]
            for i, item in enumerate(values):
                if item in known[spec.ref]:
                    continue
                line = doc.lines.get(f"{key}[{i}]", doc.lines.get(str(key), 1))
                hint = difflib.get_close_matches(str(item), sorted(known[spec.ref]), n=1, cutoff=0.85)
                mean = f" (did you mean {hint[0]!r}?)" if hint else ""
                where = "; tags must be in the tags vocabulary of mkdocs.yml" if spec.ref is Ref.TAG else ""
                self._add(s.rel, line, "unknown-ref", f"unknown {spec.ref} {item!r} in {key!r}{mean}{where}")

    def _links(self, content: ContentIndex, groups: Sequence[Group]) -> None:
        try:  # content a build takes as it is: the build's own curation is the one to check
            site = SiteModel.build(_empty(groups), content, self.cfg, Templates())
            curation = site.curation
        except ContentError:
            curation = curate(content, self.cfg.drafts)
            for problem in curation.problems:
                self._error(problem, "merge" if "merge_into" in problem.detail else "redirect")
            broken = {Path(p.path) for p in curation.problems}
            try:
                site = SiteModel.build(
                    _empty(groups), _without_curation(content, broken), self.cfg, Templates()
                )
            except ContentError as exc:  # what a build would stop at: report it, links cannot be checked
                self._error(exc, "build")
                return
        try:
            generated = set(site.uris())
        except ContentError as exc:
            self._error(exc, "build")
            return
        hidden = set(site.hidden)
        pages = (self.files | generated) - hidden
        for old in sorted(curation.redirects):
            if old in pages:
                self._redirect_clash(old)
        merged = {content.rel(content.qa[q]): content.rel(content.qa[t]) for q, t in curation.merges.items()}
        messages: dict[tuple[str, str], str | None] = {}  # (folder, href): the same answer
        for rel, s in sorted(self.scanned.items()):
            folder = posixpath.dirname(rel)
            for line, href in s.links:
                if (folder, href) in messages:
                    message = messages[folder, href]
                else:
                    message = messages[folder, href] = self._link(
                        rel, href, pages, hidden, merged, curation.redirects
                    )
                if message:
                    self._add(rel, line, "link", message)

    def _redirect_clash(self, old: str) -> None:
        for rel, s in sorted(self.scanned.items()):
            olds = s.doc.meta.get("redirect_from") if s.doc is not None else None
            if s.doc is not None and isinstance(olds, list) and old in olds:
                line = s.doc.lines.get(f"redirect_from[{olds.index(old)}]", 1)
                self._add(rel, line, "redirect", f"redirect_from: {old} is still a page of its own")

    def _link(
        self,
        rel: str,
        href: str,
        pages: set[str],
        hidden: set[str],
        merged: Mapping[str, str],
        redirects: Mapping[str, str],
    ) -> str | None:
        parts = urlsplit(href)
        path = unquote(parts.path)
        if parts.scheme or parts.netloc or not path or path.startswith("/"):
            return None  # external, same-page anchor, or absolute (MkDocs leaves those alone)
        if not path.endswith(".md") and "." not in posixpath.basename(path):
            return None  # a folder or extensionless URL: MkDocs does not resolve those either
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
        if target == ".." or target.startswith("../"):
            return f"link {href!r} points outside docs_dir"
        if target in pages:
            return None
        if target in merged:
            return f"link {href!r} goes to a merged Q&A: link to {_rel(rel, merged[target])} instead"
        if target in hidden:
            return f"link {href!r} goes to a page that is not on the site (hidden, opted out or held)"
        if target in redirects:
            return f"link {href!r} goes to an old path: the page moved to {_rel(rel, redirects[target])}"
        candidates = sorted(p for p in pages if p.endswith(".md"))
        near = difflib.get_close_matches(target, candidates, n=1, cutoff=0.85)
        mean = f" (did you mean {_rel(rel, near[0])!r}?)" if near else ""
        what = "page" if target.endswith(".md") else "file"
        return f"broken link {href!r}: no such {what}{mean}"


def _rel(from_rel: str, to_rel: str) -> str:
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel) or ".")


def _without_curation(content: ContentIndex, broken: set[Path]) -> ContentIndex:
    """The index with the failing curation keys dropped, so the site model can still be built."""
    if not broken:
        return content

    def clean(doc: Document) -> Document:
        if doc.path not in broken:
            return doc
        meta = {k: v for k, v in doc.meta.items() if k not in ("merge_into", "redirect_from")}
        return replace(doc, meta=meta)

    return ContentIndex(
        content.docs_dir,
        qa={i: clean(d) for i, d in content.qa.items()},
        members={i: clean(d) for i, d in content.members.items()},
    )


def _empty(groups: Sequence[Group]) -> Knowledge:
    """No messages: the site model only needs the content to know which pages it generates."""
    return Knowledge(
        groups=tuple(groups),
        qas=(),
        unanswered=(),
        members=(),
        contributions=(),
        now=datetime(1970, 1, 1, tzinfo=UTC),
        message_count=0,
    )


def _check_templates(folder: Path) -> tuple[int, list[Problem]]:
    """The community's templates (``site_templates/**/*.j2``): each must compile, and each must
    be one digest reads: a template of its own name, or one such a template includes, imports
    or extends (an override whose name digest no longer reads would be ignored silently)."""
    import jinja2
    from jinja2 import meta

    from digest.pages.templates import builtin_templates

    if not folder.is_dir():
        return 0, []
    shipped = builtin_templates()
    names = {path.relative_to(shipped).as_posix() for path in shipped.rglob("*.j2")}
    own = {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*.j2"))}
    env = Templates("en", folder).env
    problems: list[Problem] = []
    read = set(names)  # what digest renders, and what those templates pull in
    for name in sorted(names | own.keys()):
        path = own.get(name, shipped / name)
        where = f"{folder.name}/{name}"
        try:
            tree = env.parse(path.read_text(encoding="utf-8"), name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            why = f"template does not compile: {exc.message}"
            problems.append(Problem(where, exc.lineno, why, "template"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(where, 1, f"template cannot be read: {exc}", "template"))
            continue
        read.update(found for found in meta.find_referenced_templates(tree) if found)
    for name in sorted(own.keys() - read):
        stem = name.removesuffix(".j2").rsplit(".", 1)[0]  # the same page in another format first
        hint = [n for n in sorted(names) if n.removesuffix(".j2").rsplit(".", 1)[0] == stem]
        hint = hint or difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
        instead = f"; did you mean {hint[0]}?" if hint else ""
        message = f"digest never reads this template: no page is made from {name}{instead}"
        problems.append(Problem(f"{folder.name}/{name}", 1, message, "template"))
    return len(own), problems


def _groups(store_path: Path, cfg: DigestConfig) -> list[Group]:
    """The public groups known to the store, read-only (group pages are named by their titles)."""
    if not store_path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        groups = Store(conn).groups()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [g for g in groups if is_public(g, cfg.groups.publish, cfg.groups.private)]


__all__ = ["CheckReport", "DigestError", "Problem", "check"]
