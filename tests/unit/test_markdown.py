"""The one escaping path from chat text to Markdown, checked through a real Markdown renderer."""

from __future__ import annotations

import markdown
import pytest

from digest.pages.markdown import chat_inline, chat_markdown, md_link

EXTENSIONS = ["tables", "pymdownx.escapeall", "attr_list", "admonition"]
CONFIGS = {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}}


def render(text: str) -> str:
    return markdown.markdown(str(chat_markdown(text)), extensions=EXTENSIONS, extension_configs=CONFIGS)


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("# heading", "<h1"),
        ("## heading", "<h2"),
        ("> quote", "<blockquote"),
        ("- item", "<li"),
        ("1. item", "<ol"),
        ("[x](javascript:alert(1))", "<a"),
        ("![x](http://evil/x.png)", "<img"),
        ("[x]: javascript:alert(1)", "href"),
        ("a | b\n--|--\nc | d", "<table"),
        ("text\n===", "<h1"),
        ("text\n---", "<h2"),
        ("    indented code", "<pre"),
        ("```\ncode\n```", "<code"),
        ("*emphasis*", "<em"),
        ("**strong**", "<strong"),
        ("{: onclick=alert(1) }", 'onclick="'),
        ("<!-- comment -->", "<!--"),
        ("&lt;script&gt;", "<script"),
    ],
)
def test_structure_never_survives(text: str, forbidden: str) -> None:
    assert forbidden not in render(text)


def test_reference_definition_stays_visible_text() -> None:
    assert "[x]: " in render("[x]: http://evil.example/")


def test_text_reads_the_same() -> None:
    html = render("pandas 的 merge 和 join 有什么区别？a_b = c*d")
    assert "pandas 的 merge 和 join 有什么区别？a_b = c*d" in html


def test_http_links_become_links_and_other_schemes_do_not() -> None:
    html = render("docs: https://pandas.pydata.org/docs/ and javascript:alert(1)")
    assert '<a href="https://pandas.pydata.org/docs/">' in html
    assert 'href="javascript' not in html


def test_url_keeps_balanced_parentheses_and_drops_sentence_punctuation() -> None:
    assert "<https://en.wikipedia.org/wiki/Foo_(bar)>" in str(
        chat_markdown("see https://en.wikipedia.org/wiki/Foo_(bar).")
    )
    assert "<https://example.org/a>" in str(chat_markdown("(see https://example.org/a)"))


def test_line_breaks_and_paragraphs() -> None:
    html = render("line one\nline two\n\nsecond paragraph")
    assert "line one<br />" in html or "line one<br>" in html
    assert html.count("<p>") == 2


def test_template_syntax_is_escaped() -> None:
    assert "{{" not in str(chat_markdown("{{ config.secret }} {% include x %}"))


def test_inline_flattens_lines() -> None:
    assert "\n" not in str(chat_inline("a\nb\n# c"))


def test_link_text_is_escaped_and_url_kept() -> None:
    link = str(md_link("小王 [admin](x)", "../members/小王.md"))
    assert link.startswith("[小王 \\[admin\\]\\(x\\)](") or link.startswith("[小王 \\[admin\\](x)](")
    assert link.endswith("(../members/小王.md)")
