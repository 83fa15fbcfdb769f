"""The last line of defence at build time, for every page, curated or generated.

Distillation already redacts and pseudonymises what it writes; a page a curator edited
before a member opted out, or wrote by hand, is caught here instead:

- names of pseudonymised members are replaced by their pseudonym (plain and Markdown-escaped
  forms, in the body and in the front matter);
- links to pages that are off the site (opted-out profiles, hidden pages) become plain text,
  so a strict build has no broken link;
- front-matter values are HTML-escaped, because theme templates print ``page.meta`` values
  and titles without escaping them.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any

from digest.distill.privacy import NameScrubber, Pseudonyms
from digest.pages.markdown import chat_inline, escape_inline

# [text](destination "title") and ![alt](destination); destination without a scheme.
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:\\.|[^\]\\\n])*)\]"
    r"\(\s*<?(?P<dest>[^)\s>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
# Link destinations and autolinks are not scrubbed (a relative .md link must keep working).
_PROTECTED = re.compile(r"(\]\(\s*<?[^)\s>:]*>?)")


def escape_meta(value: Any) -> Any:
    """Front-matter values HTML-escaped for theme templates, recursively (strings only)."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, list):
        return [escape_meta(v) for v in value]
    if isinstance(value, dict):
        return {k: escape_meta(v) for k, v in value.items()}
    return value


def _variants(name: str) -> Iterable[str]:
    """The forms a name takes in Markdown: raw, backslash-escaped, inline-escaped, HTML-escaped."""
    return dict.fromkeys((name, escape_inline(name), str(chat_inline(name)), html.escape(name)))


class BuildGuard:
    """Scrubs one build's pages; ``removed`` maps a docs_dir URI off the site to its link text.

    A ``None`` link text keeps the link's own text (a hidden Q&A); a string replaces it (the
    pseudonym of an opted-out member, whose name the link text would show).
    """

    def __init__(self, pseudonyms: Pseudonyms, removed: Mapping[str, str | None]) -> None:
        self.removed = dict(removed)
        self.scrub_markdown: NameScrubber = pseudonyms.scrubber(_variants)
        self.scrub_text: NameScrubber = pseudonyms.scrubber()

    def markdown(self, markdown: str, src_uri: str) -> str:
        if self.removed:
            markdown = _LINK.sub(lambda m: self._unlink(m, src_uri), markdown)
        if not self.scrub_markdown:
            return markdown
        parts = _PROTECTED.split(markdown)
        return "".join(part if i % 2 else self.scrub_markdown(part) for i, part in enumerate(parts))

    def meta(self, meta: Mapping[str, Any]) -> dict[str, Any]:
        """Front matter with names scrubbed and every string HTML-escaped."""
        return {key: escape_meta(self._scrub_value(value)) for key, value in meta.items()}

    def _scrub_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, list):
            return [self._scrub_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self._scrub_value(v) for k, v in value.items()}
        return value

    def _unlink(self, match: re.Match[str], src_uri: str) -> str:
        dest = match.group("dest").split("#", 1)[0].split("?", 1)[0]
        if not dest or re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:", dest) or dest.startswith("/"):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), dest))
        if target not in self.removed:
            return match.group(0)
        text = self.removed[target]
        return str(chat_inline(text)) if text is not None else match.group("text")
