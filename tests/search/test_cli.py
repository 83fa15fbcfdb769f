"""`digest search` and `digest ask` from the command line: text, --json, nothing found, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def config(community: Callable[..., Path]) -> str:
    root = community()
    config = str(root / "mkdocs.yml")
    assert run("distill", "-f", config)[0] == 0
    return config


def test_search_ranks_and_highlights(config: str) -> None:
    code, out = run("search", "git merge", "-f", config)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("1. How do I resolve a git merge conflict?  [qa · ")  # then its tags
    assert lines[1].startswith("   qa/how-do-i-resolve-a-git-merge-conflict/")
    assert "**git** **merge** conflict?" in lines[2]
    assert "2. pandas 的 merge 和 join 有什么区别？  [qa · pandas]" in lines  # merge alone


def test_search_json(config: str) -> None:
    code, out = run("search", "合并 author:wang", "--json", "-f", config)
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "合并 author:wang"
    [hit] = data["results"]
    assert hit["kind"] == "qa" and hit["title"] == "pandas 的 merge 和 join 有什么区别？"
    assert (
        hit["url"]
        == "qa/pandas-%E7%9A%84-merge-%E5%92%8C-join-%E6%9C%89%E4%BB%80%E4%B9%88%E5%8C%BA%E5%88%AB/"
    )
    assert hit["absolute_url"] is None  # no site_url in this mkdocs.yml
    marked = [hit["snippet"][start:end] for start, end in hit["highlights"]]
    assert "合并" in marked and "merge" in marked  # the word and its glossary translation
    assert set(hit) >= {"id", "score", "tags", "authors", "groups", "date"}


def test_search_nothing_found_is_not_an_error(config: str) -> None:
    assert run("search", "kubernetes", "-f", config) == (0, "no results for 'kubernetes'\n")
    code, out = run("search", "kubernetes", "--json", "-f", config)
    assert code == 0 and json.loads(out) == {"query": "kubernetes", "results": []}


def test_search_bad_filter_is_one_clean_error(config: str) -> None:
    assert run("search", "merge before:yesterday", "-f", config) == (
        1,
        "Error: before:yesterday: expected a date like 2024-05-31, 2024-05 or 2024\n",
    )


def test_ask_answers_with_confidence_and_url(config: str) -> None:
    code, out = run("ask", "How can I fix a merge conflict in git?", "-f", config)
    assert code == 0
    title, confidence, answer = out.splitlines()
    assert title == "How do I resolve a git merge conflict?"
    assert confidence.startswith("confidence 0.") and confidence.endswith(
        " · qa/how-do-i-resolve-a-git-merge-conflict/"
    )
    assert answer == "Edit the conflicted files, then git add and git commit."


def test_ask_json(config: str) -> None:
    code, out = run("ask", "pandas 里 merge 和 join 有啥不一样", "--json", "-f", config)
    assert code == 0
    data = json.loads(out)
    assert data["answer"]["title"] == "pandas 的 merge 和 join 有什么区别？"
    assert data["answer"]["answer"] == "merge 按列合并，join 默认按索引对齐。"
    assert data["threshold"] <= data["answer"]["confidence"] <= 1
    assert data["answers"] == [data["answer"]]


def test_ask_stays_silent_when_nothing_is_close(config: str) -> None:
    code, out = run("ask", "周末有人一起去爬山吗？", "-f", config)
    assert (code, out) == (0, "no answered question is close enough (confidence below 0.20)\n")
    code, out = run("ask", "What is the best laptop for data science?", "--json", "-f", config)
    assert code == 0
    assert json.loads(out) == {
        "question": "What is the best laptop for data science?",
        "threshold": 0.2,
        "answer": None,
        "answers": [],
    }


def test_ask_threshold_can_be_set(config: str) -> None:
    code, out = run("ask", "git", "--min-confidence", "1", "--json", "-f", config)
    assert code == 0 and json.loads(out)["answer"] is None
    code, out = run("ask", "git", "--min-confidence", "0", "-n", "2", "--json", "-f", config)
    assert json.loads(out)["answers"][0]["title"] == "How do I resolve a git merge conflict?"


def test_the_index_follows_a_curators_edit(config: str) -> None:
    root = Path(config).parent
    page = next((root / "content" / "qa").glob("how-do-i-*.md"))
    page.write_text(
        page.read_text(encoding="utf-8").replace("mergetool", "kdiff3 mergetool"), encoding="utf-8"
    )
    code, out = run("search", "kdiff3", "--json", "-f", config)
    assert code == 0 and [h["title"] for h in json.loads(out)["results"]] == [
        "How do I resolve a git merge conflict?"
    ]
