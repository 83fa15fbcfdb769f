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
            gc.enable()
