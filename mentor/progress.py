"""Progress reporting: the SDK calls a `Progress` callback; the CLI draws it as a bar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Told how far a long operation has got; `total` is in the same unit (bytes, records, rows)."""

    def __call__(self, done: int, total: int) -> None: ...


def tracked(
    items: Iterable[T], total: int, progress: Progress | None, every: int = 2000
) -> Iterator[T]:
    """Yield `items`, telling `progress` every `every` items and once at the end."""
    if progress is None:
        yield from items
        return
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0:
            progress(done, total)
    progress(total, total)
