"""Curated drafts: Q&A pages and member stubs written into content/ once, never over an edit.

A file digest generated carries the hash of what it wrote. While the hash still matches, the
file is digest's and may be regenerated when its thread grows; once a human edits it, digest
never writes it again. A deleted file is written anew by the next distill: to take a page
off the site, set ``hidden: true`` instead of deleting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.distill import Knowledge
from digest.distill.profiles import parse_nickname
from digest.model import QA, Member
from digest.pages.content import ContentIndex
from digest.pages.frontmatter import HASH_KEY, parse, render, write_atomic
from digest.pages.templates import Templates
from digest.text import short_hash, slugify


@dataclass(slots=True)
class DraftReport:
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.created)} drafts created, {len(self.updated)} updated, "
            f"{len(self.kept_edited)} edited by curators and kept, {self.unchanged} unchanged"
        )


def write_drafts(
    knowledge: Knowledge, content: ContentIndex, templates: Templates, qa_dir: str, members_dir: str
) -> DraftReport:
    report = DraftReport()
    member_paths = _member_paths(knowledge.members, content, members_dir)
    group_titles = {f"{g.platform}/{g.id}": g.title for g in knowledge.groups}
    for member in knowledge.members:
        rel = member_paths[member.id]
        _write(content.docs_dir / rel, *_member_page(member, templates), report)
    qa_paths = _qa_paths(knowledge.qas, content, qa_dir)
    names = {m.id: m.name for m in knowledge.members}
    for qa in knowledge.qas:
        rel = qa_paths[qa.id]
        links = {mid: _relative(rel, path) for mid, path in member_paths.items()}
        meta, body = _qa_page(qa, templates, names, links, group_titles)
        _write(content.docs_dir / rel, meta, body, report)
    return report


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
        write_atomic(path, text)
        report.updated.append(path)


def _member_paths(members: tuple[Member, ...], content: ContentIndex, folder: str) -> dict[str, str]:
    """Existing pages keep their path; new members get a free slug (two 小王 get two pages)."""
    paths = {mid: content.rel(doc) for mid, doc in content.members.items()}
    taken = set(paths.values())
    for member in members:
        if member.id in paths:
            continue
        stem = slugify(parse_nickname(member.name).name or member.name)
        rel = f"{folder}/{stem}.md"
        if rel in taken or (content.docs_dir / rel).exists():
            rel = f"{folder}/{stem}-{short_hash(member.id, length=4)}.md"
        paths[member.id] = rel
        taken.add(rel)
    return paths


def _qa_paths(qas: tuple[QA, ...], content: ContentIndex, folder: str) -> dict[str, str]:
    paths = {qid: content.rel(doc) for qid, doc in content.qa.items()}
    taken = set(paths.values())
    for qa in qas:
        if qa.id in paths:
            continue
        rel = f"{folder}/{slugify(qa.title, limit=50)}.md"
        if rel in taken or (content.docs_dir / rel).exists():
            rel = f"{folder}/{slugify(qa.title, limit=50)}-{qa.id[2:6]}.md"
        paths[qa.id] = rel
        taken.add(rel)
    return paths


def _relative(from_rel: str, to_rel: str) -> str:
    depth = from_rel.count("/")
    return "../" * depth + to_rel


def _member_page(member: Member, templates: Templates) -> tuple[dict[str, Any], str]:
    nick = parse_nickname(member.name)
    meta: dict[str, Any] = {
        "id": member.id,
        "name": nick.name,
        "nickname": member.name,
        "aliases": [],
        "city": nick.city,
        "role": nick.role,
        "skills": [],
        "offers": [],
        "seeking": [],
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
