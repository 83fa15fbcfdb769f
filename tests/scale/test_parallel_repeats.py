"""Repeat detection shared out to forked workers finds exactly what one process finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest import parallel
from digest.distill import repeats
from digest.distill.repeats import Asked

TOPICS = [
    "How do I activate a venv on Windows?",
    "pip install fails with ModuleNotFoundError in my venv",
    "Pandas read_csv gives UnicodeDecodeError with a gbk file",
    "怎么在 Windows 上激活虚拟环境",
    "matplotlib 中文字体显示成方框怎么办",
    "Docker image vs container, what is the difference?",
    "git push rejected because the remote has new commits",
]


def questions(n: int) -> list[Asked]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Asked(f"q{i:03d}", f"{TOPICS[i % len(TOPICS)]} (try {i // len(TOPICS)})", start + timedelta(hours=i))
        for i in range(n)
    ]


@pytest.mark.skipif(
    not parallel.can_fork(), reason="repeats go to forked workers only where processes can fork"
)
def test_workers_find_the_same_similarities(
    monkeypatch: pytest.MonkeyPatch, fork_contexts: list[str]
) -> None:
    asked = questions(70)
    alone = repeats.similarities(asked)
    monkeypatch.setattr(repeats, "PARALLEL_QUESTIONS", 1)
    monkeypatch.setattr(repeats, "_CHUNK", 8)  # several pieces of work for each worker
    shared = repeats.similarities(asked)
    assert "fork" in fork_contexts  # the questions went through the worker pool
    assert len(alone) > 100
    assert shared == alone
    assert list(shared) == list(alone)  # in the same order too
    found = repeats.find_repeats(asked)
    assert found["q007"].of == "q000"  # the same topic asked again joins its first asking


def test_questions_asked_in_the_same_words_are_scored_once_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    asked = [  # each topic asked ten times in the same words, among the others
        Asked(f"q{i:03d}", TOPICS[i % len(TOPICS)], start + timedelta(hours=i)) for i in range(70)
    ]
    monkeypatch.setattr(repeats, "SAME_WORDS", 10**9)
    one_by_one = repeats.similarities(asked)
    monkeypatch.setattr(repeats, "SAME_WORDS", 2)
    together = repeats.similarities(asked)
    assert len(one_by_one) > 100
    assert together == one_by_one
