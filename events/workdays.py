"""Working days: Monday to Friday, less Vietnamese public holidays (the lunar
Tết days and the Government's substituted days off included, as the
``holidays`` package lists them) and declared days off, plus the national
make-up working Saturdays (the package's ``weekend_workdays``, e.g. Saturday
4/5/2024, worked in exchange for Monday 29/4/2024) and declared make-up days.

A declared day always wins over the national rules: a commune may work a
national holiday in exchange (make-up day) or close on a national working
Saturday (day off)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _national(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The year's public holidays and its make-up working weekend days."""
    listed = holidays.country_holidays("VN", years=year)
    worked = frozenset(d for d in listed.weekend_workdays if d.year == year)
    return frozenset(listed), worked


@dataclass(frozen=True)
class WorkCalendar:
    """A commune's declared exceptions; the national rules come with it."""

    days_off: Collection[date] = field(default_factory=frozenset)
    make_up_days: Collection[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return is_working_day(day, self.days_off, self.make_up_days)

    def on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def after(self, day: date, count: int) -> date:
        return add_working_days(day, count, self.days_off, self.make_up_days)

    def between(self, start: date, end: date) -> int:
        """Working days in (``start``, ``end``]; 0 when ``end`` <= ``start``."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def is_working_day(day: date, days_off: Collection[date] = (),
                   make_up_days: Collection[date] = ()) -> bool:
    if day in make_up_days:
        return True
    if day in days_off:
        return False
    public, worked = _national(day.year)
    if day in worked:
        return True
    return day.weekday() < 5 and day not in public


def add_working_days(received: date, count: int, days_off: Collection[date] = (),
                     make_up_days: Collection[date] = ()) -> date:
    """The working day ``count`` working days after ``received`` (counting
    starts the day after it)."""
    day, left = received, count
    while left > 0:
        day += ONE_DAY
        if is_working_day(day, days_off, make_up_days):
            left -= 1
    return day


def working_days_between(today: date, due: date, days_off: Collection[date] = (),
                         make_up_days: Collection[date] = ()) -> int:
    """Working days left from ``today`` until ``due`` (0 on the due date);
    negative when ``due`` has passed: the working days late."""
    calendar = WorkCalendar(days_off, make_up_days)
    return calendar.between(today, due) if due >= today else -calendar.between(due, today)
