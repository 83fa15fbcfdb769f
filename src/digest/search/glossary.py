"""A small bilingual glossary: query words also find their translations and close synonyms."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from digest.search import analysis


def _groups() -> list[list[str]]:
    text = resources.files("digest.search").joinpath("glossary.txt").read_text(encoding="utf-8")
    groups = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            groups.append([w.strip() for w in line.split("|") if w.strip()])
    return groups


@lru_cache(maxsize=1)
def table() -> dict[str, frozenset[str]]:
    """Term -> the other terms of its groups (terms as the index stores them: stemmed, segmented)."""
    found: dict[str, set[str]] = {}
    for group in _groups():
        terms = set()
        for word in group:
            analysed = [w.text for w, _extras in analysis.analyze(word, stops=False)]
            if len(analysed) == 1:
                terms.add(analysed[0])
        for term in terms:
            found.setdefault(term, set()).update(terms - {term})
    return {term: frozenset(others) for term, others in found.items() if others}


def synonyms(term: str) -> frozenset[str]:
    return table().get(term, frozenset())
