"""Q&A quality on small hand-written cases in Chinese and English: each judgement and its
confidence, answers, acceptance, details, titles, tags, repeats and the curators' split."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import tg_message
from digest.cli import main
from digest.distill.qa import distill_group, few_reply_links
from digest.distill.questions import (
    Feedback,
    feedback,
    is_social_reply,
    judge_question,
    make_title,
    split_question,
    strip_detail_prefix,
)
from digest.distill.repeats import Asked, find_repeats, mark_repeats
from digest.distill.tags import choose_tags, match_tags
from digest.model import Kind, Message, Reaction
from digest.pages.frontmatter import parse, render

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
VOCABULARY = {
    "pandas": ["dataframe", "merge", "groupby"],
    "python": ["pip", "venv", "虚拟环境"],
    "git": ["merge conflict", "冲突"],
    "docker": ["container", "容器", "image"],
    "regex": ["正则", "re."],
}


def m(i: int, author: str, text: str, reply: int | None = None, name: str = "", **kw: Any) -> Message:
    return Message(
        "telegram",
        "g",
        str(i),
        T0 + timedelta(minutes=i),
        author,
        name or author.title(),
        text,
        reply_to=str(reply) if reply else None,
        **kw,
    )


# -- question detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "请问 pandas 怎么读取 GBK 编码的 csv？",
        "matplotlib 中文乱码怎么办",
        "有没有好用的 SQL 练习网站推荐",
        "求助：pip install 一直报 SSL 证书验证失败",
        "学校的成绩表有 10 万行，用 pandas 会不会快很多？",
        "How do I read a GBK encoded csv with pandas?",
        "is the frequency scaling governor a module",  # no question mark
        "I have a problem, I can't compile gspca on kernel 2.6.27",  # a problem report
        "i just wanted to ask how can i delete google earth, i installed it from a terminal",
        "Problem with a black screen after suspend. What to do?",  # a short ask after the problem
    ],
)
def test_knowledge_questions(text: str) -> None:
    verdict = judge_question(text)
    assert verdict.is_question and verdict.confidence >= 0.6, verdict


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("有人吗？", "phatic"),
        ("在吗", "too short"),
        ("hi ?", "phatic"),
        ("anyone here?", "phatic"),
        ("吃了吗？大家", "small talk"),
        ("How was your weekend?", "small talk"),
        ("今天天气不错吧？", "rhetorical"),
        ("Who cares?", "rhetorical"),
        ("Good morning! Yes, definitely. What's on your mind?", "nothing to look up"),
        ("Alex, can you please send me the meeting notes after?", "request"),
        ("Sure, I'll send out invites. 3 PM work for everyone?", "request"),
        ("Quick question though - have we thought about a backup plan for launch day?", "request"),
    ],
)
def test_not_knowledge_questions(text: str, reason: str) -> None:
    verdict = judge_question(text)
    assert not verdict.is_question or verdict.confidence < 0.6, verdict
    assert reason in verdict.reason


def test_a_question_mark_in_code_or_a_link_asks_nothing() -> None:
    verdict = judge_question("Use `re.compile(r'(\\d+)?')` as in https://example.org/a?b=1 for that")
    assert not verdict.is_question


def test_an_explanation_that_mentions_asking_words_is_no_question() -> None:
    answer = (
        "方块说明 matplotlib 最后用的字体里没有中文字形。先看看它到底认识哪些中文字体，"
        "然后把 rcParams 设成其中一个。改完重启内核。"
    )
    assert not judge_question(answer).is_question


# -- answers, acceptance, details ------------------------------------------------------------------


def test_thanks_stickers_emoji_and_laughter_are_not_answers() -> None:
    messages = [
        m(1, "asker", "How do I read a GBK csv in pandas?"),
        m(2, "ana", "Use pd.read_csv(path, encoding='gbk').", 1),
        m(3, "bob", "", 1, kind=Kind.MEDIA),  # a sticker
        m(4, "cat", "👍👍", 1),
        m(5, "dan", "哈哈哈", 1),
        m(6, "eve", "+1 同问", 1),
        m(7, "fay", "谢谢分享！", 2),
    ]
    (qa,) = distill_group(messages).qas
    assert [a.message.id for a in qa.answers] == ["2"]


def test_off_topic_replies_leave_a_long_thread() -> None:
    messages = [
        m(1, "asker", "pandas 的 merge 和 join 有什么区别？"),
        m(2, "ana", "merge 按列对齐，join 按索引对齐。", 1),
        m(3, "jie", "join 其实是 merge 的简写。", 1),
        m(4, "bob", "周末一起去爬山吗", 3),  # to someone else, nothing of the question
        m(5, "cat", "我也一直用 merge，join 很少用", 3),  # to someone else, but on topic
        m(6, "dan", "看文档第三章", 1),  # to the asker: kept
    ]
    (qa,) = distill_group(messages).qas
    assert [a.message.id for a in qa.answers] == ["2", "3", "5", "6"]


def test_the_asker_saying_it_works_accepts_the_answer() -> None:
    messages = [
        m(1, "asker", "Why does pip install work but import fails?"),
        m(2, "ana", "Try conda install instead.", 1, reactions=(Reaction("👍", 3, ("x", "y", "z")),)),
        m(3, "jie", "Two Pythons: run python -m pip install.", 1),
        m(4, "asker", "That was it, it works now!", 3),
    ]
    (qa,) = distill_group(messages).qas
    assert qa.accepted is not None and qa.accepted.message.id == "3"
    assert (qa.accepted_by, qa.accepted_confidence) == ("thanks", 0.95)
    assert qa.question_confidence == 0.95 and qa.confidence == round(0.95 * 0.95, 2)


def test_thanks_naming_the_answerer_accepts_their_answer() -> None:
    messages = [
        m(1, "asker", "matplotlib 中文显示成方块怎么办？", name="北京-学生-小王"),
        m(2, "kevin", "设置 rcParams['font.sans-serif']。", 1, name="Kevin"),
        m(3, "jie", "先看字体列表里有没有中文字体。", 1, name="深圳-后端-阿杰"),
        m(4, "asker", "解决了，谢谢阿杰！", 1, name="北京-学生-小王"),  # under the question, naming 阿杰
    ]
    (qa,) = distill_group(messages).qas
    assert qa.accepted is not None and qa.accepted.message.id == "3"
    assert qa.accepted_by == "thanks" and qa.accepted_confidence == 0.9


def test_an_answer_the_asker_says_failed_is_never_accepted() -> None:
    messages = [
        m(1, "asker", "matplotlib 中文乱码怎么解决？"),
        m(2, "kevin", "加 plt.rcParams['font.sans-serif'] = ['SimHei']", 1, reactions=(Reaction("👍", 4),)),
        m(3, "asker", "试了，标题还是方块。", 2),
        m(4, "jie", "用 font_manager 看看系统里认识哪些字体。", 1, reactions=(Reaction("👍", 1),)),
    ]
    (qa,) = distill_group(messages).qas
    assert [a.message.id for a in qa.answers] == ["2", "4"]
    assert qa.accepted is not None and qa.accepted.message.id == "4"
    assert qa.accepted_by == "reactions"
    assert [d.id for d in qa.details] == []  # a reply to an answer is not a detail


def test_reaction_by_the_asker_then_most_reactions_then_none() -> None:
    asked = m(1, "asker", "Which SQL book should I read first?")
    liked = [asked, m(2, "ana", "SQL Cookbook.", 1, reactions=(Reaction("👍", 1, ("asker",)),))]
    (qa,) = distill_group(liked).qas
    assert (qa.accepted_by, qa.accepted_confidence) == ("reaction", 0.85)
    popular = [
        asked,
        m(2, "ana", "Learning SQL.", 1, reactions=(Reaction("👍", 3, ("x", "y", "z")),)),
        m(3, "jie", "SQL Cookbook.", 1, reactions=(Reaction("👍", 1, ("x",)),)),
    ]
    (qa,) = distill_group(popular).qas
    assert qa.accepted is not None and qa.accepted.message.id == "2"
    assert qa.accepted_by == "reactions" and qa.accepted_confidence == 0.65
    tied = [
        asked,
        m(2, "ana", "Learning SQL.", 1, reactions=(Reaction("👍", 1, ("x",)),)),
        m(3, "jie", "SQL Cookbook.", 1, reactions=(Reaction("👍", 1, ("y",)),)),
    ]
    (qa,) = distill_group(tied).qas
    assert qa.accepted is None and (qa.accepted_by, qa.accepted_confidence) == ("none", 0.0)
    assert qa.confidence < qa.question_confidence


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("谢谢阿杰，解决了！", Feedback.WORKS),
        ("Thanks Priya!", Feedback.THANKS),
        ("Perfect, 'Python (ds)' shows up now.", Feedback.WORKS),
        ("试了，还是不行", Feedback.FAILED),
        ("thanks, but it still doesn't work", Feedback.FAILED),
        ("Forgot to add: Windows 11", Feedback.NONE),
    ],
)
def test_feedback(text: str, said: Feedback) -> None:
    assert feedback(text) is said


def test_social_replies() -> None:
    assert all(is_social_reply(t) for t in ["哈哈哈", "+1", "同问", "me too", "收藏了", "lol"])
    assert not is_social_reply("+1 to OpenIntro, the Bayesian lectures come later")


def test_follow_ups_fold_into_the_question() -> None:
    messages = [
        m(1, "asker", "pandas 读 csv 报 UnicodeDecodeError 怎么办？"),
        m(2, "asker", "补充：文件是财务系统导出的，Excel 打开正常。", 1),
        m(3, "jie", "用 encoding='gbk'。", 1),
    ]
    (qa,) = distill_group(messages).qas
    assert [d.id for d in qa.details] == ["2"]
    assert strip_detail_prefix(qa.details[0].text) == "文件是财务系统导出的，Excel 打开正常。"
    assert strip_detail_prefix("Forgot to add: Windows 11, Python 3.12") == "Windows 11, Python 3.12"


def test_a_question_split_over_two_lines_is_one_question() -> None:
    messages = [
        m(1, "phong", "hi guys, if i want to echo the current path"),
        m(2, "phong", "how would i do that?"),
        m(3, "ed", "phong: pwd"),
    ]
    replies = {"1": "1", "2": "1", "3": "2"}  # as reconstruction finds them
    (qa,) = distill_group(messages, replies=replies).qas
    assert qa.question.id == "1" and [d.id for d in qa.details] == ["2"]
    assert [a.message.id for a in qa.answers] == ["3"]


def test_a_greeting_line_is_not_the_question() -> None:
    messages = [
        m(1, "kim", "excuse me"),
        m(2, "kim", "is the frequency governor a module i can blacklist?"),
        m(3, "fccf", "kim: yes, add it to /etc/modprobe.d/blacklist"),
    ]
    replies = {"1": "1", "2": "1", "3": "2"}
    (qa,) = distill_group(messages, replies=replies).qas
    assert qa.question.id == "2" and qa.details == ()


def test_reconstructed_links_add_to_explicit_ones_which_win() -> None:
    messages = [
        m(1, "asker", "How do I undo my last git commit?"),
        m(2, "ana", "git reset --soft HEAD~1", 1),
        m(3, "jie", "Or git revert if you pushed it."),  # no link in the export
    ]
    replies = {"2": "3", "3": "1"}  # reconstruction's guess for 2 loses to its explicit link
    (qa,) = distill_group(messages, replies=replies).qas
    assert [a.message.id for a in qa.answers] == ["2", "3"]


def test_a_line_addressed_to_someone_in_a_chat_without_links_is_a_reply() -> None:
    messages = [
        m(1, "ana", "the kernel module is loaded at boot", name="ana"),
        m(2, "bob", "ana: are you using ext2 or ext3?", name="bob"),
    ]
    assert distill_group(messages, replies={"1": "1", "2": "2"}).unanswered == ()
    assert [q.id for q in distill_group(messages).unanswered] == ["2"]  # with reply links: a question


def test_few_reply_links() -> None:
    lone = [m(i, "a", f"message {i}") for i in range(1, 40)]
    assert few_reply_links(lone)
    linked = [*lone, *(m(40 + i, "b", "yes", i) for i in range(1, 10))]
    assert not few_reply_links(linked)


# -- titles -----------------------------------------------------------------------------------------


def test_a_short_ask_that_points_back_gets_its_context() -> None:
    title = make_title(
        "学校让我整理学生成绩，一个表大概 10 万行，Excel 一筛选就卡死。这种量用 pandas 会不会好很多？"
        "还是 Excel 本身也有办法？"
    )
    assert title.endswith("这种量用 pandas 会不会好很多？")
    assert "10 万行" in title and "Excel" in title and len(title) <= 80


def test_titles_lose_greetings_and_keep_the_subject() -> None:
    assert (
        make_title("请问 matplotlib 画图时中文全变成小方块怎么办？")
        == "matplotlib 画图时中文全变成小方块怎么办？"
    )
    assert make_title("SQL question: what's the difference between RANK and ROW_NUMBER?") == (
        "SQL: what's the difference between RANK and ROW_NUMBER?"
    )
    pip = make_title(
        "Help: I ran `pip install requests`, it said Successfully installed, but `import requests` "
        "still gives ModuleNotFoundError: No module named 'requests'. "
        "How can pip install it and Python not find it?"
    )
    assert pip == "ModuleNotFoundError: how can pip install it and Python not find it?"
    assert (
        make_title("I tried everything. How do I fix the kernel? It keeps dying.")
        == "How do I fix the kernel?"
    )
    assert len(make_title("为什么" * 60)) <= 80


def test_the_question_splits_into_scene_and_ask_in_the_askers_words() -> None:
    parts = split_question("请问 matplotlib 中文全变成方块怎么办？网上说改 rcParams，我改了也没用。")
    assert parts.ask == "请问 matplotlib 中文全变成方块怎么办？"
    assert parts.scene == "网上说改 rcParams，我改了也没用。"
    evil = 'Why does </script><script>alert("x")</script> <!-- & break my page?'
    assert split_question(evil).ask == evil  # never rewritten
    block = "My code:\n\n```\nx = 1?\n```\n\nWhy?"
    assert split_question(block).scene == block


# -- tags ---------------------------------------------------------------------------------------------


def test_tags_come_from_the_vocabulary_only() -> None:
    assert match_tags("镜像和容器有什么区别？", VOCABULARY) == ("docker",)  # 容器, and 镜像 is an image
    assert match_tags("Why do my containers keep restarting?", VOCABULARY) == ("docker",)
    assert match_tags("git 提示 Merge conflict in config.py", VOCABULARY) == ("git",)  # not pandas' merge
    assert match_tags("I use re.findall for this", VOCABULARY) == ("regex",)
    assert match_tags("Kubernetes and Helm charts", VOCABULARY) == ()
    assert match_tags("pandas groupby", {}) == ()  # no vocabulary: curators tag by hand


def test_incidental_mentions_do_not_tag() -> None:
    question = "为什么我在 venv 里用 pip 装了包，还是提示 No module named 'pandas'？"
    assert choose_tags([(question, 1.0)], VOCABULARY) == ("python",)
    docker = "What is an image and what is a container? I ran `docker run python:3.12` three times."
    assert choose_tags([(docker, 1.0)], VOCABULARY) == ("docker",)
    assert choose_tags([("pandas merge 怎么用？", 1.0), ("补充：Python 3.12", 0.5)], VOCABULARY) == (
        "pandas",
    )


# -- repeats -----------------------------------------------------------------------------------------


def asked(pairs: list[tuple[str, str]]) -> list[Asked]:
    return [Asked(key, text, T0 + timedelta(days=i)) for i, (key, text) in enumerate(pairs)]


def test_a_question_asked_again_in_the_other_language_is_a_repeat() -> None:
    found = find_repeats(
        asked(
            [
                ("en", "Why does VS Code say No module named pandas when pip list shows it is installed?"),
                ("other", "How do I undo my last git commit before I push it?"),
                ("zh", "pip list 里有 pandas，可是 VS Code 运行时提示 No module named pandas，为什么？"),
                ("zh2", "docker 的镜像和容器有什么区别？"),
                ("en2", "What's the difference between a docker image and a container?"),
            ]
        )
    )
    assert set(found) == {"zh", "en2"}
    assert found["zh"].of == "en" and found["en2"].of == "zh2"
    assert 0.35 <= found["zh"].confidence <= 1.0


def test_questions_that_only_share_words_are_no_repeats() -> None:
    found = find_repeats(
        asked(
            [
                ("image", "Docker image 和 container 有什么区别？"),
                ("timezone", "docker 容器里的时区不对，怎么设置成北京时间？"),
                ("merge", "What's the difference between pd.merge and DataFrame.join?"),
                ("rebase", "git merge or git rebase, which one should I use on a shared branch?"),
            ]
        )
    )
    assert found == {}


def test_a_repeat_of_a_repeat_joins_the_first_question() -> None:
    found = find_repeats(
        asked(
            [
                ("first", "matplotlib 画图中文显示成方框怎么解决？"),
                ("second", "matplotlib 中文标题显示成方框，字体怎么改？"),
                ("third", "matplotlib shows Chinese characters as empty boxes, how do I fix the font?"),
            ]
        )
    )
    assert {k: r.of for k, r in found.items()} == {"second": "first", "third": "first"}


def test_mark_repeats_records_the_earlier_qa() -> None:
    messages = [
        m(1, "tom", "How do I read a GBK encoded csv with pandas read_csv without UnicodeDecodeError?"),
        m(2, "ana", "Pass encoding='gbk'.", 1),
        m(300, "wang", "pandas read_csv 读 GBK 编码的文件报 UnicodeDecodeError 怎么办？"),
        m(301, "jie", "encoding='gbk' 或 gb18030。", 300),
    ]
    first, second = mark_repeats(list(distill_group(messages).qas))
    assert first.repeat_of is None and second.repeat_of == first.id and second.repeat_confidence >= 0.35


# -- drafts, the curators' split, check, the unanswered page ------------------------------------------


REPEAT_THREADS = [
    tg_message(1, "tom", "Why does VS Code say No module named pandas when pip list shows it is installed?"),
    tg_message(2, "ana", "VS Code runs another interpreter: select your .venv.", 1),
    tg_message(3, "tom", "thanks, that works!", 2),
    tg_message(50, "wang", "pip list 里有 pandas，可是 VS Code 运行时提示 No module named pandas，为什么？"),
    tg_message(51, "zhou", "解释器选错了，在 VS Code 里选 .venv。", 50),
    tg_message(52, "wang", "谢谢，解决了！", 51),
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def qa_pages(root: Path) -> dict[str, Path]:
    return {str(parse(p).meta["id"]): p for p in sorted((root / "content" / "qa").glob("*.md"))}


def set_meta(path: Path, **changes: Any) -> None:
    doc = parse(path)
    path.write_text(render({**doc.meta, **changes}, doc.body, stamped=False), encoding="utf-8")


def test_repeats_join_and_curators_split_them(community: Callable[..., Path]) -> None:
    root = community(REPEAT_THREADS)
    config = str(root / "mkdocs.yml")
    assert run("build", "-f", config).exit_code == 0
    by_asker = {str(parse(p).meta["asker"]): p for p in qa_pages(root).values()}
    earlier, later = by_asker["telegram:user-tom"], by_asker["telegram:user-wang"]
    first, second = parse(earlier).meta, parse(later).meta
    assert second["repeat_of"] == first["id"] and second["repeat_confidence"] >= 0.35
    assert first["also_asked"] == [
        {"id": second["id"], "asker": "telegram:user-wang", "asked_at": second["asked_at"]}
    ]
    for meta in (first, second):
        assert meta["accepted_by"] == "thanks" and meta["accepted_confidence"] == 0.95
        assert meta["question_confidence"] == 0.95
    assert "VS Code 运行时提示" in parse(earlier).body  # the repeat is shown on the page
    assert run("check", "-f", config).exit_code == 0
    site = root / "site" / "qa"
    assert 'http-equiv="refresh"' in (site / later.stem / "index.html").read_text(encoding="utf-8")

    set_meta(later, split=True)  # a curator: not the same question after all
    assert run("build", "-f", config).exit_code == 0
    assert "also_asked" not in parse(earlier).meta  # the untouched earlier draft follows
    assert 'http-equiv="refresh"' not in (site / later.stem / "index.html").read_text(encoding="utf-8")
    assert run("check", "-f", config).exit_code == 0


def test_not_repeats_on_the_earlier_page_splits_too(community: Callable[..., Path]) -> None:
    root = community(REPEAT_THREADS)
    config = str(root / "mkdocs.yml")
    assert run("distill", "-f", config).exit_code == 0
    by_asker = {str(parse(p).meta["asker"]): p for p in qa_pages(root).values()}
    earlier, later = by_asker["telegram:user-tom"], by_asker["telegram:user-wang"]
    set_meta(earlier, not_repeats=[str(parse(later).meta["id"])])
    assert run("build", "-f", config).exit_code == 0
    assert "repeat_of" not in parse(later).meta
    assert 'http-equiv="refresh"' not in (root / "site" / "qa" / later.stem / "index.html").read_text("utf-8")
    set_meta(earlier, accepted_by="maybe")
    result = run("check", "-f", config)
    assert result.exit_code == 1 and "'accepted_by' should be" in result.output


def test_unanswered_page_lists_questions_older_than_a_day(community: Callable[..., Path]) -> None:
    messages = [
        tg_message(1, "lin", "How do I profile a slow pandas groupby?", minute=0),
        tg_message(2, "ana", "Is there a way to cache pip downloads between CI runs?", minute=60),
        tg_message(3, "ken", "Why does conda solve take forever on my laptop?", minute=60 * 24 * 2),
        tg_message(4, "bob", "Morning all", minute=60 * 24 * 2 + 600),  # the newest message
    ]
    root = community(messages)
    assert run("build", "-f", str(root / "mkdocs.yml")).exit_code == 0
    html = (root / "site" / "unanswered" / "index.html").read_text(encoding="utf-8")
    assert "conda solve" not in html  # 10 hours old: it may still get an answer
    assert html.index("cache pip downloads") < html.index("profile a slow pandas")  # newest first
    assert 'href="../members/' in html  # the asker's profile


def test_the_example_labels_cover_every_record() -> None:
    import yaml

    repo = Path(__file__).resolve().parents[2]
    labels = yaml.safe_load((repo / "bench" / "qa_labels.yaml").read_text(encoding="utf-8"))
    export = json.loads((repo / labels["source"]).read_text(encoding="utf-8"))
    assert set(labels["messages"]) == {r["id"] for r in export["messages"]}
    questions = {k for k, v in labels["messages"].items() if v == "question"}
    assert questions == {t["question"] for t in labels["threads"]} | set(labels["unanswered"])


def test_a_thread_of_5000_replies_and_media_only_messages() -> None:
    messages = [m(1, "asker", "How do I speed up pandas apply on two million rows?")]
    for i in range(2, 5002):
        text = f"reply {i}: vectorize the pandas apply" if i % 3 else "哈哈哈"
        messages.append(
            m(i, f"user{i % 50}", text, 1 if i % 2 else i - 1, reactions=(Reaction("👍", i % 4),))
        )
    messages += [m(5002, "asker", "thanks, that works!", 4000), m(5003, "x", "", kind=Kind.MEDIA)]
    (qa,) = distill_group(messages).qas
    assert qa.accepted is not None and qa.accepted.message.id == "4000"
    assert len(qa.answers) == 3333  # every reply but the laughter


def test_a_question_asked_many_times_shows_the_first_askings_and_counts_the_rest(
    community: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.pages import drafts

    monkeypatch.setattr(drafts, "ALSO_ASKED_SHOWN", 0)
    root = community(REPEAT_THREADS)
    assert run("distill", "-f", str(root / "mkdocs.yml")).exit_code == 0
    earlier = next(p for p in qa_pages(root).values() if parse(p).meta.get("also_asked"))
    doc = parse(earlier)
    assert len(doc.meta["also_asked"]) == 1  # the front matter lists every asking
    assert "VS Code 运行时提示" not in doc.body  # the page shows none of them (0 shown here)...
    assert "… and 1 more asked it too." in doc.body  # ...and says how many there are
