"""The MkDocs adapter: config schema, machine-made pages in memory, escaped page titles.

All logic lives in the stages; this module only hands their results to MkDocs.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from digest import commands
from digest.config import DigestConfig
from digest.distill import Knowledge
from digest.errors import DigestError
from digest.i18n import strings
from digest.pages.content import load_content
from digest.pages.site import SiteModel
from digest.pages.templates import Templates


def quiet_jieba() -> None:
    """jieba (used by the search plugin for Chinese) announces its dictionary on stderr."""
    logging.getLogger("jieba").setLevel(logging.WARNING)


class DigestPlugin(BasePlugin[DigestConfig]):
    """``plugins: - digest`` in mkdocs.yml."""

    def __init__(self) -> None:
        self.knowledge: Knowledge | None = None  # handed over by `digest build`, else distilled here
        self.model: SiteModel | None = None
        self._member_pages: dict[str, str] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        quiet_jieba()
        root = Path(config.config_file_path).resolve().parent
        try:
            if self.knowledge is None:
                self.knowledge = commands.knowledge_for(root, self.config)
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
            ]
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.knowledge is None:  # pragma: no cover - on_config always runs first
            raise PluginError("digest: no knowledge was loaded")
        root = Path(config.config_file_path).resolve().parent
        try:
            content = load_content(Path(config.docs_dir), self.config.qa_dir, self.config.members_dir)
            templates = Templates(self.config.language, root / "site_templates")
            self.model = model = SiteModel.build(self.knowledge, content, self.config, templates)
            pages = list(model.pages())
        except DigestError as exc:
            raise PluginError(str(exc)) from None
        for uri in sorted(model.hidden):
            hidden = files.get_file_from_path(uri)
            if hidden is not None:
                files.remove(hidden)
        for uri, markdown in pages:
            if files.get_file_from_path(uri) is None:  # a curated page of that name wins
                files.append(File.generated(config, uri, content=markdown))
        self._member_pages = {entry.uri: member_id for member_id, entry in model.members.items()}
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        # MkDocs themes print page titles unescaped: a title from front matter is plain text.
        if "title" in page.meta:
            page.meta["title"] = html.escape(str(page.meta["title"]), quote=True)
        member_id = self._member_pages.get(page.file.src_uri)
        if member_id is not None and self.model is not None:
            markdown = markdown.rstrip() + "\n" + self.model.member_activity(member_id, page.file.src_uri)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.knowledge = None
        self.model = None

    def __repr__(self) -> str:  # pragma: no cover
        return f"DigestPlugin({dict(self.config)!r})"


__all__: list[Any] = ["DigestPlugin"]
