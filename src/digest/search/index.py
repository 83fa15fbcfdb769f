"""The Whoosh index under ``.digest/search/``: incremental updates, search, ask; related questions.

Each document carries the hash of its content; an update re-indexes only documents whose
hash changed and deletes those that vanished. When anything was replaced or deleted the
index is merged into one segment, so its statistics (and every score) equal those of an
index built from scratch.

Related questions (every Q&A asked of all the others at build time) do not use the Whoosh
index: the site's documents go into one BM25 engine in memory (:mod:`digest.search.engine`)
with the same fields, weights and confidence as ``digest ask``, and the result is cached
next to the index by the documents' fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from digest.errors import DigestError
from digest.search import analysis, glossary
from digest.search.documents import QA, SearchDoc, keys
from digest.search.engine import Engine, Leaf
from digest.search.query import Filters, ParsedQuery
from digest.search.snippets import Snippet, snippet

SCHEMA_VERSION = 1
TEXT_FIELDS = {"title": 3.0, "question": 2.0, "answer": 1.5, "tagtext": 1.5, "body": 1.0}
ASK_FIELDS = {"title": 2.0, "question": 2.0, "answer": 1.0, "tagtext": 0.5}
SPELLING_FIELDS = ("title", "question", "answer", "body")  # close spellings and idf come from these
ASK_CANDIDATES = 30  # BM25's best answered Q&A, ranked again by confidence
RELEVANCE_COORD = 0.9  # the bonus for matching more of the query's words (Whoosh's Or scale)
RELATED_VERSION = 2  # bump when related questions are computed differently: the cache is then stale
KIND_WEIGHT = {"qa": 1.0, "profile": 0.8, "resource": 0.7}


class IndexError_(DigestError):
    """The search index cannot be opened or written."""


@dataclass(frozen=True, slots=True)
class UpdateReport:
    added: int
    updated: int
    removed: int
    unchanged: int

    def summary(self) -> str:
        return (
            f"search index: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )


@dataclass(frozen=True, slots=True)
class Hit:
    """One `digest search` result."""

    id: str
    kind: str
    title: str
    url: str
    score: float
    snippet: Snippet
    link: str = ""
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One `digest ask` candidate: an answered Q&A and how sure we are it answers the question."""

    id: str
    title: str
    url: str
    confidence: float
    question: str
    answer: str


def schema() -> Schema:
    def text() -> TEXT:
        return TEXT(analyzer=analysis.analyzer(), stored=True, phrase=True)

    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        hash=STORED(),
        url=STORED(),
        link=STORED(),
        title=text(),
        question=text(),
        answer=text(),
        body=text(),
        tagtext=TEXT(analyzer=analysis.analyzer(), phrase=False),
        tags=STORED(),
        authors=STORED(),
        groups=STORED(),
        tag_keys=KEYWORD(commas=True),
        author_keys=KEYWORD(commas=True),
        group_keys=KEYWORD(commas=True),
        date=DATETIME(stored=True),
        answered=BOOLEAN(stored=True),
    )


def _utc(value: datetime | None) -> datetime | None:
    """Whoosh stores naive datetimes: convert to UTC and drop the zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _fields(doc: SearchDoc) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": doc.id,
        "kind": doc.kind,
        "hash": doc.content_hash,
        "url": doc.url,
        "link": doc.link,
        "title": doc.title,
        "question": doc.question,
        "answer": doc.answer,
        "body": doc.body,
        "tagtext": " ".join(doc.tags),
        "tags": list(doc.tags),
        "authors": list(doc.authors),
        "groups": list(doc.groups),
        "tag_keys": ",".join(keys(*doc.tags)),
        "author_keys": ",".join(doc.author_keys),
        "group_keys": ",".join(doc.group_keys),
        "answered": doc.answered,
    }
    date = _utc(doc.date)
    if date is not None:
        fields["date"] = date
    return fields


class SearchIndex:
    """A Whoosh index in ``folder``; rebuilt from scratch when its layout or analysis changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        stamp = {"schema": SCHEMA_VERSION, "analysis": analysis.VERSION}
        version_file = folder / "VERSION.json"
        current: Any = None
        if version_file.is_file():
            try:
                current = json.loads(version_file.read_text(encoding="utf-8"))
            except ValueError:
                current = None
        try:
            if current == stamp and whoosh_index.exists_in(str(folder)):
                self.ix = whoosh_index.open_dir(str(folder))
                return
        except Exception:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.ix = whoosh_index.create_in(str(folder), schema())
            version_file.write_text(json.dumps(stamp), encoding="utf-8")
        except OSError as exc:
            raise IndexError_(f"{folder}: cannot create the search index: {exc}") from None

    # -- writing -------------------------------------------------------------------------------

    def hashes(self) -> dict[str, str]:
        with self.ix.searcher() as searcher:
            return {f["id"]: f["hash"] for f in searcher.all_stored_fields()}

    def update(self, docs: Iterable[SearchDoc]) -> UpdateReport:
        """Index new and changed documents, drop vanished ones; unchanged ones are not touched."""
        known = self.hashes()
        wanted = {doc.id: doc for doc in docs}
        changed = [doc for doc_id, doc in sorted(wanted.items()) if known.get(doc_id) != doc.content_hash]
        gone = sorted(set(known) - set(wanted))
        added = sum(1 for doc in changed if doc.id not in known)
        report = UpdateReport(added, len(changed) - added, len(gone), len(wanted) - len(changed))
        if not changed and not gone:
            return report
        writer = self.ix.writer(timeout=30.0)
        try:
            for doc_id in gone:
                writer.delete_by_term("id", doc_id)
            for doc in changed:
                writer.update_document(**_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        # Replacing or deleting leaves dead documents in the statistics until a merge.
        writer.commit(optimize=bool(gone) or report.updated > 0)
        return report

    def state(self) -> str:
        """A fingerprint of everything indexed: equal fingerprints give equal results."""
        items = sorted(self.hashes().items())
        return hashlib.sha256(repr(items).encode("utf-8")).hexdigest()[:32]

    # -- reading -------------------------------------------------------------------------------

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self.ix.searcher(weighting=BM25F()) as searcher:
            yield searcher

    def search(self, parsed: ParsedQuery, limit: int = 10) -> list[Hit]:
        """Ranked documents for a parsed query; Q&A weigh more than profiles and links."""
        if parsed.empty:
            return []
        with self.searcher() as searcher:
            words = _expand(_Indexed(searcher), parsed.text)
            clauses: list[wq.Query] = []
            term_clause = _terms_query(words, TEXT_FIELDS)
            phrases = [_phrase_query(p) for p in parsed.phrases]
            phrases = [p for p in phrases if p is not None]
            if len(phrases) < len(parsed.phrases):
                return []  # a phrase of only stop words or punctuation matches nothing
            if phrases and term_clause is not None:
                clauses.append(wq.AndMaybe(wq.And(phrases), term_clause))
            elif phrases:
                clauses.append(wq.And(phrases))
            elif term_clause is not None:
                clauses.append(term_clause)
            else:
                return []
            results = searcher.search(clauses[0], limit=max(limit * 3, 30), filter=_filter(parsed.filters))
            matched = {term for word in words for term, _weight in word.terms()}
            matched |= {w for p in parsed.phrases for w in analysis.terms(p)}
            hits = []
            for hit in results:
                stored = hit.fields()
                weight = KIND_WEIGHT.get(stored["kind"], 0.5)
                hits.append(_hit(stored, float(hit.score) * weight, matched))
        hits.sort(key=lambda h: (-round(h.score, 9), h.id))
        return hits[:limit]

    def ask(self, question: str, limit: int = 10, exclude: str = "") -> list[Suggestion]:
        """Answered Q&A most likely to answer ``question``, most likely first.

        Candidates come from BM25; each gets a confidence in [0, 1]: the geometric mean of
        how much of the question (weighted by idf) the Q&A covers and how similar the two are
        (tf-idf cosine against the question side, or the whole Q&A if that is closer).
        """
        with self.searcher() as searcher:
            return _ask(searcher, question, limit, exclude)


def _answered(searcher: Searcher) -> set[int]:
    """The answered Q&A, as the set of document numbers a search may return."""
    return set(searcher.docs_for_query(wq.And([wq.Term("kind", QA), wq.Term("answered", True)])))


def _ask(searcher: Searcher, question: str, limit: int, exclude: str) -> list[Suggestion]:
    """:meth:`SearchIndex.ask` with an open searcher."""
    words = _expand(_Indexed(searcher), question)
    clause = _terms_query(words, ASK_FIELDS)
    if clause is None:
        return []
    results = searcher.search(clause, limit=ASK_CANDIDATES, filter=_answered(searcher))
    query = _Query(words, analysis.bag(question), _Stats(searcher))
    found: list[Suggestion] = []
    for hit in results:
        stored = hit.fields()
        if stored["id"] == exclude:
            continue
        side = analysis.bag(stored.get("title", "")) + analysis.bag(stored.get("question", ""))
        confidence = query.confidence(_Candidate(side, analysis.bag(stored.get("answer", ""))))
        found.append(
            Suggestion(
                id=stored["id"].partition(":")[2],
                title=stored["title"],
                url=stored["url"],
                confidence=round(confidence, 4),
                question=stored.get("question", ""),
                answer=stored.get("answer", ""),
            )
        )
    found.sort(key=lambda s: (-s.confidence, s.id))
    return found[:limit]


@dataclass(frozen=True, slots=True)
class Word:
    """A query word and what else may stand for it, with how much each counts."""

    term: str
    alternatives: tuple[tuple[str, float], ...] = ()  # (term, weight in 0..1)

    def terms(self) -> Iterator[tuple[str, float]]:
        yield self.term, 1.0
        yield from self.alternatives


class Vocabulary(Protocol):
    """The terms an index holds, for spelling corrections."""

    def known(self, term: str) -> bool:
        """The term is in one of the text fields."""
        ...

    def starting_with(self, letter: str) -> Iterable[str]:
        """Every term of the title, question, answer and body fields that starts with ``letter``."""
        ...


class _Indexed:
    """The terms of the Whoosh index."""

    def __init__(self, searcher: Searcher) -> None:
        self.reader = searcher.reader()

    def known(self, term: str) -> bool:
        return any((f, term) in self.reader for f in TEXT_FIELDS)

    def starting_with(self, letter: str) -> Iterator[str]:
        for field in SPELLING_FIELDS:
            for raw in self.reader.expand_prefix(field, letter):
                yield raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def _expand(vocabulary: Vocabulary, text: str) -> list[Word]:
    """The query's words with their parts (long words), close spellings and glossary synonyms."""
    words = []
    for term, extras in analysis.query_words(text):
        alternatives: dict[str, float] = {}
        for extra in extras:
            alternatives.setdefault(extra, 0.5)
        for close in _close_words(vocabulary, term):
            alternatives.setdefault(close, 0.8)
        for synonym in sorted(glossary.synonyms(term)):
            alternatives.setdefault(synonym, 0.7)
        alternatives.pop(term, None)
        words.append(Word(term, tuple(sorted(alternatives.items()))))
    return words


def _terms_query(words: Sequence[Word], fields: dict[str, float]) -> wq.Query | None:
    """One clause per distinct word, in any field; its alternatives count for less."""
    per_word: list[wq.Query] = [
        wq.Or(
            [wq.Term(f, term, boost=b * weight) for term, weight in word.terms() for f, b in fields.items()]
        )
        for word in words
    ]
    if not per_word:
        return None
    return wq.Or(per_word, scale=RELEVANCE_COORD) if len(per_word) > 1 else per_word[0]


def _phrase_query(text: str) -> wq.Query | None:
    words = analysis.terms(text)
    if not words:
        return None
    if len(words) == 1:
        return wq.Or([wq.Term(f, words[0], boost=b) for f, b in TEXT_FIELDS.items() if f != "tagtext"])
    return wq.Or([wq.Phrase(f, words, boost=b) for f, b in TEXT_FIELDS.items() if f != "tagtext"])


def _close_words(vocabulary: Vocabulary, word: str) -> list[str]:
    """Indexed words one edit away (two for long words) from an unknown Latin word: typos.

    An edit is an insertion, deletion, substitution or swap of two neighbours; the first
    letter must match, as it does in most typos. Indexed words are stems, so a stem that is
    one edit from the start of the word counts too.
    """
    if not word.isascii() or not word.isalpha() or len(word) < 4 or vocabulary.known(word):
        return []
    maxdist = 1 if len(word) < 7 else 2
    found: set[str] = set()
    for other in vocabulary.starting_with(word[0]):
        # The stem of a misspelt word counts too: "mrege" -> "merg".
        stem_of_it = 4 <= len(other) < len(word) <= len(other) + 3
        if edit_distance(word, other, maxdist) <= maxdist or (
            stem_of_it and edit_distance(word[: len(other)], other, 1) <= 1
        ):
            found.add(other)
    return sorted(found)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), capped at limit + 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _filter(filters: Filters) -> wq.Query | None:
    if not filters:
        return None
    parts: list[wq.Query] = []
    parts.extend(wq.Term("tag_keys", t) for t in filters.tags)
    parts.extend(wq.Term("author_keys", a) for a in filters.authors)
    parts.extend(wq.Term("group_keys", g) for g in filters.groups)
    if filters.after or filters.before:
        parts.append(wq.DateRange("date", _utc(filters.after), _utc(filters.before), endexcl=True))
    return wq.And(parts) if len(parts) > 1 else parts[0]


def _hit(stored: dict[str, Any], score: float, matched: set[str]) -> Hit:
    texts = [stored.get(f, "") for f in ("question", "answer", "body")]
    return Hit(
        id=stored["id"],
        kind=stored["kind"],
        title=stored["title"],
        url=stored["url"],
        score=round(score, 6),
        snippet=snippet([t for t in texts if t], matched),
        link=stored.get("link", ""),
        tags=tuple(stored.get("tags") or ()),
        authors=tuple(stored.get("authors") or ()),
        groups=tuple(stored.get("groups") or ()),
        date=stored.get("date"),
    )


class Weights(Protocol):
    """idf weights of terms: the larger, the rarer the term."""

    def idf(self, term: str) -> float: ...


class _Stats:
    """Document frequencies over every text field of the Whoosh index, for idf weights."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.n_docs = searcher.doc_count() or 1
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = max(self.searcher.doc_frequency(f, term) for f in SPELLING_FIELDS)
            self._idf[term] = math.log(1.0 + self.n_docs / (1.0 + df))
        return self._idf[term]


def _vector(weights: Weights, terms: Iterable[str]) -> dict[str, float]:
    return {t: (1.0 + math.log(tf)) * weights.idf(t) for t, tf in Counter(terms).items()}


@dataclass(slots=True)
class _Candidate:
    """An answered Q&A as the confidence reads it: its question side (title and question) and answer."""

    question_side: list[str]
    answer: list[str]
    _cached: tuple[set[str], dict[str, float], float, dict[str, float], float] | None = None

    def weighed(self, weights: Weights) -> tuple[set[str], dict[str, float], float, dict[str, float], float]:
        """Its terms, and the tf-idf vectors (with their norms) of its question side and of the whole."""
        if self._cached is None:
            whole = self.question_side + self.answer
            side, everything = _vector(weights, self.question_side), _vector(weights, whole)
            self._cached = (
                set(whole),
                side,
                math.sqrt(sum(w * w for w in side.values())),
                everything,
                math.sqrt(sum(w * w for w in everything.values())),
            )
        return self._cached


class _Query:
    """A question asked (``digest ask``, or a Q&A's own question for related questions)."""

    def __init__(self, words: Sequence[Word], bag: list[str], weights: Weights) -> None:
        self.weights = weights
        self.words = [(weights.idf(word.term), tuple(word.terms()), word.alternatives) for word in words]
        self.total = sum(idf for idf, _terms, _alternatives in self.words)
        self.vector = _vector(weights, bag)  # every term of the question, extras included
        self.norm2 = sum(w * w for w in self.vector.values())

    def confidence(self, candidate: _Candidate) -> float:
        """How sure the candidate answers the question, in [0, 1]: the geometric mean of how
        much of the question (weighted by idf) it covers and how similar the two are (tf-idf
        cosine against its question side, or the whole Q&A if that is closer)."""
        if not self.total:
            return 0.0
        present, side, side_norm, whole, whole_norm = candidate.weighed(self.weights)
        covered = 0.0
        standing_in: dict[str, float] = {}
        for idf, terms, alternatives in self.words:
            covered += max((weight for term, weight in terms if term in present), default=0.0) * idf
            # A synonym or corrected spelling the candidate uses stands in for the query's word.
            for term, _weight in alternatives:
                if term in present and term not in self.vector and term not in standing_in:
                    standing_in[term] = self.weights.idf(term)
        norm = math.sqrt(self.norm2 + sum(w * w for w in standing_in.values()))
        similarity = 0.0
        for vector, vector_norm in ((side, side_norm), (whole, whole_norm)):
            if norm and vector_norm:
                dot = sum(w * vector[t] for t, w in self.vector.items() if t in vector)
                dot += sum(w * vector[t] for t, w in standing_in.items() if t in vector)
                similarity = max(similarity, dot / (norm * vector_norm))
        return math.sqrt((covered / self.total) * similarity)


class _Related:
    """Every search document in one BM25 engine, to ask each Q&A's question of all the others."""

    def __init__(self, docs: Sequence[SearchDoc]) -> None:
        self.docs = docs
        analysed = [_analysed(doc) for doc in docs]
        self.engine = Engine(analysed)
        self.allowed = np.array([doc.kind == QA and doc.answered for doc in docs], dtype=np.bool_)
        self.candidates = [_Candidate(a["title"] + a["question"], a["answer"]) for a in analysed]
        self.n_docs = len(docs) or 1
        self._idf: dict[str, float] = {}
        self._spelling: dict[str, list[str]] = {}

    def known(self, term: str) -> bool:
        return any((f, term) in self.engine.keys for f in TEXT_FIELDS)

    def starting_with(self, letter: str) -> list[str]:
        if not self._spelling:
            for field, term in self.engine.keys:
                if field in SPELLING_FIELDS:
                    self._spelling.setdefault(term[:1], []).append(term)
        return self._spelling.get(letter, [])

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = max(self.engine.doc_frequency(f, term) for f in SPELLING_FIELDS)
            self._idf[term] = math.log(1.0 + self.n_docs / (1.0 + df))
        return self._idf[term]

    def ask(self, number: int, count: int) -> list[tuple[float, str]]:
        """The answered Q&A closest to document ``number``'s title and question: (confidence, id)."""
        doc = self.docs[number]
        question = f"{doc.title}\n{doc.question}"
        words = _expand(self, question)
        leaves = [
            Leaf(f, term, b * weight)
            for word in words
            for term, weight in word.terms()
            for f, b in ASK_FIELDS.items()
        ]
        coord = RELEVANCE_COORD if len(words) > 1 else None
        query = _Query(words, analysis.bag(question), self)
        found = []
        for other, _score in self.engine.top(leaves, ASK_CANDIDATES, allowed=self.allowed, coord=coord):
            if other != number:
                confidence = round(query.confidence(self.candidates[other]), 4)
                found.append((confidence, self.docs[other].id.partition(":")[2]))
        found.sort(key=lambda f: (-f[0], f[1]))
        return found[:count]


def _analysed(doc: SearchDoc) -> dict[str, list[str]]:
    """A document's terms by field, as the Whoosh index holds them."""
    return {
        "title": analysis.bag(doc.title),
        "question": analysis.bag(doc.question),
        "answer": analysis.bag(doc.answer),
        "body": analysis.bag(doc.body),
        "tagtext": analysis.bag(" ".join(doc.tags)),
    }


def docs_state(docs: Iterable[SearchDoc]) -> str:
    """A fingerprint of a set of documents: equal to :meth:`SearchIndex.state` once they are indexed."""
    items = sorted((doc.id, doc.content_hash) for doc in docs)
    return hashlib.sha256(repr(items).encode("utf-8")).hexdigest()[:32]


def related(
    folder: Path, docs: Sequence[SearchDoc], count: int = 5, minimum: float = 0.1
) -> dict[str, list[str]]:
    """More like this: for each Q&A, the other answered Q&A most similar to its title and question.

    The question is asked as ``digest ask`` asks it (BM25's best answered Q&A ranked again by
    the same confidence), of one engine in memory built once for all the Q&A. Its scores are
    Whoosh's, except that the bonus for matching more of the question's words counts every
    word the index knows (Whoosh forgets words whose postings it has read to the end).
    Deterministic (ties broken by id) and cached in ``folder`` by the documents' fingerprint,
    so an unchanged site costs one file read and any change to any document (a curator's
    edit included) computes them again.
    """
    cache = folder / "related.json"
    state = docs_state(docs) + f":{count}:{minimum}:{RELATED_VERSION}"
    if cache.is_file():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("state") == state:
                return {k: list(v) for k, v in stored["related"].items()}
        except (ValueError, KeyError, AttributeError):
            pass
    ordered = sorted(docs, key=lambda d: d.id)
    found: dict[str, list[str]] = {}
    if any(doc.kind == QA for doc in ordered):
        engine = _Related(ordered)
        for number, doc in enumerate(ordered):
            if doc.kind == QA:
                similar = engine.ask(number, count)
                found[doc.id.partition(":")[2]] = [
                    qa_id for confidence, qa_id in similar if confidence >= minimum
                ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"state": state, "related": found}, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise IndexError_(f"{folder}: cannot write related questions: {exc}") from None
    return found
