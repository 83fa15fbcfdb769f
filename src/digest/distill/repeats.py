"""Repeats: a question asked again, in other words or the other language, joins the earlier Q&A.

Every question (its text and the asker's details) is analysed like the search index (jieba
words for Chinese, stems for English; see :mod:`digest.search.analysis`) into one BM25 index
in memory (:mod:`digest.search.engine`, the scores of Whoosh's BM25F). Each question is then
searched among the earlier ones with its own words, the bilingual glossary adding
translations to each word (:mod:`digest.search.glossary`); its ``TOP`` best matches are the
candidates. The engine reads the postings of a question's frequent words only for the
candidates its rarer words found, so the cost grows with the Q&A about linearly, not with
their square.

Similarity is the idf-weighted share of each question's subject words the other has (its
own words, their parts, or a glossary translation), as a geometric mean of both directions;
a question that compares two things and one that does not are set further apart. A later
question whose best earlier match reaches ``THRESHOLD`` is a repeat of it. The
threshold is calibrated by ``bench/qa_eval.py`` on labelled repeat pairs and near misses;
curators split a wrong merge in front matter (``split: true``, ``not_repeats:``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from digest.model import QA
from digest.parallel import forked_map
from digest.search import analysis, glossary
from digest.search.engine import Engine, Leaf

THRESHOLD = 0.35
"""Similarity from which a later question repeats an earlier one. Calibrated by
``bench/qa_eval.py`` on the hand-written pairs of ``bench/qa_repeat_pairs.yaml``: the lowest
value that merges no near miss there (15 of the 18 repeats merged); the example community's
repeat scores 0.52, its most similar pair that is no repeat 0.15."""
MAX_CHARS = 4000
"""Characters of a question (and of its details) that are compared."""
TOP = 10
"""How many best BM25 matches of each question (among the earlier ones) are candidates."""
PRIOR = 20
"""Pseudo-questions without any word: keeps idf meaningful in a group of ten questions."""
# Words that frame a question but say nothing of its subject, and English function words the
# search analyser keeps (as the analyser writes them: stemmed, segmented).
_FRAME = """
    differ way best better practic actual realli question problem issu help recommend suggest idea tip
    work use tri know need want get make thing someth error fail wrong right good bad sure mean just also
    about abov after again against all am any because befor below between both but down dure each few
    further here into more most no nor not onli other out over own same should so some such than then
    there these they those through too under until up veri was were what which while who whi would could
    might must shall own onc one two three first last new old still even ever much mani lot sinc
    start said say see seem keep give go goe went come take put let like time day can anyon someon
    everyon had has doe done got ran add forgot point
    区别 不同 问题 办法 方法 推荐 建议 报错 错误 出错 失败 一直 还是 到底 实际 比较 好 不 这种 这样 那个
    大家 有人 怎么办 怎么样 能 可以 应该 需要 知道 遇到 提示 用 做 弄 搞 时候 里 明明 可是 但是 不了 已经
    解决 设置 显示 成 出现 之后 以后 时 后 前 怎样 为什么 什么 如何 求助 请问 请教 一下 有没有 能不能
    """
FRAME = frozenset(_FRAME.split())
COMPARE_PENALTY = 0.7
"""One question compares two things ("X 和 Y 有什么区别"), the other does not: another question."""
_COMPARE = re.compile(
    r"区别|差别|不同|不一样|一样吗|一回事|哪个好|哪个更|\bvs\.?\b|\bversus\b|\bdiffer|\bcompare|"
    r"\binstead of\b|\bsame thing\b|\bwhich (?:one|is better)\b|\bor\b.*\bbetter\b",
    re.IGNORECASE,
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Asked:
    """One question as repeat detection sees it."""

    id: str
    text: str  # the question as asked
    when: datetime
    details: str = ""  # the asker's follow-ups: they help find the question, not outweigh it


@dataclass(frozen=True, slots=True)
class Repeat:
    of: str  # the earlier question's id
    confidence: float


def terms(text: str) -> dict[str, tuple[str, ...]]:
    """The subject words of a question (with their same-position extras), frame words left out."""
    out: dict[str, tuple[str, ...]] = {}
    for term, extras in analysis.query_words(_URL.sub(" ", text[:MAX_CHARS])):
        if _subject(term):
            out[term] = tuple(e for e in extras if _subject(e))
    return out


def _subject(term: str) -> bool:
    return term not in FRAME and not term.isdigit() and (len(term) > 1 or not term.isascii())


def _leaves(words: dict[str, tuple[str, ...]]) -> list[Leaf]:
    """Every word (and its extras and translations), summed: BM25 ranks the candidates."""
    leaves: list[Leaf] = []
    for term, extras in words.items():
        leaves.append(Leaf("text", term))
        leaves += [Leaf("text", extra, 0.8) for extra in extras]
        leaves += [Leaf("text", s, 0.6) for s in sorted(glossary.synonyms(term))]
    return leaves


class _Similarity:
    """idf-weighted word coverage of two questions, both ways (geometric mean), glossary-aware."""

    def __init__(
        self,
        words: dict[str, dict[str, tuple[str, ...]]],
        extra: dict[str, dict[str, tuple[str, ...]]],
        compares: frozenset[str] = frozenset(),
    ) -> None:
        self.compares = compares
        self.bags = {key: self._bag(w) | self._bag(extra.get(key, {})) for key, w in words.items()}
        df: dict[str, int] = {}
        for bag in self.bags.values():
            for term in bag:
                df[term] = df.get(term, 0) + 1
        n = len(words) + PRIOR
        idf = {term: math.log(1 + n / (count + 0.5)) for term, count in df.items()}
        # Each subject word with its weight and every form that covers it: the word, a part of
        # it (``ModuleNotFoundError``: ``modul``) or a translation of either.
        self.heads = {
            key: [(idf.get(term, 0.0), _forms(term, extras)) for term, extras in w.items()]
            for key, w in words.items()
        }
        self.totals = {key: sum(weight for weight, _forms in heads) for key, heads in self.heads.items()}

    @staticmethod
    def _bag(words: dict[str, tuple[str, ...]]) -> set[str]:
        return {t for term, extras in words.items() for t in (term, *extras)}

    def coverage(self, a: str, b: str) -> float:
        """The share of ``a``'s subject words (by idf) that ``b`` has too."""
        total = self.totals[a]
        if total <= 0:
            return 0.0
        bag = self.bags[b]
        return sum(weight for weight, forms in self.heads[a] if not forms.isdisjoint(bag)) / total

    def __call__(self, a: str, b: str) -> float:
        value = math.sqrt(self.coverage(a, b) * self.coverage(b, a))
        return value * COMPARE_PENALTY if (a in self.compares) != (b in self.compares) else value


def _forms(term: str, extras: tuple[str, ...]) -> frozenset[str]:
    forms = {term, *extras}
    for t in (term, *extras):
        forms |= glossary.synonyms(t)
    return frozenset(forms)


PARALLEL_QUESTIONS = 5000
"""From this many questions, one forked worker process per core searches a share of them."""
_CHUNK = 500
"""Questions a worker searches in one go."""
SAME_WORDS = 8
"""From this many questions asked in the same words, every earlier question is scored once for
all of them (:meth:`Engine.top_before_each`) instead of searched for each."""


@dataclass(frozen=True, slots=True)
class _Search:
    """What every question's search reads (inherited by forked workers, not copied to them)."""

    ordered: list[Asked]
    words: dict[str, dict[str, tuple[str, ...]]]
    engine: Engine
    similar: _Similarity

    def matches(self, numbers: Sequence[int]) -> dict[tuple[str, str], float]:
        """The similarities of the questions numbered ``numbers`` to their candidates."""
        out: dict[tuple[str, str], float] = {}
        asked_as: dict[str, list[int]] = {}  # the same words, the same query
        for i in numbers:
            asked_as.setdefault(self.ordered[i].text, []).append(i)
        for same in asked_as.values():
            leaves = _leaves(self.words[self.ordered[same[0]].id])
            if not leaves:
                continue
            if len(same) >= SAME_WORDS:
                found = self.engine.top_before_each(leaves, TOP, same)  # earlier questions only
            else:
                found = [self.engine.top(leaves, TOP, before=i) for i in same]
            for i, top in zip(same, found, strict=True):
                a = self.ordered[i].id
                for number, _score in top:
                    b = self.ordered[number].id
                    out[(a, b)] = round(self.similar(a, b), 4)
        return out


def similarities(asked: Sequence[Asked]) -> dict[tuple[str, str], float]:
    """Similarity of each question to the earlier questions BM25 ranks best for it.

    Keyed by (later id, earlier id).
    """
    if len(asked) < 2:
        return {}
    analysis.quiet_jieba()
    ordered = sorted(asked, key=lambda a: (a.when, a.id))
    read = functools.cache(terms)  # a question asked in the same words is analysed once
    words = {a.id: read(a.text) for a in ordered}
    details = {a.id: read(a.details) for a in ordered if a.details}
    bag = functools.cache(analysis.bag)
    engine = Engine([{"text": bag(f"{a.text[:MAX_CHARS]}\n{a.details[:MAX_CHARS]}")} for a in ordered])
    compares = frozenset(a.id for a in ordered if _COMPARE.search(a.text))
    search = _Search(ordered, words, engine, _Similarity(words, details, compares))
    # Questions asked in the same words go together (scored once, see SAME_WORDS), in shares of
    # about _CHUNK questions for the workers.
    numbers = sorted(range(1, len(ordered)), key=lambda i: (ordered[i].text, i))
    shares = [numbers[at : at + _CHUNK] for at in range(0, len(numbers), _CHUNK)]
    out: dict[tuple[str, str], float] = {}
    for found in forked_map(search.matches, shares, len(ordered), PARALLEL_QUESTIONS):
        out.update(found)
    return out


def find_repeats(asked: Sequence[Asked], threshold: float = THRESHOLD) -> dict[str, Repeat]:
    """For each question that asks an earlier one again: the earlier question and how sure.

    A question repeats the most similar earlier question, if that reaches ``threshold``; a
    repeat never gets repeats of its own (they join the first question instead).
    """
    sims = similarities(asked)
    best: dict[str, tuple[float, str]] = {}
    for (later, earlier), value in sims.items():
        if value >= threshold and (later not in best or (value, earlier) > best[later]):
            best[later] = (value, earlier)
    out: dict[str, Repeat] = {}
    when = {a.id: (a.when, a.id) for a in asked}
    for later in sorted(best, key=when.__getitem__):
        value, earlier = best[later]
        root = out[earlier].of if earlier in out else earlier
        out[later] = Repeat(root, round(value, 2))
    return out


def mark_repeats(qas: Sequence[QA], threshold: float = THRESHOLD) -> list[QA]:
    """The Q&A with ``repeat_of`` set on those that ask an earlier Q&A again."""
    asked = [
        Asked(qa.id, qa.question.text, qa.question.timestamp, "\n".join(d.text for d in qa.details))
        for qa in qas
    ]
    repeats = find_repeats(asked, threshold)
    return [
        replace(qa, repeat_of=repeats[qa.id].of, repeat_confidence=repeats[qa.id].confidence)
        if qa.id in repeats
        else qa
        for qa in qas
    ]
