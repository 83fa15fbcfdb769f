"""Atomic, deterministic builds: a failed build leaves site/ and content/ byte-identical;
SOURCE_DATE_EPOCH makes two builds byte-identical."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from curation_helpers import add_messages, run, tree

from conftest import tg_message


@pytest.fixture
def built(community: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1788300000")
    root = community()
    result = run("build", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    return root


def test_a_broken_template_leaves_site_and_content_untouched(built: Path) -> None:
    root = built
    site, content = tree(root / "site"), tree(root / "content")
    # New messages would make a new draft, and a community override template is broken.
    add_messages(
        root,
        tg_message(20, "tom", "How do I read an Excel file with pandas?"),
        tg_message(21, "ana", "pd.read_excel('file.xlsx') needs openpyxl.", 20),
    )
    override = root / "site_templates" / "pages" / "leaderboard.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("# Leaderboard\n\n{% for row in boards['all'] %}\n", encoding="utf-8")
    result = run("build", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    error = result.output.splitlines()[-1]
    assert error.startswith("Error: site build failed, the previous site and content/ are untouched: ")
    assert "leaderboard.md.j2" in error
    assert tree(root / "site") == site
    assert tree(root / "content") == content  # the new draft was rolled back
    assert not list(root.glob(".site.*"))
    # Fixed, the same build succeeds and writes the new draft.
    override.unlink()
    assert run("build", "-f", str(root / "mkdocs.yml")).exit_code == 0
    assert len(tree(root / "content")) == len(content) + 2  # the Q&A and tom's profile


def test_a_broken_link_under_strict_leaves_the_site(built: Path) -> None:
    root = built
    site = tree(root / "site")
    (root / "content" / "about.md").write_text("# About\n\n[gone](nowhere.md)\n", encoding="utf-8")
    content = tree(root / "content")
    result = run("build", "--strict", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    assert "site build failed" in result.output.splitlines()[-1]
    assert tree(root / "site") == site
    assert tree(root / "content") == content


def test_source_date_epoch_makes_builds_byte_identical(built: Path) -> None:
    root = built
    first = tree(root / "site")
    assert "sitemap.xml.gz" in first
    assert run("build", "-f", str(root / "mkdocs.yml")).exit_code == 0
    assert tree(root / "site") == first
