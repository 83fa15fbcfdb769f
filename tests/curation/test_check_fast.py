"""The fast paths of `digest check` read exactly what the slow ones do.

Front matter is read line by line when it is simple (``frontmatter._load_simple``) and by YAML
otherwise; links of most edited pages are found by one scan (``check._plain_links``) instead of
markdown-it-py. Each fast path either declines (None) or agrees with the slow one: these tests
compare both on hand-picked cases and on many generated ones.
"""

from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from curation_helpers import MKDOCS_YML, run

from digest import check
from digest.errors import ContentError
from digest.pages import frontmatter
from digest.pages.frontmatter import dump_yaml, parse, render

# -- front matter ---------------------------------------------------------------------------------

KEYS = ["id", "title", "tags", "on", "yes", "null", "a-b", "_x", "Key", "n", "y", "True", "<<", "a b"]
VALUES = [
    *("q-1", "'Question: x'", "'it''s'", "'a'b'", '"dq"', '"a\\"b"', '""', "''", "' spaced '"),
    *("12", "012", "0x1f", "-3", "+4", "1_000", "0.9", "1.", ".5", "1e3", "1.0e+3", "0", "-0.0"),
    *(".inf", ".nan", "true", "False", "on", "off", "yes", "No", "null", "~", "Null", "1:30"),
    *("2026-10-02", "2026-13-45", "2026-1-2", "2026-01-10T10:00:00+00:00", "2026-01-10 10:00:00"),
    *("a: b", "a:", "a #c", "a#c", "https://x.org/a?b=c", "[a, b]", "{a: 1}", "&a x", "*a"),
    *("!!str 3", "|", ">", "- x", "a ", " a", "", "telegram:user-m1", "é ü 中文", "😀 emoji"),
    *("a\tb", "\u2028x", "x\u00a0y", "a\x01b", "a\x85b", "\ufeffx", "=", "<<", "a]", "a,b", "%x"),
    *("@x", "`x", "a'b", "-", "?x", ":x", "'é 😀'", "'a\x85b'", '"é"', "'a\tb'", "'#'", "'\\'"),
]
ODD_LINES = ["", "  ", "# c", "  x", "---", "...", "- a", "k:v", "  k: 1", "k:  v", "k: v  "]


def _yaml_load(block: str) -> tuple[Any, dict[str, int]]:
    """What ``_load`` returns when YAML reads the block."""
    original = frontmatter._load_simple
    frontmatter._load_simple = lambda block: None
    try:
        return frontmatter._load(block)
    finally:
        frontmatter._load_simple = original


def _same(block: str) -> bool:
    """The fast reader declines the block, or reads what YAML reads (types included)."""
    fast = frontmatter._load_simple(block)
    if fast is None:
        return True
    data, lines = _yaml_load(block)
    data = {} if data is None else data
    return (repr(fast[0]), fast[1]) == (repr(data), lines) and list(map(type, fast[0].values())) == list(
        map(type, data.values())
    )


def _block(rng: random.Random) -> str:
    out: list[str] = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        key = rng.choice(KEYS)
        if roll < 0.6:
            out.append(f"{key}: {rng.choice(VALUES)}")
        elif roll < 0.9:
            out.append(f"{key}:")
            indent = rng.choice(["", "", "  ", " "])
            for _ in range(rng.randint(0, 3)):
                out.append(f"{indent if rng.random() < 0.9 else '  '}- {rng.choice(VALUES)}")
        else:
            out.append(rng.choice(ODD_LINES))
    return "\n".join(out) + ("\n" if rng.random() < 0.9 else "")


@pytest.mark.parametrize(
    "block",
    [
        "id: q-1\ntitle: 'A: b'\ntags:\n- pandas\n- sql\nconfidence: 0.9\nhidden: false\n",
        "id: e-1\ndate: 2026-10-02\norganisers:\n  - telegram:user-m1\nend: 2026-13-45\n",
        "a: 1\na: 2\n",  # a duplicate key: YAML's last value wins
        "on: x\n",  # the key is the boolean true
        "tags:\n- a\n  - b\n",  # items at two indents
        "title: a\n  continued\n",  # a plain scalar over two lines
        "x: 0o17\ny: 0b11\nz: 1:30\nw: ~\n",
        "x: 'it''s'\ny: \"say \\\"hi\\\"\"\n",
        "k: a # comment\n",
        "list:\n\n- a\n\n- b\n",
    ],
)
def test_fast_front_matter_reads_what_yaml_reads(block: str) -> None:
    assert _same(block)


def test_fast_front_matter_on_generated_blocks() -> None:
    rng = random.Random(7)
    blocks = [_block(rng) for _ in range(20_000)]
    assert all(_same(b) for b in blocks)
    assert sum(frontmatter._load_simple(b) is not None for b in blocks) > 1_000  # the fast path ran


def test_what_digest_writes_takes_the_fast_path() -> None:
    meta: dict[str, Any] = {
        "id": "q-00ab",
        "title": "How do I merge: pandas, SQL or 中文?",
        "asked_at": "2026-02-11T10:00:00+00:00",
        "asker": "telegram:user-1",
        "answerers": ["telegram:user-2", "telegram:user-3"],
        "accepted": "11",
        "source": ["10", "11"],
        "tags": ["pandas"],
        "status": "draft",
        "confidence": 0.9,
        "hidden": False,
        "date": date(2026, 10, 2),
    }
    block = dump_yaml(meta)
    assert frontmatter._load_simple(block) is not None
    assert _same(block)
    doc = parse(Path("qa/x.md"), render(meta, "# Body\n"))
    assert {k: v for k, v in doc.meta.items() if k != "digest_hash"} == meta
    assert doc.lines["answerers[1]"] == 8


# -- links ----------------------------------------------------------------------------------------

FRAGMENTS = [
    *("text", "a b", "[a](b.md)", "[m1](../members/m1.md)", "![i](img/x.png)", "[](x.md)"),
    *("[a](b.md#s)", "[a](?q=1)", "[a](//h/x)", "[a](b c)", "[a](<b>)", "[a](b(c))", "[a]", "[a][b]"),
    *("]", "[", "\\[a](b)", "\\\\[a](b)", "\\", "`", "``", "`[a](b)`", "``[a](b)`", "`c`", "`` a ` b ``"),
    *("<https://x.y/[a](b)>", "<a@b.co>", "<1@b.co>", "<b>", "</b>", "<!-- x -->", "< a", "<3", "a<b"),
    *("&amp;", "[a&amp;](b)", "[a](b&amp;c)", "*[a](b)*", "_a_", "**", "~~", "!", "\\!", "[a \\] b](c)"),
    *("[a\nb](c)", "[a](\nb)", "\\`", "`x\ny`", "[a](b.md) [c](d.md)", "(", ")", '[a](b.md "t")'),
    *("[a](%20)", "[a](é.md)", "[é](x.md)", "[a](javascript:x)", "[a](http://x)", "[a] (b)", "\\\n", "  \n"),
    *('<i title="[a](b.md)">', "<!-- [a](b.md) -->", "<a@b.co[a](b.md)>", "<x:[a](b.md)>"),
    *("<javascript:[a](b.md)>", "<FILE:[a](b.md)>", "<data:image/png;[a](b.md)>", "<https:[a](b.md)>"),
]
STARTS = [
    *("", "", "", "", "", "", "# ", "## ", "#tag ", "[a](b.md) ", "- ", "> ", "1. ", "    ", "\t"),
    *("[x]: /u\n", "| a | b |\n|---|---|\n", "```\n", "---\n", "===\n", "<div>\n", "2026 ", "12) ", ":"),
    *("1.     ", "-     ", "*     ", "> ", "    ", "<div>"),
]


def _markdown_it(body: str) -> list[tuple[int, str]]:
    """Links as markdown-it-py finds them, but autolinks (check never reports a URL with a scheme)."""
    return [(line, href) for line, href in check._parsed_links(body, 0) if not urlsplit(href).scheme]


PLAIN = [
    *("text", "a b", "[a](b.md)", "![i](x.png)", "[b](../c/d.md)", "[a](b.md?x=1#y)", "`c`", "``a ` b``"),
    *("\\`", "\\[", "\\\\", "<https://a.b/c>", "<a@b.co>", "a < b", "<3", "*x*", "&amp;", "!", "(", ")"),
]


def _body(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 5)):
        words = (
            rng.choice(PLAIN if rng.random() < 0.8 else FRAGMENTS) + rng.choice(["", " ", "  "])
            for _ in range(rng.randint(0, 4))
        )
        lines.append(("" if rng.random() < 0.6 else rng.choice(STARTS)) + "".join(words))
        if rng.random() < 0.3:
            lines.append("")
    return "\n".join(lines) + rng.choice(["\n", "", "\n\n", "\r\n"])


@pytest.mark.parametrize(
    "body",
    [
        "# Q\n\nAsked by [m1](../members/m1.md) · 2026\n\nA curator's note, [a link](../x.md).\n",
        "[m2](../members/m2.md) · 2026\n\nSee <https://pandas.pydata.org/x> and `df[0](x)` too.\n",
        "Escaped \\` ticks \\(and\\) \\'quotes\\' and [a](b.md)\n",
        "line one  \n[hard](break.md) after a hard break\\\n[and](another.md)\n",
        "![img](a.png) and ![x](b.png)\n",
        "See <https:[a](b.md)>: one autolink, and [c](d.md) a link\n",
    ],
)
def test_plain_links_are_markdown_its(body: str) -> None:
    found = check._plain_links(body)
    assert found is not None
    assert found == _markdown_it(body)


def test_an_autolink_markdown_it_refuses_holds_a_link() -> None:
    body = "See <javascript:[c](d.md)> and <https:[a](b.md)>.\n"
    assert check._plain_links(body) is None
    assert list(check._links(body, 5, generated=False)) == [(5, "d.md"), (5, "https:%5Ba%5D(b.md)")]


def test_plain_links_on_generated_bodies() -> None:
    rng = random.Random(11)
    bodies = [_body(rng) for _ in range(10_000)]
    fast = [(b, check._plain_links(b)) for b in bodies]
    assert all(found == _markdown_it(b) for b, found in fast if found is not None)
    assert sum(found is not None for _, found in fast) > 1_000  # the fast path ran


# -- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"a\r\nb\rc\n", b"---\r\nid: x\r\n---\r\n", b"ok \xe2\x82", b"\xff"])
def test_reading_a_file_is_read_text(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(data)
    try:
        expected: Any = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        expected = exc.reason
    try:
        got: Any = check._read_text(path)
    except UnicodeDecodeError as exc:
        got = exc.reason
    assert got == expected


def test_an_edit_of_the_same_size_in_the_same_instant_is_seen(tmp_path: Path) -> None:
    """Nothing read before is reused for a changed file, even when its size and time are equal."""
    (tmp_path / "content" / "qa").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    page = tmp_path / "content" / "qa" / "a.md"
    page.write_text("---\nid: q-a\ntitle: A\ntags:\n- pandas\n---\n\n[x](b.md)\n", encoding="utf-8")
    (tmp_path / "content" / "qa" / "b.md").write_text("---\nid: q-b\ntitle: B\n---\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    assert [str(p) for p in check.check(config).problems] == []
    stat = page.stat()
    page.write_text("---\nid: q-a\ntitle: A\ntags:\n- pandaz\n---\n\n[x](c.md)\n", encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert [str(p) for p in check.check(config).problems] == [
        "content/qa/a.md:5: unknown tag 'pandaz' in 'tags'; "
        "tags must be in the tags vocabulary of mkdocs.yml",
        "content/qa/a.md:8: broken link 'c.md': no such page (did you mean 'b.md'?)",
    ]
    result = run("check", "-f", str(config))  # and so does a fresh command in the same process
    assert result.exit_code == 1
    assert "content/qa/a.md:8: broken link 'c.md'" in result.stdout


def test_yaml_is_still_safe() -> None:
    """A tag the fast reader leaves to YAML is still refused by the safe loader."""
    with pytest.raises(ContentError, match="could not determine a constructor"):
        parse(Path("x.md"), "---\nx: !!python/object:os.system ls\n---\n")
