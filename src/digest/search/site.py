"""What search adds to the built site; the MkDocs plugin hands these to the engine.

- search weights: Q&A pages rank above other pages, listing pages below them
  (``search: {boost: N}`` in a page's metadata; a curator's own setting wins);
- search text: the accepted answer joins the question in the page's first search entry, so
  a result shows both and a match in the answer lifts the page itself;
- related questions at the end of each Q&A page (more like this, computed at build time from
  the site's own documents, cached under ``.digest/search/`` by their fingerprint);
- schema.org ``QAPage`` structured data for each Q&A page.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from digest.i18n import strings
from digest.pages.site import QAEntry, SiteModel
from digest.pages.templates import builtin_templates
from digest.search import structured
from digest.search.documents import Guard, QAPage, SearchDoc, documents, page_url, qa_page
from digest.search.index import related

QA_BOOST = 2.0
LISTING_BOOST = 0.5
RELATED_COUNT = 5
RELATED_MIN = 0.15  # below this a "related" question shares words, not a topic
LABELS = {"en": {"related": "Related questions"}, "zh": {"related": "相关问题"}}


def relative_url(target: str, page: str) -> str:
    """A link from the page at site-relative URL ``page`` to the one at ``target``."""
    base = page.rstrip("/") if page.endswith("/") else posixpath.dirname(page)
    path = target.rstrip("/") or "."
    rel = posixpath.relpath(path, base or ".")
    if target.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return rel


@dataclass(slots=True)
class SiteSearch:
    model: SiteModel
    folder: Path  # digest's search folder, where related questions are cached
    directory_urls: bool
    site_url: str
    templates: Path
    generated: frozenset[str] = frozenset()
    pages: dict[str, tuple[QAEntry, QAPage]] = field(default_factory=dict)  # by src URI
    related: dict[str, list[str]] = field(default_factory=dict)  # Q&A id -> Q&A ids
    _shown: dict[str, tuple[QAEntry, str]] | None = None  # Q&A id -> entry, title: built once
    _environment: jinja2.Environment | None = None
    _member_uris: frozenset[str] | None = None  # profile pages on the site

    @classmethod
    def prepare(
        cls,
        model: SiteModel,
        folder: Path,
        *,
        directory_urls: bool,
        site_url: str,
        templates: Path,
        generated: frozenset[str] = frozenset(),
        guard: Guard | None = None,
    ) -> SiteSearch:
        """Read every Q&A page once and find its related questions.

        digest's own search index (Whoosh, for ``digest search`` and ``digest ask``) is not
        touched: those commands bring it up to date themselves when content changed.
        """
        site = cls(model, folder, directory_urls, site_url, templates, generated)
        parsed = {entry.id: qa_page(model, entry, guard) for entry in model.qas}
        for entry in model.qas:
            site.pages[entry.uri] = (entry, parsed[entry.id])
        docs: list[SearchDoc] = documents(model, directory_urls, guard, parsed)
        site.related = related(folder, docs, count=RELATED_COUNT, minimum=RELATED_MIN)
        return site

    # -- page metadata -----------------------------------------------------------------------

    def set_boost(self, uri: str, meta: MutableMapping[str, Any]) -> None:
        """Weight the page in the site search, unless its front matter says otherwise."""
        current = meta.get("search")
        if isinstance(current, dict) and "boost" in current:
            return
        if uri in self.pages:
            boost = QA_BOOST
        elif uri in self.generated:
            boost = LISTING_BOOST
        else:
            return
        meta["search"] = {**(current if isinstance(current, dict) else {}), "boost": boost}

    # -- page content ------------------------------------------------------------------------

    def _env(self) -> jinja2.Environment:
        if self._environment is None:  # once per build: a site has thousands of Q&A pages
            loaders = [jinja2.FileSystemLoader(self.templates), jinja2.FileSystemLoader(builtin_templates())]
            self._environment = jinja2.Environment(
                loader=jinja2.ChoiceLoader(loaders),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        return self._environment

    def related_section(self, uri: str) -> str:
        """Raw HTML listing the page's related questions (left out of the site search), or ""."""
        found = self.pages.get(uri)
        if found is None:
            return ""
        entry, _page = found
        if self._shown is None:  # titles as scrubbed for the site
            self._shown = {e.id: (e, p.title) for e, p in self.pages.values()}
        shown = self._shown
        here = page_url(uri, self.directory_urls)
        items = [
            {"title": shown[i][1], "href": relative_url(page_url(shown[i][0].uri, self.directory_urls), here)}
            for i in self.related.get(entry.id, [])
            if i in shown
        ]
        if not items:
            return ""
        language = self.model.settings.language
        label = LABELS.get(language, LABELS["en"])["related"]
        return self._env().get_template("pages/related.html.j2").render(related=items, label=label)

    def search_text(self, uri: str) -> str:
        """HTML of the accepted answer and of the page's other sections (the questions that
        repeat this one, a curator's notes), to add to the page's first entry in the search index."""
        found = self.pages.get(uri)
        if found is None:
            return ""
        page = found[1]
        out = ""
        if page.accepted is not None:
            label = strings(self.model.settings.language)["accepted_answer"]
            out = f"<p>{html.escape(label)}: {html.escape(page.accepted.text)}</p>"
        if page.notes:
            out += f"<p>{html.escape(page.notes)}</p>"
        return out

    def structured_data(self, uri: str, url: str) -> str:
        """The page's ``<script type="application/ld+json">`` element, or "" if not a Q&A page."""
        found = self.pages.get(uri)
        if found is None:
            return ""
        entry, page = found

        if self._member_uris is None:
            self._member_uris = frozenset(m.uri for m in self.model.members.values())
        known = self._member_uris

        def profile(member_uri: str) -> str | None:
            if member_uri not in known:
                return None
            return self.absolute(page_url(member_uri, self.directory_urls))

        return structured.script(structured.qa_page(page, url, entry.asked_at, profile))

    def absolute(self, url: str) -> str:
        return self.site_url.rstrip("/") + "/" + url if self.site_url else url


def insert_before_first(html_text: str, marker: str, extra: str) -> str:
    """``extra`` inserted before the first ``marker`` (or appended when there is none)."""
    at = html_text.find(marker)
    return html_text + extra if at < 0 else html_text[:at] + extra + html_text[at:]
