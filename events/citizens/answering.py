"""When citizen feedback must be answered, and how it stood at the end of a
day: the pure rule the read model's tallies and SQL are tested against.

Deadline. An answer is due ``working_days`` working days (10 unless the
receipt says otherwise) after the feedback is received, counted as a
dossier's processing time is (DOMAIN.md's "Deadlines", ``events.workdays``
with the commune's calendar): feedback received on a day that is not a
working day counts as received on the next one, and counting starts on the
working day after. The deadline is set at receipt (and by a correction of
the receipt's day); a calendar declared later does not move it.

Counts for a period FROM..TO, as of its end:

- received: received on a day of the period;
- answered: answered on a day of the period;
- overdue: feedback still open past its deadline at the end of the period,
  plus feedback answered in the period after its deadline.

Both halves, after DOMAIN.md's dossier rule (a dossier open past its due
date at the end of the period is "in progress, overdue"; one resolved late
counts as late in the period it is resolved in). Open feedback alone would
lose a late answer given inside the period, which a period's report must
still show; answered-late alone would say nothing of feedback left waiting.
A feedback open and late at the end of one period and answered in the next
counts as overdue in both, as a late dossier does. A period not yet ended
is judged today: nothing is recorded ahead of today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from events.workdays import WorkCalendar


def due_date(received_on: date, working_days: int, calendar: WorkCalendar) -> date:
    """The day an answer is due for feedback received on ``received_on``."""
    return calendar.after(calendar.on_or_after(received_on), working_days)


class Facts(NamedTuple):
    """What the counts need of one feedback."""

    received_on: date
    due_date: date
    answered_on: date | None = None


def is_open(f: Facts, day: date) -> bool:
    """Received by ``day`` and not answered by it."""
    return f.received_on <= day and (f.answered_on is None or f.answered_on > day)


def is_overdue(f: Facts, day: date) -> bool:
    """Open at the end of ``day``, its deadline passed."""
    return is_open(f, day) and f.due_date < day


def answered_late(f: Facts) -> bool:
    return f.answered_on is not None and f.answered_on > f.due_date


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def counts(feedback: Iterable[Facts], start: date, end: date, today: date) -> dict[str, Any]:
    """The ``feedback`` section of the report for ``start..end``."""
    judged_on = min(end, today)
    out = {"received": 0, "answered": 0, "overdue": 0}
    for f in feedback:
        out["received"] += _within(f.received_on, start, end)
        answered = _within(f.answered_on, start, end)
        out["answered"] += answered
        out["overdue"] += is_overdue(f, judged_on) + (answered and answered_late(f))
    return out
