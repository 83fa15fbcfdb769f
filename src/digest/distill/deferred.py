"""A tuple worked out when it is first read: what only the site build needs (points, shared
resources) costs ``digest distill`` nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar, overload

from digest.memory import collector_paused

_T = TypeVar("_T")


class Deferred(Sequence[_T]):
    """The items ``make()`` returns, made on first use and then kept. It equals the tuple of
    its items (and any sequence equal to that tuple), and pickles as that tuple."""

    __slots__ = ("_items", "_make")

    def __init__(self, make: Callable[[], Iterable[_T]]) -> None:
        self._make: Callable[[], Iterable[_T]] | None = make
        self._items: tuple[_T, ...] | None = None

    @property
    def made(self) -> bool:
        """Whether the items were worked out already."""
        return self._items is not None

    @property
    def items(self) -> tuple[_T, ...]:
        if self._items is None:
            assert self._make is not None
            with collector_paused():  # hundreds of thousands of records, none in cycles
                self._items = tuple(self._make())
            self._make = None  # what it read may go
        return self._items

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[_T]:
        return iter(self.items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self.items == other.items
        if isinstance(other, tuple):
            return self.items == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items)

    def __repr__(self) -> str:
        return repr(self.items)

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (self.items,)
