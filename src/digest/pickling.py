"""Pickles of digest's own records (the caches under ``.digest/``), each record rebuilt by a
call of its constructor: far faster to load than the generic state of frozen, slotted
dataclasses."""

from __future__ import annotations

import copyreg
import io
import operator
import pickle
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import PosixPath, PurePath, PurePosixPath, PureWindowsPath, WindowsPath
from typing import IO, Any

Reducer = Callable[[Any], tuple[type, tuple[Any, ...]]]
_REDUCERS: dict[type, Reducer] = {}


def _by_constructor(record_type: type) -> Reducer:
    """Pickles a record of ``record_type`` as a call of its constructor with its fields."""
    values = operator.attrgetter(*(f.name for f in fields(record_type)))

    def reduce(record: Any) -> tuple[type, tuple[Any, ...]]:
        return record_type, values(record)

    return reduce


def _by_text(path: PurePath) -> tuple[type, tuple[str]]:
    """Pickles a path as its text: one string to read back, not each of its parts (the parse
    cache holds a path for every page, tens of thousands of them)."""
    return type(path), (str(path),)


def pickler(fh: IO[bytes], records: Iterable[type]) -> pickle.Pickler:
    """A pickler writing to ``fh`` that rebuilds each of the dataclasses ``records`` by its
    constructor, and paths from their text."""
    table: dict[type, Any] = dict(copyreg.dispatch_table)
    for path_type in (PosixPath, WindowsPath, PurePosixPath, PureWindowsPath):
        table[path_type] = _by_text
    for record_type in records:
        if record_type not in _REDUCERS:
            _REDUCERS[record_type] = _by_constructor(record_type)
        table[record_type] = _REDUCERS[record_type]
    out = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
    out.dispatch_table = table
    return out


def dumps(value: object, records: Iterable[type]) -> bytes:
    """``value`` pickled by :func:`pickler`."""
    buffer = io.BytesIO()
    pickler(buffer, records).dump(value)
    return buffer.getvalue()
