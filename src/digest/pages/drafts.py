"""Curated drafts: Q&A pages and member stubs written into content/ once, never over an edit.

A file digest generated carries the hash of what it wrote. While the hash still matches, the
file is digest's and may be regenerated when its thread grows; once a human edits it, digest
never writes it again. A deleted file is written anew by the next distill: to take a page
off the site, set ``hidden: true`` instead of deleting it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from digest.distill import Knowledge
from digest.distill.intros import Intro
from digest.distill.profiles import Nickname, parse_nickname
from digest.distill.questions import Parts, judge_question, split_question, strip_detail_prefix
from digest.errors import ContentError
from digest.model import QA, Member
from digest.pages.content import ContentIndex
from digest.pages.curation import is_split
from digest.pages.frontmatter import (
    HASH_KEY,
    CacheEntry,
    caching,
    learn,
    parse,
    rendered,
    seen_stat,
    stamp_of,
    write_atomic,
    written_entry,
)
from digest.pages.templates import Templates
from digest.parallel import forked_map
from digest.text import record_digest, short_hash, slugify


@dataclass(frozen=True, slots=True)
class Draft:
    """One page as digest would write it now: a Q&A or a member stub."""

    id: str
    path: Path
    meta: dict[str, Any]
    body: str


@dataclass(slots=True)
class DraftReport:
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    unchanged: int = 0
    replaced: dict[Path, str] = field(default_factory=dict)  # the text each update replaced

    def rollback(self) -> None:
        """Undo this distill: remove the drafts it created, restore the ones it updated."""
        for path in self.created:
            path.unlink(missing_ok=True)
        for path, text in self.replaced.items():
            write_atomic(path, text)

    def summary(self) -> str:
        return (
            f"{len(self.created)} drafts created, {len(self.updated)} updated, "
            f"{len(self.kept_edited)} edited by curators and kept, {self.unchanged} unchanged"
        )


def write_drafts(
    knowledge: Knowledge,
    content: ContentIndex,
    templates: Templates,
    qa_dir: str,
    members_dir: str,
    manifest: Path | None = None,
) -> DraftReport:
    """Write new and grown drafts. With ``manifest`` (a file digest owns, beside the store), a
    draft whose inputs did not change since it was written, in a file nobody touched since, is
    neither rendered nor read again: checking it is a digest of a few fields and a stat."""
    report = DraftReport()
    known = _Manifest.read(manifest)
    plan = _Plan(knowledge, content, templates, qa_dir, members_dir)
    renamed = known.changed_people(plan.people)  # None: every draft must be checked
    recorded: dict[str, list[Any]] = {}
    pending: list[_Job] = []
    for job in plan.jobs():
        entry = known.drafts.get(job.where)
        if entry is not None and _current(job, entry, renamed):
            recorded[job.where] = entry
            report.unchanged += 1
            continue
        pending.append(job)
    try:  # written as they are rendered (not all held at once); an error takes back what was written
        for job, done in zip(pending, _write_all(pending), strict=True):
            done.settle(job.path, report)
            if done.stat is not None:
                recorded[job.where] = [job.key, *done.stat]
            if done.error is not None:
                raise done.error
    except BaseException:
        report.rollback()
        raise
    if manifest is not None:
        kept = {"drafts": recorded, "people": known.people_now(plan.people)}
        write_atomic(manifest, orjson.dumps(kept, option=orjson.OPT_SORT_KEYS).decode())
    return report


def _current(job: _Job, entry: list[Any], renamed: set[str] | None) -> bool:
    """Is the draft as the manifest's ``entry`` recorded it: the same key, the file untouched
    since, and nobody it names renamed (``renamed`` None: not known who was)?"""
    if entry[0] != job.key or renamed is None:
        return False
    if entry[1:] != (seen_stat(job.where) or _stat(job.where)):  # read this run: no stat again
        return False
    return not (renamed and job.shows(renamed))


def plan_drafts(
    knowledge: Knowledge,
    content: ContentIndex,
    templates: Templates,
    qa_dir: str,
    members_dir: str,
    only: str | None = None,
) -> Iterator[Draft]:
    """Every member stub and Q&A page (or ``only`` the one with that id) as digest would write
    it now; nothing is written."""
    for job in _Plan(knowledge, content, templates, qa_dir, members_dir).jobs(only):
        yield job.render()


@dataclass(frozen=True, slots=True)
class _Job:
    """A draft not rendered yet, and a digest of what its rendering reads (except the names and
    profile links of the people it shows: ``shows``)."""

    where: str  # the file, as the manifest names it
    key: str
    render: Callable[[], Draft]
    people: Callable[[], set[str]] | None = None  # the members it names (None: no one else)

    @property
    def path(self) -> Path:
        return Path(self.where)

    def shows(self, members: set[str]) -> bool:
        """Does the draft name one of ``members`` (whose name or profile link changed)?"""
        return self.people is not None and not members.isdisjoint(self.people())


@dataclass(frozen=True, slots=True)
class _Manifest:
    """What the last run wrote: each draft's key and file stat, and the name and profile link
    of every member then (``people``: a draft names people, its key does not)."""

    drafts: dict[str, list[Any]]
    people: dict[str, list[str | None]] | None

    @classmethod
    def read(cls, path: Path | None) -> _Manifest:
        if path is None:
            return cls({}, None)
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return cls({}, None)
        if not isinstance(data, dict):
            return cls({}, None)
        drafts, people = data.get("drafts"), data.get("people")
        if not isinstance(drafts, dict) or not isinstance(people, dict):
            return cls({}, None)
        return cls(drafts, people)

    def changed_people(self, now: dict[str, list[str | None]]) -> set[str] | None:
        """Members whose name or profile link changed since (None: not known). A member who
        was not there then is not counted: no draft written then can name them."""
        if self.people is None:
            return None
        return {mid for mid, then in self.people.items() if now.get(mid, _GONE) != then}

    def people_now(self, now: dict[str, list[str | None]]) -> dict[str, list[str | None]]:
        """The people to record: ``now``, and the members gone since as gone (should one come
        back, the drafts naming them are rendered again)."""
        gone = {mid: _GONE for mid in (self.people or {}) if mid not in now}
        return {**gone, **now}


_GONE: list[str | None] = [None, None]


class _Plan:
    """Every draft of the knowledge, with what each is made from."""

    def __init__(
        self, knowledge: Knowledge, content: ContentIndex, templates: Templates, qa_dir: str, members_dir: str
    ) -> None:
        self.knowledge, self.content, self.templates = knowledge, content, templates
        self.qa_dir = qa_dir
        self.member_paths = _member_paths(knowledge, content, members_dir)
        self.names = {m.id: m.name for m in knowledge.members}
        # Only public profiles are linked: a link to a removed one would be a broken link.
        self.public = {
            mid: path for mid, path in self.member_paths.items() if _public(mid, knowledge, content)
        }
        self.people = {
            mid: [self.names.get(mid), self.public.get(mid)] for mid in self.names.keys() | self.public.keys()
        }
        self.code = _code_key(templates)
        self.root = content.docs_dir.as_posix().rstrip("/") + "/"

    def jobs(self, only: str | None = None) -> Iterator[_Job]:
        knowledge, content, code = self.knowledge, self.content, self.code
        intros = {intro.member_id: intro for intro in knowledge.intros}
        for member in knowledge.members:
            if only is not None and member.id != only:
                continue
            where = self.root + self.member_paths[member.id]
            nick = knowledge.nicknames.get(member.id) or parse_nickname(member.name)
            intro = intros.get(member.id)
            # What a stub shows: not the member's counts and times, which change with every message.
            shown = (member.id, member.name, member.slug, member.groups)
            key = _key(code, "member", where, shown, nick, intro)
            yield _Job(where, key, partial(_member_draft, member, Path(where), self.templates, nick, intro))
        qa_paths = _qa_paths(knowledge.qas, content, self.qa_dir)
        group_titles = {f"{g.platform}/{g.id}": g.title for g in knowledge.groups}
        repeat_of = {
            qa.id: qa.repeat_of
            for qa in knowledge.qas
            if qa.repeat_of is not None and not is_split(content, qa.id, qa.repeat_of)
        }
        also: dict[str, list[QA]] = {}
        for qa in knowledge.qas:
            if qa.id in repeat_of:
                also.setdefault(repeat_of[qa.id], []).append(qa)
        for qa in knowledge.qas:
            if only is not None and qa.id != only:
                continue
            rel = qa_paths[qa.id]
            inputs = _QAInputs(
                qa,
                rel,
                self.names,
                self.public,
                group_titles,
                repeat_of.get(qa.id),
                tuple(also.get(qa.id, ())),
            )
            where = self.root + rel
            yield _Job(where, inputs.key(code), partial(inputs.draft, where, self.templates), inputs.people)


@dataclass(frozen=True, slots=True)
class _QAInputs:
    """What a Q&A draft is made from: its Q&A and the repeats it gathers (``joined``), the
    Q&A it joined itself (``earlier``), and the names and profile links of members."""

    qa: QA
    rel: str
    names: Mapping[str, str]
    public: Mapping[str, str]
    group_titles: Mapping[str, str]
    earlier: str | None
    joined: tuple[QA, ...]

    def key(self, code: str) -> str:
        """A digest of what the draft shows, but for the people it names (:meth:`people`)."""
        qa = self.qa
        group = self.group_titles.get(f"{qa.question.platform}/{qa.question.group_id}")
        return _key(code, "qa", self.rel, _known(qa), group, self.earlier, [_known(q) for q in self.joined])

    def people(self) -> set[str]:
        """The members the draft names (and links): the asker, the answerers, and each later
        asking shown with its one reply."""
        qa = self.qa
        people = {qa.question.member_id, *(a.message.member_id for a in qa.answers)}
        for other in self.joined[:ALSO_ASKED_SHOWN]:
            people.add(other.question.member_id)
            reply = other.accepted or (other.answers[0] if other.answers else None)
            if reply is not None:
                people.add(reply.message.member_id)
        return people

    def draft(self, where: str, templates: Templates) -> Draft:
        links = _Links(self.rel, self.public)
        meta, body = _qa_page(
            self.qa, templates, self.names, links, self.group_titles, self.earlier, self.joined
        )
        return Draft(self.qa.id, Path(where), meta, body)


def _member_draft(
    member: Member, path: Path, templates: Templates, nick: Nickname, intro: Intro | None
) -> Draft:
    return Draft(member.id, path, *_member_page(member, templates, nick, intro))


class _Links(Mapping[str, str]):
    """Member id -> link to the public profile from page ``rel``, made when asked for: a page
    names a few members, a community has thousands."""

    def __init__(self, rel: str, public: Mapping[str, str]) -> None:
        self._rel = rel
        self._public = public

    def __getitem__(self, member_id: str) -> str:
        return _relative(self._rel, self._public[member_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._public)

    def __len__(self) -> int:
        return len(self._public)


def _known(qa: QA) -> object:
    """The Q&A as a draft's key records it: by its origin, when distillation gave one (the same
    origin, the same Q&A: nothing to serialise), else whole."""
    return (qa.id, qa.origin, qa.repeat_of, qa.repeat_confidence) if qa.origin else qa


def _key(*parts: object) -> str:
    """A digest of the records' values: every field of the dataclasses, as orjson writes them."""
    return record_digest(parts)[:32]


def _code_key(templates: Templates) -> str:
    """The draft templates' text and the code that renders them."""
    digest = hashlib.sha256(str(templates.env.globals.get("language")).encode())
    loader = templates.env.loader
    for name in ("drafts/member.md.j2", "drafts/qa.md.j2"):
        if loader is not None:
            digest.update(loader.get_source(templates.env, name)[0].encode("utf-8"))
    here = Path(__file__).resolve().parent
    for module in ("drafts.py", "markdown.py", "templates.py", "frontmatter.py"):
        digest.update((here / module).read_bytes())
    digest.update((here.parent / "i18n.py").read_bytes())
    digest.update((here / "curation.py").read_bytes())  # which repeats stand (is_split)
    digest.update((here.parent / "distill" / "questions.py").read_bytes())  # scene and ask of a question
    return digest.hexdigest()


def _stat(path: str | Path) -> list[int]:
    try:
        stat = os.stat(path)
    except OSError:
        return [-1, -1]
    return [stat.st_size, stat.st_mtime_ns]


ALSO_ASKED_SHOWN = 20
"""Later askings of a question shown on its page (the first ones; the rest are counted, and all
are listed in the front matter): a question asked a thousand times is not a page of a thousand
copies of itself."""
PARALLEL_DRAFTS = 1000
"""From this many drafts to render, forked workers render and write them (where processes can
fork). Forking a process that holds a large community's knowledge costs more than a few
hundred drafts do (under a millisecond each, but for the pages that gather thousands of
repeats)."""
RENDER_CHUNK = 16
"""Drafts a worker renders in one go."""


def _write_all(jobs: list[_Job]) -> Iterator[_Written]:
    """Render and write each job's draft, in order: by one forked worker per core when there
    are many (they share the knowledge already in memory instead of receiving a copy)."""
    cache = caching()

    def write(index: int) -> _Written:
        return _write(jobs[index], cache)

    return forked_map(write, range(len(jobs)), len(jobs), PARALLEL_DRAFTS, RENDER_CHUNK)


@dataclass(frozen=True, slots=True)
class _Written:
    """What writing one draft did, told back to the process that keeps the report."""

    status: str  # "created", "updated", "kept_edited", "unchanged" or "failed"
    stat: list[int] | None = None  # size and modification time of the file as it was left
    replaced: str | None = None  # the text an update replaced
    entry: CacheEntry | None = None  # the parsed file, for the parse cache
    error: Exception | None = None  # why it failed (raised where the report is kept)

    def settle(self, path: Path, report: DraftReport) -> None:
        """Record it in ``report`` (and the parse cache), as if it had been done here."""
        if self.status == "created":
            report.created.append(path)
        elif self.status == "updated":
            assert self.replaced is not None
            report.replaced[path] = self.replaced
            report.updated.append(path)
        elif self.status == "kept_edited":
            report.kept_edited.append(path)
        elif self.status == "unchanged":
            report.unchanged += 1
        if self.entry is not None:
            learn(path, self.entry)


def _text(job: _Job) -> tuple[str, dict[str, Any], bool]:
    """The draft's text, the front matter it was rendered from, and whether that was written
    flat (see :func:`rendered`)."""
    draft = job.render()
    text, flat = rendered(draft.meta, draft.body)
    return text, draft.meta, flat


def _write(job: _Job, cache: bool) -> _Written:
    """Render ``job`` and write it, unless a curator edited the file or it would come out the
    same.

    An error is returned, not raised: a worker's earlier drafts must reach the report first
    (to be taken back). ``cache``: make the parse cache's entry of a file written."""
    path = job.path
    try:
        text, meta, flat = _text(job)
        if not path.exists():
            write_atomic(path, text)
            entry = written_entry(path, text, meta, flat) if cache else None
            return _Written("created", _stat(path), entry=entry)
        doc = parse(path)
        if doc.edited:
            return _Written("kept_edited", _stat(path))
        if doc.meta.get(HASH_KEY) == stamp_of(text):
            return _Written("unchanged", _stat(path))
        replaced = path.read_text(encoding="utf-8")
        write_atomic(path, text)
        entry = written_entry(path, text, meta, flat) if cache else None
        return _Written("updated", _stat(path), replaced, entry)
    except Exception as error:
        return _Written("failed", error=error)


def _member_paths(knowledge: Knowledge, content: ContentIndex, folder: str) -> dict[str, str]:
    """Existing pages keep their path; new members get a free slug (two 小王 get two pages)."""
    paths = {mid: content.rel(doc) for mid, doc in content.members.items()}
    taken = {p.casefold() for p in paths.values()}
    for member in knowledge.members:
        if member.id in paths:
            continue
        nick = knowledge.nicknames.get(member.id) or parse_nickname(member.name)
        stem = slugify(nick.name or member.name)
        suffixes = [short_hash(member.id, length=n) for n in (4, 8, 16, 64)]
        paths[member.id] = _free_path(folder, stem, suffixes, taken, content.docs_dir)
    return paths


def _free_path(folder: str, stem: str, suffixes: list[str], taken: set[str], docs_dir: Path) -> str:
    """``folder/stem.md``, or ``stem-SUFFIX.md`` with the first suffix no page has yet.

    Compared case-insensitively, as on the file systems of macOS and Windows.
    """
    for suffix in ["", *suffixes]:
        rel = f"{folder}/{stem}-{suffix}.md" if suffix else f"{folder}/{stem}.md"
        if rel.casefold() not in taken and not (docs_dir / rel).exists():
            taken.add(rel.casefold())
            return rel
    raise ContentError(docs_dir / folder, 1, f"no free file name for {stem!r}")  # pragma: no cover


def _public(member_id: str, knowledge: Knowledge, content: ContentIndex) -> bool:
    doc = content.members.get(member_id)
    meta = doc.meta if doc is not None else {}
    return member_id not in knowledge.private and not meta.get("hidden") and not meta.get("opt_out")


def _qa_paths(qas: tuple[QA, ...], content: ContentIndex, folder: str) -> dict[str, str]:
    paths = {qid: content.rel(doc) for qid, doc in content.qa.items()}
    taken = {p.casefold() for p in paths.values()}
    for qa in qas:
        if qa.id in paths:
            continue
        suffixes = [qa.id[2:6], qa.id[2:], short_hash(qa.id, length=64)]
        paths[qa.id] = _free_path(folder, slugify(qa.title, limit=50), suffixes, taken, content.docs_dir)
    return paths


def _relative(from_rel: str, to_rel: str) -> str:
    depth = from_rel.count("/")
    return "../" * depth + to_rel


def _member_page(
    member: Member, templates: Templates, nick: Nickname, intro: Intro | None = None
) -> tuple[dict[str, Any], str]:
    """The stub: the nickname's fields, and what the member's self-introduction said."""
    meta: dict[str, Any] = {
        "id": member.id,
        "name": nick.name,
        "nickname": member.name,
        "aliases": [],
        "city": intro.city if intro and intro.city else nick.city,
        "role": intro.role if intro and intro.role else nick.role,
        "company": intro.company if intro else "",
        "skills": list(intro.skills) if intro else [],
        "offers": list(intro.offers) if intro else [],
        "seeking": list(intro.seeking) if intro else [],
        "links": [],
        "opt_out": False,
    }
    shown = Member(member.id, member.name, member.slug, member.groups)  # only what the draft's key covers
    return meta, templates.render("drafts/member.md.j2", member=shown, profile=meta)


def _qa_page(
    qa: QA,
    templates: Templates,
    names: Mapping[str, str],
    links: Mapping[str, str],
    group_titles: Mapping[str, str],
    repeat_of: str | None = None,
    also_asked: Sequence[QA] = (),
) -> tuple[dict[str, Any], str]:
    """Front matter and body of a Q&A draft.

    The front matter records each judgement with how sure digest was (``question_confidence``,
    ``accepted_by`` and ``accepted_confidence``, ``repeat_of`` and ``repeat_confidence``) for
    curators to confirm or correct; ``also_asked`` lists the later questions that repeat this
    one, whose pages redirect here. The body reads as scene, details, then the ask.
    """
    q = qa.question
    accepted = qa.accepted
    meta: dict[str, Any] = {
        "id": qa.id,
        "title": qa.title,
        "group": f"{q.platform}/{q.group_id}",
        "asked_at": q.timestamp.isoformat(),
        "asker": q.member_id,
        "answerers": list(dict.fromkeys(a.message.member_id for a in qa.answers)),
        "accepted": accepted.message.id if accepted else None,
        "source": list(qa.source_ids),
        "tags": list(qa.tags),
        "status": "draft",
        "confidence": qa.confidence,
        "question_confidence": qa.question_confidence,
        "accepted_by": qa.accepted_by,
        "accepted_confidence": qa.accepted_confidence,
        "hidden": False,
    }
    if repeat_of is not None:
        meta["repeat_of"] = repeat_of
        meta["repeat_confidence"] = qa.repeat_confidence
    if also_asked:
        meta["also_asked"] = [
            {"id": o.id, "asker": o.question.member_id, "asked_at": o.question.timestamp.isoformat()}
            for o in also_asked
        ]
    opening = bool(qa.details) and not judge_question(q.text).is_question  # the ask is in a detail
    parts = Parts(q.text.strip(), "") if opening else split_question(q.text)
    body = templates.render(
        "drafts/qa.md.j2",
        qa=qa,
        scene=parts.scene,
        ask=parts.ask,
        details=[(d, strip_detail_prefix(d.text)) for d in qa.details],
        also_asked=also_asked[:ALSO_ASKED_SHOWN],
        also_more=max(0, len(also_asked) - ALSO_ASKED_SHOWN),
        names=names,
        links=links,
        group=group_titles.get(meta["group"], meta["group"]),
    )
    return meta, body
