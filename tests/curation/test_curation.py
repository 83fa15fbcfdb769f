"""Curator operations in front matter: merge_into (redirect, moved credit), pin, notes on
drafts and outdated answers, redirect_from after a rename, title and tag overrides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from curation_helpers import pages, run, set_meta

from conftest import BASIC_THREAD, tg_message
from digest.pages.frontmatter import parse

JUPYTER = [
    tg_message(10, "tom", "How do I start a jupyter notebook server?"),
    tg_message(11, "ana", "Run jupyter notebook in a terminal.", 10),
    tg_message(12, "tom", "thanks, it works!", 11),
]


def points(config: str) -> dict[str, float]:
    result = run("points", "--format", "json", "-f", config)
    assert result.exit_code == 0, result.output
    return {row["id"]: row["total"] for row in json.loads(result.stdout)["members"]}


def test_curator_operations_reach_the_site(community: Callable[..., Path]) -> None:
    root = community([*BASIC_THREAD, *JUPYTER])
    config = str(root / "mkdocs.yml")
    assert run("distill", "-f", config).exit_code == 0
    by_title = {str(parse(p).meta["title"]): p for p in pages(root).values()}
    pandas = by_title["pandas 的 merge 和 join 有什么区别？"]
    git = by_title["How do I resolve a git merge conflict?"]
    jupyter = by_title["How do I start a jupyter notebook server?"]
    git_id = parse(git).meta["id"]
    before = points(config)

    set_meta(pandas, merge_into=git_id)
    set_meta(
        git,
        title="Git conflicts, resolved",
        tags=["git"],
        pin=True,
        status="verified",
        applies_to={"until": "2020-01-01"},
        last_verified="2026-09-02",
    )
    renamed = jupyter.with_name("jupyter.md")
    jupyter.rename(renamed)
    set_meta(renamed, redirect_from=[f"qa/{jupyter.name}"])
    assert run("check", "-f", config).exit_code == 0

    # Credit moves: ana answered both, and the answer rule counts once per Q&A.
    after = points(config)
    assert after["telegram:user-ana"] == before["telegram:user-ana"] - 2
    assert {k: v for k, v in after.items() if k != "telegram:user-ana"} == {
        k: v for k, v in before.items() if k != "telegram:user-ana"
    }

    result = run("build", "-f", config)
    assert result.exit_code == 0, result.output
    site = root / "site"
    merged = (site / "qa" / pandas.stem / "index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="refresh" content="0; url=../{git.stem}/">' in merged
    assert f'<link rel="canonical" href="../{git.stem}/">' in merged
    moved = (site / "qa" / jupyter.stem / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../jupyter/">' in moved

    questions = (site / "qa" / "index.html").read_text(encoding="utf-8")
    assert "pandas 的 merge" not in questions
    assert questions.index("Git conflicts, resolved") < questions.index("How do I start a jupyter")
    assert "Pinned" in questions.split("Git conflicts, resolved")[0]
    assert not (site / "tags" / "pandas").exists()  # the tag override wins

    page = (site / "qa" / git.stem / "index.html").read_text(encoding="utf-8")
    assert "Possibly outdated" in page and "2026-09-02" in page and "Unreviewed" not in page
    assert "Unreviewed" in (site / "qa" / "jupyter" / "index.html").read_text(encoding="utf-8")
    wang = (site / "members" / "wang" / "index.html").read_text(encoding="utf-8")
    assert "Git conflicts, resolved" in wang  # the merged question's asker is credited on the target

    # drafts: hold keeps unreviewed drafts (and redirects to them) off the site.
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text(encoding="utf-8").replace("  - digest:\n", "  - digest:\n      drafts: hold\n")
    )
    assert run("build", "-f", config).exit_code == 0
    assert not (site / "qa" / "jupyter").exists() and not (site / "qa" / jupyter.stem).exists()
    assert (site / "qa" / git.stem / "index.html").exists()
