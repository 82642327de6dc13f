"""Report periods as users write them: ``2023-H1``, ``2023-Q2``, ``2023-06``,
``2023`` or ``2023-01-01..2023-06-30``, within the years the ledger holds
(1990 to 2100, as every business date is)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from events.base import EARLIEST_DAY, LATEST_DAY
from events.texts import N_, Text


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        for pattern, build in _FORMS:
            if match := re.fullmatch(pattern, text):
                try:
                    period = build(*(int(g) if g.isdigit() else g for g in match.groups()))
                except ValueError:
                    break
                if period.start > period.end:
                    break
                return _within_the_ledger(period, text)
        raise BadPeriod(Text("Kỳ không hợp lệ: «%(text)s» (ví dụ: 2023-H1, 2023-Q2, 2023-06, "
                             "2023 hoặc 2023-01-01..2023-06-30).", text=text))


def _within_the_ledger(period: Period, text: str) -> Period:
    """Outside these years no date is recorded, and the day before or after
    the period, which counts need, may not exist."""
    if period.start < EARLIEST_DAY or period.end > LATEST_DAY:
        raise BadPeriod(Text("Kỳ «%(text)s» phải nằm trong khoảng từ năm %(first)d "
                             "đến năm %(last)d.", text=text, first=EARLIEST_DAY.year,
                             last=LATEST_DAY.year))
    return period


def _months(year: int, first: int, last: int) -> Period:
    return Period(date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


def _half(year: int, half: int) -> Period:
    if half not in (1, 2):
        raise ValueError(half)
    return _months(year, 6 * half - 5, 6 * half)


def _quarter(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError(quarter)
    return _months(year, 3 * quarter - 2, 3 * quarter)


def _range(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


_FORMS = (
    (r"(\d{4})-H(\d)", _half),
    (r"(\d{4})-Q(\d)", _quarter),
    (r"(\d{4})-(\d{2})", lambda y, m: _months(y, m, m)),
    (r"(\d{4})", lambda y: _months(y, 1, 12)),
    (r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", _range),
)


def presets(today: date) -> list[tuple[str, str]]:
    """The periods a commune reports on, relative to ``today`` — this one
    and the one before, for a month, a quarter, a half-year and a year —
    as (label, the period as typed)."""
    year, month = today.year, today.month
    quarter, half = (month - 1) // 3 + 1, 1 if month <= 6 else 2
    last_month = (year, month - 1) if month > 1 else (year - 1, 12)
    last_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    last_half = (year, 1) if half == 2 else (year - 1, 2)
    return [(N_("Tháng này"), f"{year}-{month:02d}"),
            (N_("Tháng trước"), f"{last_month[0]}-{last_month[1]:02d}"),
            (N_("Quý này"), f"{year}-Q{quarter}"),
            (N_("Quý trước"), f"{last_quarter[0]}-Q{last_quarter[1]}"),
            (N_("6 tháng này"), f"{year}-H{half}"),
            (N_("6 tháng trước"), f"{last_half[0]}-H{last_half[1]}"),
            (N_("Năm nay"), str(year)), (N_("Năm trước"), str(year - 1))]


def months_of(period: Period, last: date | None = None, most: int = 12) -> list[Period]:
    """The calendar months the period covers, each cut to the period, that
    begin by ``last`` (none after it: a month still to come has no figure);
    the latest ``most`` of them, in order."""
    found: list[Period] = []
    start = period.start
    end = period.end if last is None else min(period.end, last)
    while start <= end:
        month_end = date(start.year, start.month, calendar.monthrange(start.year,
                                                                      start.month)[1])
        found.append(Period(start, min(month_end, period.end)))
        if month_end >= LATEST_DAY:
            break
        start = month_end + timedelta(days=1)
    return found[-most:]
