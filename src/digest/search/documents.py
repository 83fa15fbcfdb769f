"""What search sees: Q&A pages, profiles and shared links, read from the site's own view.

Everything comes from curated ``content/`` (through :class:`~digest.pages.site.SiteModel`),
never from raw exports: a hidden page, an opted-out member or a curator's edit is searched
exactly as the site shows it, and whatever the distill stage redacted stays redacted.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from digest.i18n import STRINGS
from digest.pages.frontmatter import Document
from digest.pages.site import MemberEntry, QAEntry, SiteModel
from digest.search import analysis
from digest.text import short_hash, slugify

QA, PROFILE, RESOURCE = "qa", "profile", "resource"


class Guard(Protocol):
    """The build's privacy guard: what a page may show (see :mod:`digest.pages.guard`)."""

    def markdown(self, markdown: str, src_uri: str) -> str: ...

    def scrub_text(self, text: str) -> str: ...


# -- Markdown to plain text -------------------------------------------------------------------

_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"  # a backslash escape: the character itself
    r"|!?\[(?P<label>(?:\\.|[^\]\\])*)\]\((?P<target>[^)\s]*)(?:\s+\"[^\"]*\")?\)"  # [text](url)
    r"|<(?P<autolink>https?://[^>\s]+)>"  # <https://...>
    r"|<(?P<tag>/?[A-Za-z][^>]*)>"  # raw HTML tags are dropped
    r"|(?P<emphasis>\*\*|__|`+)"  # emphasis and code markers are dropped
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+\{[^}]*\})?\s*#*\s*$")
_LINE_BREAK = re.compile(r"(?:  |\\)$")


def _inline(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        if m.group("escaped") is not None:
            return m.group("escaped")
        if m.group("label") is not None:
            return _inline(m.group("label"))
        if m.group("autolink") is not None:
            return m.group("autolink")
        return ""

    return html.unescape(_INLINE.sub(replace, text))


def plain_text(markdown: str) -> str:
    """Readable text of a Markdown snippet: escapes undone, links reduced to their text."""
    lines: list[str] = []
    for line in markdown.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        lines.append(_inline(_LINE_BREAK.sub("", line.rstrip())).strip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- Q&A pages ----------------------------------------------------------------------------------

_LINK = re.compile(r"^\[(?P<label>(?:\\.|[^\]\\])*)\]\((?P<target>[^)\s]*)\)$")
_BYLINE = re.compile(r"^(?P<who>.+?) · (?P<date>\d{4}-\d{2}-\d{2})(?: · (?P<rest>.*))?$")
_ASKED_BY = tuple(sorted({s["asked_by"] for s in STRINGS.values()}, key=len, reverse=True))
_ACCEPTED = {s["accepted_answer"].casefold() for s in STRINGS.values()}
_ANSWERS = {s[key].casefold() for s in STRINGS.values() for key in ("other_answers", "answer")}


@dataclass(frozen=True, slots=True)
class Post:
    """One contribution as a Q&A page shows it: who (name and profile page), when, what."""

    author: str = ""
    author_uri: str = ""  # docs_dir URI of the author's profile page, "" if not linked
    date: str = ""  # YYYY-MM-DD as shown on the page
    text: str = ""  # plain text


@dataclass(frozen=True, slots=True)
class QAPage:
    """The parts of a Q&A page: the question, the accepted answer, the other answers."""

    id: str
    title: str
    uri: str
    question: Post
    accepted: Post | None = None
    suggested: tuple[Post, ...] = ()
    notes: str = ""  # any other section a curator added


def _byline(line: str, page_uri: str) -> tuple[str, str, str] | None:
    match = _BYLINE.match(line.strip())
    if match is None:
        return None
    who = match.group("who").strip()
    for prefix in _ASKED_BY:
        if who.startswith(prefix + " "):
            who = who[len(prefix) + 1 :].strip()
            break
    uri = ""
    link = _LINK.match(who)
    if link:
        who = link.group("label")
        target = link.group("target")
        if target and "://" not in target:
            uri = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), target))
    return _inline(who).strip(), uri, match.group("date")


def _posts(lines: list[str], page_uri: str) -> list[Post]:
    """Split a section into posts at each ``name · date`` line."""
    posts: list[Post] = []
    who, uri, date = "", "", ""
    body: list[str] = []
    started = False
    for line in lines:
        found = _byline(line, page_uri)
        if found is not None:
            if started or any(x.strip() for x in body):
                posts.append(Post(who, uri, date, plain_text("\n".join(body))))
            (who, uri, date), body, started = found, [], True
        else:
            body.append(line)
    if started or any(x.strip() for x in body):
        posts.append(Post(who, uri, date, plain_text("\n".join(body))))
    return posts


def parse_qa_page(qa_id: str, title: str, uri: str, body: str) -> QAPage:
    """Read a Q&A page body as the draft template lays it out; a free-form page still yields text."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in body.split("\n"):
        if line.startswith("# ") and len(sections) == 1 and not "".join(sections[0][1]).strip():
            continue  # the page title
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    question = Post()
    accepted: Post | None = None
    suggested: list[Post] = []
    notes: list[str] = []
    for heading, lines in sections:
        name = plain_text(heading)
        posts = _posts(lines, uri)
        if not heading:
            if posts:
                question = posts[0]
                extra = " ".join(p.text for p in posts[1:])
                if extra:
                    question = Post(
                        question.author,
                        question.author_uri,
                        question.date,
                        f"{question.text}\n{extra}".strip(),
                    )
        elif name.casefold() in _ACCEPTED and posts:
            accepted, suggested = posts[0], suggested + posts[1:]
        elif name.casefold() in _ANSWERS:
            suggested.extend(p for p in posts if p.text)
        else:
            notes.append(plain_text("\n".join([heading, *lines])))
    return QAPage(qa_id, title, uri, question, accepted, tuple(suggested), "\n".join(notes).strip())


# -- search documents ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable document; ``url`` is site-relative, exactly as the built site serves it."""

    id: str
    kind: str
    title: str
    url: str
    question: str = ""
    answer: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    author_keys: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    group_keys: tuple[str, ...] = ()
    date: datetime | None = None
    answered: bool = False
    link: str = ""  # resources: the shared URL itself

    @property
    def content_hash(self) -> str:
        """Changes whenever anything indexed changes, including the analysis itself."""
        record: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}  # all str, tuples
        record["date"] = self.date.isoformat() if self.date else None
        record["analysis"] = analysis.VERSION
        return hashlib.sha256(repr(sorted(record.items())).encode("utf-8")).hexdigest()[:32]


def page_url(uri: str, directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives the page built from docs_dir URI ``uri``."""
    parent, name = posixpath.split(uri)
    stem = posixpath.splitext(name)[0]
    if stem == "README":
        stem = "index"
    if not directory_urls:
        url = posixpath.join(parent, stem + ".html")
    elif stem == "index":
        url = (parent or ".") + "/"
    else:
        url = posixpath.join(parent, stem) + "/"
    return quote(url)


def keys(*values: str) -> tuple[str, ...]:
    """Filter keys of names, tags or groups: how ``author:``, ``tag:``, ``group:`` match."""
    return tuple(dict.fromkeys(slugify(v) for v in values if v and v.strip()))


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def qa_page(model: SiteModel, entry: QAEntry, guard: Guard | None = None) -> QAPage:
    """A Q&A page as the site shows it: after the guard scrubbed names and dead links."""
    body = model.content.qa[entry.id].body
    title = entry.title
    if guard is not None:
        body = guard.markdown(body, entry.uri)
        title = guard.scrub_text(title)
    return parse_qa_page(entry.id, title, entry.uri, body)


def _group_titles(model: SiteModel) -> dict[str, str]:
    return {f"{g.platform}/{g.id}": g.title for g in model.knowledge.groups}


def _qa_doc(model: SiteModel, entry: QAEntry, page: QAPage, directory_urls: bool) -> SearchDoc:
    meta = model.content.qa[entry.id].meta
    names = [model.members[m].name for m in (entry.asker, *entry.answerers) if m in model.members]
    shown = [p.author for p in (page.question, *([page.accepted] if page.accepted else []), *page.suggested)]
    authors = tuple(dict.fromkeys(n for n in (*shown, *names) if n))
    group = str(meta.get("group") or "")
    title = _group_titles(model).get(group, group)
    others = "\n".join(p.text for p in page.suggested)
    return SearchDoc(
        id=f"{QA}:{entry.id}",
        kind=QA,
        title=page.title,
        url=page_url(entry.uri, directory_urls),
        question=page.question.text,
        answer=page.accepted.text if page.accepted else "",
        body="\n".join(x for x in (others, page.notes) if x),
        tags=entry.tags,
        authors=authors,
        author_keys=keys(*authors, entry.asker, *entry.answerers),
        groups=(title,) if title else (),
        group_keys=keys(title, group, group.partition("/")[2]),
        date=entry.asked_at,
        answered=page.accepted is not None or bool(page.suggested),
    )


def _listed(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)] if value else []


def _profile_doc(model: SiteModel, entry: MemberEntry, directory_urls: bool) -> SearchDoc:
    meta = entry.profile
    doc: Document | None = model.content.members.get(entry.id)
    groups = entry.stats.groups if entry.stats else ()
    titles = _group_titles(model)
    fields = [
        *_listed(meta.get("nickname")),
        *_listed(meta.get("aliases")),
        *_listed(meta.get("city")),
        *_listed(meta.get("role")),
        *_listed(meta.get("skills")),
        *_listed(meta.get("offers")),
        *_listed(meta.get("seeking")),
    ]
    body = plain_text(doc.body) if doc is not None else ""
    return SearchDoc(
        id=f"{PROFILE}:{entry.id}",
        kind=PROFILE,
        title=entry.name,
        url=page_url(entry.uri, directory_urls),
        body="\n".join(x for x in (" · ".join(fields), body) if x),
        authors=(entry.name,),
        author_keys=keys(entry.name, entry.id, *_listed(meta.get("aliases"))),
        groups=tuple(titles.get(g, g) for g in groups),
        group_keys=keys(*(titles.get(g, g) for g in groups), *groups),
        date=entry.stats.last_seen if entry.stats else None,
    )


_URL = re.compile(r"https?://[^\s<>\"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+", re.IGNORECASE)
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|spm|from)=", re.IGNORECASE)


def normalize_url(url: str) -> str:
    """One key per resource: lowercase host, no fragment, no tracking parameters, no final slash."""
    parts = urlsplit(url.rstrip(".,;:!?)]}'\""))
    query = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.match(p))
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


@dataclass(slots=True)
class _Shared:
    url: str
    pages: list[tuple[QAEntry, Post]] = field(default_factory=list)


def _resource_docs(
    shared: Mapping[str, _Shared], qa_docs: Mapping[str, SearchDoc], directory_urls: bool
) -> Iterator[SearchDoc]:
    for key, item in sorted(shared.items()):
        first_entry, _post = item.pages[0]
        parts = urlsplit(item.url)
        title = (parts.netloc + parts.path).rstrip("/")
        contexts = [f"{entry.title}\n{post.text}" for entry, post in item.pages]
        authors = tuple(dict.fromkeys(post.author for _entry, post in item.pages if post.author))
        first = qa_docs[first_entry.id]
        yield SearchDoc(
            id=f"{RESOURCE}:{short_hash(key, length=16)}",
            kind=RESOURCE,
            title=title,
            url=page_url(first_entry.uri, directory_urls),
            body="\n".join(contexts),
            tags=tuple(dict.fromkeys(t for entry, _post in item.pages for t in entry.tags)),
            authors=authors,
            author_keys=keys(*authors),
            groups=first.groups,
            group_keys=first.group_keys,
            date=first.date,
            link=item.url,
        )


def _urls(text: str) -> Iterable[str]:
    for match in _URL.finditer(text):
        yield match.group().rstrip(".,;:!?)]}'\"")


def _scrubbed(doc: SearchDoc, scrub: Any) -> SearchDoc:
    return replace(
        doc,
        title=scrub(doc.title),
        question=scrub(doc.question),
        answer=scrub(doc.answer),
        body=scrub(doc.body),
        authors=tuple(scrub(a) for a in doc.authors),
    )


def documents(
    model: SiteModel,
    directory_urls: bool = True,
    guard: Guard | None = None,
    pages: Mapping[str, QAPage] | None = None,
) -> list[SearchDoc]:
    """Every searchable document of the site, sorted by id (deterministic).

    With the build's ``guard``, text is searched exactly as the pages show it: an opted-out
    member's name is found nowhere, not even in someone else's answer. ``pages``: the Q&A
    pages already read with that guard (by Q&A id), so they are not read again.
    """
    docs: list[SearchDoc] = []
    qa_docs: dict[str, SearchDoc] = {}
    shared: dict[str, _Shared] = {}
    for entry in sorted(model.qas, key=lambda e: e.id):
        page = pages[entry.id] if pages is not None and entry.id in pages else qa_page(model, entry, guard)
        doc = _qa_doc(model, entry, page, directory_urls)
        qa_docs[entry.id] = doc
        docs.append(doc)
        for post in (page.question, *([page.accepted] if page.accepted else []), *page.suggested):
            for url in _urls(post.text):
                key = normalize_url(url)
                shared.setdefault(key, _Shared(url)).pages.append((entry, post))
    for _member_id, member in sorted(model.members.items()):
        docs.append(_profile_doc(model, member, directory_urls))
    docs.extend(_resource_docs(shared, qa_docs, directory_urls))
    if guard is not None:
        docs = [_scrubbed(doc, guard.scrub_text) for doc in docs]
    return sorted(docs, key=lambda d: d.id)
