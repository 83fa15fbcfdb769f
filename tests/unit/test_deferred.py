"""Deferred sequences: made on first read, equal to their tuple, pickled as it; and what
`digest distill` never reads (points, resources) is never made."""

from __future__ import annotations

import operator
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from digest import commands
from digest.distill.deferred import Deferred


def made(items: Sequence[Any]) -> bool:
    """Whether ``items`` exist already (anything but a Deferred not read yet)."""
    return not isinstance(items, Deferred) or items.made


def test_made_once_on_first_read_and_equal_to_its_tuple() -> None:
    calls: list[int] = []

    def make() -> list[int]:
        calls.append(1)
        return [3, 1, 2]

    items = Deferred(make)
    assert not made(items) and calls == []
    assert items == (3, 1, 2) and operator.eq((3, 1, 2), items) and items != (1, 2, 3)  # both ways
    assert made(items) and calls == [1]
    assert (len(items), items[0], items[1:], list(items), 2 in items) == (3, 3, (1, 2), [3, 1, 2], True)
    assert items == Deferred(lambda: (3, 1, 2)) and hash(items) == hash((3, 1, 2))
    assert calls == [1]  # made once
    assert pickle.loads(pickle.dumps(items)) == (3, 1, 2)
    assert type(pickle.loads(pickle.dumps(items))) is tuple
    assert made((1, 2)) and made([])


def test_distill_leaves_points_and_resources_to_the_site_build(community: Callable[..., Path]) -> None:
    root = community()
    knowledge, report = commands.run_distill(root / "mkdocs.yml", lambda *a, **k: None)
    assert report.created  # drafts were written without them
    assert not made(knowledge.contributions) and not made(knowledge.resources)
    assert knowledge.contributions  # and they are there when the site reads them
    assert all(isinstance(c.points, float) for c in knowledge.contributions)
