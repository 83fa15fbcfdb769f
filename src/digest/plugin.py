"""The MkDocs adapter: config schema, machine-made pages in memory, escaped and scrubbed pages.

All logic lives in the stages; this module only hands their results to MkDocs.
"""

from __future__ import annotations

import hashlib
import html
import logging
import posixpath
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from digest import commands
from digest.config import DigestConfig
from digest.distill import Knowledge
from digest.errors import DigestError
from digest.i18n import strings
from digest.pages import curation
from digest.pages.content import load_content
from digest.pages.feeds import PEOPLE_JS, discovery_links, site_files
from digest.pages.frontmatter import parsed_cache
from digest.pages.guard import BuildGuard
from digest.pages.markdown import fill, html_section, placeholder_token
from digest.pages.site import SiteModel
from digest.pages.templates import Templates
from digest.search.commands import index_folder
from digest.search.site import SiteSearch, insert_before_first


def quiet_jieba() -> None:
    """jieba (used by the search plugin for Chinese) announces its dictionary on stderr."""
    logging.getLogger("jieba").setLevel(logging.WARNING)


class DigestPlugin(BasePlugin[DigestConfig]):
    """``plugins: - digest`` in mkdocs.yml."""

    def __init__(self) -> None:
        self.knowledge: Knowledge | None = None  # handed over by `digest build`, else distilled here
        self.model: SiteModel | None = None
        self._member_pages: dict[str, str] = {}
        self.guard: BuildGuard | None = None
        self._qa_pages: dict[str, str] = {}  # src URI -> Q&A id, for the curation notes
        self.search: SiteSearch | None = None
        self._page_html: str | None = None  # a page's own HTML while the search plugin reads it
        self._blocks: dict[str, tuple[str, ...]] = {}  # src URI -> HTML blocks for its placeholders

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        quiet_jieba()
        root = Path(config.config_file_path).resolve().parent
        try:
            if self.knowledge is None:
                self.knowledge = commands.knowledge_for(root, self.config, docs_dir=Path(config.docs_dir))
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        if config.nav is None:
            ui = strings(self.config.language)
            config.nav = [
                {ui["home"]: "index.md"},
                {ui["questions"]: f"{self.config.qa_dir}/index.md"},
                {ui["unanswered"]: "unanswered.md"},
                {ui["tags"]: "tags/index.md"},
                {ui["people"]: "people.md"},
                {ui["leaderboard"]: "leaderboard.md"},
                {ui["how_points_work"]: "points.md"},
                {ui["resources"]: "resources.md"},
                {ui["digests"]: "digests/index.md"},
            ]
            if len(self.knowledge.groups) > 1:
                config.nav.append({ui["all_groups"]: "groups/index.md"})
            if (Path(config.docs_dir) / "privacy.md").is_file():  # what is published, how to opt out
                config.nav.append({ui["privacy"]: "privacy.md"})
        if PEOPLE_JS not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(PEOPLE_JS)  # the people directory's offline filter
        if "admonition" not in config.markdown_extensions:  # curation notes on Q&A pages
            config.markdown_extensions.append("admonition")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.knowledge is None:  # pragma: no cover - on_config always runs first
            raise PluginError("digest: no knowledge was loaded")
        root = Path(config.config_file_path).resolve().parent
        try:
            with parsed_cache(commands.content_cache(root, self.config)):
                content = load_content(Path(config.docs_dir), self.config.qa_dir, self.config.members_dir)
            templates = Templates(self.config.language, root / "site_templates")
            self.model = model = SiteModel.build(self.knowledge, content, self.config, templates)
            uris = model.uris()
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        consent_file = files.get_file_from_path(self.config.privacy.consent_file)
        if consent_file is not None:  # the list of who opted out is never published
            files.remove(consent_file)
        for uri in sorted(model.hidden):
            hidden = files.get_file_from_path(uri)
            if hidden is not None:
                files.remove(hidden)
        pseudonyms = self.knowledge.pseudonyms
        removed: dict[str, str | None] = dict.fromkeys(model.hidden)
        for member_id, doc in content.members.items():
            if content.rel(doc) in model.hidden:
                removed[content.rel(doc)] = pseudonyms.members.get(member_id)
        self.guard = BuildGuard(pseudonyms, removed)
        generated: dict[str, File] = {}  # every page is in place before any links are written
        for uri in uris:
            if files.get_file_from_path(uri) is None:  # a curated page of that name wins
                files.append(generated.setdefault(uri, File.generated(config, uri, content="")))
        try:  # the Atom feeds and the directory's script, linked from the generated pages
            extra = site_files(
                model,
                lambda uri: f.url if (f := files.get_file_from_path(uri)) is not None else uri,
                config.site_url or "",
                config.site_name,
                self.guard.scrub_text,
                root / "site_templates",
            )
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        for path, text in extra:
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=text))
        self._member_pages = {entry.uri: member_id for member_id, entry in model.members.items()}
        self._qa_pages = {entry.uri: entry.id for entry in model.qas}
        _add_redirects(files, config, model.curation.redirects)
        model.hrefs = _hrefs(files)
        model.token = _TOKEN
        settings = {**dict(self.config), "use_directory_urls": config.use_directory_urls}  # links differ
        try:
            pages, blocks = _rendered(model, _inputs(self.knowledge, Path(config.docs_dir), root, settings))
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        for uri, markdown in pages:
            if uri in generated:
                generated[uri].content_string = markdown
                if uri in blocks:
                    self._blocks[uri] = self._scrubbed(blocks[uri])
        try:
            self.search = SiteSearch.prepare(
                model,
                index_folder(root, self.config),
                directory_urls=config.use_directory_urls,
                site_url=config.site_url or "",
                templates=root / "site_templates",
                generated=frozenset(uris),
                guard=self.guard,
            )
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        member_id = self._member_pages.get(page.file.src_uri)
        activity = None
        if member_id is not None and self.model is not None:  # ready HTML, not Markdown to parse
            activity = html_section(self.model.member_activity(member_id, page.file.src_uri), _TOKEN)
            self._blocks[page.file.src_uri] = self._scrubbed(activity.blocks)
        qa_id = self._qa_pages.get(page.file.src_uri)
        if qa_id is not None and self.model is not None:
            meta = self.model.content.qa[qa_id].meta
            notes = curation.notes(meta, self.config.drafts, self.model.knowledge.now, self.config.language)
            markdown = curation.with_notes(markdown, notes)
        if self.guard is not None:
            # Themes print front matter (titles included) unescaped; opted-out names never show.
            page.meta = self.guard.meta(page.meta)
            markdown = self.guard.markdown(markdown, page.file.src_uri)
        if activity is not None:  # its headings and placeholders (checked by the guard as built)
            markdown = markdown.rstrip() + "\n\n" + activity.markdown
        if self.search is not None:  # search weight
            self.search.set_boost(page.file.src_uri, page.meta)
        return markdown

    def on_page_content(self, html_: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = self._blocks.pop(page.file.src_uri, None)
        if blocks:
            html_ = fill(html_, _TOKEN, blocks)
        if self.search is not None:  # related questions at the end of a Q&A page, as HTML
            related = self.search.related_section(page.file.src_uri)
            if related:
                html_ = html_.rstrip("\n") + "\n" + related
        # Material prints a title that is not in front matter through `striptags`, which
        # unescapes it: give every page an escaped front-matter title instead.
        if "title" not in page.meta and page.title:
            rendered = getattr(page, "_title_from_render", None)  # already HTML (MkDocs 1.6)
            page.meta["title"] = page.title if page.title == rendered else html.escape(page.title)
        return html_

    @event_priority(50)  # before the search plugin indexes the page
    def _search_view(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        extra = self.search.search_text(page.file.src_uri) if self.search is not None else ""
        if extra and page.content is not None:
            # A Q&A page with an accepted answer is indexed as its question and that answer only:
            # the site's search index then grows by one short entry per Q&A.
            self._page_html = page.content
            page.content = page.content.split("<h2", 1)[0] + extra
        return context

    @event_priority(-50)  # after it: the page itself shows its own HTML
    def _page_view(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if self._page_html is not None:
            page.content, self._page_html = self._page_html, None
        return context

    on_page_context = CombinedEvent(_search_view, _page_view)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        feeds = discovery_links(page.url, config.site_url or "", config.site_name, self.config.language)
        output = insert_before_first(output, "</head>", feeds)
        if self.search is None:
            return output
        data = self.search.structured_data(page.file.src_uri, page.canonical_url or page.url)
        return insert_before_first(output, "</head>", data) if data else output

    def _scrubbed(self, blocks: tuple[str, ...]) -> tuple[str, ...]:
        """Generated HTML under the guard: names of pseudonymised members in its text become
        their pseudonyms (links to pages off the site are never made: see ``_hrefs``)."""
        scrub = self.guard.scrub_text if self.guard is not None else None
        if not scrub:
            return blocks
        return tuple(scrub_html(block, scrub) for block in blocks)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._blocks = {}
        self.knowledge = None
        self.model = None
        self.guard = None
        self.search = None

    def __repr__(self) -> str:  # pragma: no cover
        return f"DigestPlugin({dict(self.config)!r})"


_TOKEN = placeholder_token()
"""The token of this process's placeholders (generated pages are kept between builds below)."""

_LAST: dict[str, tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]] = {}
"""The machine-made pages of the last build in this process and their HTML blocks, by their
inputs (``digest serve`` rebuilds the site at every change, with a new plugin each time)."""


def _rendered(model: SiteModel, inputs: str) -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """Every machine-made page, rendered again only when what they are made from changed."""
    if inputs and inputs in _LAST:
        return _LAST[inputs]
    pages = list(model.pages())
    done = (pages, dict(model.blocks))
    _LAST.clear()
    if inputs:
        _LAST[inputs] = done
    return done


def _inputs(knowledge: Knowledge, docs_dir: Path, root: Path, settings: dict[str, Any]) -> str:
    """A digest of what the machine-made pages are made from ("" when it cannot be known)."""
    if not knowledge.fingerprint:
        return ""
    parts = [knowledge.fingerprint, repr(sorted(settings.items(), key=lambda kv: kv[0]))]
    folders = [folder for folder in (docs_dir, root / "site_templates") if folder.is_dir()]
    files = [path for folder in folders for path in folder.rglob("*")]
    files += [root / ".git" / name for name in ("HEAD", "index", "logs/HEAD")]  # curators' commits
    for path in sorted(files):
        if path.exists():
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _hrefs(files: Files) -> Callable[[str, str], str | None]:
    """Links between pages (src URIs) as MkDocs writes them (``File.url_relative_to``, with each
    URL split once); None when either page is not on the site."""

    def href(from_uri: str, to_uri: str) -> str | None:
        origin, target = files.get_file_from_path(from_uri), files.get_file_from_path(to_uri)
        if origin is None or target is None:
            return None
        other = origin.url
        folder, _, name = other.rpartition("/")
        here, there = _url_parts(folder if "." in name else other), _url_parts(target.url)
        common = 0
        for a, b in zip(here, there, strict=False):
            if a != b:
                break
            common += 1
        rel = "/".join([".."] * (len(here) - common) + list(there[common:])) or "."
        return rel + "/" if target.url.endswith("/") else rel

    return href


@lru_cache(maxsize=200_000)
def _url_parts(url: str) -> tuple[str, ...]:
    """A site-relative URL's normalised parts, as MkDocs compares them."""
    path = posixpath.normpath(url if url.startswith("/") else "/" + url)[1:]
    return tuple(path.split("/")) if path else ()


_TAG = re.compile(r"(<[^>]*>)")


def scrub_html(block: str, scrub: Callable[[str], str]) -> str:
    """``scrub`` applied to the text of an HTML block (never inside its tags); what it changes
    is escaped again."""
    parts = _TAG.split(block)
    texts = [html.unescape(part) for part in parts[::2]]
    if scrub("\x00".join(texts)) == "\x00".join(texts):
        return block
    for i, text in enumerate(texts):
        scrubbed = scrub(text)
        if scrubbed != text:
            parts[2 * i] = html.escape(scrubbed, quote=False)
    return "".join(parts)


def _add_redirects(files: Files, config: MkDocsConfig, redirects: dict[str, str]) -> None:
    """A small HTML page where each old page was, sending readers to where it lives now."""
    for old, new in sorted(redirects.items()):
        target = files.get_file_from_path(new)
        if target is None:
            continue  # the page is off the site (hidden, held or opted out): nothing to send readers to
        if files.get_file_from_path(old) is not None:
            raise PluginError(f"redirect from {old} to {new}: {old} is still a page of its own")
        stub = File.generated(config, old, content="")  # where MkDocs would have put the old page
        url = target.url_relative_to(stub)
        canonical = (config.site_url or "").rstrip("/") + "/" + target.url if config.site_url else url
        files.append(File.generated(config, stub.dest_uri, content=curation.redirect_html(url, canonical)))


__all__: list[Any] = ["DigestPlugin"]
