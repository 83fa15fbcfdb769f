"""The one escaping path: for any text, the rendered HTML has only what our templates make.

``chat_markdown`` may produce paragraphs, line breaks and http(s) autolinks, nothing else;
``chat_inline`` the autolinks only. Checked on the vector corpus and on Hypothesis-made
text drawn from an alphabet rich in Markdown, HTML and template syntax.
"""

from __future__ import annotations

import pytest
from htmlcheck import FUZZ, load_vectors, render_markdown, scan_html
from hypothesis import given
from hypothesis import strategies as st

from digest.pages.markdown import chat_inline, chat_markdown, md_link

# What the escaping function itself may make.
ALLOWED_BLOCK = {("p", ""), ("br", ""), ("a", ""), ("a", "href")}
ALLOWED_INLINE = {("p", ""), ("a", ""), ("a", "href")}
SYNTAX = list("<>&\"'`\\/*_[](){}|!#=+-~^$%:;.@ \t\n\r\x00\x02\x03\u2028\u3000＜＞")
TOKENS = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:",
    "data:",
    "vbscript:",
    "http://",
    "https://",
    "mailto:",
    "www.",
    "{:",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "---",
    "```",
    "~~~",
    "    ",
    "[x]",
    "(url)",
    "![",
    "]: ",
    "&#",
    "&lt;",
    ";",
    "&amp;",
    "!!! note",
    "*[",
    "-->",
    "<!--",
    "<![CDATA[",
    "<?",
    "<div markdown=1>",
    "1.",
    "- ",
    "> ",
    "# ",
    "| --- |",
    "\\",
    "onclick=",
    '="',
    "<svg",
    "<math",
    "%3C",
    "\\u003c",
    "example.org",
    "小王",
    "😀",
]
chat_text = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.sampled_from(SYNTAX), st.text(max_size=8)), max_size=40
).map("".join)


def assert_only_our_markup(html: str, allowed: set[tuple[str, str]]) -> None:
    scan = scan_html(html)
    assert scan.pairs <= allowed, (scan.pairs - allowed, html)
    assert not scan.problems, (scan.problems, html)
    for url in scan.urls:
        assert url.startswith(("http://", "https://")), url


@given(chat_text)
@FUZZ
def test_fuzz_chat_markdown_makes_only_paragraphs_breaks_and_http_links(text: str) -> None:
    assert_only_our_markup(render_markdown(str(chat_markdown(text))), ALLOWED_BLOCK)


@given(chat_text)
@FUZZ
def test_fuzz_chat_inline_makes_only_http_links(text: str) -> None:
    inline = str(chat_inline(text))
    assert "\n" not in inline
    assert_only_our_markup(render_markdown(inline), ALLOWED_INLINE)


@given(chat_text)
@FUZZ
def test_fuzz_inline_text_stays_inside_a_table_cell_and_a_link(text: str) -> None:
    """Names and titles sit in table cells and link texts: they must not break out of either."""
    cell = f"| a | b |\n|---|---|\n| {chat_inline(text)} | {md_link(text, '../x.md')} |"
    html = render_markdown(cell)
    scan = scan_html(html)
    assert html.count("<td") == 2, html
    assert {tag for tag, _attr in scan.pairs} <= {"table", "thead", "tbody", "tr", "th", "td", "a"}
    assert not scan.problems


@given(chat_text)
@FUZZ
def test_fuzz_template_syntax_never_survives(text: str) -> None:
    escaped = str(chat_markdown(text)) + str(chat_inline(text))
    for opener in ("{{", "{%", "{#"):
        assert opener not in escaped


@pytest.mark.parametrize("vector", load_vectors())
def test_every_vector_renders_as_text(vector: str) -> None:
    assert_only_our_markup(render_markdown(str(chat_markdown(vector))), ALLOWED_BLOCK)
    assert_only_our_markup(render_markdown(str(chat_inline(vector))), ALLOWED_INLINE)


def test_url_specials_are_percent_encoded_inside_autolinks() -> None:
    html = render_markdown(str(chat_markdown("see https://example.org/[x](javascript:alert(1))")))
    assert 'href="javascript' not in html
    assert "https://example.org/%5Bx%5D(javascript:alert(1))" in html


def test_missing_url_makes_plain_text() -> None:
    assert str(md_link("Member 3f2a", None)) == "Member 3f2a"
