"""A short list a page at a time, by number: the procedures and the users
number in the hundreds at most, read whole and cut here. (The dossiers,
by the million, page by key instead: ``projections.queries.dossier_page``.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass(frozen=True)
class NumberedPage(Generic[T]):
    items: list[T]
    number: int  # from 1
    pages: int  # at least 1, even for an empty list
    total: int
    first: int  # the first item's place from 1 (0 for an empty list)

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def page_number(text: str | None) -> int:
    """The page asked for; anything but a positive number is the first."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 10**6 else 1


def numbered_page(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> NumberedPage[T]:
    """Page ``number`` of ``items``; past the last page, the last page."""
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    shown = list(items[start:start + size])
    return NumberedPage(shown, number, pages, len(items), start + 1 if shown else 0)
