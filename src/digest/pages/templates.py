"""Jinja2 for Markdown: every value is escaped as chat text unless it is already ``Markup``.

Templates named ``*.html.j2`` are HTML instead (autoescaped): blocks digest hands to MkDocs
ready made, so that they are not parsed as Markdown at build time.

Templates are looked up first in the community's ``site_templates/`` folder, then in the
defaults shipped with digest, so a community overrides only the templates it changes.
"""

from __future__ import annotations

from collections.abc import Callable
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
        _add_filters(self.env, language, chat_markdown, chat_inline, md_link)
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
        _add_filters(self.html_env, language, chat_html, chat_html_inline, html_link)

    def render(self, name: str, **context: Any) -> str:
        env = self.html_env if name.endswith(".html.j2") else self.env
        try:
            return env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{name}: {exc}") from None


def _add_filters(
    env: jinja2.Environment,
    language: str,
    md: Callable[[str], Markup],
    inline: Callable[[str], Markup],
    link: Callable[..., Markup],
) -> None:
    """The filters every template has, with the escaping of its kind (Markdown or HTML)."""
    env.globals["language"] = language
    env.filters.update(md=md, inline=inline, link=link, date=_date, num=_number)


def _date(value: datetime | str | None) -> Markup:
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return Markup(value.strftime("%Y-%m-%d"))


def _number(value: float) -> Markup:
    return Markup(f"{value:g}")
