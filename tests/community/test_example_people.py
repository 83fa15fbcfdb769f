"""The example community's people, points, digests, resources and feeds, built end to end.

Every expected figure was computed by hand from examples/community/result.json and its
ANSWER_KEY.md (message ids in the comments), with the default weights: answer 2 (once per
member per thread), accepted answer +5, thanks received 1, reaction on an answer 1, asker of
a question with an accepted answer 1, a shared link others used 2 (once per link; a link
inside an answer counts as the answer), event organised 10 (content/events/).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
from click.testing import CliRunner
from people_sites import example  # noqa: F401 (fixture)

from digest.cli import main


class _Tables(HTMLParser):
    """Every table of a page: rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(root: Path, rel: str) -> str:
    return (root / "site" / rel / "index.html").read_text(encoding="utf-8")


def tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, heading: str) -> str:
    """The HTML from an h2/h3 whose text contains ``heading`` to the next heading of its level or above."""
    start = re.search(rf"<h([23])[^>]*>[^<]*{re.escape(heading)}", html)
    assert start is not None, heading
    end = re.compile("<h2" if start.group(1) == "2" else "<h[23]").search(html, start.end())
    return html[start.start() : end.start() if end else html.find("</article>", start.end())]


def board(html: str, index: int) -> list[tuple[str, str]]:
    return [(row[1], row[2]) for row in tables(html)[index][1:]]


def test_all_time_last_30_days_and_this_week(example: Path) -> None:  # noqa: F811
    html = page(example, "leaderboard")
    # All time: Ana 58 (Q&A, see tests/e2e) + link 10 = 60; 阿杰 44 + link 88 + SQL event = 56;
    # 上海小王 34 + link 49 + pandas event = 46; Priya 33 + link 74 = 35; 老周 31 + link 155 = 33;
    # 大刘 organised both events (content/events/) = 20.
    assert board(html, 0)[:6] == [
        ("Ana", "60"),
        ("阿杰", "56"),
        ("上海-数据分析-小王", "46"),
        ("Priya", "35"),
        ("老周", "33"),
        ("大刘", "20"),
    ]
    # Last 30 days: from 2026-09-27T20:00 (30 days before the newest message, 10-27 20:00).
    # Priya: 210 (2+5+5 reactions) + 294 (2+5+3) + thanks 295 = 23; 阿杰: 272 (2+5+5) + SQL event
    # 10-17 = 22; 老周: 237 (2+5+3) + 311 (2+5+2) + thanks 238, 312 = 21; Ana: 211 (2+1) + 236 (2)
    # + 257 (2+5+3) = 15; 上海小王: 222 (2+5+2) + thanks 223 = 10 (1 accepted) before 大刘 10 (event).
    assert board(html, 1)[:6] == [
        ("Priya", "23"),
        ("阿杰", "22"),
        ("老周", "21"),
        ("Ana", "15"),
        ("上海-数据分析-小王", "10"),
        ("大刘", "10"),
    ]
    # This week (Monday 10-26 to the newest message): no answer, thanks or share: nobody.
    assert "暂无积分" in section(html, "本周")


def test_boards_by_role(example: Path) -> None:  # noqa: F811
    html = page(example, "leaderboard")
    organisers = tables(section(html, "活动组织者"))[0]
    assert [(r[1], r[2], r[3]) for r in organisers[1:]] == [
        ("大刘", "2", "20"),
        ("上海-数据分析-小王", "1", "10"),
        ("阿杰", "1", "10"),
    ]
    sharers = tables(section(html, "分享资源的人"))[0]
    # ANSWER_KEY "Shared resources": 11 shares by 11 members, each reacted to by someone else.
    assert len(sharers) - 1 == 11 and {r[2] for r in sharers[1:]} == {"1"}
    askers = tables(section(html, "提出好问题的人"))[0]
    # Two accepted questions each: 北京-学生-小王 (32, 310), 陈姐 (58, 172), Wei Ming (90, 293).
    assert {r[1] for r in askers[1:4]} == {"北京-学生-小王", "陈姐", "Wei Ming"}
    assert "整理者（content/ 的提交）" not in html  # no git history in this copy: no curator board


def test_tag_pages_say_who_to_ask(example: Path) -> None:  # noqa: F811
    docker = text(page(example, "tags/docker"))
    # Thread 14 (235): 老周 answered and was accepted (2+5+3 reactions = 10), Ana answered (2).
    assert "可以请教谁: 老周 (10 积分, 1 被采纳), Ana (2 积分)" in docker
    pandas = text(page(example, "tags/pandas"))
    assert "技能中列有此项: Ana" in pandas  # Ana's curated skills name pandas


def test_how_points_work(example: Path) -> None:  # noqa: F811
    html = page(example, "points")
    rules = tables(html)[0]
    assert [(r[0], r[2]) for r in rules[1:]] == [
        ("回答", "2"),
        ("被采纳", "5"),
        ("感谢", "1"),
        ("表情回应", "1"),
        ("好问题", "1"),
        ("分享资源", "2"),
        ("组织活动", "10"),
        ("整理", "2"),
    ]
    badges = {r[0]: r[2] for r in tables(html)[1][1:]}
    assert badges["热心人"] == "Ana"  # 5 accepted answers: only Ana (20, 72, 91, 181, 257)
    assert badges["专家"] == "暂无"
    assert set(badges["组织者"].split(", ")) == {"大刘", "阿杰", "上海-数据分析-小王"}


def test_profiles_show_the_curated_card_and_what_is_inferred(example: Path) -> None:  # noqa: F811
    tunde = page(example, "members/tunde")  # drafted from his introduction (157)
    card = {r[0]: r[1] for r in tables(tunde)[0]}
    assert card["技能"] == "Go, Python, API, Postgres, Linux"
    assert card["能提供"] == "API, Postgres, Linux"
    assert card["在寻找"] == "求职, 学习, 学习: Airflow, 学习: dbt"
    assert "自我介绍" in tunde and "remote data engineering role" in tunde

    ana = page(example, "members/ana")  # curated by hand in content/members/ana.md
    card = {r[0]: r[1] for r in tables(ana)[0]}
    assert card["技能"] == "Python, SQL, pandas, dbt, Airflow"
    assert '<a href="https://example.org/ana">' in ana
    assert "ana@example.org" not in ana  # e-mails are for matching commits, never shown
    activity = {r[0]: r[1] for r in tables(ana)[1]}
    assert activity["积分"] == "60"
    assert activity["徽章"] == "首次回答 · 解题者 · 热心人 · 分享者"
    assert activity["首次发言"] == "2026-09-01" and activity["最近发言"] == "2026-10-26"
    expertise = text(section(ana, "擅长回答"))
    assert "regex (1)" in expertise and "docker (1)" in expertise
    best = section(ana, "最佳回答")
    assert best.count("<li>") == 5 and best.count("采纳的回答") == 5  # 7 answered, 5 accepted
    svg = re.search(r'<div class="digest-chart".*?</svg>', ana, re.S)
    assert svg is not None and svg.group(0).count("<rect") == 9  # 2026-W36 .. 2026-W44

    organiser = page(example, "members/大刘")
    assert organiser.count('href="../../events/') == 2


def test_people_directory(example: Path) -> None:  # noqa: F811
    html = page(example, "people")
    assert "data-digest-people" in html and "assets/digest/people-filter.js" in html
    rows = tables(html)[0]
    assert len(rows) - 1 == 22  # ANSWER_KEY: 22 members
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Wei Ming"][3] == "SQL, Tableau" and by_name["Wei Ming"][5] == "SQL"
    assert by_name["Amy"][6] == "招聘"
    assert (example / "site" / "assets" / "digest" / "people-filter.js").is_file()


def test_weekly_digest(example: Path) -> None:  # noqa: F811
    index = page(example, "digests")
    assert index.count('href="2026-W') == 9  # 2026-W36 (09-01) to 2026-W44 (10-27)
    html = page(example, "digests/2026-W37")  # 2026-09-07 to 09-13
    assert "52 条消息，4 个新问答，4 位新成员" in text(html)
    assert section(html, "本周最佳问答").count("<li>") == 4  # threads 3, 4, 5 and 6
    assert "Polars" in section(html, "仍待回答")  # 85, 09-10
    newcomers = text(section(html, "新成员"))  # joins 55, 77, 82, 98 with intros 56, 78, 83
    assert "Tom : Hi all, I'm Tom from London" in newcomers and "小林" in newcomers
    assert section(html, "分享的链接").count("<li>") == 3  # 72 (in an answer), 74, 88
    assert "pandas 实战" in section(html, "近期活动")
    # Ana 72 (2+5+4+thanks 73) + 91 (2+5+4) = 23; 上海小王 60 (2+5+4+thanks 62) + event = 22;
    # Priya 108 (2+5+2+thanks 109) + link 74 = 12; 大刘 event 10; 阿杰 link 88 + thanks 89 = 3.
    top = re.findall(r"<li>.*?>([^<]+)</a> · (\d+) 积分", section(html, "本周贡献"))
    assert top == [
        ("Ana", "23"),
        ("上海-数据分析-小王", "22"),
        ("Priya", "12"),
        ("大刘", "10"),
        ("阿杰", "3"),
    ]


def test_feeds_parse(example: Path) -> None:  # noqa: F811
    digests = feedparser.parse((example / "site" / "feed.xml").read_bytes())
    assert not digests.bozo, digests.bozo_exception
    assert [e.title for e in digests.entries][:2] == ["2026-W44 周", "2026-W43 周"]
    assert len(digests.entries) == 9
    assert digests.entries[1].link == "https://example.org/digest/digests/2026-W43/"
    assert digests.entries[1].updated == "2026-10-25T23:59:59Z"
    qa = feedparser.parse((example / "site" / "qa.xml").read_bytes())
    assert not qa.bozo, qa.bozo_exception
    # ANSWER_KEY: 18 threads (feed_size 20), but thread 18 (question 310) repeats thread 4
    # (question 69) and joins its page, so 17 entries; the newest is then thread 17, question
    # 293 (2026-10-15T20:10) by "Singapore | analyst | Wei Ming", whose profile name is Wei Ming.
    assert len(qa.entries) == 17
    newest = qa.entries[0]
    assert newest.updated == "2026-10-15T20:10:00Z" and "train/test split" in newest.title
    assert newest.author == "Wei Ming"
    home = (example / "site" / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="Data &amp; Python 学习群 · Knowledge base：每周精选" ' in home
    assert 'href="https://example.org/digest/feed.xml"' in home


def test_resource_library(example: Path) -> None:  # noqa: F811
    html = page(example, "resources")
    by_site = section(html, "按网站")
    # 15 distinct links (see test_resources.py): each listed once under its site.
    assert by_site.count("<li>") == 15
    assert by_site.count('href="https://wesmckinney.com/book"') == 1
    assert by_site.count('href="https://missing.csail.mit.edu"') == 1
    assert "utm_" not in html
    assert "7 人用过" in text(html)  # the book: 09, 04, 06, 07 on 49; 21, 13 on 212; 阿明 shared it again


SEPTEMBER = """\
member_id,name,answer,accepted_answer,thanks_received,reaction_received,question_answered,resource_shared,event_organised,curation,total
telegram:user5000002,Ana,10,20,3,13,0,2,0,0,48
telegram:user5000001,上海-数据分析-小王,4,10,3,7,0,2,10,0,36
telegram:user5000003,阿杰,6,15,3,8,0,2,0,0,34
telegram:user5000005,Priya,4,10,1,7,0,2,0,0,24
telegram:user5000011,老周,2,5,1,2,0,2,0,0,12
telegram:user5000022,大刘,0,0,0,0,0,0,10,0,10
telegram:user5000007,Kevin,4,0,0,0,1,2,0,0,7
telegram:user5000012,Tom,2,0,1,0,1,2,0,0,6
telegram:user5000010,Wei Ming,2,0,0,0,1,0,0,0,3
telegram:user5000017,阿明,0,0,0,0,1,2,0,0,3
telegram:user5000006,Lily,2,0,0,0,0,0,0,0,2
telegram:user5000009,陈姐,0,0,0,0,2,0,0,0,2
telegram:user5000004,北京-学生-小王,0,0,0,0,1,0,0,0,1
telegram:user5000013,芳芳,0,0,0,0,1,0,0,0,1
telegram:user5000014,Daniel,0,0,0,0,1,0,0,0,1
telegram:user5000015,小林,0,0,0,0,1,0,0,0,1
telegram:user5000016,Chloé,0,0,0,0,1,0,0,0,1
telegram:user5000020,Tunde,0,0,0,0,1,0,0,0,1
"""
# September, threads 1-12 (questions 19 to 208), by hand:
# Ana: answers 20, 72, 91, 181, 211 (10); accepted 20, 72, 91, 181 (20); thanks 21, 73, 182 (3);
#   reactions 2+4+4+2+1 (13); link 10 (2) = 48.
# 上海小王: answers 60, 152 (4); accepted (10); thanks 50, 62, 153 (3); reactions 4+3 (7); link 49 (2);
#   pandas event 09-12 (10) = 36.
# 阿杰: answers 36, 121, 174 (6); accepted (15); thanks 37, 89, 175 (3); reactions 3+3+2 (8); link 88 = 34.
# Priya: answers 108, 210 (4); accepted (10); thanks 109 (1); reactions 2+5 (7); link 74 (2) = 24.
# 老周: answer 196 (2); accepted (5); thanks 197 (1); reactions 2; link 155 (2) = 12.
# 大刘: pandas event (10). Kevin: answers 34, 71 (4); asked 19 (1); link 187 (2) = 7.
# Tom: answer 209 (2); thanks 139 (1); asked 69 (1); link 138 (2) = 6. Wei Ming: answer 61; asked 90 = 3.
# 阿明: asked 151; link 212 = 3. Lily: answer 59 = 2. 陈姐: asked 58, 172 = 2. One accepted question
# each: 北京小王 (32), 芳芳 (120), Daniel (107), 小林 (195), Chloé (208), Tunde (180).
# Tied rows are ordered by member id.


def test_rewards_ledger_csv(example: Path) -> None:  # noqa: F811
    args = ["points", "-f", str(example / "mkdocs.yml"), "--since", "2026-09-01", "--until", "2026-09-30"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == SEPTEMBER


def test_rewards_ledger_json(example: Path) -> None:  # noqa: F811
    args = ["points", "-f", str(example / "mkdocs.yml"), "--since", "2026-10-01", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["since"] == "2026-10-01" and data["until"] is None
    totals = {m["name"]: m["total"] for m in data["members"]}
    # October: 阿杰 272 (2+5+5) + SQL event (10) = 22; 老周 237 (2+5+3) + 311 (2+5+2) + thanks 238,
    # 312 = 21; Ana 236 (2) + 257 (2+5+3) = 12; Priya 294 (2+5+3) + thanks 295 = 11; 大刘 SQL event = 10.
    assert [totals[n] for n in ("阿杰", "老周", "Ana", "Priya", "大刘")] == [22, 21, 12, 11, 10]
    assert data["members"][0]["name"] == "阿杰" and data["members"][0]["points"]["event_organised"] == 10
