"""Working with millions of small records: pausing the cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Importing and distilling allocate millions of records and free none in cycles: the
    cyclic garbage collector would only walk them again and again (reference counting still
    frees everything as usual)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            # What the pause allocated is all in the youngest generation: the first collections
            # after it would walk those millions of records twice over. They go straight to the
            # oldest generation instead, walked only once it has grown by a quarter (any garbage
            # among them is collected then).
            gc.freeze()
            gc.unfreeze()
            gc.enable()
