"""Jinja2 for Markdown: every value is escaped as chat text unless it is already ``Markup``.

Templates named ``*.html.j2`` are HTML instead (autoescaped): blocks digest hands to MkDocs
ready made, so that they are not parsed as Markdown at build time.

Templates are looked up first in the community's ``site_templates/`` folder, then in the
defaults shipped with digest, so a community overrides only the templates it changes.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from digest.errors import DigestError
from digest.i18n import strings
from digest.pages.markdown import chat_html, chat_html_inline, chat_inline, chat_markdown, html_link, md_link


class TemplateError(DigestError):
    """A template under site_templates/ that does not compile or render."""


def builtin_templates() -> Path:
    """digest's own templates, shipped in the package (a link to the top-level site_templates/)."""
    return Path(str(resources.files("digest") / "site_templates"))


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return chat_inline(str(value))


class Templates:
    """Renders the Markdown templates of drafts and machine-made pages."""

    def __init__(self, language: str = "en", folder: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if folder is not None and folder.is_dir():
            loaders.append(jinja2.FileSystemLoader(folder))
        loaders.append(jinja2.FileSystemLoader(builtin_templates()))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=False,  # Markdown, not HTML: _finalize escapes every value instead
            finalize=_finalize,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        ui = strings(language)
        self.env.globals["t"] = lambda key, **kw: Markup(ui[key].format(**kw) if kw else ui[key])
        self.env.globals["language"] = language
        self.env.filters["md"] = chat_markdown
        self.env.filters["inline"] = chat_inline
        self.env.filters["link"] = md_link
        self.env.filters["date"] = _date
        self.env.filters["num"] = _number
        self.html_env = jinja2.Environment(
            loader=self.env.loader,
            autoescape=True,  # HTML: every value not already ``Markup`` is escaped
            finalize=lambda value: "" if value is None else value,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.html_env.globals["t"] = lambda key, **kw: escape(ui[key]).format(**kw) if kw else escape(ui[key])
        self.html_env.globals["ui"] = lambda key: ui[key]  # unescaped, for code that escapes itself
        self.html_env.globals["language"] = language
        self.html_env.filters["md"] = chat_html
        self.html_env.filters["inline"] = chat_html_inline
        self.html_env.filters["link"] = html_link
        self.html_env.filters["date"] = _date
        self.html_env.filters["num"] = _number

    def render(self, name: str, **context: Any) -> str:
        env = self.html_env if name.endswith(".html.j2") else self.env
        try:
            return env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{name}: {exc}") from None


def _date(value: datetime | str | None) -> Markup:
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return Markup(value.strftime("%Y-%m-%d"))


def _number(value: float) -> Markup:
    return Markup(f"{value:g}")
