"""The Whoosh index: incremental by content hash, filters, typos, snippets, deterministic scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.search.documents import SearchDoc, keys, normalize_url, page_url, parse_qa_page, plain_text
from digest.search.index import SearchIndex, edit_distance
from digest.search.query import QueryError, parse
from digest.search.snippets import snippet

DOCS = [
    SearchDoc(
        id="qa:a",
        kind="qa",
        title="pandas 的 merge 和 join 有什么区别？",
        url="qa/a/",
        question="pandas 的 merge 和 join 有什么区别？",
        answer="merge 按列合并，join 按索引对齐。",
        tags=("pandas",),
        authors=("小王", "Ana"),
        author_keys=keys("小王", "Ana"),
        groups=("Data Group",),
        group_keys=keys("Data Group"),
        date=datetime(2026, 9, 1, tzinfo=UTC),
        answered=True,
    ),
    SearchDoc(
        id="qa:b",
        kind="qa",
        title="How do I resolve a git merge conflict?",
        url="qa/b/",
        question="How do I resolve a git merge conflict?",
        answer="Edit the conflicted files, then commit.",
        tags=("git",),
        authors=("Kevin", "Ana"),
        author_keys=keys("Kevin", "Ana"),
        groups=("Other Group",),
        group_keys=keys("Other Group"),
        date=datetime(2026, 10, 1, tzinfo=UTC),
        answered=True,
    ),
    SearchDoc(
        id="profile:ana",
        kind="profile",
        title="Ana",
        url="members/ana/",
        body="Berlin · data engineer · pandas, SQL",
        authors=("Ana",),
        author_keys=keys("Ana"),
    ),
]


def ids(index: SearchIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(parse(query))]


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path / "search")
    ix.update(DOCS)
    return ix


def test_only_changed_documents_are_indexed_again(index: SearchIndex) -> None:
    report = index.update(DOCS)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 3)
    generation = index.ix.latest_generation()
    index.update(DOCS)
    assert index.ix.latest_generation() == generation  # nothing was written at all
    edited = [replace(DOCS[0], answer="merge 按列合并。"), DOCS[1]]
    report = index.update(edited)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 1, 1)
    assert ids(index, '"按列合并"') == ["qa:a"]
    assert ids(index, "berlin") == []


def test_an_incremental_index_scores_like_a_fresh_one(index: SearchIndex, tmp_path: Path) -> None:
    index.update([replace(DOCS[0], answer="merge 按列合并。"), *DOCS[1:]])
    fresh = SearchIndex(tmp_path / "fresh")
    fresh.update([replace(DOCS[0], answer="merge 按列合并。"), *DOCS[1:]])
    for query in ("merge", "git conflict", "pandas"):
        assert [(h.id, h.score) for h in index.search(parse(query))] == [
            (h.id, h.score) for h in fresh.search(parse(query))
        ]


def test_a_changed_analysis_rebuilds_the_index(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "search")
    ix.update(DOCS)
    (tmp_path / "search" / "VERSION.json").write_text('{"schema": 0}', encoding="utf-8")
    assert SearchIndex(tmp_path / "search").hashes() == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("merge", ["qa:a", "qa:b"]),
        ("merge tag:git", ["qa:b"]),
        ("merge author:小王", ["qa:a"]),
        ("merge author:ana", ["qa:a", "qa:b"]),
        ('merge group:"Other Group"', ["qa:b"]),
        ("merge group:other-group", ["qa:b"]),
        ("merge after:2026-09-15", ["qa:b"]),
        ("merge before:2026-09-15", ["qa:a"]),
        ("merge after:2026-09 before:2026-10", ["qa:a"]),
        ("merge tag:sql", []),
        ("mrege conflcit", ["qa:b", "qa:a"]),  # typos: a swap, and the stem of a misspelt word
        ("data engineer berlin", ["profile:ana"]),
        ("合并", ["qa:a", "qa:b"]),  # the glossary: 合并 is merge
        ("tag:git", []),  # filters alone search nothing
    ],
)
def test_search_and_filters(index: SearchIndex, query: str, expected: list[str]) -> None:
    assert ids(index, query) == expected


def test_bad_dates_are_user_errors() -> None:
    with pytest.raises(QueryError, match=r"after:2026-13: month must be in 1\.\.12"):
        parse("x after:2026-13")
    with pytest.raises(QueryError, match="before:soon: expected a date like"):
        parse("x before:soon")


def test_snippets_mark_every_match(index: SearchIndex) -> None:
    hit = index.search(parse("git conflicts"))[0]
    assert hit.snippet.render(lambda s: f"[{s}]") == "How do I resolve a [git] merge [conflict]?"
    long = "填充文字。" * 60 + "这里说到 merge 和 join 的区别。" + "更多填充。" * 60
    cut = snippet([long], {"merg", "join"}, width=60)
    assert cut.text.startswith("…") and cut.text.endswith("…")
    assert [cut.text[s:e] for s, e in cut.marks] == ["merge", "join"]


def test_ask_ranks_answered_qa_with_a_confidence(index: SearchIndex) -> None:
    found = index.ask("what is the difference between merge and join in pandas?")
    assert found[0].id == "a" and found[0].url == "qa/a/"
    assert 0.0 < found[-1].confidence <= found[0].confidence <= 1.0
    assert index.ask("周末一起去爬山吗") == []


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("mrege", "merge", 2) == 1
    assert edit_distance("kernal", "kernel", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # capped at limit + 1


def test_qa_page_parts_are_read_from_the_draft_layout() -> None:
    body = (
        "\n# Title\n\nAsked by [Kevin](../members/kevin.md) · 2026-09-01 · Group\n\n"
        "How do I resolve a git merge conflict\\?\n\n## Accepted answer\n\n"
        "[Ana](../members/ana.md) · 2026-09-01\n\nEdit the files, then `git add`: <https://git-scm.com/>\n\n"
        "## Other answers\n\n[jie](../members/jie.md) · 2026-09-02\n\nOr use git mergetool.\n"
    )
    page = parse_qa_page("q-1", "Title", "qa/title.md", body)
    assert (page.question.author, page.question.author_uri, page.question.date) == (
        "Kevin",
        "members/kevin.md",
        "2026-09-01",
    )
    assert page.question.text == "How do I resolve a git merge conflict?"
    assert page.accepted is not None and page.accepted.author == "Ana"
    assert page.accepted.text == "Edit the files, then git add: https://git-scm.com/"
    assert [(p.author, p.text) for p in page.suggested] == [("jie", "Or use git mergetool.")]


def test_plain_text_undoes_markdown_escapes() -> None:
    assert plain_text("a \\*b\\* &lt;c&gt; [link](x.md) **bold**") == "a *b* <c> link bold"


def test_urls_match_mkdocs() -> None:
    from mkdocs.structure.files import File

    for uri in ("qa/pandas-的-merge.md", "qa/index.md", "people.md", "index.md", "a b/c.md"):
        for directory_urls in (True, False):
            expected = File(uri, "/docs", "/site", directory_urls).url
            assert page_url(uri, directory_urls) == expected


def test_shared_links_are_one_resource_per_normalised_url() -> None:
    assert normalize_url("https://Missing.CSAIL.mit.edu/?utm_source=wechat&utm_medium=share") == (
        normalize_url("https://missing.csail.mit.edu/")
    )
    assert normalize_url("https://wesmckinney.com/book/") == normalize_url("https://wesmckinney.com/book")
