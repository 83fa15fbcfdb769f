"""Work shared out to forked worker processes that inherit the data instead of receiving it."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: list[Callable[[Any], Any]] = []  # the work of the current run, inherited by forked workers


def can_fork() -> bool:
    """Worker processes can be forked here (not on Windows, nor where fork is unavailable)."""
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(
    work: Callable[[T], R], items: Iterable[T], jobs: int, minimum: int, chunk: int = 1
) -> Iterator[R]:
    """``work(item)`` for each item, in order: from ``minimum`` of ``jobs`` (the number of
    items, or of the pieces of work they stand for) in one forked worker per core, else here.

    ``work`` and everything it reads reach the workers by the fork, in memory: only the items
    and the results are pickled, so items should be small (numbers, ranges).
    """
    workers = os.cpu_count() or 1
    if jobs < minimum or workers < 2 or not can_fork():
        yield from map(work, items)
        return
    _WORK[:] = [work]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_call, items, chunksize=chunk)
    finally:
        _WORK.clear()


def _call(item: Any) -> Any:
    return _WORK[0](item)
