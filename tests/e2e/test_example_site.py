"""The bundled example community, built end to end into a temporary folder.

Expected values were checked by hand against examples/community/ANSWER_KEY.md and the raw
export (see the comments); they are not produced by the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from digest.cli import main

REPO = Path(__file__).resolve().parents[2]
COPY = ("mkdocs.yml", "content", "examples", "site_templates")


def build_example(target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy the example community into ``target`` and run `digest build` there."""
    for name in COPY:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = CliRunner().invoke(main, ["build", "-f", str(target / "mkdocs.yml")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return build_example(tmp_path_factory.mktemp("example"), monkeypatch)


def _qa_pages(site: Path) -> dict[str, str]:
    """Each folder under qa/ and its page: a Q&A page, or a redirect where a merged Q&A was."""
    return {
        p.name: (p / "index.html").read_text(encoding="utf-8") for p in (site / "qa").iterdir() if p.is_dir()
    }


def _is_redirect(html: str) -> bool:
    return 'http-equiv="refresh"' in html


def test_a_page_per_qa_member_and_the_index_pages(site: Path) -> None:
    qa_pages = _qa_pages(site)
    member_pages = [p for p in (site / "members").iterdir() if p.is_dir()]
    # ANSWER_KEY: 18 Q&A threads, and one repeat pair: question 310 asks 69 again, so 310's
    # thread joins 69's page ("also asked") and its own address redirects there. That makes
    # 17 Q&A pages and 1 redirect, still 18 folders.
    assert len(qa_pages) == 18
    redirects = [name for name, html in qa_pages.items() if _is_redirect(html)]
    assert redirects == ["为什么我在-venv-里用-pip-装了包-运行的时候还是-import-不了"]
    assert len(member_pages) == 22  # ANSWER_KEY: 22 members, all of whom post
    group_pages = [p for p in (site / "groups").iterdir() if p.is_dir()]
    assert len(group_pages) == 1  # one chat, one group, with its own index page
    assert "Learning Circle" in (group_pages[0] / "index.html").read_text(encoding="utf-8")
    for page in (
        "index.html",
        "qa/index.html",
        "leaderboard/index.html",
        "tags/index.html",
        "people/index.html",
        "unanswered/index.html",
    ):
        assert (site / page).is_file(), page


def test_every_qa_page_shows_its_accepted_answer(site: Path) -> None:
    pages = {name: html for name, html in _qa_pages(site).items() if not _is_redirect(html)}
    accepted = sum("采纳的回答" in html for html in pages.values())
    # Every thread in the key has an accepted answer; the 17 pages (310 joined 69, see above)
    # all show theirs, and 69's page shows 310's question and 老周's answer (311) as well.
    assert accepted == 17
    joined = pages["how-can-pip-install-it-and-python-not-find-it"]
    assert "也有人问过" in joined and "北京-学生-小王" in joined and "十有八九是装包的" in joined


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables == 1:
            self.rows.append([])
        elif tag == "td" and self._tables == 1:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_all_time_leaderboard_matches_hand_computed_points(site: Path) -> None:
    # The repeat 310 -> 69 moves 310's points to 69's Q&A, where "answer" and "question
    # answered" count once per member: 老周 and 北京-学生-小王 earned neither on 69, so no
    # total below changes.
    # Points: answer 2 (once per member per thread), accepted +5, thanks received 1,
    # reaction received on an answer 1, asker of an accepted question 1; shared a link others
    # used 2 (once per link; links inside answers count as the answer); event organised 10.
    # Ana:    7 answers (14) + 5 accepted (25) + reactions 2+4+4+2+1+0+3 (16) + thanks 21,73,182 (3)
    #         + link 10 (2) = 60
    # 阿杰:   4 answers (8) + 4 accepted (20) + reactions 3+3+2+5 (13) + thanks 37,89,175 (3)
    #         + link 88 (2) + organiser of content/events/2026-10-17-sql-interview.md (10) = 56
    # 上海小王: 3 answers (6) + 3 accepted (15) + reactions 4+3+2 (9) + thanks 50,62,153,223 (4)
    #         + link 49 (2) + organiser of content/events/2026-09-12-pandas-workshop.md (10) = 46
    # Priya:  3 answers (6) + 3 accepted (15) + reactions 2+5+3 (10) + thanks 109,295 (2) + link 74 (2) = 35
    # 老周:   3 answers (6) + 3 accepted (15) + reactions 2+3+2 (7) + thanks 197,238,312 (3)
    #         + link 155 (2) = 33
    parser = _Table()
    parser.feed((site / "leaderboard" / "index.html").read_text(encoding="utf-8"))
    top = [(row[1], row[2], row[3], row[4]) for row in parser.rows if row][:5]
    assert top == [
        ("Ana", "60", "7", "5"),
        ("阿杰", "56", "4", "4"),
        ("上海-数据分析-小王", "46", "3", "3"),
        ("Priya", "35", "3", "3"),
        ("老周", "33", "3", "3"),
    ]


def test_unanswered_page_lists_the_open_questions_newest_first(site: Path) -> None:
    html = (site / "unanswered" / "index.html").read_text(encoding="utf-8")
    # ANSWER_KEY unanswered: 342 (10-25), 329 (10-22), 244 (10-06), 162 (09-22), 85 (09-10)
    dates = re.findall(r"<strong>(2026-\d\d-\d\d)</strong>", html)
    assert dates == ["2026-10-25", "2026-10-22", "2026-10-06", "2026-09-22", "2026-09-10"]


def test_search_index_holds_chinese_words_as_separate_tokens(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens: set[str] = set()
    for doc in index["docs"]:
        tokens.update(t for t in separator.split(re.sub(r"<[^>]+>", " ", doc["text"])) if t)
    for word in ("乱码", "转行", "面试", "编码", "冲突", "pandas", "merge"):
        assert word in tokens, word


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            # 404.html links absolutely, under site_url's path (/digest/ in mkdocs.yml).
            base = site if path.startswith("/") else page.parent
            target = (base / path.removeprefix("/digest/").lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []


def test_member_profile_shows_activity(site: Path) -> None:
    html = (site / "members" / "ana" / "index.html").read_text(encoding="utf-8")
    assert "活跃情况" in html and "回答过的问题" in html
    assert html.count('href="../../qa/') >= 7  # Ana answered 7 threads


def test_two_builds_are_byte_identical(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    again = build_example(tmp_path, monkeypatch)
    first = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    different = [str(p) for p in first if (site / p).read_bytes() != (again / p).read_bytes()]
    assert different == []
