"""Self-introductions and the nickname convention, checked against the example's answer key.

The expected drafts were read off each introduction's text by hand (see the comments): which
sentence offers help, which seeks something, which names what the member knows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from people_sites import EXAMPLE

from digest.config import DigestConfig
from digest.distill.intros import Intro, find_intros, read_intro, skill_vocabulary
from digest.distill.profiles import NicknameFormat, parse_nickname
from digest.model import Kind, Message
from digest.sources.telegram import SOURCE

WEEK = timedelta(days=7)


def example_messages() -> list[Message]:
    chats = list(SOURCE.read(EXAMPLE, lambda where, msg: None))
    return [m for chat in chats for m in chat.messages]


@pytest.fixture(scope="module")
def intros() -> dict[str, Intro]:
    messages = example_messages()
    nicknames = {m.member_id: parse_nickname(m.author_name) for m in messages}
    found = find_intros(messages, WEEK, skill_vocabulary(), nicknames)
    return {i.message.id: i for i in found}


def test_the_twelve_introductions_of_the_answer_key_are_found(intros: dict[str, Intro]) -> None:
    # ANSWER_KEY "Self-introductions": 12 messages, one per member, each soon after a join
    # (Tunde's join record is 大刘's invite_members: his intro is his first message).
    assert sorted(intros, key=int) == [
        "14",
        "23",
        "43",
        "47",
        "56",
        "78",
        "83",
        "111",
        "128",
        "143",
        "157",
        "169",
    ]


def test_drafts_read_off_the_introductions(intros: dict[str, Intro]) -> None:
    wei_ming = intros["47"]  # "working as a business analyst at a logistics company. Mostly SQL and
    # Tableau at work, and I'm trying to get better at Python. Happy to help with SQL questions."
    assert (wei_ming.city, wei_ming.role, wei_ming.company) == (
        "Singapore",
        "business analyst",
        "logistics company",
    )
    assert wei_ming.skills == ("SQL", "Tableau")
    assert wei_ming.offers == ("SQL",)
    assert wei_ming.seeking == ("learning", "learning: Python")

    tunde = intros["157"]  # "a backend developer (mostly Go and Python) ... looking for a remote data
    # engineering role, so I'm learning Airflow and dbt ... Happy to help with APIs, Postgres and Linux."
    assert (tunde.city, tunde.role) == ("Lagos", "backend developer")
    assert tunde.skills == ("Go", "Python", "APIs", "Postgres", "Linux")
    assert tunde.offers == ("APIs", "Postgres", "Linux")
    assert tunde.seeking == ("job", "learning", "learning: Airflow", "learning: dbt")

    amy = intros[
        "143"
    ]  # "做 HR。我们公司（苏州工业园区的一家制造业企业）在招两名初级数据分析师，要求会 SQL 和 Excel"
    assert (amy.city, amy.role, amy.company) == ("苏州", "HR", "苏州工业园区的一家制造业企业")
    assert amy.skills == ()  # SQL and Excel are what the job asks for, not what Amy offers
    assert amy.seeking == ("hiring",)

    chloe = intros["111"]  # "I'm learning Python ... looking for a technical cofounder"
    assert chloe.role == "product designer"
    assert chloe.seeking == ("partners", "learning", "learning: Python")

    aming = intros["128"]  # "方向是交通数据挖掘。明年找工作，想找几个一起准备数据分析面试...的伙伴"
    assert aming.skills == ("data mining",)
    assert aming.seeking == ("job", "partners")

    xiaoyu = intros[
        "169"
    ]  # "主要接数据可视化和小程序的外包项目。想系统地学一下数据分析，也很乐意和大家合作做项目"
    assert xiaoyu.offers == ("data visualization", "mini programs")
    assert xiaoyu.seeking == ("partners", "learning", "learning: data analysis")

    tom = intros["56"]  # "I use R every day ... moving parts of my analysis to Python. Interested in
    # statistics, causal inference ... Happy to help with stats questions."
    assert tom.skills == ("R", "statistics", "causal inference")
    assert tom.offers == ("statistics",)
    assert tom.seeking == ("learning", "learning: Python")

    wang = intros["14"]  # "大三学生，统计专业，正在自学 Python 和数据分析。想找一起刷题、互相监督的学习伙伴"
    assert (wang.city, wang.role) == ("北京", "大三学生")
    assert wang.skills == ("statistics",)
    assert wang.seeking == ("partners", "learning", "learning: Python", "learning: data analysis")


def test_skill_labels_follow_the_site_language(intros: dict[str, Intro]) -> None:
    zh = read_intro(intros["56"].message, skill_vocabulary(language="zh"))
    assert zh.skills == ("R", "统计", "因果推断")
    extra = skill_vocabulary({"Stata": ["stata"]})
    assert "Stata" in read_intro(_msg("Hi all, I'm Bo. I use Stata at work."), extra).skills


def _msg(
    text: str, minute: int = 0, author: str = "u1", reply_to: str | None = None, kind: Kind = Kind.TEXT
) -> Message:
    return Message(
        platform="telegram",
        group_id="g",
        id=f"{author}-{minute}",
        timestamp=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minute),
        author_id=author,
        author_name=author,
        text=text,
        kind=kind,
        reply_to=reply_to,
    )


def test_what_is_not_a_self_introduction() -> None:
    day = 24 * 60
    messages = [
        _msg("", 0, "joiner", kind=Kind.JOIN),
        _msg("Hi everyone 👋 glad this group finally exists.", 1, "founder"),
        _msg("大家好，我是小李，做前端的", 2, "replier", reply_to="founder-1"),  # a reply
        _msg("Hi all, I'm Late, a data engineer.", 30 * day, "late"),  # first seen now: counts
        _msg("Hello there, I'm the founder again.", 8 * day, "founder"),  # 8 days after arriving
        _msg("大家好，我是新来的阿强，在深圳做测试。", 3 * day, "joiner"),  # 3 days after the join
        _msg("Hi all, I'm a second intro.", 3 * day + 1, "joiner"),  # one per member
    ]
    found = find_intros(sorted(messages, key=lambda m: m.timestamp), WEEK, skill_vocabulary(), {})
    assert [(i.member_id, i.message.text[:6]) for i in found] == [
        ("telegram:joiner", "大家好，我是"),
        ("telegram:late", "Hi all"),
    ]
    assert found[0].city == "深圳" and found[0].skills == ("testing",)


def test_nickname_convention_is_configurable() -> None:
    assert parse_nickname("上海-产品经理-小王") == parse_nickname("上海 - 产品经理 - 小王")
    assert parse_nickname("Berlin | data eng | Ana").city == "Berlin"
    assert parse_nickname("Jean-Luc").name == "Jean-Luc"  # two parts: just a name
    name_first = NicknameFormat(separators=("·", "@"), fields=("name", "city"))
    nick = parse_nickname("Ana @ Berlin", name_first)
    assert (nick.name, nick.city, nick.role) == ("Ana", "Berlin", "")
    skip = NicknameFormat(separators=("/",), fields=("skip", "role", "name"))
    assert parse_nickname("2024届 / 数据分析 / 小王", skip).role == "数据分析"


def test_a_nickname_setting_without_a_name_is_refused() -> None:
    config = DigestConfig()
    config.load_dict({"nickname": {"fields": ["city", "role"]}})
    errors, _warnings = config.validate()
    assert [key for key, _error in errors] == ["nickname"]
    assert "must include 'name'" in str(errors[0][1])


def test_the_example_export_is_where_the_tests_expect_it() -> None:
    assert Path(EXAMPLE).is_file()
