"""Tags from keywords: a text's words (jieba for Chinese, stems for English) mapped onto the
community's curated tag vocabulary (``tags:`` in mkdocs.yml: tag -> keywords and synonyms).

A tag is never made up: with a vocabulary, only its tags are used; without one, nothing is
tagged (curators add tags by hand). Each keyword is matched as a sequence of analysed words,
so ``containers`` finds ``container``, ``合并冲突`` finds ``冲突`` and ``merge conflict``
finds git rather than pandas (the longest keyword wins its words). The bilingual glossary
adds translations (``镜像`` is an ``image``). Keywords with punctuation the analyser drops
(``re.``, ``c++``, ``train/test``) are matched as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digest.search import analysis, glossary

CODE_WEIGHT = 0.5
"""A keyword inside a code span or a quoted name counts half: ``docker run python:3.12`` is not
about Python, nor is ``No module named 'pandas'`` about pandas."""
MIN_SCORE = 1.0
"""A tag needs at least one plain mention in the question (or two in code or details)."""
RELATIVE = 0.4
"""...and at least this share of the best tag's score: incidental mentions stay out."""
MAX_TAGS = 5
MAX_CHARS = 4000
"""Characters of each text that are read for tags (a question's topic is in its start)."""

_CODE = re.compile(
    r"```.*?(?:```|$)|`[^`\n]*`|(?<![\w'])'[^'\s]{1,30}'(?![\w'])|\"[^\"\s]{1,30}\"", re.DOTALL
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Keyword:
    tag: str
    terms: tuple[str, ...]  # analysed words, in order
    literal: re.Pattern[str] | None  # for keywords whose punctuation the analyser drops


@lru_cache(maxsize=64)
def _keywords(vocabulary: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[_Keyword, ...]:
    out: list[_Keyword] = []
    for tag, synonyms in vocabulary:
        for word in dict.fromkeys(w.strip() for w in (tag, *synonyms) if w.strip()):
            if re.search(r"[^\w\s-]", word):  # "re.", "c++", "train/test": as written
                start = r"(?<![\w])" if re.match(r"\w", word) else ""
                end = r"(?![\w])" if re.search(r"\w$", word) else ""
                out.append(_Keyword(tag, (), re.compile(start + re.escape(word.lower()) + end)))
                continue
            terms = tuple(w.text for w, _extras in analysis.analyze(word, stops=False))
            if terms:
                out.append(_Keyword(tag, terms, None))
    # Longer keywords first: "merge conflict" claims its words before "merge" can.
    return tuple(sorted(out, key=lambda k: -len(k.terms)))


def _positions(text: str) -> list[set[str]]:
    """The terms at each word position of ``text``: the word, its sub-words and translations."""
    out: list[set[str]] = []
    for word, extras in analysis.analyze(text, index=True, stops=False):
        terms = {word.text, *extras}
        for term in list(terms):
            terms |= glossary.synonyms(term)
        out.append(terms)
    return out


def _count(text: str, keywords: Sequence[_Keyword]) -> dict[str, float]:
    """How often each tag's keywords occur in ``text``; each word counts for one keyword only."""
    found: dict[str, float] = {}
    positions = _positions(text)
    starts: dict[str, list[int]] = {}  # where each term occurs: a keyword is only tried there
    for index, terms in enumerate(positions):
        for term in terms:
            starts.setdefault(term, []).append(index)
    taken: set[int] = set()
    lowered = text.lower()
    for kw in keywords:
        hits = 0
        n = len(kw.terms)
        if n:
            for start in starts.get(kw.terms[0], ()):
                if start > len(positions) - n:
                    break
                span = range(start, start + n)
                if taken.intersection(span):
                    continue
                if all(kw.terms[i] in positions[start + i] for i in range(n)):
                    taken.update(span)
                    hits += 1
        if kw.literal is not None:
            hits = len(kw.literal.findall(lowered))
        if hits:
            found[kw.tag] = found.get(kw.tag, 0.0) + hits
    return found


def tag_scores(
    parts: Iterable[tuple[str, float]], vocabulary: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """Each tag's weighted keyword count over ``parts`` (text, weight); code spans count less."""
    if not vocabulary:
        return {}
    keywords = _keywords(tuple((tag, tuple(words)) for tag, words in vocabulary.items()))
    scores: dict[str, float] = {}
    for text, weight in parts:
        text = _URL.sub(" ", text[:MAX_CHARS])
        code = " ".join(m.group().strip("`'\"") for m in _CODE.finditer(text))
        prose = _CODE.sub(" ", text)
        for piece, factor in ((prose, 1.0), (code, CODE_WEIGHT)):
            if piece.strip():
                for tag, hits in _count(piece, keywords).items():  # a third mention adds nothing
                    scores[tag] = scores.get(tag, 0.0) + min(hits, 2.0) * weight * factor
    return scores


def choose_tags(
    parts: Iterable[tuple[str, float]], vocabulary: Mapping[str, Sequence[str]], limit: int = MAX_TAGS
) -> tuple[str, ...]:
    """The vocabulary's tags that ``parts`` are about, in the vocabulary's order."""
    scores = tag_scores(parts, vocabulary)
    if not scores:
        return ()
    best = max(scores.values())
    kept = [t for t, s in scores.items() if s >= MIN_SCORE and s >= RELATIVE * best]
    kept = sorted(kept, key=lambda t: -scores[t])[:limit]
    return tuple(t for t in vocabulary if t in kept)


def match_tags(text: str, vocabulary: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Tags of the vocabulary that ``text`` mentions (a shared link's message, say)."""
    return choose_tags([(text, 1.0)], vocabulary)
