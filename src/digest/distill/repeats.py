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

Words are weighed as they stood in the week a question was asked: BM25 and the similarity
read the statistics of every question asked by the end of that week (Monday to Monday, UTC),
none later. A question's repeat therefore never changes as later questions arrive (what was
merged stays merged), and repeat detection is remembered week by week: a new day searches its
own week again, not the history (:class:`_Weeks`).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest.distill.pergroup import PartCache
from digest.model import QA
from digest.parallel import forked_map
from digest.search import analysis, glossary
from digest.search.engine import Engine, Leaf
from digest.store import week_number
from digest.text import record_digest

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
    """idf-weighted word coverage of two questions, both ways (geometric mean), glossary-aware,
    with the word weights of the first ``size`` questions."""

    def __init__(self, reads: Sequence[_Read], holders: Mapping[str, list[int]], size: int) -> None:
        self.reads, self.holders, self.size = reads, holders, size
        self.n = size + PRIOR
        self._heads: dict[int, tuple[list[tuple[float, frozenset[str]]], float]] = {}

    def _idf(self, term: str) -> float:
        df = bisect.bisect_left(self.holders.get(term, ()), self.size)  # questions below size with it
        return math.log(1 + self.n / (df + 0.5)) if df else 0.0

    def heads(self, a: int) -> tuple[list[tuple[float, frozenset[str]]], float]:
        """Each subject word of question ``a`` with its weight and every form that covers it:
        the word, a part of it (``ModuleNotFoundError``: ``modul``) or a translation of either;
        and their total weight."""
        found = self._heads.get(a)
        if found is None:
            heads = [(self._idf(term), _forms(term, extras)) for term, extras in self.reads[a].words.items()]
            found = self._heads[a] = (heads, sum(weight for weight, _forms in heads))
        return found

    def coverage(self, a: int, b: int) -> float:
        """The share of ``a``'s subject words (by idf) that ``b`` has too."""
        heads, total = self.heads(a)
        if total <= 0:
            return 0.0
        bag = self.reads[b].bag
        return sum(weight for weight, forms in heads if not forms.isdisjoint(bag)) / total

    def __call__(self, a: int, b: int) -> float:
        value = math.sqrt(self.coverage(a, b) * self.coverage(b, a))
        return value * COMPARE_PENALTY if self.reads[a].compares != self.reads[b].compares else value


@functools.lru_cache(maxsize=200_000)
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
class _Read:
    """One question analysed: what searching for it and comparing it read."""

    words: dict[str, tuple[str, ...]]  # its subject words, with their same-position extras
    bag: frozenset[str]  # every subject word of the question and of its details, extras too
    doc: list[str]  # what the BM25 index holds of it: every term of the question and details
    compares: bool  # it compares two things

    def __reduce__(self) -> tuple[type[_Read], tuple[object, ...]]:
        return (_Read, (self.words, self.bag, self.doc, self.compares))


def _reader() -> Callable[[Asked], _Read]:
    """Analyses questions; a text asked again is analysed once."""
    analysis.quiet_jieba()
    read = functools.cache(terms)
    bag = functools.cache(analysis.bag)

    def analyse(a: Asked) -> _Read:
        words = read(a.text)
        details = read(a.details) if a.details else {}
        every = {t for w in (words, details) for term, extras in w.items() for t in (term, *extras)}
        doc = bag(f"{a.text[:MAX_CHARS]}\n{a.details[:MAX_CHARS]}")
        return _Read(words, frozenset(every), doc, _COMPARE.search(a.text) is not None)

    return analyse


class _Search:
    """Each question searched among the earlier ones, weighed as of the end of its week.

    What it reads reaches forked workers by the fork, not copied to them.
    """

    def __init__(
        self, ordered: Sequence[Asked], reads: Sequence[_Read], ends: list[int] | None = None
    ) -> None:
        self.ordered, self.reads = ordered, reads
        self.engine = Engine([{"text": r.doc} for r in reads])
        holders: dict[str, list[int]] = {}  # each word: the questions that have it, in order
        for number, r in enumerate(reads):
            for term in r.bag:
                holders.setdefault(term, []).append(number)
        self.holders = holders
        self.sizes = ends if ends is not None else _week_ends(ordered)
        self._as_of: tuple[int, Engine, _Similarity] | None = None

    def as_of(self, size: int) -> tuple[Engine, _Similarity]:
        """The index and the similarity of the first ``size`` questions (the last asked)."""
        if self._as_of is None or self._as_of[0] != size:
            self._as_of = (size, self.engine.as_of(size), _Similarity(self.reads, self.holders, size))
        return self._as_of[1], self._as_of[2]

    def shares(self, first: int) -> list[list[int]]:
        """The questions from ``first`` on, week by week and the same words together (scored
        once, see ``SAME_WORDS``), in shares of about ``_CHUNK`` for the workers."""
        numbers = sorted(
            range(max(first, 1), len(self.ordered)), key=lambda i: (self.sizes[i], self.ordered[i].text, i)
        )
        return [numbers[at : at + _CHUNK] for at in range(0, len(numbers), _CHUNK)]

    def matches(self, numbers: Sequence[int]) -> dict[tuple[int, int], float]:
        """The similarities of the questions numbered ``numbers`` to their candidates."""
        out: dict[tuple[int, int], float] = {}
        asked_as: dict[tuple[int, str], list[int]] = {}  # the same week and words, the same query
        for i in numbers:
            asked_as.setdefault((self.sizes[i], self.ordered[i].text), []).append(i)
        for (size, _text), same in asked_as.items():
            leaves = _leaves(self.reads[same[0]].words)
            if not leaves:
                continue
            engine, similar = self.as_of(size)
            if len(same) >= SAME_WORDS:
                found = engine.top_before_each(leaves, TOP, same)  # earlier questions only
            else:
                found = [engine.top(leaves, TOP, before=i) for i in same]
            for i, top in zip(same, found, strict=True):
                for number, _score in top:
                    out[(i, number)] = round(similar(i, number), 4)
        return out

    def search(self, first: int = 1) -> dict[tuple[int, int], float]:
        """The similarities of every question from ``first`` on to its candidates."""
        out: dict[tuple[int, int], float] = {}
        shares = self.shares(first)
        for found in forked_map(self.matches, shares, len(self.ordered) - first, PARALLEL_QUESTIONS):
            out.update(found)
        return out


def _ordered(asked: Sequence[Asked]) -> list[Asked]:
    return sorted(asked, key=lambda a: (a.when, a.id))


def _week_ends(ordered: Sequence[Asked]) -> list[int]:
    """For each question (in order), how many questions were asked by the end of its week."""
    weeks = [week_number(a.when.timestamp()) for a in ordered]
    ends = [0] * len(weeks)
    end = len(weeks)
    for i in range(len(weeks) - 1, -1, -1):
        if i + 1 < len(weeks) and weeks[i] != weeks[i + 1]:
            end = i + 1
        ends[i] = end
    return ends


def similarities(asked: Sequence[Asked]) -> dict[tuple[str, str], float]:
    """Similarity of each question to the earlier questions BM25 ranks best for it.

    Keyed by (later id, earlier id).
    """
    if len(asked) < 2:
        return {}
    ordered = _ordered(asked)
    analyse = _reader()
    search = _Search(ordered, [analyse(a) for a in ordered])
    return {(ordered[a].id, ordered[b].id): value for (a, b), value in search.search().items()}


def find_repeats(
    asked: Sequence[Asked], threshold: float = THRESHOLD, cache: Path | None = None
) -> dict[str, Repeat]:
    """For each question that asks an earlier one again: the earlier question and how sure.

    A question repeats the most similar earlier question, if that reaches ``threshold``; a
    repeat never gets repeats of its own (they join the first question instead). With
    ``cache``, the weeks whose questions and earlier questions did not change are not
    searched again (see :class:`_Weeks`).
    """
    ordered = _ordered(asked)
    best = _Weeks(ordered, cache).best()
    out: dict[str, Repeat] = {}
    for later in ordered:
        found = best.get(later.id)
        if found is None or found[0] < threshold:
            continue
        value, earlier = found
        root = out[earlier].of if earlier in out else earlier
        out[later.id] = Repeat(root, round(value, 2))
    return out


Best = tuple[float, str]
"""A question's most similar earlier question: the similarity, the earlier question's id."""


class _Weeks:
    """Repeat detection remembered week by week (in files ``repeats-*.pickle`` of ``cache``).

    A question's repeat depends on its week and the weeks before only: it is searched among
    the earlier questions with the word weights of every question asked by the end of its
    week. A week's entry keeps its questions analysed and, with the key of every week up to
    it, their best matches; a new day searches its own week again, no other, and what was
    merged once stays merged as the collection grows.
    """

    def __init__(self, ordered: Sequence[Asked], cache: Path | None) -> None:
        self.ordered, self.cache = ordered, PartCache(cache)
        self.ends = _week_ends(ordered)
        ends = sorted(set(self.ends))
        self.weeks = [range(start, end) for start, end in zip([0, *ends], ends, strict=False)]

    def best(self) -> dict[str, Best]:
        """Each question's most similar earlier question (of those BM25 ranks best for it)."""
        contents, chains = self._keys()
        entries = [self._load(content) for content in contents]
        first = next(
            (w for w, entry in enumerate(entries) if entry is None or entry[0] != chains[w]), len(self.weeks)
        )
        best: dict[str, Best] = {}
        for entry in entries[:first]:
            assert entry is not None
            best.update(entry[2])
        if first < len(self.weeks):
            analyse = _reader()
            reads: list[_Read] = []
            for week, entry in zip(self.weeks, entries, strict=True):
                reads += (
                    entry[1]
                    if entry is not None
                    else [analyse(a) for a in self.ordered[week.start : week.stop]]
                )
            found = self._search(reads, self.weeks[first].start)
            best.update(found)
            for w in range(first, len(self.weeks)):
                week = self.weeks[w]
                mine = {a.id: found[a.id] for a in self.ordered[week.start : week.stop] if a.id in found}
                self._save(contents[w], (chains[w], reads[week.start : week.stop], mine))
        self._prune()
        return best

    def _keys(self) -> tuple[list[str], list[str]]:
        """Each week's key: of its questions alone (its entry's name), and of its questions and
        every earlier week's (what its best matches were found from)."""
        code = _code_key()
        contents: list[str] = []
        chains: list[str] = []
        chain = code
        for week in self.weeks:
            asked = [(a.id, a.when, a.text, a.details) for a in self.ordered[week.start : week.stop]]
            contents.append(record_digest((code, asked)))
            chain = record_digest((chain, contents[-1]))
            chains.append(chain)
        return contents, chains

    def _search(self, reads: list[_Read], first: int) -> dict[str, Best]:
        search = _Search(self.ordered, reads, self.ends)
        best: dict[int, tuple[float, int]] = {}
        for (later, earlier), value in search.search(first).items():
            if later not in best or (value, self.ordered[earlier].id) > (
                best[later][0],
                self.ordered[best[later][1]].id,
            ):
                best[later] = (value, earlier)
        return {self.ordered[a].id: (value, self.ordered[b].id) for a, (value, b) in best.items()}

    def _load(self, content: str) -> tuple[str, list[_Read], dict[str, Best]] | None:
        entry = self.cache.load(f"repeats-{content}", tuple)
        ok = entry is not None and len(entry) == 3 and isinstance(entry[0], str)
        return entry if ok else None

    def _save(self, content: str, entry: tuple[str, list[_Read], dict[str, Best]]) -> None:
        self.cache.save(f"repeats-{content}", entry)

    def _prune(self) -> None:
        """Forget the weeks of other questions (and of older code)."""
        folder = self.cache.folder
        if folder is not None and folder.is_dir():
            for path in folder.glob("repeats-*.pickle"):
                if path.stem not in self.cache.used:
                    path.unlink(missing_ok=True)


@functools.cache
def _code_key() -> str:
    """A hash of the code and data repeat detection reads: an entry never outlives a change."""
    digest = hashlib.sha256()
    search = Path(analysis.__file__).parent
    for path in sorted([Path(__file__), *search.glob("*.py"), *search.glob("*.txt")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def mark_repeats(qas: Sequence[QA], threshold: float = THRESHOLD, cache: Path | None = None) -> list[QA]:
    """The Q&A with ``repeat_of`` set on those that ask an earlier Q&A again."""
    return marked(qas, repeats_among(qas, threshold, cache))


def repeats_among(
    qas: Sequence[QA], threshold: float = THRESHOLD, cache: Path | None = None
) -> dict[str, Repeat]:
    """:func:`find_repeats` of the Q&A's questions (each with the asker's details)."""
    asked = [
        Asked(qa.id, qa.question.text, qa.question.timestamp, "\n".join(d.text for d in qa.details))
        for qa in qas
    ]
    return find_repeats(asked, threshold, cache)


def marked(qas: Sequence[QA], repeats: Mapping[str, Repeat]) -> list[QA]:
    """The Q&A, each in ``repeats`` marked as the repeat it is."""
    out = list(qas)
    for index, qa in enumerate(out):
        found = repeats.get(qa.id)
        if found is not None:
            out[index] = qa.repeating(found.of, found.confidence)
    return out
