"""Text analysis for the search index: jieba words for Chinese, stems for English, real positions.

jieba's own ``ChineseAnalyzer`` for Whoosh yields overlapping words and uses character
offsets as positions, so phrase queries never match. :class:`MixedTokenizer` numbers the
words it keeps 0, 1, 2, ... and records their character offsets separately, so phrases
work in both languages and highlights land on the right characters.

Indexing adds a few extra terms at the *same* position as the word they come from, so they
never break a phrase: the dictionary words inside a long Chinese word (``虚拟环境`` also
yields ``虚拟`` and ``环境``) and the parts of identifiers (``UnicodeDecodeError`` also yields
``unicod``, ``decod``, ``error``). Queries are analysed without those extras.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jieba
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter2 import stem as _porter2

VERSION = 1  # bump when the tokens change: the index is then rebuilt from scratch

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SCAN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<num>\d+(?:[.,]\d+)+)|(?P<word>[^\W_{_HAN}]+(?:\.\d+)*)")
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_A-Za-z]+")
_ALPHA = re.compile(r"[a-z]+")

_EN_STOP = """
    a an and are as at be by for from has have if in into is it its of on or that the this to was
    were will with i me my we our you your he she they them do does did how what why which who whom
    when where there any anyone someone please thanks thank hi hello s t
"""
_ZH_STOP = """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 么 哦 哈 是 在 和 与 及 或 我 你 他 她 它 我们 你们 他们 大家
    请问 怎么 怎样 如何 什么 为什么 为啥 有没有 有人 一下 一个 这个 那个 这样 那样 就 都 也 还 又 把
    被 让 给 对 从 到 能 可以 会 要 想 呗 咋 啥 有
"""
EN_STOP = frozenset(_EN_STOP.split())
ZH_STOP = frozenset(_ZH_STOP.split())
STOP_WORDS = EN_STOP | ZH_STOP


@dataclass(frozen=True, slots=True)
class Word:
    """One analysed word: its term, position and where it stands in the text."""

    text: str
    pos: int
    start: int
    end: int


def quiet_jieba() -> None:
    """jieba announces its dictionary on stderr; keep that out of command output."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English stem of a lowercase Latin word; other words are returned unchanged."""
    if _ALPHA.fullmatch(word) is None or len(word) < 3:
        return word
    return str(_porter2(word))


@lru_cache(maxsize=200_000)
def normalize(word: str) -> str:
    """The term of a Latin word: width-folded (ｐａｎｄａｓ -> pandas), lowercase, stemmed."""
    return stem(unicodedata.normalize("NFKC", word).casefold())


def _dictionary() -> dict[str, int]:
    if not jieba.dt.initialized:
        quiet_jieba()
        jieba.dt.check_initialized()
    return jieba.dt.FREQ  # type: ignore[no-any-return]


def _subwords(word: str) -> list[str]:
    """Dictionary words of two and three characters inside a long Chinese word."""
    if len(word) <= 2:
        return []
    freq = _dictionary()
    found = [word[i : i + 2] for i in range(len(word) - 1) if freq.get(word[i : i + 2])]
    if len(word) > 3:
        found += [word[i : i + 3] for i in range(len(word) - 2) if freq.get(word[i : i + 3])]
    return [w for w in dict.fromkeys(found) if w not in STOP_WORDS]


def _segmented(run: str) -> tuple[tuple[str, int, int, tuple[str, ...]], ...]:
    """jieba's words of a run of Chinese characters (with their offsets and dictionary subwords).

    Chat repeats its phrases: each run is segmented once per dictionary.
    """
    freq = _dictionary()
    return _segment(run, jieba.dt.dictionary, jieba.dt.total, len(freq))


@lru_cache(maxsize=100_000)
def _segment(run: str, *_dictionary_state: object) -> tuple[tuple[str, int, int, tuple[str, ...]], ...]:
    return tuple(
        (word, start, end, tuple(_subwords(word))) for word, start, end in jieba.tokenize(run, HMM=True)
    )


def analyze(text: str, *, index: bool = False, stops: bool = True) -> Iterator[tuple[Word, list[str]]]:
    """Each kept word of ``text`` with the extra same-position terms indexing adds.

    Positions count kept words only, so ``merge 和 join`` and ``merge join`` are the
    same phrase once the stop word is dropped; punctuation never becomes a term.
    """
    pos = 0
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        base = match.start()
        if kind == "han":
            for word, start, end, subwords in _segmented(match.group()):
                if stops and word in ZH_STOP:
                    continue
                yield Word(word, pos, base + start, base + end), list(subwords) if index else []
                pos += 1
            continue
        raw = match.group()
        term = normalize(raw)
        if stops and term in STOP_WORDS:
            continue
        extras = list(_parts(raw, term)) if index and kind == "word" else []
        yield Word(term, pos, base, match.end()), extras
        pos += 1


@lru_cache(maxsize=200_000)
def _parts(raw: str, term: str) -> tuple[str, ...]:
    """The parts of an identifier indexing adds (``UnicodeDecodeError``: unicod, decod, error)."""
    parts = [normalize(p) for p in _PARTS.findall(unicodedata.normalize("NFKC", raw))]
    if len(parts) < 2:
        return ()
    return tuple(p for p in dict.fromkeys(parts) if p != term and p not in STOP_WORDS)


def terms(text: str) -> list[str]:
    """The terms of ``text`` as a phrase query sees them, in order (duplicates kept)."""
    return [word.text for word, _extras in analyze(text)]


def query_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each distinct word of a query with the same-position terms indexing adds to it."""
    found: dict[str, tuple[str, ...]] = {}
    for word, extras in analyze(text, index=True):
        found[word.text] = tuple(dict.fromkeys((*found.get(word.text, ()), *extras)))
    return list(found.items())


def bag(text: str) -> list[str]:
    """Every term indexing makes of ``text``, extras included (``analyze`` without positions)."""
    found: list[str] = []
    for match in _SCAN.finditer(text):
        kind = match.lastgroup
        if kind == "han":
            for word, _start, _end, subwords in _segmented(match.group()):
                if word not in ZH_STOP:
                    found.append(word)
                    found.extend(subwords)
            continue
        raw = match.group()
        term = normalize(raw)
        if term not in STOP_WORDS:
            found.append(term)
            if kind == "word":
                found.extend(_parts(raw, term))
    return found


class MixedTokenizer(Tokenizer):  # type: ignore[misc]
    """A Whoosh tokenizer for mixed Chinese and English text with consecutive positions."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MixedTokenizer)

    def __hash__(self) -> int:
        return hash(MixedTokenizer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for word, extras in analyze(value, index=mode == "index"):
            for text in (word.text, *extras):
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = value[word.start : word.end]
                if positions:
                    token.pos = start_pos + word.pos
                if chars:
                    token.startchar, token.endchar = start_char + word.start, start_char + word.end
                yield token


def analyzer() -> Any:
    """The analyzer of every text field: the tokenizer does all the work."""
    quiet_jieba()
    return MixedTokenizer()
