"""BM25 in memory: one index, thousands of queries, the scores Whoosh's BM25F gives.

Repeat detection (each question against the earlier ones) and related questions (each Q&A
against the answered ones) both rank a whole collection against queries made from its own
documents. One Whoosh query each made both grow with the square of the Q&A. Here postings
are numpy arrays, and a query only reads the postings of its rarer words in full: the
frequent words of a query weigh little, so their postings are only looked up for the
candidates the rarer words found, unless they could lift another document into the top
(MaxScore; the top ``k`` is exact, ties going to the lower document number as in Whoosh).

Scores equal Whoosh's: ``idf = ln(N / (df + 1)) + 1``, per-field BM25 with ``B = 0.75`` and
``K1 = 1.2``, field lengths rounded as Whoosh stores them (one byte), term boosts multiplied
in, and optionally Whoosh's coordination bonus (``Or(..., scale=...)``), counted over every
term of the query the index knows (Whoosh stops counting a term once it has read its postings
to the end, so its bonus also depends on document order).
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from whoosh.util.numeric import byte_to_length, length_to_byte

B = 0.75
K1 = 1.2
SEED = 32
"""Postings read in the first round of a query, to learn how high the top ``k`` scores at least."""

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Leaf:
    """One term of a query in one field, and how much it counts."""

    field: str
    term: str
    boost: float = 1.0


def _stored_length(lengths: Ints) -> Floats:
    """Field lengths as Whoosh reads them back: rounded to its one-byte scale."""
    values, inverse = np.unique(lengths, return_inverse=True)
    rounded = np.array([byte_to_length(length_to_byte(int(v))) if v else 0 for v in values], dtype=np.float64)
    return rounded[inverse.reshape(-1)]


class Engine:
    """An inverted index of ``docs`` (per document: field -> its terms, repeats counted).

    Documents are numbered in the order given.
    """

    def __init__(self, docs: Sequence[Mapping[str, Sequence[str]]], b: float = B, k1: float = K1) -> None:
        self.size = len(docs)
        self.keys: dict[tuple[str, str], int] = {}
        key_ids: list[int] = []
        doc_ids: list[int] = []
        freqs: list[int] = []
        lengths: dict[str, list[int]] = {}
        counted: dict[tuple[str, int], tuple[list[int], list[int]]] = {}  # by field and terms object
        for number, doc in enumerate(docs):
            for field, terms in doc.items():
                if not terms:
                    continue
                if field not in lengths:
                    lengths[field] = [0] * self.size
                lengths[field][number] = len(terms)
                known = counted.get((field, id(terms)))  # the same text given again: counted once
                if known is None:
                    tally = Counter(terms)
                    ids = [self.keys.setdefault((field, term), len(self.keys)) for term in tally]
                    known = counted[(field, id(terms))] = (ids, list(tally.values()))
                key_ids += known[0]
                doc_ids += [number] * len(known[0])
                freqs += known[1]
        keys = np.array(key_ids, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # by key, documents ascending within each
        self.docs: Ints = np.array(doc_ids, dtype=np.int64)[order]
        tf = np.array(freqs, dtype=np.float64)[order]
        keys = keys[order]
        counts = np.bincount(keys, minlength=len(self.keys))
        self.starts: Ints = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        fields = {field: i for i, field in enumerate(sorted(lengths))}
        self._keys: Ints = keys  # each posting's key
        self._tf: Floats = tf
        self._field: Ints = np.array([fields[f] for f, _t in self.keys], dtype=np.int64)[keys]
        # Per field, the total length of the first n documents at [field, n]: exact integers.
        self._total_lengths: Ints = np.zeros((len(fields), self.size + 1), dtype=np.int64)
        stored = np.zeros((len(fields), max(self.size, 1)), dtype=np.float64)
        for field, i in fields.items():
            raw = np.array(lengths[field], dtype=np.int64)
            self._total_lengths[i, 1:] = np.cumsum(raw)
            stored[i, : self.size] = _stored_length(raw)
        self._fl: Floats = stored[self._field, self.docs]
        self.b, self.k1 = b, k1
        self.weights, self.best, self.df = self._weigh(self.size)

    def as_of(self, size: int) -> Engine:
        """The index as it stood with only its first ``size`` documents: the same postings,
        weighed by their document frequencies and field lengths (for queries of documents below
        ``size``: those above it keep a weight, never a meaning).

        Documents then get the very scores an index of the first ``size`` alone gives them.
        """
        view = copy.copy(self)
        view.weights, view.best, view.df = self._weigh(size)
        return view

    def _weigh(self, size: int) -> tuple[Floats, Floats, Ints]:
        """Each posting's BM25 weight, each key's highest weight and document frequency, with
        the statistics of the first ``size`` documents."""
        keys, count = self._keys, len(self.keys)
        if not len(keys):
            return np.zeros(0), np.zeros(count), np.zeros(count, dtype=np.int64)
        seen = self.docs < size
        df = np.bincount(keys[seen], minlength=count).astype(np.int64)
        averages = np.array(
            [(int(total[size]) / size if size else 0.0) or 1.0 for total in self._total_lengths],
            dtype=np.float64,
        )
        idf = np.log(max(size, 1) / (df[keys] + 1.0)) + 1.0
        norm = self.k1 * ((1 - self.b) + self.b * self._fl / averages[self._field])
        tf = self._tf
        weights: Floats = idf * ((tf * (self.k1 + 1)) / (tf + norm))
        # Each key's highest weight (postings are grouped by key, and every key has one).
        best: Floats = np.maximum.reduceat(np.where(seen, weights, 0.0), self.starts[:-1])
        return weights, best, df

    def doc_frequency(self, field: str, term: str) -> int:
        """How many documents have ``term`` in ``field``."""
        key = self.keys.get((field, term))
        return 0 if key is None else int(self.df[key])

    def top(
        self,
        leaves: Sequence[Leaf],
        k: int,
        *,
        before: int | None = None,
        allowed: NDArray[np.bool_] | None = None,
        coord: float | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` best documents for the sum of ``leaves`` (number, score), best first.

        ``before``: only documents numbered below it; ``allowed``: only those marked;
        ``coord``: Whoosh's coordination bonus (``Or(..., scale=coord)``) for documents that
        match more of the leaves.
        """
        postings: list[tuple[int, int, float, float]] = []  # start, end, boost, highest score
        known = 0  # leaves the index has a posting for, whether or not it is cut by ``before``
        for leaf in leaves:
            key = self.keys.get((leaf.field, leaf.term))
            if key is None:
                continue
            known += 1
            start, end = int(self.starts[key]), int(self.starts[key + 1])
            if before is not None:
                end = start + int(np.searchsorted(self.docs[start:end], before))
            if end > start:
                postings.append((start, end, leaf.boost, leaf.boost * float(self.best[key])))
        if not postings or k <= 0:
            return []
        postings.sort(key=lambda p: (-p[3], p[0]))  # the rare words (highest weights) first
        rest = [0.0] * (len(postings) + 1)  # rest[j]: the most postings[j:] can add to a score
        for j in range(len(postings) - 1, -1, -1):
            rest[j] = rest[j + 1] + postings[j][3]

        def bound(j: int) -> float:
            """The highest score of a document that only postings[j:] match."""
            return float(
                self._final(np.array([rest[j]]), np.array([float(len(postings) - j)]), known, coord)[0]
            )

        read, first = postings[0][1] - postings[0][0], 1
        while first < len(postings) and read < SEED:
            read += postings[first][1] - postings[first][0]
            first += 1
        docs, scores = self._candidates(postings, first, allowed, known, coord)
        floor = float(np.sort(scores)[-k]) if len(scores) >= k else -math.inf
        if first < len(postings) and not _below(bound(first), floor):
            last = len(postings)  # with every posting read, no document is left out
            wider = next((j for j in range(first + 1, last) if _below(bound(j), floor)), last)
            docs, scores = self._candidates(postings, wider, allowed, known, coord)
        best = np.lexsort((docs, -scores))[:k]
        return [(int(docs[i]), float(scores[i])) for i in best]

    def top_before_each(
        self, leaves: Sequence[Leaf], k: int, befores: Sequence[int]
    ) -> list[list[tuple[int, float]]]:
        """``[self.top(leaves, k, before=b) for b in befores]``, with every document scored once
        for all of them: for a query asked many times (a question asked again in the same words).

        Scores are summed posting by posting in the order :meth:`top` sums them, so they are
        the same to the last bit, and so are the ties (to the lower document number).
        """
        postings: list[tuple[int, int, float, float]] = []
        last = max(befores, default=0)  # documents from here on are never among the results
        for leaf in leaves:
            key = self.keys.get((leaf.field, leaf.term))
            if key is not None:
                start, end = int(self.starts[key]), int(self.starts[key + 1])
                end = start + int(np.searchsorted(self.docs[start:end], last))
                if end > start:
                    postings.append((start, end, leaf.boost, leaf.boost * float(self.best[key])))
        if not postings or k <= 0:
            return [[] for _before in befores]
        postings.sort(key=lambda p: (-p[3], p[0]))  # as top() orders them: the same sums
        scores = np.zeros(last, dtype=np.float64)
        matched = np.zeros(last, dtype=np.bool_)
        for start, end, boost, _highest in postings:
            docs = self.docs[start:end]  # each document once per posting: plain indexing adds right
            scores[docs] += self.weights[start:end] * boost
            matched[docs] = True
        found = np.flatnonzero(matched)
        order = np.lexsort((found, -scores[found]))
        ranked, ranked_scores = found[order], scores[found][order]
        out: list[list[tuple[int, float]]] = []
        for before in befores:
            best = np.flatnonzero(ranked < before)[:k]
            out.append([(int(ranked[i]), float(ranked_scores[i])) for i in best])
        return out

    def _candidates(
        self,
        postings: Sequence[tuple[int, int, float, float]],
        heads: int,
        allowed: NDArray[np.bool_] | None,
        known: int,
        coord: float | None,
    ) -> tuple[Ints, Floats]:
        """Every document of postings[:heads], with its full score (all postings counted)."""
        docs = np.concatenate([self.docs[s:e] for s, e, _b, _h in postings[:heads]])
        weights = np.concatenate([self.weights[s:e] * b for s, e, b, _h in postings[:heads]])
        found, inverse = np.unique(docs, return_inverse=True)
        inverse = inverse.reshape(-1)
        scores: Floats = np.bincount(inverse, weights=weights, minlength=len(found)).astype(
            np.float64, copy=False
        )
        matched = np.bincount(inverse, minlength=len(found)).astype(np.float64)
        if allowed is not None:
            keep = allowed[found]
            found, scores, matched = found[keep], scores[keep], matched[keep]
        for start, end, boost, _highest in postings[heads:]:
            if not len(found):
                break
            listed = self.docs[start:end]
            at = np.minimum(np.searchsorted(listed, found), len(listed) - 1)
            hit = listed[at] == found
            scores += np.where(hit, self.weights[start:end][at] * boost, 0.0)
            matched += hit
        return found, self._final(scores, matched, known, coord)

    @staticmethod
    def _final(scores: Floats, matched: Floats, known: int, coord: float | None) -> Floats:
        """Whoosh's coordination bonus ("SQR"), when asked for."""
        if coord is None:
            return scores
        if known == 0 or known == coord:
            return np.zeros_like(scores)
        return (scores + (matched - 1) / (known - coord) ** 2) * ((known - 1) / known)


def _below(bound: float, floor: float) -> bool:
    """``bound`` is surely under ``floor``, rounding of sums in another order included."""
    return bound + 1e-9 * (abs(bound) + 1.0) < floor
