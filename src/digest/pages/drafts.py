"""Curated drafts: Q&A pages and member stubs written into content/ once, never over an edit.

A file digest generated carries the hash of what it wrote. While the hash still matches, the
file is digest's and may be regenerated when its thread grows; once a human edits it, digest
never writes it again. A deleted file is written anew by the next distill: to take a page
off the site, set ``hidden: true`` instead of deleting it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.distill import Knowledge
from digest.distill.intros import Intro
from digest.distill.profiles import Nickname, parse_nickname
from digest.errors import ContentError
from digest.model import QA, Member
from digest.pages.content import ContentIndex
from digest.pages.frontmatter import HASH_KEY, parse, render, write_atomic
from digest.pages.templates import Templates
from digest.text import short_hash, slugify


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
    knowledge: Knowledge, content: ContentIndex, templates: Templates, qa_dir: str, members_dir: str
) -> DraftReport:
    report = DraftReport()
    # Render everything first: a template error writes nothing.
    planned = list(plan_drafts(knowledge, content, templates, qa_dir, members_dir))
    for draft in planned:
        _write(draft.path, draft.meta, draft.body, report)
    return report


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
    member_paths = _member_paths(knowledge, content, members_dir)
    intros = {intro.member_id: intro for intro in knowledge.intros}
    group_titles = {f"{g.platform}/{g.id}": g.title for g in knowledge.groups}
    for member in knowledge.members:
        if only is not None and member.id != only:
            continue
        rel = member_paths[member.id]
        nick = knowledge.nicknames.get(member.id) or parse_nickname(member.name)
        page = _member_page(member, templates, nick, intros.get(member.id))
        yield Draft(member.id, content.docs_dir / rel, *page)
    qa_paths = _qa_paths(knowledge.qas, content, qa_dir)
    names = {m.id: m.name for m in knowledge.members}
    # Only public profiles are linked: a link to a removed one would be a broken link.
    public = {mid: path for mid, path in member_paths.items() if _public(mid, knowledge, content)}
    for qa in knowledge.qas:
        if only is not None and qa.id != only:
            continue
        rel = qa_paths[qa.id]
        links = {mid: _relative(rel, path) for mid, path in public.items()}
        yield Draft(qa.id, content.docs_dir / rel, *_qa_page(qa, templates, names, links, group_titles))


def _write(path: Path, meta: dict[str, Any], body: str, report: DraftReport) -> None:
    text = render(meta, body)
    if not path.exists():
        write_atomic(path, text)
        report.created.append(path)
        return
    doc = parse(path)
    if doc.edited:
        report.kept_edited.append(path)
    elif doc.meta.get(HASH_KEY) == parse(path, text).meta.get(HASH_KEY):
        report.unchanged += 1
    else:
        report.replaced[path] = path.read_text(encoding="utf-8")
        write_atomic(path, text)
        report.updated.append(path)


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
    return meta, templates.render("drafts/member.md.j2", member=member, profile=meta)


def _qa_page(
    qa: QA,
    templates: Templates,
    names: Mapping[str, str],
    links: Mapping[str, str],
    group_titles: Mapping[str, str],
) -> tuple[dict[str, Any], str]:
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
        "hidden": False,
    }
    body = templates.render(
        "drafts/qa.md.j2",
        qa=qa,
        names=names,
        links=links,
        group=group_titles.get(meta["group"], meta["group"]),
    )
    return meta, body
