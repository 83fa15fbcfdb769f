"""Generated blocks handed to MkDocs as ready HTML (profiles, listings): the same escaping
guarantees as the Markdown path, and the same page.

``chat_html`` may produce paragraphs, line breaks and http(s) links, nothing else, and shows
what ``chat_markdown`` shows once Python-Markdown has rendered it; headings stay Markdown
headings; the guard's name scrubbing reaches the text of the blocks but never their links.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from htmlcheck import FUZZ, load_vectors, render_markdown, scan_html
from hypothesis import given
from test_escaping import ALLOWED_BLOCK, ALLOWED_INLINE, assert_only_our_markup, chat_text

from digest.pages.markdown import (
    chat_html,
    chat_html_inline,
    chat_inline,
    chat_markdown,
    fill,
    html_link,
    html_section,
    placeholder,
)
from digest.plugin import scrub_html


class _Shape(HTMLParser):
    """A document as its elements, attributes and text, whitespace between words collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, ...]] = []
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.items.append(("text", text))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        self.items.append((tag, *(f"{k}={v}" for k, v in sorted(attrs))))

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        self.items.append(("/" + tag,))

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def shape(document: str) -> list[tuple[str, ...]]:
    parser = _Shape()
    parser.feed(document)
    parser.close()
    return parser.items


@given(chat_text)
@FUZZ
def test_fuzz_chat_html_makes_only_paragraphs_breaks_and_http_links(text: str) -> None:
    assert_only_our_markup(str(chat_html(text)), ALLOWED_BLOCK)
    inline = str(chat_html_inline(text))
    assert "\n" not in inline
    assert_only_our_markup(inline, ALLOWED_INLINE)


@given(chat_text)
@FUZZ
def test_fuzz_chat_html_shows_what_the_markdown_path_shows(text: str) -> None:
    assert shape(str(chat_html(text))) == shape(render_markdown(str(chat_markdown(text))))
    inline = render_markdown(str(chat_inline(text))).removeprefix("<p>").removesuffix("</p>")
    assert shape(str(chat_html_inline(text))) == shape(inline)


@given(chat_text)
@FUZZ
def test_fuzz_link_text_stays_inside_its_link_and_cell(text: str) -> None:
    cell = f"<table><tr><td>{chat_html_inline(text)}</td><td>{html_link(text, '../x/')}</td></tr></table>"
    scan = scan_html(cell)
    assert cell.count("<td") == 2 and cell.count("</td>") == 2
    assert {tag for tag, _attr in scan.pairs} <= {"table", "tr", "td", "a"}
    assert not scan.problems


@pytest.mark.parametrize("vector", load_vectors())
def test_every_vector_renders_as_text_in_ready_html(vector: str) -> None:
    assert_only_our_markup(str(chat_html(vector)), ALLOWED_BLOCK)
    assert_only_our_markup(str(chat_html_inline(vector)), ALLOWED_INLINE)
    link = scan_html(f"<p>{html_link(vector, '../../members/x/')}</p>")
    assert link.pairs <= ALLOWED_INLINE and not link.problems and link.urls == ["../../members/x/"]


def test_headings_stay_markdown_and_blocks_come_back_in_place() -> None:
    rendered = (
        "<table>\n<tr><td>a</td></tr>\n</table>\n\n<h2>Q&amp;A *1* [x](y)</h2>\n<ul>\n<li>b</li>\n</ul>\n"
    )
    section = html_section(rendered, "t0k")
    assert section.blocks == ("<table>\n<tr><td>a</td></tr>\n</table>", "<ul>\n<li>b</li>\n</ul>")
    page = render_markdown("# Ana\n\n" + section.markdown)
    assert '<h2 id="qa-1-xy">Q&amp;A *1* [x](y)</h2>' in page.replace(
        '<a class="headerlink" href="#qa-1-xy" title="Permanent link">&para;</a>', ""
    )
    filled = fill(page, "t0k", section.blocks)
    assert "<!--" not in filled and filled.index("<td>a</td>") < filled.index("<h2") < filled.index("<li>b")


def test_a_block_whose_placeholder_did_not_come_out_is_kept() -> None:
    assert fill("<p>x</p>", "t0k", ["<ul><li>y</li></ul>"]) == "<p>x</p>\n<ul><li>y</li></ul>"
    assert fill(f"<p>x</p>\n{placeholder('t0k', 0)}\n\n<p>z</p>", "t0k", ["<b>y</b>"]) == (
        "<p>x</p>\n<b>y</b>\n<p>z</p>"
    )


def test_scrubbing_reaches_the_text_never_the_links() -> None:
    def scrub(text: str) -> str:
        return text.replace("Zhang San", "<Member & 1>")

    block = '<li><a href="../zhang-san/">Li Si</a> · Zhang&#39;s</li>'
    assert scrub_html(block, scrub) == block  # no name in its text: untouched
    named = '<li><a href="../Zhang San/">Zhang San</a> asked</li>'
    assert scrub_html(named, scrub) == '<li><a href="../Zhang San/">&lt;Member &amp; 1&gt;</a> asked</li>'
    assert html.unescape(scrub_html("<p>Zhang San &amp; Zhang San</p>", scrub)) == (
        "<p><Member & 1> & <Member & 1></p>"
    )
