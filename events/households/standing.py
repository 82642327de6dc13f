"""Where a household stands on a day, the one rule every count of households
follows (the tallies kept by day, the pages, the report):

- it is *registered* on a day from its registration day on;
- it is counted in the village it lived in that day: its registration's
  village until a move, the new one from the move's day on (a move counts
  the household once, in its new village from the move date);
- it is *sorting* on a day when it was enrolled by then and not stopped by
  then (a stop on a day ends sorting that day; an enrolment after a stop
  starts a new spell).

``Facts`` is what a household's events say of these; ``spans`` cuts them
into runs of days (begin, end exclusive) by figure and village, which the
tallies keep as +1 / -1 changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

REGISTERED, SORTING = "registered", "sorting"


@dataclass(frozen=True)
class Facts:
    registered_on: date
    villages: tuple[tuple[str, date], ...]  # (village, from): the first from registration
    spells: tuple[tuple[date, date | None], ...]  # (enrolled, stopped or None)


def village_on(f: Facts, day: date) -> str | None:
    """The household's village on ``day``; None before it was registered."""
    if day < f.registered_on:
        return None
    found = f.villages[0][0]
    for village, since in f.villages[1:]:
        if since <= day:
            found = village
    return found


def is_sorting(f: Facts, day: date) -> bool:
    if day < f.registered_on:
        return False
    return any(start <= day and (stop is None or day < stop) for start, stop in f.spells)


def counts(households: Iterable[Facts], day: date) -> dict[str, Counter[str]]:
    """Registered and sorting by village at the end of ``day``."""
    out: dict[str, Counter[str]] = {REGISTERED: Counter(), SORTING: Counter()}
    for f in households:
        village = village_on(f, day)
        if village is None:
            continue
        out[REGISTERED][village] += 1
        if is_sorting(f, day):
            out[SORTING][village] += 1
    return out


Span = tuple[str, str, date, date | None]  # figure, village, first day, day after the last


def spans(f: Facts) -> list[Span]:
    """The runs of days on which the household counts, by figure and village:
    what ``village_on`` and ``is_sorting`` say, cut where either changes."""
    stays: list[tuple[str, date, date | None]] = []
    for n, (village, since) in enumerate(f.villages):
        until = f.villages[n + 1][1] if n + 1 < len(f.villages) else None
        if until is None or since < until:
            stays.append((village, since, until))
    out: list[Span] = [(REGISTERED, v, s, u) for v, s, u in stays]
    for start, stop in f.spells:
        if stop is not None and stop <= start:
            continue
        for village, since, until in stays:
            first = max(start, since)
            last = stop if until is None else until if stop is None else min(stop, until)
            if last is None or first < last:
                out.append((SORTING, village, first, last))
    return out
