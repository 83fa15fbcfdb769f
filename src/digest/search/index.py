"""The Whoosh index under ``.digest/search/``: incremental updates, search, ask, related.

Each document carries the hash of its content; an update re-indexes only documents whose
hash changed and deletes those that vanished. When anything was replaced or deleted the
index is merged into one segment, so its statistics (and every score) equal those of an
index built from scratch: the related questions of a build never depend on its history.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from digest.errors import DigestError
from digest.search import analysis, glossary
from digest.search.documents import QA, SearchDoc, keys
from digest.search.query import Filters, ParsedQuery
from digest.search.snippets import Snippet, snippet

SCHEMA_VERSION = 1
TEXT_FIELDS = {"title": 3.0, "question": 2.0, "answer": 1.5, "tagtext": 1.5, "body": 1.0}
ASK_FIELDS = {"title": 2.0, "question": 2.0, "answer": 1.0, "tagtext": 0.5}
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
        import hashlib

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
            words = _expand(searcher, parsed.text)
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
            return _ask(searcher, question, limit, exclude, _answered(searcher), _Stats(searcher))


def _answered(searcher: Searcher) -> set[int]:
    """The answered Q&A, as the set of document numbers a search may return."""
    return set(searcher.docs_for_query(wq.And([wq.Term("kind", QA), wq.Term("answered", True)])))


def _ask(
    searcher: Searcher, question: str, limit: int, exclude: str, allowed: set[int], stats: _Stats
) -> list[Suggestion]:
    """:meth:`SearchIndex.ask` with an open searcher, the answered Q&A and idf weights at hand
    (for many questions in a row: related questions at build time)."""
    words = _expand(searcher, question)
    clause = _terms_query(words, ASK_FIELDS)
    if clause is None:
        return []
    results = searcher.search(clause, limit=30, filter=allowed)
    query_bag = analysis.bag(question)
    found: list[Suggestion] = []
    for hit in results:
        stored = hit.fields()
        if stored["id"] == exclude:
            continue
        confidence = _confidence(stats, words, query_bag, stored)
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


def _expand(searcher: Searcher, text: str) -> list[Word]:
    """The query's words with their parts (long words), close spellings and glossary synonyms."""
    words = []
    for term, extras in analysis.query_words(text):
        alternatives: dict[str, float] = {}
        for extra in extras:
            alternatives.setdefault(extra, 0.5)
        for close in _close_words(searcher, term):
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
    return wq.Or(per_word, scale=0.9) if len(per_word) > 1 else per_word[0]


def _phrase_query(text: str) -> wq.Query | None:
    words = analysis.terms(text)
    if not words:
        return None
    if len(words) == 1:
        return wq.Or([wq.Term(f, words[0], boost=b) for f, b in TEXT_FIELDS.items() if f != "tagtext"])
    return wq.Or([wq.Phrase(f, words, boost=b) for f, b in TEXT_FIELDS.items() if f != "tagtext"])


def _known(searcher: Searcher, word: str) -> bool:
    reader = searcher.reader()
    return any((f, word) in reader for f in TEXT_FIELDS)


def _close_words(searcher: Searcher, word: str) -> list[str]:
    """Indexed words one edit away (two for long words) from an unknown Latin word: typos.

    An edit is an insertion, deletion, substitution or swap of two neighbours; the first
    letter must match, as it does in most typos. Indexed words are stems, so a stem that is
    one edit from the start of the word counts too.
    """
    if not word.isascii() or not word.isalpha() or len(word) < 4 or _known(searcher, word):
        return []
    maxdist = 1 if len(word) < 7 else 2
    reader = searcher.reader()
    found: set[str] = set()
    for field in ("title", "question", "answer", "body"):
        for raw in reader.expand_prefix(field, word[0]):
            other = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
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


class _Stats:
    """Document frequencies over every text field, for idf weights."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.n_docs = searcher.doc_count() or 1
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        if term not in self._idf:
            df = max(self.searcher.doc_frequency(f, term) for f in ("title", "question", "answer", "body"))
            self._idf[term] = math.log(1.0 + self.n_docs / (1.0 + df))
        return self._idf[term]

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        return {t: (1.0 + math.log(tf)) * self.idf(t) for t, tf in Counter(terms).items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _confidence(stats: _Stats, words: Sequence[Word], query_bag: list[str], stored: dict[str, Any]) -> float:
    question_side = analysis.bag(stored.get("title", "")) + analysis.bag(stored.get("question", ""))
    whole = question_side + analysis.bag(stored.get("answer", ""))
    present = set(whole)
    total = covered = 0.0
    bag = list(query_bag)
    for word in words:
        idf = stats.idf(word.term)
        total += idf
        credit = max((weight for term, weight in word.terms() if term in present), default=0.0)
        covered += credit * idf
        # A synonym or corrected spelling the candidate uses stands in for the query's word.
        bag.extend(term for term, _weight in word.alternatives if term in present and term not in bag)
    if not total:
        return 0.0
    query = stats.vector(bag)
    similarity = max(_cosine(query, stats.vector(question_side)), _cosine(query, stats.vector(whole)))
    return math.sqrt((covered / total) * similarity)


def related(
    index: SearchIndex, docs: Sequence[SearchDoc], count: int = 5, minimum: float = 0.1
) -> dict[str, list[str]]:
    """More like this: for each Q&A, the other Q&A most similar to its title and question.

    Deterministic (ties broken by id) and cached by the index's fingerprint, so an unchanged
    site costs one file read.
    """
    cache = index.folder / "related.json"
    state = index.state() + f":{count}:{minimum}"
    if cache.is_file():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("state") == state:
                return {k: list(v) for k, v in stored["related"].items()}
        except (ValueError, KeyError, AttributeError):
            pass
    found: dict[str, list[str]] = {}
    with index.searcher() as searcher:  # one searcher and one filter for every Q&A, not one each
        allowed = _answered(searcher)
        stats = _Stats(searcher)
        for doc in sorted(docs, key=lambda d: d.id):
            if doc.kind != QA:
                continue
            qa_id = doc.id.partition(":")[2]
            similar = _ask(searcher, f"{doc.title}\n{doc.question}", count, doc.id, allowed, stats)
            found[qa_id] = [s.id for s in similar if s.confidence >= minimum]
    cache.write_text(json.dumps({"state": state, "related": found}, ensure_ascii=False), encoding="utf-8")
    return found
