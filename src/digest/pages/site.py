"""Machine-made pages: the site's view of curated content plus distilled knowledge.

``SiteModel`` merges what curators wrote (front matter under content/) with what the store
says (activity, points) and renders the generated pages as Markdown. It knows nothing of
MkDocs: the plugin only hands the results to the engine.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from digest.config import DigestConfig
from digest.distill import Knowledge
from digest.distill.scoring import Standing, leaderboard
from digest.model import Member
from digest.pages.content import ContentIndex
from digest.pages.markdown import md_link
from digest.pages.templates import Templates
from digest.text import slugify


@dataclass(frozen=True, slots=True)
class QAEntry:
    id: str
    title: str
    uri: str
    tags: tuple[str, ...]
    asked_at: datetime | None
    asker: str
    answerers: tuple[str, ...]
    accepted: bool
    status: str
    score: float


@dataclass(frozen=True, slots=True)
class MemberEntry:
    id: str
    name: str
    uri: str
    profile: dict[str, Any]
    stats: Member | None


@dataclass(slots=True)
class SiteModel:
    knowledge: Knowledge
    content: ContentIndex
    settings: DigestConfig
    templates: Templates
    qas: list[QAEntry] = field(default_factory=list)
    members: dict[str, MemberEntry] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)  # src URIs to leave out of the site

    @classmethod
    def build(
        cls, knowledge: Knowledge, content: ContentIndex, settings: DigestConfig, templates: Templates
    ) -> SiteModel:
        model = cls(knowledge, content, settings, templates)
        stats = {m.id: m for m in knowledge.members}
        for member_id, doc in content.members.items():
            uri = content.rel(doc)
            if doc.meta.get("hidden") or doc.meta.get("opt_out"):
                model.hidden.add(uri)
                continue
            name = str(doc.meta.get("name") or stats.get(member_id, Member(member_id, member_id, "")).name)
            model.members[member_id] = MemberEntry(member_id, name, uri, doc.meta, stats.get(member_id))
        reactions = {qa.id: sum(a.message.reaction_count for a in qa.answers) for qa in knowledge.qas}
        for qa_id, doc in content.qa.items():
            uri = content.rel(doc)
            meta = doc.meta
            if meta.get("hidden"):
                model.hidden.add(uri)
                continue
            asked = meta.get("asked_at")
            model.qas.append(
                QAEntry(
                    id=qa_id,
                    title=str(meta.get("title") or qa_id),
                    uri=uri,
                    tags=tuple(str(t) for t in meta.get("tags") or ()),
                    asked_at=datetime.fromisoformat(str(asked)) if asked else None,
                    asker=str(meta.get("asker") or ""),
                    answerers=tuple(str(a) for a in meta.get("answerers") or ()),
                    accepted=meta.get("accepted") is not None,
                    status=str(meta.get("status") or "draft"),
                    score=reactions.get(qa_id, 0) + 3 * (meta.get("accepted") is not None)
                    + len(meta.get("answerers") or ()),
                )
            )
        model.qas.sort(key=lambda q: (q.asked_at.isoformat() if q.asked_at else "", q.id), reverse=True)
        return model

    # -- links -------------------------------------------------------------------------------

    def link_member(self, member_id: str, from_uri: str) -> Markup:
        entry = self.members.get(member_id)
        if entry is None:
            return Markup("")
        return md_link(entry.name, _rel(from_uri, entry.uri))

    def link_qa(self, qa: QAEntry, from_uri: str) -> Markup:
        return md_link(qa.title, _rel(from_uri, qa.uri))

    def tag_uri(self, tag: str) -> str:
        return f"tags/{slugify(tag)}.md"

    # -- generated pages -----------------------------------------------------------------------

    def pages(self) -> Iterator[tuple[str, str]]:
        """Every machine-made page as (src URI, Markdown)."""
        s = self.settings
        now = self.knowledge.now
        recent = now - timedelta(days=s.recent_days)
        boards = {
            "all": self._standings(None),
            "recent": self._standings(recent),
        }
        if "index.md" not in self._curated_uris():
            yield "index.md", self._render("pages/home.md.j2", "index.md", boards=boards)
        yield f"{s.qa_dir}/index.md", self._render("pages/questions.md.j2", f"{s.qa_dir}/index.md")
        yield "unanswered.md", self._render("pages/unanswered.md.j2", "unanswered.md")
        yield "leaderboard.md", self._render("pages/leaderboard.md.j2", "leaderboard.md", boards=boards)
        yield "people.md", self._render("pages/people.md.j2", "people.md")
        tags = self.tags()
        yield "tags/index.md", self._render("pages/tags.md.j2", "tags/index.md", tags=tags)
        for tag, entries in tags.items():
            uri = self.tag_uri(tag)
            yield uri, self._render(
                "pages/tag.md.j2", uri, tag=tag, entries=entries, experts=self._experts(entries)
            )

    def member_activity(self, member_id: str, uri: str) -> str:
        """The generated part of one profile page, appended below the curated card."""
        entry = self.members[member_id]
        answered = [q for q in self.qas if member_id in q.answerers]
        asked = [q for q in self.qas if q.asker == member_id]
        standing = next((r for r in self._standings(None) if r.member_id == member_id), None)
        return self._render(
            "pages/member_activity.md.j2",
            uri,
            member=entry,
            answered=answered,
            asked=asked,
            standing=standing,
        )

    def tags(self) -> dict[str, list[QAEntry]]:
        by_tag: dict[str, list[QAEntry]] = defaultdict(list)
        for qa in self.qas:
            for tag in qa.tags:
                by_tag[tag].append(qa)
        return dict(sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def _experts(self, entries: list[QAEntry]) -> list[tuple[str, int]]:
        counts = Counter(a for qa in entries for a in qa.answerers if a in self.members)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]

    def _standings(self, since: datetime | None) -> list[Standing]:
        rows = leaderboard(self.knowledge.contributions, since)
        return [r for r in rows if r.member_id in self.members][: self.settings.leaderboard_size]

    def _curated_uris(self) -> set[str]:
        docs = self.content.docs_dir
        return {p.relative_to(docs).as_posix() for p in docs.glob("*.md")}

    def _render(self, template: str, uri: str, **context: Any) -> str:
        return self.templates.render(
            template,
            site=self,
            uri=uri,
            k=self.knowledge,
            settings=self.settings,
            member_link=lambda mid: self.link_member(mid, uri),
            qa_link=lambda qa: self.link_qa(qa, uri),
            rel=lambda target: Markup(_rel(uri, target)),
            **context,
        )


def _rel(from_uri: str, to_uri: str) -> str:
    """A relative link between two docs_dir URIs, as MkDocs resolves them."""
    base = posixpath.dirname(from_uri)
    return posixpath.relpath(to_uri, base or ".")
