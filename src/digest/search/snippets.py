"""Result snippets: the stretch of text with the most query words, each match marked."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from digest.search import analysis

WIDTH = 160
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Snippet:
    """Plain text and the ``(start, end)`` character spans of the matches inside it."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def render(self, mark: Callable[[str], str]) -> str:
        """The text with every match passed through ``mark`` (e.g. to make it bold)."""
        out: list[str] = []
        pos = 0
        for start, end in self.marks:
            out.append(self.text[pos:start])
            out.append(mark(self.text[start:end]))
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _best(text: str, terms: Collection[str], width: int) -> tuple[int, list[tuple[int, int]], int]:
    """Start of the window with the most distinct matched terms, its matches, and that count."""
    matches: list[tuple[int, int, frozenset[str]]] = []
    for word, extras in analysis.analyze(text, index=True):
        hit = frozenset(t for t in (word.text, *extras) if t in terms)
        if hit:
            matches.append((word.start, word.end, hit))
    best_start, best_count = 0, 0
    for i, (start, _end, _hit) in enumerate(matches):
        seen: set[str] = set()
        for _s, e, hit in matches[i:]:
            if e - start > width:
                break
            seen |= hit
        if len(seen) > best_count:
            best_start, best_count = start, len(seen)
    spans = [(s, e) for s, e, _hit in matches]
    return best_start, spans, best_count


def snippet(texts: Sequence[str], terms: Collection[str], width: int = WIDTH) -> Snippet:
    """The best window among ``texts`` (earlier texts win ties), or the start of the first."""
    flat = [_flat(t) for t in texts if t.strip()]
    if not flat:
        return Snippet("")
    choice: tuple[int, int, list[tuple[int, int]], int] = (0, 0, [], 0)
    for index, text in enumerate(flat):
        start, spans, count = _best(text, terms, width)
        if count > choice[3]:
            choice = (index, start, spans, count)
    index, start, spans, _count = choice
    text = flat[index]
    if len(text) <= width:
        start = 0
    else:
        # Show a little context before the first match, ending on a space where there is one.
        start = max(0, start - width // 5)
        if start:
            space = text.rfind(" ", 0, start + 1)
            start = space + 1 if space >= start - 12 and space >= 0 else start
        start = min(start, max(0, len(text) - width))
    end = min(len(text), start + width)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix) - start
    marks = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + text[start:end] + suffix, marks)
