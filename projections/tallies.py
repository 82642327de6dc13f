"""The counter's tallies, kept by day: what ``standing.counts`` counts of a
dossier, cut into the days on which each figure changes, so that a period's
figures are sums over rows of days, never a scan of the dossiers.

Two kinds of figure:

- counted on a day: received (by channel, and by online mode), resolved (by
  timeliness against the due date), digitised, e-certified, returned,
  refused, withdrawn, stopped, first apologies, fees paid (and of them paid
  online, on the day of payment). A period's figure is the sum over its days.
- held over days: open (``standing.is_open``) and overdue
  (``standing.is_overdue``). A dossier adds +1 on the day a run of such days
  begins and -1 on the day after it ends, so that the figure at the end of
  a day is the sum of every change up to it. Open is one run, from receipt
  to the day before the dossier's end; overdue is at most a few runs inside
  it, cut by the supplement's pause and the due date it brings.

Summing every day since the commune's first would grow with its history:
each change to a held figure is also added to a row for its month and one
for its year (``metric:month`` on the month's first day, ``metric:year`` on
1 January), so the figure at the end of a day D sums the year rows before
D's year, the month rows of D's year before D's month and the day rows of
D's month up to D: at most a row a year of history, plus 11, plus 31.

This module is pure: the projection (``projections.dossiers``) applies
``changes`` to the table, ``queries.dossier_counts`` reads it back through
``figures``, and the tests hold both to ``standing.counts``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from events.dossiers import standing, timeliness
from events.dossiers.values import CHANNELS, ONLINE, ONLINE_MODES

ONE_DAY = timedelta(days=1)

RESOLVED = {timeliness.EARLY: "resolved/early", timeliness.ON_TIME: "resolved/on_time",
            timeliness.LATE: "resolved/late"}
DAILY = {  # the figure of ``standing.counts`` → the metrics it sums over the period
    "received": tuple(f"received/{c}" for c in CHANNELS),
    "resolved": tuple(RESOLVED.values()),
    "early": ("resolved/early",), "on_time": ("resolved/on_time",), "late": ("resolved/late",),
    "digitised": ("digitised",), "e_certified": ("e_certified",), "returned": ("returned",),
    "refused": ("refused",), "withdrawn": ("withdrawn",), "stopped": ("stopped",),
    "apologies": ("apologies",), "fees_paid": ("paid",), "paid_online": ("paid/online",)}
ONLINE_METRICS = {mode: f"online/{mode}" for mode in ONLINE_MODES}
OPEN, OVERDUE = "open", "overdue"
HELD = (OPEN, OVERDUE)
MONTH, YEAR = ":month", ":year"
DAILY_METRICS = tuple(sorted({m for ms in DAILY.values() for m in ms}
                             | set(ONLINE_METRICS.values())))


class DossierTallyRow(SQLModel, table=True):
    """A change to one figure of one commune on one day (see the module)."""

    __tablename__ = "dossier_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


Change = tuple[tuple[str, date], int]  # (metric, day), amount


def changes(f: standing.Facts) -> list[Change]:
    """What one dossier adds to the kept tallies, by day (day rows only;
    ``with_levels`` adds the month and year rows). Written out plainly: a
    rebuild calls it once or twice for every dossier."""
    out: list[Change] = []
    refused = f.refused_on
    if refused is None:
        out.append((("received/" + f.channel, f.received_on), 1))
        if f.channel == ONLINE:
            out.append((("online/" + f.online_mode, f.received_on), 1))
    else:
        out.append((("refused", refused), 1))
    resolved = f.resolved_on
    if resolved is not None:
        out.append(((RESOLVED[timeliness.judge(resolved, f.due_date)], resolved), 1))
        if f.digitised:
            out.append((("digitised", resolved), 1))
        if f.e_certified:
            out.append((("e_certified", resolved), 1))
    if f.returned_on is not None:
        out.append((("returned", f.returned_on), 1))
    if f.withdrawn_on is not None:
        out.append((("withdrawn", f.withdrawn_on), 1))
    if f.stopped_on is not None:
        out.append((("stopped", f.stopped_on), 1))
    if f.first_apology_on is not None:
        out.append((("apologies", f.first_apology_on), 1))
    if f.paid_on is not None:
        out.append((("paid", f.paid_on), 1))
        if f.paid_online:
            out.append((("paid/online", f.paid_on), 1))
    if refused is None:
        _held(f, out)
    return out


def _held(f: standing.Facts, out: list[Change]) -> None:
    """Open: from receipt to the day before the first of its ends
    (``standing.is_open``). Overdue: on the open days when the due date in
    force has passed (``standing.is_overdue``); inside the open run that
    can change only on the days the clock pauses and restarts and the days
    after each due date, so the rule is asked on those days alone."""
    start, end = f.received_on, f.resolved_on
    for other in (f.withdrawn_on, f.stopped_on):
        if other is not None and (end is None or other < end):
            end = other
    if end is not None and end <= start:
        return
    out.append(((OPEN, start), 1))
    if end is not None:
        out.append(((OPEN, end), -1))
    due = f.due_before_supplement
    turns = [d for d in (due + ONE_DAY, None if f.due_date == due else f.due_date + ONE_DAY,
                         f.supplement_requested_on, f.supplement_received_on)
             if d is not None and start < d and (end is None or d < end)]
    if len(turns) > 1:
        turns = sorted(set(turns))
    was = False
    for day in (start, *turns):
        now = timeliness.is_overdue(standing.due_in_force(f, day), day)
        if now is not was:
            out.append(((OVERDUE, day), 1 if now else -1))
            was = now
    if was and end is not None:
        out.append(((OVERDUE, end), -1))


def with_levels(deltas: dict[tuple[str, date], int]) -> dict[tuple[str, date], int]:
    """Day rows keyed (metric, day), with the month and year rows of the
    held figures added; amounts that cancel out are left out."""
    out = {key: n for key, n in deltas.items() if n}
    for (metric, day), n in list(out.items()):
        if metric in HELD:
            for key in ((metric + MONTH, day.replace(day=1)),
                        (metric + YEAR, day.replace(month=1, day=1))):
                out[key] = out.get(key, 0) + n
    return {key: n for key, n in out.items() if n}


def held_spans(day: date) -> list[tuple[str, date | None, date]]:
    """The rows whose sum is a held figure at the end of ``day``: for each
    level, the suffix of its metrics and the days its rows span (from None:
    the beginning)."""
    first_of_year, first_of_month = day.replace(month=1, day=1), day.replace(day=1)
    spans: list[tuple[str, date | None, date]] = [("", first_of_month, day)]
    if first_of_month > first_of_year:
        spans.append((MONTH, first_of_year, first_of_month - ONE_DAY))
    if first_of_year > date.min:
        spans.append((YEAR, None, first_of_year - ONE_DAY))
    return spans


def figures(sums: Mapping[str, int], open_before: int, open_at_end: int,
            overdue_judged: int) -> dict[str, Any]:
    """``standing.counts``'s figures from the kept ones: ``sums`` of the day
    metrics over the period, the dossiers open the day before it starts and
    on its last day, and of these the overdue as judged (see
    ``overdue_judged_before_end`` for a period not yet ended)."""
    out: dict[str, Any] = {name: sum(sums.get(m, 0) for m in metrics)
                           for name, metrics in DAILY.items()}
    out |= {"carried_over": open_before, "in_progress": open_at_end,
            "in_progress_overdue": overdue_judged,
            "by_channel": {c: sums.get(f"received/{c}", 0) for c in CHANNELS},
            "online_modes": {mode: n for mode, metric in ONLINE_METRICS.items()
                             if (n := sums.get(metric, 0))}}
    return out


def overdue_judged_before_end(overdue_on_judged: int, moving: Iterable[standing.Facts],
                              judged_on: date, end: date) -> int:
    """``standing.counts``'s in_progress_overdue for a period judged before
    its end (today): open at the end, and past the due date in force when
    judged. The kept tallies give those overdue on the day judged; the rule
    differs for a dossier only if it is open on one of the two days and not
    on the other, that is, received or ended after the day judged and by the
    end. ``moving`` holds those (and may hold others, each once)."""
    found = overdue_on_judged
    for f in moving:
        late = timeliness.is_overdue(standing.due_in_force(f, judged_on), judged_on)
        found += (late and standing.is_open(f, end)) - standing.is_overdue(f, judged_on)
    return found
