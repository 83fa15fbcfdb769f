"""Reply links as lines ``A B -`` (A replies to B; A == B starts a conversation), and their score.

This is the format of the IRC disentanglement annotations (Kummerfeld et al., ACL 2019):
``digest links`` writes it, ``bench/disentangle.py`` scores it against the annotations.
A link is the unordered pair of its two line numbers, as the dataset's evaluation reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from digest.distill.threads import reconstruct
from digest.errors import InputError
from digest.model import Message
from digest.sources import REGISTRY, Registry, Warn

Link = tuple[int, int]
"""(later line, earlier line); equal for a message that starts a conversation."""
FIRST_ANNOTATED = 1000
"""In the disentanglement data only lines from 1000 on are annotated; earlier lines are context."""


def link_lines(messages: Sequence[Message], parents: Mapping[str, str]) -> Iterator[str]:
    """``A B -`` for each message in order (ids as they are: line numbers for IRC logs)."""
    for message in messages:
        yield f"{message.id} {parents.get(message.id, message.id)} -"


def file_messages(
    path: Path, warn: Warn, fmt: str | None = None, registry: Registry = REGISTRY
) -> list[Message]:
    """Every message of the first chat in an export, in file order."""
    source = registry.get(fmt) if fmt else registry.detect(path)
    for chat in source.read(path, warn):
        return list(chat.messages)
    return []


def file_links(path: Path, warn: Warn, fmt: str | None = None, registry: Registry = REGISTRY) -> list[str]:
    """Reconstruct the replies of one export and return its ``A B -`` lines."""
    messages = file_messages(path, warn, fmt, registry)
    return list(link_lines(messages, reconstruct(messages)))


def parse_links(lines: Iterable[str], where: str = "links") -> set[Link]:
    """Read ``A B -`` lines (either order of A and B; more numbers mean several links)."""
    out: set[Link] = set()
    for number, line in enumerate(lines):
        numbers = [part for part in line.split() if part != "-"]
        if not numbers:
            continue
        try:
            values = [int(part) for part in numbers]
        except ValueError:
            raise InputError(
                where, f"expected line numbers, found {line.strip()!r}", f"line {number}"
            ) from None
        later = max(values)
        values.remove(later)
        if not values:
            out.add((later, later))
        out.update((later, other) for other in values)
    return out


def read_links(path: Path) -> set[Link]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_links(text.splitlines(), str(path))


@dataclass(frozen=True, slots=True)
class LinkScore:
    """Link counts: gold links, predicted links, and predicted links that are gold."""

    gold: int
    predicted: int
    correct: int

    def __add__(self, other: LinkScore) -> LinkScore:
        return LinkScore(
            self.gold + other.gold, self.predicted + other.predicted, self.correct + other.correct
        )

    @property
    def precision(self) -> float:
        return 100.0 * self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return 100.0 * self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_links(gold: set[Link], predicted: set[Link], first: int = FIRST_ANNOTATED) -> LinkScore:
    """Precision/recall counts over the links of annotated lines (``later >= first``)."""
    gold = {link for link in gold if link[0] >= first}
    predicted = {link for link in predicted if link[0] >= first}
    return LinkScore(gold=len(gold), predicted=len(predicted), correct=len(gold & predicted))
