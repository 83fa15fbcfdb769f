"""The one path by which untrusted chat text reaches Markdown.

Chat text is escaped so that it renders as the same text and nothing more: no raw HTML,
no headings, lists, tables, links, images, reference definitions, attribute lists, front
matter fences or template syntax (``{{``, ``{%``, ``{#`` never survive as such). Bare http(s)
URLs become autolinks, the only link chat text can make; the characters inside a URL that
Python-Markdown would read before the autolink (``\\ [ ] { } |``) are percent-encoded.
Control characters are dropped (Python-Markdown uses STX/ETX as its own placeholders).
Backslash escapes of any ASCII punctuation are CommonMark; the site enables
``pymdownx.escapeall`` so Python-Markdown honours them too.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Always escaped, wherever they stand: characters that open inline syntax or raw HTML.
_INLINE = re.compile(r"([\\`*_{}\[\]|~^=!$%#])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_RE = re.compile(r"[&<>]")
# Characters that only mean something at the start of a line (after escaping the rest).
_LINE_START = re.compile(r"^(?:([+\-:])|(\d+)([.)]))")
_URL = re.compile(r"https?://[^\s<>\"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\""
# Inside an autolink: what Python-Markdown's escape and link patterns would see first.
_URL_UNSAFE = re.compile(r"[\\\[\]{}|]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _percent(match: re.Match[str]) -> str:
    return f"%{ord(match.group(0)):02X}"


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, keeping balanced brackets."""
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def escape_inline(text: str) -> str:
    """Escape one line of chat text (no URL handling)."""
    text = _HTML_RE.sub(lambda m: _HTML[m.group(0)], text)
    return _INLINE.sub(r"\\\1", text)


def _pieces(line: str) -> Iterator[tuple[str, str]]:
    """A stripped line of chat text as (text, URL) pairs: the text before each bare http(s)
    URL, the URL made safe to write (the last pair's URL is "")."""
    line = line.strip()
    pos = 0
    for match in _URL.finditer(line):
        url = _trim_url(match.group(0))
        yield line[pos : match.start()], _URL_UNSAFE.sub(_percent, url)
        pos = match.start() + len(url)
    yield line[pos:], ""


def _escape_line(line: str) -> str:
    escaped = "".join(escape_inline(text) + (f"<{url}>" if url else "") for text, url in _pieces(line))
    # Line-start syntax: headings, block quotes (already &gt;), lists, definition lists.
    head = _LINE_START.match(escaped)
    if head and head.group(1):
        escaped = "\\" + escaped
    elif head:
        digits = head.group(2)
        escaped = f"{digits}\\{escaped[len(digits) :]}"
    return escaped


def _paragraphs(text: str, line: Callable[[str], str]) -> Iterator[list[str]]:
    """The non-empty lines of each paragraph of chat text (blank lines part them), each line
    written by ``line``."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in re.split(r"\n\s*\n", text):
        lines = [written for written in map(line, block.split("\n")) if written]
        if lines:
            yield lines


def _one_line(text: str, line: Callable[[str], str]) -> str:
    """Chat text on one line: its lines written by ``line``, joined by spaces."""
    lines = _CONTROL.sub("", text.replace("\r", "\n")).splitlines()
    return " ".join(line(each) for each in lines if each.strip())


def chat_markdown(text: str) -> Markup:
    """Escape a whole chat message: lines keep their breaks, blank lines make paragraphs."""
    return Markup("\n\n".join("  \n".join(lines) for lines in _paragraphs(text, _escape_line)))


def chat_inline(text: str) -> Markup:
    """Escape chat text for use inside one line (titles, names, table cells)."""
    return Markup(_one_line(text, _escape_line))


def md_link(text: str, url: str | None) -> Markup:
    """A Markdown link with escaped text to a URL digest built itself (never chat text).

    Without a URL (a member without a public profile) it is the escaped text alone.
    """
    if not url:
        return chat_inline(text)
    safe_url = re.sub(r"[\s()<>\\\[\]{}|]", _percent, url)
    return Markup(f"[{chat_inline(text)}]({safe_url})")


# -- ready HTML --------------------------------------------------------------------------------
# Blocks that digest renders as HTML itself (autoescaped Jinja templates) so that MkDocs does
# not parse them as Markdown. The same chat text gives the same page as through Markdown.


def _html_line(line: str) -> str:
    """One line of chat text as HTML: escaped, bare http(s) URLs as links (as autolinks render)."""
    out: list[str] = []
    for text, url in _pieces(line):
        out.append(escape(text))
        if url:
            href = escape(url)
            out.append(f'<a href="{href}">{href}</a>')
    return "".join(out)


def chat_html(text: str) -> Markup:
    """A whole chat message as HTML paragraphs: what :func:`chat_markdown` renders to."""
    return Markup(
        "\n".join("<p>" + "<br />\n".join(lines) + "</p>" for lines in _paragraphs(text, _html_line))
    )


def chat_html_inline(text: str) -> Markup:
    """Chat text as HTML inside one line: what :func:`chat_inline` renders to."""
    return Markup(_one_line(text, _html_line))


def html_link(text: str, href: str | None) -> Markup:
    """A link with escaped text (a URL in it stays text) to a URL digest worked out itself
    (never chat text); without one, the text as :func:`chat_html_inline` shows it."""
    if not href:
        return chat_html_inline(text)
    lines = _CONTROL.sub("", text.replace("\r", "\n")).splitlines()
    shown = " ".join(line.strip() for line in lines if line.strip())  # no link inside a link
    return Markup(f'<a href="{escape(href)}">{escape(shown)}</a>')


_HEADING = re.compile(r"^<h([1-6])>(.*)</h\1>$")
_TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True, slots=True)
class HtmlSection:
    """Generated HTML as MkDocs takes it: Markdown headings (so the page's table of contents,
    anchors and permalinks are made as for any heading) between placeholders, and the HTML
    blocks that replace those placeholders once the page is converted (:func:`fill`)."""

    markdown: str
    blocks: tuple[str, ...]


def placeholder_token() -> str:
    """A token for one build's placeholders: page text cannot guess it."""
    return secrets.token_hex(8)


def placeholder(token: str, number: int) -> str:
    """An HTML comment, which Python-Markdown passes through as it is."""
    return f"<!--digest-{token}-{number}-->"


def html_section(rendered: str, token: str, start: int = 0) -> HtmlSection:
    """Split HTML rendered by a template into headings and blocks.

    A line that is only ``<hN>…</hN>`` becomes a Markdown heading; the lines between two
    headings become one block (blank lines left out), numbered from ``start``.
    """
    markdown: list[str] = []
    blocks: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        block = "\n".join(line for line in pending if line.strip())  # no <pre> in generated HTML
        pending.clear()
        if block:
            markdown.append(placeholder(token, start + len(blocks)))
            blocks.append(block)

    for line in rendered.split("\n"):
        heading = _HEADING.match(line.strip())
        if heading is None:
            pending.append(line)
            continue
        flush()
        markdown.append("#" * int(heading.group(1)) + " " + _heading_markdown(heading.group(2)))
    flush()
    return HtmlSection("\n\n".join(markdown) + "\n", tuple(blocks))


def _heading_markdown(inner: str) -> str:
    """A heading's HTML as Markdown: tags kept (inline HTML), text escaped as chat text."""
    parts = _TAG.split(inner)
    return "".join(part if i % 2 else escape_inline(html.unescape(part)) for i, part in enumerate(parts))


def fill(page_html: str, token: str, blocks: Sequence[str]) -> str:
    """Put each block where its placeholder came out; one that did not (a curated page that
    left a code block open) is added at the end, so nothing generated is lost."""
    missing: list[str] = []
    for number, block in enumerate(blocks):
        mark = placeholder(token, number)
        at = page_html.find(mark)
        if at < 0:
            missing.append(block)
        else:
            end = at + len(mark)
            end += page_html.startswith("\n\n", end)  # Python-Markdown's blank line after a block
            page_html = page_html[:at] + block + page_html[end:]
    return page_html + "".join("\n" + block for block in missing)
