"""How a document stood at the end of a day, and the register's tallies for a
period as DOMAIN.md defines them — the pure rule that the read model's SQL is
tested against.

- issued: documents issued in the period (by type, by task; confidential
  ones counted apart too).
- signed: issued in the period and signed digitally by its end; published
  likewise, published on the commune's page by its end. What happens after
  the period never changes its figures.
- signed rate = signed / issued documents that are not confidential (a
  confidential one is never signed online), None when there are none.
- unsigned and late: in force, not confidential, not signed by a day, and
  issued more than ``SIGNING_DAYS`` working days before it (the dashboard's
  warning)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from events.documents.values import TASKS, TYPES

SIGNING_DAYS = 2


class Facts(NamedTuple):
    """What the tallies need of one document, as days in the business zone."""

    issued_on: date
    doc_type: str
    task: str
    confidential: bool
    signed_on: date | None = None
    published_on: date | None = None
    ended_on: date | None = None  # revoked or replaced

    @classmethod
    def of(cls, document: Any, zone: ZoneInfo) -> Facts:
        """A document aggregate's facts; signed on the day it was signed in
        the business zone."""
        d = document
        return cls(d.issued_on, d.doc_type, d.task, d.confidential,
                   d.signed_at.astimezone(zone).date() if d.signed_at else None,
                   d.published_on, d.ended_on)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _by(day: date | None, end: date) -> bool:
    return day is not None and day <= end


def counts(documents: Iterable[Facts], start: date, end: date) -> dict[str, Any]:
    """The ``documents`` section of the report for the period ``start..end``."""
    out: dict[str, Any] = {"issued": 0, "confidential": 0, "signed": 0, "published": 0,
                           "by_type": dict.fromkeys(TYPES, 0), "by_task": dict.fromkeys(TASKS, 0)}
    for f in documents:
        if not start <= f.issued_on <= end:
            continue
        out["issued"] += 1
        out["confidential"] += f.confidential
        out["by_type"][f.doc_type] += 1
        out["by_task"][f.task] += 1
        out["signed"] += _by(f.signed_on, end)
        out["published"] += _by(f.published_on, end)
    out["signed_rate"] = rate(out["signed"], out["issued"] - out["confidential"])
    return out


def awaiting_signature(f: Facts, day: date, calendar: Any) -> bool:
    """In force, not confidential, unsigned at the end of ``day``, and issued
    more than ``SIGNING_DAYS`` working days before it."""
    return (not f.confidential and f.issued_on <= day and not _by(f.signed_on, day)
            and not _by(f.ended_on, day)
            and calendar.between(f.issued_on, day) > SIGNING_DAYS)


def signing_deadline(issued_on: date, calendar: Any) -> date:
    """The last day a document issued on ``issued_on`` may wait for its
    signature: a day later, ``awaiting_signature`` holds."""
    return calendar.after(issued_on, SIGNING_DAYS)
