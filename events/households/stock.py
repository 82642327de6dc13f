"""Stock of a supply item never goes below zero, on any day: an issue dated
on a day takes units held that day and on every later day, so it must fit
under the least stock from its day on (a receipt recorded later but dated
earlier only adds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

Movement = tuple[date, int]  # day, +received / -issued


def on(movements: Iterable[Movement], day: date) -> int:
    """Units in stock at the end of ``day``."""
    return sum(n for d, n in movements if d <= day)


def available(movements: Iterable[Movement], day: date) -> int:
    """How many units an issue dated ``day`` may take: the least stock at the
    end of that day and of every later day on which stock moves."""
    moves = sorted(movements)
    held = sum(n for d, n in moves if d <= day)
    least = held
    for d, n in moves:
        if d > day:
            held += n
            least = min(least, held)
    return max(least, 0)
