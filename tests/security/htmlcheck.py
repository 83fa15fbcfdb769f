"""Shared checks for the security tests: what HTML elements and attributes a document has."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markdown
from hypothesis import HealthCheck, settings

VECTORS_FILE = Path(__file__).resolve().parent / "xss_vectors.txt"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset", "ping"}
)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# The site's Markdown extensions (see mkdocs.yml), as the escaping fuzz test renders with them.
EXTENSIONS = ["pymdownx.escapeall", "tables", "toc", "admonition", "attr_list"]
EXTENSION_CONFIGS = {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}, "toc": {"permalink": True}}


FUZZ_EXAMPLES = int(os.environ.get("DIGEST_FUZZ_EXAMPLES", "200"))
"""Examples per property: 200 keeps the default run fast; raise it for a long fuzzing session."""
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("DIGEST_FUZZ_RANDOM") is None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def load_vectors() -> list[str]:
    """The XSS and Markdown-injection corpus: one vector a line, ``\\n`` for a line break."""
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("## ")]


def render_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


@dataclass(slots=True)
class Scan:
    """Every (tag, attribute) pair of a document, and what looks injected."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # every URL-valued attribute


class _Scanner(HTMLParser):
    def __init__(self, scan: Scan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan
        self.raw_text: str | None = None  # inside <script> or <style>
        self.json_data: list[str] | None = None  # inside <script type="application/ld+json">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        scan = self.scan
        scan.pairs.add((tag, ""))
        for name, value in attrs:
            scan.pairs.add((tag, name))
            if name.startswith("on"):
                scan.problems.append(f"<{tag} {name}={value!r}>: event handler attribute")
            if name in URL_ATTRIBUTES and value:
                scan.urls.append(value)
                scheme = _SCHEME.match(value)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    scan.problems.append(f"<{tag} {name}={value!r}>: {scheme.group(1)}: URL")
            if name in ("id", "class") and value and "xss" in value.lower().split():
                scan.problems.append(f"<{tag} {name}={value!r}>: injected marker")
            if name.startswith("data-xss"):
                scan.problems.append(f"<{tag} {name}>: injected marker")
            if name == "style" and value and ("url(" in value or "expression" in value):
                scan.problems.append(f"<{tag} style={value!r}>: style with a URL")
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self.json_data = []
        elif tag in ("script", "style"):
            self.raw_text = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.json_data is not None:
            try:  # structured data: valid JSON only if chat text did not end the element early
                json.loads("".join(self.json_data))
            except ValueError:
                self.scan.problems.append(f"<script type=application/ld+json> cut short: {self.json_data!r}")
            self.json_data = None
        if tag == self.raw_text:
            self.raw_text = None

    def handle_data(self, data: str) -> None:
        if self.json_data is not None:
            self.json_data.append(data)
            return
        if self.raw_text and ("__xss" in data or "alert(" in data or "xss" in data.lower()):
            self.scan.problems.append(f"<{self.raw_text}> with injected code: {data[:80]!r}")


def scan_html(html: str, scan: Scan | None = None) -> Scan:
    scan = scan or Scan()
    parser = _Scanner(scan)
    parser.feed(html)
    parser.close()
    return scan
