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

import re

from markupsafe import Markup

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


def _escape_line(line: str) -> str:
    line = line.strip()
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(line):
        url = _trim_url(match.group(0))
        start, end = match.start(), match.start() + len(url)
        out.append(escape_inline(line[pos:start]))
        out.append(f"<{_URL_UNSAFE.sub(_percent, url)}>")
        pos = end
    out.append(escape_inline(line[pos:]))
    escaped = "".join(out)
    # Line-start syntax: headings, block quotes (already &gt;), lists, definition lists.
    head = _LINE_START.match(escaped)
    if head and head.group(1):
        escaped = "\\" + escaped
    elif head:
        digits = head.group(2)
        escaped = f"{digits}\\{escaped[len(digits) :]}"
    return escaped


def chat_markdown(text: str) -> Markup:
    """Escape a whole chat message: lines keep their breaks, blank lines make paragraphs."""
    paragraphs: list[str] = []
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    for block in re.split(r"\n\s*\n", text):
        lines = [_escape_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("  \n".join(lines))
    return Markup("\n\n".join(paragraphs))


def chat_inline(text: str) -> Markup:
    """Escape chat text for use inside one line (titles, names, table cells)."""
    lines = _CONTROL.sub("", text.replace("\r", "\n")).splitlines()
    return Markup(" ".join(_escape_line(line) for line in lines if line.strip()))


def md_link(text: str, url: str | None) -> Markup:
    """A Markdown link with escaped text to a URL digest built itself (never chat text).

    Without a URL (a member without a public profile) it is the escaped text alone.
    """
    if not url:
        return chat_inline(text)
    safe_url = re.sub(r"[\s()<>\\\[\]{}|]", _percent, url)
    return Markup(f"[{chat_inline(text)}]({safe_url})")
