"""Safe regeneration: `digest status` tells generated, edited and stale pages apart, and
`digest distill --refresh` regenerates one page only after showing the diff and asking."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from curation_helpers import add_messages, pages, run, set_meta

from conftest import tg_message
from digest.pages.frontmatter import HASH_KEY, parse

PANDAS, GIT = "pandas 的 merge 和 join 有什么区别？", "How do I resolve a git merge conflict?"


def grown_community(community: Callable[..., Path]) -> tuple[Path, Path, Path]:
    """Distilled, one page edited by a curator, then both threads grow."""
    root = community()
    assert run("distill", "-f", str(root / "mkdocs.yml")).exit_code == 0
    by_title = {parse(p).meta["title"]: p for p in pages(root).values()}
    pandas, git = by_title[PANDAS], by_title[GIT]
    set_meta(pandas, title="pandas: merge or join?")
    add_messages(
        root,
        tg_message(8, "jie", "You can also use df.join(other, on='key').", 2),
        tg_message(9, "tom", "git rebase --continue after fixing them.", 4),
    )
    return root, pandas, git


def test_status_after_new_messages(community: Callable[..., Path]) -> None:
    root, pandas, git = grown_community(community)
    pandas_id, git_id = parse(pandas).meta["id"], parse(git).meta["id"]
    result = run("status", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        f"content/qa/{pandas.name}: edited, stale: 1 new message: 8 (jie, 2026-09-01) "
        "\"You can also use df.join(other, on='key').\"; "
        f"`digest distill --refresh {pandas_id}` shows the new draft"
    ) in lines
    assert (
        f"content/qa/{git.name}: generated, stale: 1 new message: 9 (tom, 2026-09-01) "
        "'git rebase --continue after fixing them.'; the next `digest distill` updates it"
    ) in lines
    assert "content/members/ana.md: generated" in lines
    assert lines[-1] == "6 files: 5 generated, 1 edited, 2 stale"
    # The same as JSON, for tools; and status wrote nothing.
    report = json.loads(run("status", "--format", "json", "-f", str(root / "mkdocs.yml")).stdout)
    by_id = {f["id"]: f for f in report["files"]}
    assert by_id[pandas_id]["state"] == "edited, stale"
    assert [m["id"] for m in by_id[pandas_id]["new"]] == ["8"]
    assert by_id[git_id]["state"] == "generated, stale"
    assert "8" not in pandas.read_text(encoding="utf-8").split("source:")[1].split("tags:")[0]
    # distill then follows the untouched page's thread and keeps the edited one.
    assert "1 edited by curators and kept" in run("distill", "-f", str(root / "mkdocs.yml")).output
    lines = run("status", "-f", str(root / "mkdocs.yml")).stdout.splitlines()
    assert f"content/qa/{git.name}: generated" in lines
    assert any(line.startswith(f"content/qa/{pandas.name}: edited, stale") for line in lines)


def test_refresh_shows_the_diff_and_asks(community: Callable[..., Path]) -> None:
    root, pandas, _git = grown_community(community)
    page_id = parse(pandas).meta["id"]
    set_meta(pandas, pin=True)  # a curator-only key: kept by the refresh
    edited = pandas.read_text(encoding="utf-8")
    config = str(root / "mkdocs.yml")

    declined = run("distill", "--refresh", page_id, "-f", config, input="n\n")
    assert declined.exit_code == 0
    assert f"--- a/content/qa/{pandas.name}" in declined.output
    assert "-title: 'pandas: merge or join?'" in declined.output
    assert f"+title: {PANDAS}" in declined.output
    assert "+- '8'" in declined.output
    assert f"content/qa/{pandas.name}: not written" in declined.output
    assert pandas.read_text(encoding="utf-8") == edited

    accepted = run("distill", "--refresh", f"content/qa/{pandas.name}", "--yes", "-f", config)
    assert accepted.exit_code == 0, accepted.output
    assert f"content/qa/{pandas.name}: regenerated; kept the curator's keys pin" in accepted.output
    doc = parse(pandas)
    assert doc.meta["pin"] is True and doc.meta["title"] == PANDAS and "8" in doc.meta["source"]
    assert HASH_KEY not in doc.meta  # with a curator's key kept, the page stays the curator's
    assert f"content/qa/{pandas.name}: edited" in run("status", "-f", config).stdout.splitlines()

    again = run("distill", "--refresh", page_id, "--yes", "-f", config)
    assert "nothing to do" in again.output


def test_refresh_of_an_unknown_id_is_one_clean_line(community: Callable[..., Path]) -> None:
    root = community()
    result = run("distill", "--refresh", "q-nope", "--yes", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    assert result.output == (
        "Error: q-nope: distill writes no page with this id now "
        "(its thread may be gone or its group private)\n"
    )
