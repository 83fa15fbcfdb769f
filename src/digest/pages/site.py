"""Machine-made pages: the site's view of curated content plus distilled knowledge.

``SiteModel`` merges what curators wrote (front matter under content/) with what the store
says (activity, points) and renders the generated pages as Markdown. It knows nothing of
MkDocs: the plugin only hands the results to the engine.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache, lru_cache, partial
from typing import Any

from markupsafe import Markup

from digest.config import DigestConfig
from digest.distill import Knowledge
from digest.distill.scoring import Standing, leaderboard
from digest.groups import contribution_group, group_key, group_uris
from digest.model import Contribution, Group, Member, Message
from digest.pages.community import Community, active_weeks, digest_uri
from digest.pages.content import ContentIndex
from digest.pages.curation import Curation, credit, curate, merged_people
from digest.pages.markdown import html_link, html_section, md_link
from digest.pages.templates import Templates
from digest.text import slugify

OPEN_AFTER = timedelta(days=1)
"""A question joins the unanswered page once it has waited this long."""


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
    askers: tuple[str, ...] = ()  # the asker, and those of Q&A merged into this one
    group: str = ""  # platform/id
    pinned: bool = False


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
    curation: Curation = field(default_factory=Curation)
    contributions: tuple[Contribution, ...] = ()  # with the credit of merged Q&A moved
    _community: Community | None = None  # profiles, events, curators, digests: built when first needed
    _involved: dict[str, tuple[list[QAEntry], list[QAEntry]]] | None = None  # member -> answered, asked
    token: str = "digest"  # of the placeholders of HTML templates (see ``markdown.html_section``)
    blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # src URI -> its HTML blocks
    hrefs: Callable[[str, str], str | None] | None = None
    """The link from one page to another (src URIs) as the built site has it, None for a page
    that is not on the site; set by the MkDocs plugin. Without it, relative ``.md`` links."""

    @classmethod
    def build(
        cls, knowledge: Knowledge, content: ContentIndex, settings: DigestConfig, templates: Templates
    ) -> SiteModel:
        model = cls(knowledge, content, settings, templates)
        model.curation = curation = curate(content, settings.drafts)
        if curation.problems:
            raise curation.problems[0]
        model.contributions = credit(knowledge.contributions, curation.merges)
        stats = {m.id: m for m in knowledge.members}
        for member_id, doc in content.members.items():
            uri = content.rel(doc)
            owner = knowledge.identities.get(member_id)
            if owner is not None and owner in content.members:  # an account joined to another profile
                model.hidden.add(uri)
                curation.redirects.setdefault(uri, content.rel(content.members[owner]))
                continue
            if doc.meta.get("hidden") or doc.meta.get("opt_out") or member_id in knowledge.private:
                model.hidden.add(uri)
                continue
            name = str(doc.meta.get("name") or stats.get(member_id, Member(member_id, member_id, "")).name)
            model.members[member_id] = MemberEntry(member_id, name, uri, doc.meta, stats.get(member_id))
        _disambiguate(model.members)
        reactions = {qa.id: sum(a.message.reaction_count for a in qa.answers) for qa in knowledge.qas}
        for qa_id, doc in content.qa.items():
            uri = content.rel(doc)
            meta = doc.meta
            if meta.get("hidden") or qa_id in curation.off_site:
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
                    score=reactions.get(qa_id, 0)
                    + 3 * (meta.get("accepted") is not None)
                    + len(meta.get("answerers") or ()),
                    askers=(str(meta["asker"]),) if meta.get("asker") else (),
                    group=str(meta.get("group") or ""),
                    pinned=meta.get("pin") is True,
                )
            )
        folded = merged_people(content, curation.merges)
        model.qas = [_fold(q, *folded[q.id]) if q.id in folded else q for q in model.qas]
        model.qas.sort(
            key=lambda q: (q.pinned, q.asked_at.isoformat() if q.asked_at else "", q.id), reverse=True
        )
        return model

    # -- links -------------------------------------------------------------------------------

    def link_member(self, member_id: str, from_uri: str) -> Markup:
        entry = self.members.get(member_id)
        if entry is None:
            return Markup("")
        return md_link(entry.name, _rel(from_uri, entry.uri))

    def link_qa(self, qa: QAEntry, from_uri: str) -> Markup:
        return md_link(qa.title, _rel(from_uri, qa.uri))

    def href(self, from_uri: str, to_uri: str) -> str | None:
        """The link from one page to another in HTML (None: the target is not on the site)."""
        return self.hrefs(from_uri, to_uri) if self.hrefs is not None else _rel(from_uri, to_uri)

    def tag_uri(self, tag: str) -> str:
        return f"tags/{slugify(tag)}.md"

    # -- generated pages -----------------------------------------------------------------------

    def pages(self) -> Iterator[tuple[str, str]]:
        """Every machine-made page as (src URI, Markdown)."""
        for uri, render in self._plan():
            yield uri, render()

    def uris(self) -> list[str]:
        """The src URIs of the machine-made pages, without rendering them."""
        return [uri for uri, _render in self._plan()]

    def _plan(self) -> Iterator[tuple[str, Callable[[], str]]]:
        s = self.settings
        now = self.knowledge.now
        recent = now - timedelta(days=s.recent_days)
        boards: dict[str, list[Standing]] = {}

        def page(template: str, uri: str, **context: Any) -> tuple[str, Callable[[], str]]:
            def render() -> str:
                if not boards:  # computed once, and only when a page is rendered
                    boards.update({"all": self._standings(None), "recent": self._standings(recent)})
                    boards["week"] = self._standings(self.community().this_week())
                if template.endswith(".html.j2"):  # ready HTML: headings and placeholders
                    section = html_section(
                        self._render_html(template, uri, boards=boards, **context), self.token
                    )
                    self.blocks[uri] = section.blocks
                    return section.markdown
                return self._render(template, uri, boards=boards, **context)

            return uri, render

        def pages(
            template: str, uri: str, items: list[Any], name: str = "entries", **context: Any
        ) -> Iterator[tuple[str, Callable[[], str]]]:
            """A long listing, ``page_size`` entries a page; later pages stay out of the site search."""
            size = max(1, s.page_size)
            chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
            uris = [uri, *(paged_uri(uri, number) for number in range(2, len(chunks) + 1))]
            for number, chunk in enumerate(chunks, 1):
                pager = Pager(number, len(chunks), tuple(uris))
                at, render = page(template, uris[number - 1], pager=pager, **{name: chunk}, **context)
                yield (at, render) if number == 1 else (at, partial(_unsearched, render))

        if "index.md" not in self._curated_uris():
            yield page("pages/home.md.j2", "index.md")
        yield from pages("pages/questions.html.j2", f"{s.qa_dir}/index.md", self.qas)
        yield from pages("pages/unanswered.html.j2", "unanswered.md", self.open_questions(), "questions")
        yield page("pages/leaderboard.md.j2", "leaderboard.md")
        yield page("pages/people.html.j2", "people.md")
        yield page("pages/points.md.j2", "points.md")
        yield page("pages/resources.md.j2", "resources.md")
        weeks = active_weeks(self)
        yield page("pages/digests.md.j2", "digests/index.md", weeks=weeks)
        for monday in weeks:
            yield page("pages/digest.md.j2", digest_uri(monday), monday=monday)
        tags = self.tags()
        yield page("pages/tags.md.j2", "tags/index.md", tags=tags)
        for tag, entries in tags.items():
            yield from pages(
                "pages/tag.html.j2", self.tag_uri(tag), entries, tag=tag, experts=self._experts(entries)
            )
        groups = self.group_uris()
        if groups:
            yield page("pages/groups.md.j2", "groups/index.md", groups=self._groups_listed(groups))
            for group in self.knowledge.groups:
                uri = groups[group_key(group)]
                yield from pages(
                    "pages/group.html.j2",
                    uri,
                    [q for q in self.qas if q.group == group_key(group)],
                    group=group,
                    board=cache(partial(self._standings, None, group=group_key(group))),
                )

    def open_questions(self) -> list[Message]:
        """Questions still unanswered a day after they were asked, newest first.

        The day is counted back from the newest message, so a build is reproducible.
        """
        cutoff = self.knowledge.now - OPEN_AFTER
        found = [m for m in self.knowledge.unanswered if m.timestamp <= cutoff]
        return sorted(found, key=lambda m: (m.timestamp, m.id), reverse=True)

    def group_uris(self) -> dict[str, str]:
        """Group key -> its page: every group has one (the nav lists them from two groups on)."""
        return group_uris(self.knowledge.groups)

    def _groups_listed(self, uris: dict[str, str]) -> list[tuple[Group, str, int]]:
        counts = Counter(q.group for q in self.qas)
        return [(g, uris[group_key(g)], counts[group_key(g)]) for g in self.knowledge.groups]

    def member_activity(self, member_id: str, uri: str) -> str:
        """The generated part of one profile page, appended below the curated card: HTML
        whose heading lines become Markdown headings (see ``markdown.html_section``)."""
        entry = self.members[member_id]
        if self._involved is None:  # one pass over the Q&A for every profile page
            self._involved = defaultdict(lambda: ([], []))
            for q in self.qas:
                for who in dict.fromkeys(q.answerers):
                    self._involved[who][0].append(q)
                for who in dict.fromkeys(q.askers):
                    self._involved[who][1].append(q)
        answered, asked = self._involved.get(member_id, ([], []))
        return self._render_html(
            "pages/member_activity.html.j2",
            uri,
            member=entry,
            answered=answered,
            asked=asked,
            c=self.community(),
        )

    def community(self) -> Community:
        """Profiles, events, curators and digests (read from content/ and git the first time)."""
        if self._community is None:
            self._community = Community.build(self)
        return self._community

    def tags(self) -> dict[str, list[QAEntry]]:
        by_tag: dict[str, list[QAEntry]] = defaultdict(list)
        for qa in self.qas:
            for tag in qa.tags:
                by_tag[tag].append(qa)
        return dict(sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def _experts(self, entries: list[QAEntry]) -> list[tuple[str, int]]:
        counts = Counter(a for qa in entries for a in qa.answerers if a in self.members)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]

    def _standings(self, since: datetime | None, group: str | None = None) -> list[Standing]:
        contribs: tuple[Contribution, ...] | list[Contribution] = self.community().contributions
        if group is not None:
            qa_groups = {qa.id: f"{qa.question.platform}/{qa.question.group_id}" for qa in self.knowledge.qas}
            qa_groups.update((q.id, q.group) for q in self.qas if q.group)
            where = contribution_group(self.knowledge.groups, qa_groups)
            contribs = [c for c in contribs if where(c) == group]
        rows = leaderboard(contribs, since)
        return [r for r in rows if r.member_id in self.members][: self.settings.leaderboard_size]

    def _curated_uris(self) -> set[str]:
        docs = self.content.docs_dir
        return {p.relative_to(docs).as_posix() for p in docs.glob("*.md")}

    def _shared(self, uri: str) -> dict[str, Any]:
        """What every machine-made page's template reads, Markdown or HTML."""
        return {"site": self, "uri": uri, "k": self.knowledge, "settings": self.settings}

    def _render(self, template: str, uri: str, **context: Any) -> str:
        return self.templates.render(
            template,
            **self._shared(uri),
            member_link=lambda mid: self.link_member(mid, uri),
            qa_link=lambda qa: self.link_qa(qa, uri),
            rel=lambda target: Markup(_rel(uri, target)),
            **context,
        )

    def _render_html(self, template: str, uri: str, **context: Any) -> str:
        """An HTML template: links as the built site has them (``href``), text escaped."""
        members = self.members

        def member_link(member_id: str) -> Markup:
            entry = members.get(member_id)
            return html_link(entry.name, self.href(uri, entry.uri)) if entry is not None else Markup("")

        return self.templates.render(
            template,
            **self._shared(uri),
            member_link=member_link,
            qa_link=lambda qa: html_link(qa.title, self.href(uri, qa.uri)),
            href=lambda target: self.href(uri, target),
            **context,
        )


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page of a long listing is: its number, how many there are, all their URIs."""

    number: int
    count: int
    uris: tuple[str, ...]

    @property
    def previous(self) -> str | None:
        return self.uris[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.uris[self.number] if self.number < self.count else None


def paged_uri(uri: str, number: int) -> str:
    """Page ``number`` (from 2) of a listing: ``qa/index.md`` -> ``qa/page/2.md``,
    ``tags/pandas.md`` -> ``tags/pandas/2.md``."""
    if uri.endswith("/index.md"):
        return f"{uri.removesuffix('index.md')}page/{number}.md"
    return f"{uri.removesuffix('.md')}/{number}.md"


UNSEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"
"""Front matter of the later pages of a listing: the first page and the entries are searched."""


def _unsearched(render: Callable[[], str]) -> str:
    return UNSEARCHED + render()


def _fold(entry: QAEntry, askers: list[str], answerers: list[str]) -> QAEntry:
    """A merge target with the askers and answerers of the Q&A merged into it."""
    people = tuple(dict.fromkeys([*entry.answerers, *answerers]))
    return replace(
        entry,
        askers=tuple(dict.fromkeys([*entry.askers, *askers])),
        answerers=people,
        score=entry.score + len(people) - len(entry.answerers),
    )


def _disambiguate(members: dict[str, MemberEntry]) -> None:
    """Two members called 小王 are shown by their full nicknames (else city, else id)."""
    counts = Counter(entry.name for entry in members.values())
    for member_id, entry in members.items():
        if counts[entry.name] > 1:
            profile = entry.profile
            nickname = str(profile.get("nickname") or "")
            city = str(profile.get("city") or "")
            shown = (
                nickname
                if nickname and nickname != entry.name
                else (f"{entry.name} ({city})" if city else f"{entry.name} ({member_id})")
            )
            members[member_id] = replace(entry, name=shown)


def _rel(from_uri: str, to_uri: str) -> str:
    """A relative link between two docs_dir URIs, as MkDocs resolves them."""
    return _relpath(to_uri, posixpath.dirname(from_uri) or ".")


@lru_cache(maxsize=200_000)
def _relpath(to_uri: str, base: str) -> str:
    """Pages of one folder link to the same page alike: each link is worked out once."""
    return posixpath.relpath(to_uri, base)
