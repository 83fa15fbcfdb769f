"""The collector pause: on, off and on again, without the records of the pause left young."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from digest.memory import collector_paused


@pytest.fixture
def collecting() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


@pytest.mark.usefixtures("collecting")
def test_the_pause_ends_with_the_collector_on_and_the_youngest_generation_empty() -> None:
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(200_000)]  # tracked containers, all in the youngest generation
        assert gc.get_count()[0] >= 200_000
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # moved on unwalked, not left for the next collection
    assert all(gc.is_tracked(item) for item in kept[:10])
    assert sum(len(gen) for gen in (gc.get_objects(0), gc.get_objects(1))) < 10_000
    del kept


@pytest.mark.usefixtures("collecting")
def test_garbage_made_during_the_pause_is_still_collected() -> None:
    gc.collect()
    with collector_paused():
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
    assert gc.collect() >= 1  # the cycle is found by a full collection


def test_a_pause_inside_a_pause_leaves_the_collector_off() -> None:
    was_on = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was_on:
            gc.enable()
