"""How a dossier stood at the end of a day, and the counter's tallies for a
period as DOMAIN.md defines them — the pure rule that the read model's SQL
is tested against.

Each tally counts a dossier as it stood at the end of the period in business
time: open at the end, overdue at the end against the due date in force
then, resolved within it. What happens after the period never changes its
figures; corrections do, by design."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from events.dossiers import lifecycle, timeliness
from events.dossiers.values import CHANNELS, ONLINE, ONLINE_MODES, PAID_ONLINE


class Facts(NamedTuple):
    """What the tallies need of one dossier, as days in the business zone.
    A named tuple rather than a frozen dataclass: the dossier read model
    builds one for every row a page of events changes, twice, and this one
    is built eight times faster."""

    received_on: date
    channel: str
    online_mode: str
    due_date: date                      # in force after the supplement, if any
    due_before_supplement: date         # in force until the supplement arrived
    supplement_requested_on: date | None = None
    supplement_received_on: date | None = None
    refused_on: date | None = None
    withdrawn_on: date | None = None
    stopped_on: date | None = None
    resolved_on: date | None = None
    returned_on: date | None = None
    digitised: bool = False
    e_certified: bool = False
    first_apology_on: date | None = None
    paid_on: date | None = None         # the day its fee was paid (once, FeePaid)
    paid_online: bool = False           # paid online (the method, as corrected)

    @classmethod
    def of(cls, dossier: Any, events: Iterable[Any], zone: ZoneInfo) -> Facts:
        """A dossier aggregate's facts; ``events`` are its stream, for the
        days of the exits and the first apology."""
        def day(moment: Any) -> date | None:
            return moment.astimezone(zone).date() if moment else None
        exits: dict[str, date | None] = {}
        for e in events:
            kind = type(e).__name__
            if kind in ("Refused", "Withdrawn", "Stopped", "Apologised", "FeePaid"):
                exits.setdefault(kind, day(e.occurred_at))
        return cls(day(dossier.received_at), dossier.channel, dossier.online_mode,  # type: ignore[arg-type]
                   dossier.due_date, dossier.due_before_supplement,
                   day(dossier.supplement_requested_at), day(dossier.supplement_received_at),
                   exits.get("Refused"), exits.get("Withdrawn"), exits.get("Stopped"),
                   day(dossier.resolved_at), day(dossier.returned_at),
                   dossier.digitised if dossier.resolved_at else False,
                   dossier.e_certified if dossier.resolved_at else False,
                   exits.get("Apologised"), exits.get("FeePaid"),
                   bool(dossier.paid) and dossier.payment_method == PAID_ONLINE)


def is_open(f: Facts, day: date) -> bool:
    """Received by ``day`` (not refused) and neither resolved nor ended by it."""
    ends = (f.resolved_on, f.withdrawn_on, f.stopped_on)
    return (f.received_on <= day and f.refused_on is None
            and all(end is None or end > day for end in ends))


def due_in_force(f: Facts, day: date) -> date | None:
    """The due date in force at the end of ``day``; None while the clock is
    paused for a supplement."""
    if f.supplement_received_on is not None and f.supplement_received_on <= day:
        return f.due_date
    if f.supplement_requested_on is not None and f.supplement_requested_on <= day:
        return None
    return f.due_before_supplement


def status_on(f: Facts, day: date) -> str:
    """Where the dossier stood at the end of ``day`` (``lifecycle`` statuses)."""
    for status, on in ((lifecycle.REFUSED, f.refused_on), (lifecycle.WITHDRAWN, f.withdrawn_on),
                       (lifecycle.STOPPED, f.stopped_on), (lifecycle.RETURNED, f.returned_on),
                       (lifecycle.RESOLVED, f.resolved_on)):
        if on is not None and on <= day:
            return status
    if due_in_force(f, day) is None:
        return lifecycle.AWAITING_SUPPLEMENT
    return lifecycle.IN_PROGRESS


def is_overdue(f: Facts, day: date) -> bool:
    return is_open(f, day) and timeliness.is_overdue(due_in_force(f, day), day)


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def counts(dossiers: Iterable[Facts], start: date, end: date, today: date) -> dict[str, Any]:
    """The ``dossiers`` section of the report for the period ``start..end``;
    open dossiers are judged at its end, or today if it has not ended."""
    judged_on = min(end, today)
    out: dict[str, Any] = dict.fromkeys(
        ("carried_over", "received", "resolved", "early", "on_time", "late", "digitised",
         "e_certified", "returned", "in_progress", "in_progress_overdue", "refused",
         "withdrawn", "stopped", "apologies", "fees_paid", "paid_online"), 0)
    out["by_channel"] = dict.fromkeys(CHANNELS, 0)
    out["online_modes"] = {}
    for f in dossiers:
        _count(out, f, start, end, judged_on)
    found = out["online_modes"]
    out["online_modes"] = {mode: found[mode] for mode in ONLINE_MODES if mode in found}
    return out


def _count(out: dict[str, Any], f: Facts, start: date, end: date, judged_on: date) -> None:
    if f.received_on < start and is_open(f, start - timedelta(days=1)):
        out["carried_over"] += 1
    if _within(f.received_on, start, end) and f.refused_on is None:
        out["received"] += 1
        out["by_channel"][f.channel] += 1
        if f.channel == ONLINE:
            out["online_modes"][f.online_mode] = out["online_modes"].get(f.online_mode, 0) + 1
    if _within(f.resolved_on, start, end):
        out["resolved"] += 1
        out[{timeliness.EARLY: "early", timeliness.ON_TIME: "on_time",
             timeliness.LATE: "late"}[timeliness.judge(f.resolved_on, f.due_date)]] += 1  # type: ignore[arg-type]
        out["digitised"] += f.digitised
        out["e_certified"] += f.e_certified
    if is_open(f, end):
        out["in_progress"] += 1
        out["in_progress_overdue"] += timeliness.is_overdue(due_in_force(f, judged_on), judged_on)
    for key, day in (("returned", f.returned_on), ("refused", f.refused_on),
                     ("withdrawn", f.withdrawn_on), ("stopped", f.stopped_on),
                     ("apologies", f.first_apology_on)):
        out[key] += _within(day, start, end)
    if _within(f.paid_on, start, end):
        out["fees_paid"] += 1
        out["paid_online"] += f.paid_online
