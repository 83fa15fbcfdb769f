"""Related questions are cached by the site's documents: a curator's edit shows in the next build."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from digest.cli import main
from example_helpers import copy_example

ID = re.compile(r"^id: (?P<id>\S+)$", re.MULTILINE)
TITLE = re.compile(r"^title: .*$", re.MULTILINE)


def build(root: Path) -> None:
    result = CliRunner().invoke(main, ["build", "-f", str(root / "mkdocs.yml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def related_of(root: Path) -> dict[str, list[str]]:
    stored = json.loads((root / ".digest" / "search" / "related.json").read_text(encoding="utf-8"))
    return {k: list(v) for k, v in stored["related"].items()}


def qa_files(root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted((root / "content" / "qa").glob("*.md")):
        match = ID.search(path.read_text(encoding="utf-8"))
        if match:
            found[match["id"]] = path
    return found


def question_of(path: Path) -> tuple[str, str]:
    """The title and the question paragraphs of a Q&A page (before its first section)."""
    text = path.read_text(encoding="utf-8")
    body = text[text.index("\n---\n", 4) + 5 :]
    heading, _sep, rest = body.lstrip().partition("\n")
    return heading.removeprefix("# ").strip(), rest.split("\n## ", 1)[0].strip()


@pytest.fixture
def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_example(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


def test_an_unchanged_site_reuses_its_related_questions(community: Path) -> None:
    build(community)
    cache = community / ".digest" / "search" / "related.json"
    before = cache.stat().st_mtime_ns, cache.read_bytes()
    build(community)
    assert (cache.stat().st_mtime_ns, cache.read_bytes()) == before


def test_a_curator_edit_changes_the_related_questions_of_the_next_build(community: Path) -> None:
    build(community)
    related = related_of(community)
    files = qa_files(community)
    # A: a Q&A with related questions; B: an answered Q&A (it is related to some page) not yet
    # related to A. The curator rewrites B's question as A's: B must now be related to A.
    a = next(qa for qa, found in sorted(related.items()) if found)
    listed = {qa for found in related.values() for qa in found}
    b = sorted(listed - {a} - set(related[a]))[0]
    title, question = question_of(files[a])
    text = files[b].read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    meta = TITLE.sub(lambda _m: "title: " + json.dumps(title, ensure_ascii=False), text[:end], count=1)
    body = text[end + 5 :]
    _heading, _sep, rest = body.lstrip().partition("\n")
    files[b].write_text(f"{meta}\n---\n\n# {title}\n\n{question}\n{rest}", encoding="utf-8")

    build(community)
    assert b in related_of(community)[a]
    slug_a, slug_b = files[a].stem, files[b].stem
    page = (community / "site" / "qa" / slug_a / "index.html").read_text(encoding="utf-8")
    related_html = page.split('class="digest-related"', 1)[1]
    assert f'href="../{quote(slug_b)}/"' in related_html
