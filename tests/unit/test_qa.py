"""Distill v1 on hand-written threads: questions, answers, acceptance, follow-ups, points."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta

import pytest

from digest.distill.qa import distill_group
from digest.distill.questions import is_thanks, is_thanks_only, judge_question, make_title
from digest.distill.resources import find_resources
from digest.distill.scoring import contributions, leaderboard
from digest.model import QA, Kind, Message, Reaction

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
WEIGHTS = {
    "answer": 2,
    "accepted_answer": 5,
    "thanks_received": 1,
    "reaction_received": 1,
    "question_answered": 1,
}


def m(i: int, author: str, text: str, reply: int | None = None, **kw: object) -> Message:
    return Message(
        "telegram",
        "g",
        str(i),
        T0 + timedelta(minutes=i),
        author,
        author.title(),
        text,
        reply_to=str(reply) if reply else None,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "text",
    [
        "pandas 的 merge 和 join 有什么区别？",
        "matplotlib 画图中文乱码怎么办",
        "请问 Jupyter 找不到 kernel 怎么解决",
        "有没有推荐的 SQL 入门书",
        "这个报错是什么意思呢",
        "How do I create a venv on Windows?",
        "Why does git say I have a merge conflict?",
        "anyone know a good course for pandas?",
        "Does scikit-learn leak data if I scale before splitting?",
    ],
)
def test_questions_detected(text: str) -> None:
    assert judge_question(text).is_question


@pytest.mark.parametrize(
    "text",
    [
        "推荐 https://missing.csail.mit.edu/?utm_source=wechat",
        "有人吗？",
        "在吗?",
        "anyone here?",
        "thanks!",
        "I use pip.",
        "哈哈",
        "ok",
        "今天天气不错吧？",
    ],
)
def test_not_knowledge_questions(text: str) -> None:
    verdict = judge_question(text)
    assert not verdict.is_question or verdict.confidence < 0.6


@pytest.mark.parametrize("text", ["谢谢！", "感谢大佬", "多谢", "解决了", "thanks a lot", "that works!"])
def test_thanks(text: str) -> None:
    assert is_thanks(text) and is_thanks_only(text)


def test_thanks_with_substance_is_not_thanks_only() -> None:
    assert not is_thanks_only("thanks, but that fails on Windows with a PermissionError in the venv")


def test_title_takes_the_asking_sentence() -> None:
    assert (
        make_title("I tried everything. How do I fix the kernel? It keeps dying.")
        == "How do I fix the kernel?"
    )
    assert len(make_title("为什么" * 60)) <= 80


def test_accepted_answer_is_the_one_the_asker_thanked() -> None:
    messages = [
        m(1, "asker", "How do I read a GBK csv in pandas?"),
        m(2, "ana", "Try encoding='utf-8'.", 1, reactions=(Reaction("👍", 3, ()),)),
        m(3, "jie", "Use pd.read_csv(path, encoding='gbk').", 1),
        m(4, "asker", "thanks, that works!", 3),
        m(5, "asker", "补充一下：我用的是 Windows 11", 1),
        m(6, "bob", "👍👍", 1),
    ]
    (qa,) = distill_group(messages).qas
    assert [a.message.id for a in qa.answers] == ["2", "3"]
    assert qa.accepted is not None and qa.accepted.message.id == "3"
    assert [d.id for d in qa.details] == ["5"]
    assert qa.title == "How do I read a GBK csv in pandas?"


def test_reaction_by_asker_accepts_when_nobody_thanked() -> None:
    messages = [
        m(1, "asker", "为什么 git merge 总是冲突？"),
        m(2, "ana", "先 git pull --rebase 再提交。", 1),
        m(3, "jie", "看看 .gitattributes 的换行设置。", 1, reactions=(Reaction("👍", 1, ("asker",)),)),
    ]
    (qa,) = distill_group(messages).qas
    assert qa.accepted is not None and qa.accepted.message.id == "3"


def test_most_reacted_answer_accepted_otherwise() -> None:
    messages = [
        m(1, "asker", "Which book for SQL?"),
        m(2, "ana", "Learning SQL by Beaulieu.", 1, reactions=(Reaction("👍", 2, ("x", "y")),)),
        m(3, "jie", "SQL Cookbook.", 1),
    ]
    (qa,) = distill_group(messages).qas
    assert qa.accepted is not None and qa.accepted.message.id == "2"


def test_unanswered_and_non_questions() -> None:
    messages = [
        m(1, "a", "有人吗？"),
        m(2, "b", "How do I profile a slow pandas groupby?"),
        m(3, "c", "Morning all"),
        m(4, "d", "service", kind=Kind.SERVICE),
    ]
    result = distill_group(messages)
    assert result.qas == ()
    assert [u.id for u in result.unanswered] == ["2"]


def test_a_reply_that_asks_is_not_a_new_question() -> None:
    messages = [
        m(1, "a", "How do I install pandas?"),
        m(2, "b", "Which Python version do you have?", 1),
        m(3, "a", "3.12", 2),
    ]
    (qa,) = distill_group(messages).qas
    assert qa.question.id == "1"


def test_tags_from_vocabulary() -> None:
    messages = [m(1, "a", "pandas merge 和 join 有什么区别？"), m(2, "b", "看文档", 1)]
    (qa,) = distill_group(messages, {"pandas": ["merge"], "git": ["冲突"], "sql": []}).qas
    assert qa.tags == ("pandas",)


def test_points_and_leaderboard_order() -> None:
    messages = [
        m(1, "asker", "How do I read a GBK csv in pandas?"),
        m(2, "ana", "Try encoding='utf-8'.", 1, reactions=(Reaction("👍", 2, ("x", "ana")),)),
        m(3, "jie", "Use encoding='gbk'.", 1),
        m(4, "asker", "thanks, that works!", 3),
    ]
    result = distill_group(messages)
    contribs = contributions(result.qas, messages, WEIGHTS)
    board = leaderboard(contribs)
    points = {row.member_id: row.points for row in board}
    # jie: answer 2 + accepted 5 + thanks 1 = 8; ana: answer 2 + one reaction not her own = 3;
    # asker: question answered 1.
    assert points == {"telegram:jie": 8, "telegram:ana": 3, "telegram:asker": 1}
    assert [row.member_id for row in board] == ["telegram:jie", "telegram:ana", "telegram:asker"]


def test_thanks_count_through_reconstructed_reply_links() -> None:
    """A chat without reply links (WhatsApp): the thanks is credited through the link reply
    reconstruction found; a link of its own would win; a message starting a conversation
    (reconstructed as its own parent) thanks nobody."""
    chat = [
        m(1, "wang", "How do I read a GBK encoded csv in pandas?"),
        m(2, "ana", "pd.read_csv(path, encoding='gbk') does it"),
        m(3, "lee", "lunch anyone?"),
        m(4, "wang", "thanks, that works!"),
        m(5, "kim", "thanks all, great group"),
    ]
    rebuilt = {"1": "1", "2": "1", "3": "3", "4": "2", "5": "5"}
    thanked = [c.member_id for c in contributions([], chat, WEIGHTS, rebuilt) if c.rule == "thanks_received"]
    assert thanked == ["telegram:ana"]
    assert [c for c in contributions([], chat, WEIGHTS) if c.rule == "thanks_received"] == []
    own = [*chat[:3], m(4, "wang", "thanks, that works!", reply=3)]  # the export's own link wins
    thanked = [c.member_id for c in contributions([], own, WEIGHTS, rebuilt) if c.rule == "thanks_received"]
    assert thanked == ["telegram:lee"]


def test_a_thanks_to_a_shared_link_counts_as_a_use_through_reconstructed_links() -> None:
    chat = [
        m(1, "ana", "the pandas docs on IO: https://pandas.pydata.org/docs/user_guide/io.html"),
        m(2, "wang", "thanks, exactly what I needed"),
    ]
    assert find_resources(chat, [], {})[0].used == 0
    resource = find_resources(chat, [], {}, {"2": "1"})[0]
    assert resource.used_by(resource.first) == ("telegram:wang",)


def test_a_repeat_mark_keeps_every_other_field() -> None:
    """``QA.repeating`` builds the Q&A field by field: one added to QA must be passed on too."""
    thread = [
        m(1, "wang", "How do I merge two dataframes in pandas?"),
        m(2, "ana", "Use pd.merge(a, b, on='id')", 1),
        m(3, "wang", "thanks, that works!", 2),
    ]
    [qa] = distill_group(thread).qas
    qa = replace(qa, origin="digest-of-it")
    marked = qa.repeating("qa-earlier", 0.75)
    assert marked == replace(qa, repeat_of="qa-earlier", repeat_confidence=0.75)
    assert [
        getattr(marked, f.name) for f in fields(QA) if f.name not in ("repeat_of", "repeat_confidence")
    ] == [getattr(qa, f.name) for f in fields(QA) if f.name not in ("repeat_of", "repeat_confidence")]
    assert marked.origin == "digest-of-it"  # not compared by ==
