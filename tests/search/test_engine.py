"""The BM25 engine in memory: Whoosh's scores, and an exact top k while skipping postings."""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.scoring import BM25F

from digest.search import engine
from digest.search.engine import Engine, Leaf

WORDS = [f"w{i}" for i in range(70)]
ZIPF = [1 / (i + 1) for i in range(70)]  # a few frequent words, many rare ones


def corpus(seed: int, size: int) -> list[dict[str, list[str]]]:
    rng = random.Random(seed)
    return [
        {
            "text": rng.choices(WORDS, ZIPF, k=rng.randint(1, 30)),
            "title": rng.choices(WORDS, ZIPF, k=rng.randint(0, 5)),
        }
        for _ in range(size)
    ]


def queries(seed: int, count: int) -> list[list[Leaf]]:
    rng = random.Random(seed)
    return [
        [
            Leaf(field, term, rng.choice([1.0, 0.8, 0.6]))
            for term in rng.sample(WORDS, rng.randint(1, 8))
            for field in ("text", "title")
        ]
        for _ in range(count)
    ]


def test_scores_and_ranks_are_whooshs() -> None:
    docs = corpus(3, 300)
    schema = Schema(
        order=NUMERIC(stored=True),
        text=TEXT(analyzer=SpaceSeparatedTokenizer()),
        title=TEXT(analyzer=SpaceSeparatedTokenizer()),
    )
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for i, doc in enumerate(docs):
            writer.add_document(order=i, text=" ".join(doc["text"]), title=" ".join(doc["title"]) or None)
    ours = Engine(docs)
    with ix.searcher(weighting=BM25F()) as searcher:
        for i, leaves in enumerate(queries(4, 150)):
            before = 1 + (i * 7) % 300
            query = wq.Or([wq.Term(leaf.field, leaf.term, boost=leaf.boost) for leaf in leaves])
            hits = searcher.search(query, limit=10, filter=wq.NumericRange("order", None, before - 1))
            found = ours.top(leaves, 10, before=before)
            assert [hit["order"] for hit in hits] == [number for number, _score in found]
            assert [hit.score for hit in hits] == pytest.approx([score for _number, score in found])


@pytest.mark.parametrize("coord", [None, 0.9])
def test_the_top_is_the_same_as_scoring_every_document(
    coord: float | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = corpus(5, 500)
    ours = Engine(docs)
    rng = random.Random(6)
    for leaves in queries(7, 200):
        k = rng.choice([1, 5, 10, 30])
        before = rng.choice([None, rng.randint(1, 500)])
        allowed = rng.choice([None, np.array([rng.random() < 0.5 for _ in docs])])
        monkeypatch.setattr(engine, "SEED", 32)
        pruned = ours.top(leaves, k, before=before, allowed=allowed, coord=coord)
        monkeypatch.setattr(engine, "SEED", 10**9)  # every posting read in full
        full = ours.top(leaves, k, before=before, allowed=allowed, coord=coord)
        assert [n for n, _s in pruned] == [n for n, _s in full]
        assert [s for _n, s in pruned] == pytest.approx([s for _n, s in full])


def test_nothing_to_find() -> None:
    ours = Engine([{"text": ["a", "b"]}, {"text": []}])
    assert ours.top([Leaf("text", "zzz")], 5) == []
    assert ours.top([Leaf("text", "a")], 5, before=0) == []
    assert [n for n, _s in ours.top([Leaf("text", "a")], 5)] == [0]
    assert Engine([]).top([Leaf("text", "a")], 5) == []


def test_one_query_before_many_points_is_top_to_the_last_bit() -> None:
    rng = random.Random(9)
    distinct = corpus(8, 60)
    docs = [rng.choice(distinct) for _ in range(400)]  # many equal documents: many exact ties
    ours = Engine(docs)
    for leaves in queries(10, 60):
        k = rng.choice([1, 3, 10])
        befores = sorted(rng.sample(range(0, 401), 25))
        each = ours.top_before_each(leaves, k, befores)
        assert each == [ours.top(leaves, k, before=b) for b in befores]  # same numbers, same floats
    assert ours.top_before_each([Leaf("text", "zzz")], 5, [3, 400]) == [[], []]
    assert ours.top_before_each(queries(11, 1)[0], 0, [400]) == [[]]
