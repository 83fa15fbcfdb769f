"""Repeat detection week by week: a question's repeat depends on its week and the weeks before
only, so a new day searches its own week again and the cached weeks give what a cold run gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.distill import repeats
from digest.distill.repeats import Asked, find_repeats
from digest.search.engine import Engine, Leaf

TOPICS = [
    ("How do I activate a venv on Windows?", "Windows 上怎么激活 venv 虚拟环境"),
    ("pip install fails with ModuleNotFoundError in my venv", "pip 装完还是 ModuleNotFoundError"),
    ("Pandas read_csv gives UnicodeDecodeError with a gbk file", "pandas 读 gbk 的 csv 报编码错误"),
    ("matplotlib shows Chinese characters as boxes", "matplotlib 中文字体显示成方框怎么办"),
    ("Docker image vs container, what is the difference?", "docker 镜像和容器有什么区别"),
    ("git push rejected because the remote has new commits", "git push 被拒绝，远程有新的提交"),
    ("How to schedule a python script with cron every night", "怎么用 cron 每天晚上跑 python 脚本"),
    ("Jupyter kernel keeps dying when loading a large dataframe", "jupyter 读大表格内核一直挂"),
]
WORDS = ["numpy", "django", "flask", "redis", "nginx", "kafka", "spark", "regex", "asyncio", "conda"]
START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def community(days: int, seed: int = 3) -> list[Asked]:
    """About four questions a day, topics asked again in either language, with other words."""
    rng = random.Random(seed)
    out = []
    for i in range(days * 4):
        english, chinese = rng.choice(TOPICS)
        text = rng.choice((english, chinese))
        if rng.random() < 0.5:
            text += " " + " ".join(rng.sample(WORDS, 2))
        when = START + timedelta(hours=6 * i, minutes=rng.randrange(300))
        details = rng.choice(("", "", f"I use {rng.choice(WORDS)} on Ubuntu"))
        out.append(Asked(f"q{i:04d}", text, when, details))
    return out


def test_an_index_as_of_its_first_documents_scores_as_an_index_of_them_alone() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(40)]
    docs = [{"text": rng.choices(vocab, k=rng.randrange(1, 12))} for _ in range(120)]
    whole = Engine(docs)
    for size in (1, 17, 60, 119):
        alone, view = Engine(docs[:size]), whole.as_of(size)
        for query in range(10):
            leaves = [Leaf("text", t, rng.choice((1.0, 0.8))) for t in rng.sample(vocab, 4)]
            before = rng.randrange(1, size + 1)
            assert view.top(leaves, 5, before=before) == alone.top(leaves, 5, before=before), (size, query)
            assert view.top_before_each(leaves, 5, [before]) == [alone.top(leaves, 5, before=before)]
    assert whole.as_of(len(docs)).top([Leaf("text", "w1")], 5) == whole.top([Leaf("text", "w1")], 5)


def test_a_questions_repeat_does_not_change_as_later_questions_arrive() -> None:
    asked = community(70)
    whole = find_repeats(asked)
    assert len(whole) > 50  # the topics come back, in both languages
    text = {a.id: a.text for a in asked}
    assert any(text[q].isascii() != text[r.of].isascii() for q, r in whole.items())  # across languages
    for days in (9, 30, 51):  # every question of the first weeks, then more weeks
        cut = START + timedelta(days=7 * (days // 7))  # a Monday: whole weeks only
        earlier = [a for a in asked if a.when < cut]
        assert find_repeats(earlier) == {q: r for q, r in whole.items() if q in {a.id for a in earlier}}


class Searched:
    """Counts the questions searched, by wrapping :meth:`repeats._Search.matches`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        matches = repeats._Search.matches

        def counted(search: repeats._Search, numbers: list[int]) -> dict[tuple[int, int], float]:
            self.count += len(numbers)
            return matches(search, numbers)

        monkeypatch.setattr(repeats._Search, "matches", counted)

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


def test_a_new_day_searches_its_own_week_and_equals_a_cold_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched = Searched(monkeypatch)
    asked = community(80)
    days = [a for a in asked if a.when < START + timedelta(days=73)]  # Monday to Sunday: week 11, day 3
    cache = tmp_path / "distill"
    first = find_repeats(days, cache=cache)
    assert searched.take() == len(days) - 1
    assert len(list(cache.glob("repeats-*.pickle"))) == 11  # one entry a week
    assert find_repeats(days, cache=cache) == first
    assert searched.take() == 0  # nothing new: nothing searched
    for day in range(73, 80):  # day by day, the rest of week 11 and a new week
        now = [a for a in asked if a.when < START + timedelta(days=day + 1)]
        warm = find_repeats(now, cache=cache)
        week = [a for a in now if (a.when - START).days // 7 == day // 7]
        assert searched.take() == len(week)  # that week's questions only
        assert warm == find_repeats(now)  # a cold run, no cache
        searched.take()
        assert len(list(cache.glob("repeats-*.pickle"))) == day // 7 + 1


def test_a_changed_question_searches_its_week_and_every_later_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = community(56)  # eight weeks
    cache = tmp_path / "distill"
    find_repeats(asked, cache=cache)
    searched = Searched(monkeypatch)
    at = next(i for i, a in enumerate(asked) if (a.when - START).days >= 35)  # week 5
    changed = [*asked[:at], Asked(asked[at].id, TOPICS[0][0], asked[at].when), *asked[at + 1 :]]
    warm = find_repeats(changed, cache=cache)
    assert searched.take() == len(asked) - at  # weeks 5 to 7, not 0 to 4
    assert warm == find_repeats(changed)
    assert asked[at].id in warm  # asked in the words of an earlier question: a repeat now
    assert len(list(cache.glob("repeats-*.pickle"))) == 8  # the old week 5 is forgotten


def test_a_damaged_entry_is_searched_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = community(21)
    cache = tmp_path / "distill"
    cold = find_repeats(asked, cache=cache)
    sorted(cache.glob("repeats-*.pickle"))[1].write_bytes(b"not a pickle")
    searched = Searched(monkeypatch)
    assert find_repeats(asked, cache=cache) == cold
    assert searched.take() > 0
    assert find_repeats(asked, cache=cache) == cold
    assert searched.take() == 0
