"""A site of many Q&A: listings in pages, a search index of questions and accepted answers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import tg_message
from digest.cli import main
from digest.pages.site import Pager, SiteModel, paged_uri

TOPICS = [
    "merge two pandas dataframes on a key column",
    "read a gbk encoded csv file",
    "resolve a git merge conflict in a notebook",
    "plot chinese labels with matplotlib fonts",
    "install a jupyter kernel for a virtualenv",
]


def questions(count: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for k, topic in enumerate(TOPICS[:count]):
        i = 4 * k + 1
        out += [
            tg_message(i, "wang", f"How do I {topic} with pandas?"),
            tg_message(i + 1, "ana", f"Accepted: the docs explain how to {topic}.", i),
            tg_message(i + 2, "jie", f"Another way {k}: ask on the forum.", i),
            tg_message(i + 3, "wang", "thanks, that works!", i + 1),
        ]
    return out


def test_paged_uris() -> None:
    assert paged_uri("qa/index.md", 2) == "qa/page/2.md"
    assert paged_uri("tags/pandas.md", 3) == "tags/pandas/3.md"
    assert paged_uri("unanswered.md", 2) == "unanswered/2.md"
    pager = Pager(2, 3, ("a.md", "b.md", "c.md"))
    assert (pager.previous, pager.next) == ("a.md", "c.md")
    assert Pager(1, 1, ("a.md",)).next is None


def test_long_listings_are_paged_and_later_pages_unsearched(community: Callable[..., Path]) -> None:
    root = community(questions(5), plugin_settings="      page_size: 2\n")
    result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = root / "site"
    first = (site / "qa" / "index.html").read_text(encoding="utf-8")
    assert "Page 1 of 3" in first and 'href="page/2/"' in first
    third = (site / "qa" / "page" / "3" / "index.html").read_text(encoding="utf-8")
    assert "Page 3 of 3" in third and len(re.findall(r'href="\.\./\.\./[^"]+/"', third)) >= 1
    assert (site / "tags" / "pandas" / "2" / "index.html").is_file()
    tag = (site / "tags" / "pandas" / "index.html").read_text(encoding="utf-8")
    assert "Page 1 of 3" in tag and 'href="2/"' in tag  # the first page leads to the next
    groups = list((site / "groups").glob("*/index.html"))
    assert groups and all("Page 1 of 3" in p.read_text(encoding="utf-8") for p in groups)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"] for d in index["docs"]}
    assert "qa/" in locations and not [loc for loc in locations if "/page/" in loc or "pandas/2" in loc]
    # A Q&A page is one entry: its question and accepted answer, not its other answers.
    qa_entries = [d for d in index["docs"] if d["location"].startswith("qa/how-do-i-")]
    assert len(qa_entries) == 5 and all("#" not in d["location"] for d in qa_entries)
    assert all("the docs explain" in d["text"] and "Another way" not in d["text"] for d in qa_entries)


def test_machine_made_pages_are_rendered_again_only_when_inputs_change(
    community: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = community(questions(2))
    calls: list[int] = []
    original = SiteModel.pages

    def counted(self: SiteModel) -> Any:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(SiteModel, "pages", counted)
    config = str(root / "mkdocs.yml")
    for _ in range(2):  # as `digest serve` rebuilds: nothing changed, nothing rendered again
        assert CliRunner().invoke(main, ["build", "-f", config], catch_exceptions=False).exit_code == 0
    assert len(calls) == 1
    page = next((root / "content" / "qa").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("status: draft", "status: verified"), "utf-8")
    assert CliRunner().invoke(main, ["build", "-f", config], catch_exceptions=False).exit_code == 0
    assert len(calls) == 2
