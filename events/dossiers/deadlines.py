"""A dossier's due date, by the rules of the one-stop mechanism (Nghị định
61/2018/NĐ-CP and 107/2021/NĐ-CP, as DOMAIN.md's "Deadlines" states them).

- A receipt on a day that is not a working day (an online filing on a Sunday
  or during Tết) counts as received on the next working day.
- Counting starts on the working day after the (deemed) receipt day.
- A same-day procedure (processing time 0) is due on the day of receipt, or
  on the next working day when received after 15:00.
- A due date is always a working day: one given from outside (an imported
  ``han_tra``) that falls on a day off moves to the next working day.
- A supplement request pauses the clock; when the complete supplement
  arrives, the working days not yet used continue from the next working day.
- A declared day off or make-up day inside a running dossier's count moves
  its due date by one working day.
"""

from __future__ import annotations

from datetime import date, datetime, time

from events.workdays import ONE_DAY, WorkCalendar

SAME_DAY_CUT_OFF = time(15, 0)


def deemed_received(local: datetime, calendar: WorkCalendar) -> date:
    """The working day a receipt at ``local`` (business time zone) counts on."""
    return calendar.on_or_after(local.date())


def due_date(local: datetime, working_days: int, calendar: WorkCalendar) -> date:
    """The legal due date of a dossier received at ``local``."""
    start = deemed_received(local, calendar)
    if working_days > 0:
        return calendar.after(start, working_days)
    late_in_day = start == local.date() and local.time() >= SAME_DAY_CUT_OFF
    return calendar.after(start, 1) if late_in_day else start


def given_due_date(day: date, calendar: WorkCalendar) -> date:
    """A due date given from outside, moved onto a working day."""
    return calendar.on_or_after(day)


def days_left_when_paused(due: date, requested_on: date, calendar: WorkCalendar) -> int:
    """The working days not yet used when the clock stopped on
    ``requested_on``: those after it up to the due date."""
    return calendar.between(requested_on, due)


def resumed_due_date(due: date, requested_on: date, supplemented_on: date,
                     calendar: WorkCalendar) -> date:
    """The due date once the complete supplement arrives on
    ``supplemented_on``: the days left continue from the next working day.
    A dossier already past its due date when the clock stopped stays late."""
    if due < requested_on:
        return due
    left = days_left_when_paused(due, requested_on, calendar)
    start = calendar.on_or_after(supplemented_on)
    return calendar.after(start, left) if left else start


def moved_by_declaration(due: date, counted_from: date, day: date, day_off: bool,
                         calendar: WorkCalendar) -> date:
    """The due date after ``day`` was declared a day off (``day_off``) or a
    make-up working day, ``calendar`` already holding the declaration. Only
    a day inside the count (after ``counted_from``, up to the due date)
    moves it: a day off pushes it to the next working day, a make-up day
    brings it back to the working day before."""
    if not counted_from < day <= due:
        return due
    if day_off:
        return calendar.after(due, 1)
    earlier = due - ONE_DAY
    while not calendar.is_working_day(earlier):
        earlier -= ONE_DAY
    return max(earlier, day)
