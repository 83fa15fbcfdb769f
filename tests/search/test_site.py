"""What search adds to the built site: weights, search text, related questions, QAPage data, sitemap."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner

from conftest import tg_message
from digest.cli import main

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
# From examples/community/ANSWER_KEY.md: module_not_found (69) and its repeat venv_import_repeat (310).
MODULE_NOT_FOUND = "how-can-pip-install-it-and-python-not-find-it"
VENV_REPEAT = "为什么我在-venv-里用-pip-装了包-运行的时候还是-import-不了"


def qa_html(site: Path, slug: str) -> str:
    return (site / "qa" / slug / "index.html").read_text(encoding="utf-8")


def is_redirect(page: Path) -> bool:
    return 'http-equiv="refresh"' in page.read_text(encoding="utf-8")


def test_each_qa_page_carries_a_qapage(example: Path) -> None:
    site = example / "site"
    pages = [p for p in (site / "qa").iterdir() if (p / "index.html").is_file()]
    pages = [p for p in pages if not is_redirect(p / "index.html")]
    assert len(pages) == 17  # 18 threads; the repeat 310 joined 69's page (its address redirects)
    for page in pages:
        [data] = [json.loads(m) for m in LD_JSON.findall((page / "index.html").read_text(encoding="utf-8"))]
        assert data["@type"] == "QAPage" and data["mainEntity"]["@type"] == "Question"
        assert data["url"].startswith("https://example.org/digest/qa/")
    # slow_apply (ANSWER_KEY): accepted 272 by 深圳-后端-阿杰, other answer 271 by momo.
    [data] = [json.loads(m) for m in LD_JSON.findall(qa_html(site, "pandas-的-apply-太慢了怎么办"))]
    question = data["mainEntity"]
    assert question["name"] == "pandas 的 apply 太慢了怎么办？"
    assert question["author"]["name"] == "重庆-自由职业-小雨"
    assert question["dateCreated"].startswith("2026-10-11")
    assert question["answerCount"] == 2
    assert question["acceptedAnswer"]["author"]["name"] == "深圳-后端-阿杰"
    assert (
        question["acceptedAnswer"]["author"]["url"]
        == "https://example.org/digest/members/%E9%98%BF%E6%9D%B0/"
    )
    assert question["acceptedAnswer"]["text"].startswith("`axis=1` 的 apply 本质上是 Python 循环")
    assert [a["author"]["name"] for a in question["suggestedAnswer"]] == ["momo"]
    assert not LD_JSON.search((site / "index.html").read_text(encoding="utf-8"))


def test_the_repeat_pair_is_one_page_found_in_either_language(example: Path) -> None:
    # distill joined the repeat (310, Chinese) to the question it repeats (69, English): the
    # repeat's address redirects there, and the page's search text holds both questions.
    site = example / "site"
    assert 'content="0; url=../' + MODULE_NOT_FOUND + '/"' in unquote(qa_html(site, VENV_REPEAT))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if unquote(d["location"]).startswith(f"qa/{MODULE_NOT_FOUND}/")]
    text = " ".join(d["text"] for d in docs).replace("\u200b", "")
    assert "pip install requests" in text and "pip list 里明明有" in text


def test_site_search_index_weights_and_texts(example: Path) -> None:
    index = json.loads((example / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    apply_page = docs["qa/pandas-%E7%9A%84-apply-%E5%A4%AA%E6%85%A2%E4%BA%86%E6%80%8E%E4%B9%88%E5%8A%9E/"]
    assert apply_page["boost"] == 2.0
    text = apply_page["text"].replace("\u200b", "")
    assert "200 万行数据" in text and "采纳的回答: `axis=1` 的 apply 本质上是 Python 循环" in text
    assert docs["qa/"]["boost"] == 0.5 and docs["tags/"]["boost"] == 0.5
    assert "boost" not in docs["members/%E9%98%BF%E6%9D%B0/"]
    assert not [loc for loc in docs if loc.endswith("#related")]
    assert not [d for d in index["docs"] if "相关问题" in d["title"]]


def test_sitemap_lists_every_page(example: Path) -> None:
    site = example / "site"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = {unquote(u) for u in re.findall(r"<loc>(.*?)</loc>", sitemap)}
    pages = {
        "https://example.org/digest/" + p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if "search" not in p.parts and "assets" not in p.parts and not is_redirect(p)
    }
    assert {p.replace("/./", "/") for p in pages} == listed


def build(config: str) -> None:
    result = CliRunner().invoke(main, ["build", "-f", config], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_chat_text_cannot_break_out_of_the_structured_data(community: Callable[..., Path]) -> None:
    evil = 'Why does </script><script>alert("x")</script> <!-- & break my page?'
    root = community(
        [
            tg_message(1, "mallory", evil),
            tg_message(2, "ana", "Because </SCRIPT> ends a script element & <!-- opens a comment.", 1),
            tg_message(3, "mallory", "thanks, that works!", 2),
        ]
    )
    build(str(root / "mkdocs.yml"))
    [page] = [p for p in (root / "site" / "qa").rglob("index.html") if p.parent.name != "qa"]
    html = page.read_text(encoding="utf-8")
    [raw] = LD_JSON.findall(html)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert evil in data["mainEntity"]["text"]
    assert data["mainEntity"]["acceptedAnswer"]["text"].startswith("Because </SCRIPT> ends")


def test_a_hidden_page_is_nowhere(community: Callable[..., Path]) -> None:
    root = community()
    config = str(root / "mkdocs.yml")
    assert CliRunner().invoke(main, ["distill", "-f", config]).exit_code == 0
    page = next((root / "content" / "qa").glob("how-do-i-*.md"))
    page.write_text(
        page.read_text(encoding="utf-8").replace("hidden: false", "hidden: true"), encoding="utf-8"
    )
    build(config)
    site = root / "site"
    assert not (site / "qa" / page.stem).exists()
    assert page.stem not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert page.stem not in (site / "search" / "search_index.json").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["search", "mergetool", "--json", "-f", config])
    assert json.loads(result.output)["results"] == []
