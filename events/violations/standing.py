"""How a violation stands at the end of a day, and the register's tallies for
a period as DOMAIN.md defines them — the pure rule the read model's SQL is
tested against.

- new: detected in the period, having begun in the year it was detected;
- legacy (tồn đọng): begun in a year before the period's first year;
- legacy open: legacy, detected by the period's end and not closed by then;
- resolved: closed in the period;
each by kind and village. What happens after the period never changes its
figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from events.violations.values import KINDS


class Facts(NamedTuple):
    kind: str
    village: str
    began: int
    detected_on: date
    closed_on: date | None = None

    @classmethod
    def of(cls, violation: Any) -> Facts:
        v = violation
        return cls(v.kind, v.village, v.began, v.detected_on, v.closed_on)


def is_new(f: Facts) -> bool:
    """New in the year it was detected: it began that year."""
    return f.began == f.detected_on.year


def is_open(f: Facts, day: date) -> bool:
    return f.detected_on <= day and (f.closed_on is None or f.closed_on > day)


def counts(violations: Iterable[Facts], start: date, end: date) -> dict[str, Any]:
    """The ``violations`` section of the report for ``start..end``, with the
    same three figures by kind and by village."""
    out: dict[str, Any] = {"new": 0, "legacy_open": 0, "resolved": 0,
                           "by_kind": {k: Counter() for k in KINDS}, "by_village": {}}
    for f in violations:
        figures = []
        if start <= f.detected_on <= end and is_new(f):
            figures.append("new")
        if f.began < start.year and is_open(f, end):
            figures.append("legacy_open")
        if f.closed_on is not None and start <= f.closed_on <= end:
            figures.append("resolved")
        for figure in figures:
            out[figure] += 1
            out["by_kind"][f.kind][figure] += 1
            out["by_village"].setdefault(f.village, Counter())[figure] += 1
    return out
