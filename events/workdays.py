"""Working days: Saturdays, Sundays and Vietnamese public holidays (the lunar
Tết days included) do not count; declared days off don't either, declared
make-up working days do."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date, days_off: Collection[date] = (),
                   make_up_days: Collection[date] = ()) -> bool:
    if day in make_up_days:
        return True
    if day in days_off or day.weekday() >= 5:
        return False
    return day not in _public_holidays(day.year)


def add_working_days(received: date, count: int, days_off: Collection[date] = (),
                     make_up_days: Collection[date] = ()) -> date:
    """The due date: counting starts on the working day after receipt."""
    day, left = received, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, days_off, make_up_days):
            left -= 1
    return day


def working_days_between(today: date, due: date, days_off: Collection[date] = (),
                         make_up_days: Collection[date] = ()) -> int:
    """Working days left from ``today`` until ``due`` (0 on the due date);
    negative when ``due`` has passed: the working days late."""
    sign, start, end = (1, today, due) if due >= today else (-1, due, today)
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, days_off, make_up_days)
    return sign * count
