"""`digest check`: a reviewed golden file, JSON for tools, and one clean line per bad input.

The golden file ``tests/fixtures/check/expected.txt`` was reviewed line by line; this test
never rewrites it. After a deliberate change to the checker's messages, regenerate it with
``DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/curation/test_check.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from curation_helpers import MKDOCS_YML, run, tree

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "check"
GOLDEN = FIXTURE / "expected.txt"

GOOD_QA = "---\nid: q-good\ntitle: Good\ntags: [pandas]\n---\n\n# Good\n"


def test_fixture_folder_matches_the_reviewed_golden_file() -> None:
    before = tree(FIXTURE)
    result = run("check", "-f", str(FIXTURE / "mkdocs.yml"))
    assert result.exit_code == 1
    if os.environ.get("DIGEST_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(result.stdout, encoding="utf-8")
        before = tree(FIXTURE)
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")
    assert tree(FIXTURE) == before  # check writes nothing, not even a store


def test_json_format_for_tools() -> None:
    result = run("check", "--format", "json", "-f", str(FIXTURE / "mkdocs.yml"))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert [f"{p['path']}:{p['line']}: {p['message']}" for p in report["problems"]] == lines
    assert {p["code"] for p in report["problems"]} >= {
        "front-matter",
        "duplicate-id",
        "merge",
        "required",
        "link",
    }
    assert report["files"] == 21


def community(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "c"
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    for rel, text in {"qa/good.md": GOOD_QA, **files}.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"qa/bad.md": "---\nid: q-bad\ntitle: [unclosed\n---\n"},
            "content/qa/bad.md:3: front matter is not valid YAML: did not find expected ',' or ']' "
            "while parsing a flow sequence",
        ),
        (
            {"qa/bad.md": "---\njust a sentence\n---\n"},
            "content/qa/bad.md:2: front matter must be a mapping of keys, not str",
        ),
        (
            {"qa/zz-copy.md": "---\nid: q-good\ntitle: Copy\n---\n"},
            "content/qa/zz-copy.md:2: id 'q-good' is already used by qa/good.md",
        ),
        (
            {
                "qa/a.md": "---\nid: q-a\ntitle: A\nmerge_into: q-b\n---\n",
                "qa/b.md": "---\nid: q-b\ntitle: B\nmerge_into: q-a\n---\n",
            },
            "content/qa/a.md:4: merge_into cycle: q-a -> q-b -> q-a",
        ),
        (
            {"qa/bad.md": "---\nid: q-bad\ntags: [pandas]\n---\n"},
            "content/qa/bad.md:1: missing required key 'title'",
        ),
        (
            {"qa/bad.md": "---\nid: q-bad\ntitle: T\nlast_verified: 2026-02-30\n---\n"},
            "content/qa/bad.md:4: '2026-02-30' is not a date on the calendar (day is out of range for month)",
        ),
    ],
    ids=[
        "broken-yaml",
        "not-a-mapping",
        "id-collision",
        "merge-cycle",
        "deleted-required-field",
        "impossible-date",
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    root = community(tmp_path, files)
    before = tree(root)
    result = run("check", "-f", str(root / "mkdocs.yml"))
    assert (result.exit_code, result.stdout) == (1, expected + "\n")
    assert tree(root) == before


def test_clean_content_passes(tmp_path: Path) -> None:
    root = community(
        tmp_path, {"about.md": "# About\n\nSee [a good answer](qa/good.md) and [tags](tags/pandas.md).\n"}
    )
    result = run("check", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "checked 2 files: no problems" in result.output


def test_without_a_tag_vocabulary_tags_are_free(tmp_path: Path) -> None:
    root = community(tmp_path, {"qa/free.md": "---\nid: q-free\ntitle: Free\ntags: [anything]\n---\n"})
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("      tags: {pandas: [dataframe]}\n", ""), encoding="utf-8"
    )
    assert run("check", "-f", str(root / "mkdocs.yml")).exit_code == 0


def test_many_pages_use_worker_processes_and_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parallel path reports exactly what the serial one does."""
    from digest import check

    root = tmp_path / "copy"
    shutil.copytree(FIXTURE, root)
    serial = [str(p) for p in check.check(root / "mkdocs.yml").problems]
    monkeypatch.setattr(check, "PARALLEL_FROM", 1)
    monkeypatch.setattr(check, "PARALLEL_CORES", 1)
    assert [str(p) for p in check.check(root / "mkdocs.yml").problems] == serial


def test_a_wrong_setting_is_one_line(tmp_path: Path) -> None:
    root = community(tmp_path, {})
    (root / "mkdocs.yml").write_text(MKDOCS_YML + "      drafts: maybe\n", encoding="utf-8")
    result = run("check", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {root / 'mkdocs.yml'}: Plugin 'digest' option 'drafts': ")
    assert len(result.output.splitlines()) == 1


def test_templates_that_do_not_compile_or_are_never_read(tmp_path: Path) -> None:
    root = community(tmp_path, {})
    templates = root / "site_templates"
    (templates / "pages").mkdir(parents=True)
    (templates / "drafts").mkdir()
    # the listing of a group was a Markdown template once; digest reads pages/group.html.j2
    (templates / "pages" / "group.md.j2").write_text("# {{ group.title }}\n", encoding="utf-8")
    unclosed = "{{ qa.title }}\n\n{% if qa.answers %}\n"
    (templates / "drafts" / "qa.md.j2").write_text(unclosed, encoding="utf-8")
    # a partial that an override includes is read
    (templates / "pages" / "home.md.j2").write_text('{% include "pages/banner.md.j2" %}\n', encoding="utf-8")
    (templates / "pages" / "banner.md.j2").write_text("Welcome\n", encoding="utf-8")
    before = tree(root)
    result = run("check", "-f", str(root / "mkdocs.yml"))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "site_templates/drafts/qa.md.j2:3: template does not compile: Unexpected end of template. "
        "Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block "
        "that needs to be closed is 'if'.",
        "site_templates/pages/group.md.j2:1: digest never reads this template: no page is made from "
        "pages/group.md.j2; did you mean pages/group.html.j2?",
    ]
    report = json.loads(run("check", "--format", "json", "-f", str(root / "mkdocs.yml")).stdout)
    assert report["files"] == 5  # the Q&A page and the 4 templates
    assert {p["code"] for p in report["problems"]} == {"template"}
    assert tree(root) == before
