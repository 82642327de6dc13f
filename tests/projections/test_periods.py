"""Report periods: the forms users write, and the years a ledger can mean."""

from __future__ import annotations

from datetime import date

import pytest

from projections.periods import BadPeriod, Period, months_of, presets


@pytest.mark.parametrize("text, start, end", [
    ("2023-H1", date(2023, 1, 1), date(2023, 6, 30)),
    ("2023-Q2", date(2023, 4, 1), date(2023, 6, 30)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("1990", date(1990, 1, 1), date(1990, 12, 31)),
    ("2100-H2", date(2100, 7, 1), date(2100, 12, 31)),
    ("1990-01-01..2100-12-31", date(1990, 1, 1), date(2100, 12, 31)),
])
def test_periods_as_users_write_them(text, start, end):
    assert Period.parse(text) == Period(start, end)


@pytest.mark.parametrize("text", ["0001", "0001-01-01..9999-12-31", "1989", "1989-12",
                                  "2101-Q1", "9999", "1989-12-31..2023-01-31",
                                  "2023-01-01..2101-01-01"])
def test_a_period_outside_1990_to_2100_is_refused_in_vietnamese(text):
    with pytest.raises(BadPeriod, match="từ năm 1990 đến năm 2100"):
        Period.parse(text)


@pytest.mark.parametrize("text", ["2023-H3", "2023-13", "2023-06-31..2023-07-01", "abc",
                                  "2023-02-01..2023-01-01", "0000-01-01..2023-01-01"])
def test_a_period_that_is_no_period_is_refused(text):
    with pytest.raises(BadPeriod, match="Kỳ không hợp lệ"):
        Period.parse(text)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 1), ["2026-12", "2026-11", "2026-Q4", "2026-Q3", "2026-H2", "2026-H1",
                         "2026", "2025"]),
    (date(2027, 1, 15), ["2027-01", "2026-12", "2027-Q1", "2026-Q4", "2027-H1", "2026-H2",
                         "2027", "2026"]),
    (date(2026, 7, 1), ["2026-07", "2026-06", "2026-Q3", "2026-Q2", "2026-H2", "2026-H1",
                        "2026", "2025"]),
])
def test_the_presets_are_this_period_and_the_one_before(today, expected):
    found = presets(today)
    assert [text for _label, text in found] == expected
    assert all(Period.parse(text) for _label, text in found)
    assert [label for label, _text in found][:2] == ["Tháng này", "Tháng trước"]


def test_a_period_s_months_are_cut_to_it_and_none_is_still_to_come():
    months = months_of(Period.parse("2023-11-15..2024-02-10"))
    assert [(str(m.start), str(m.end)) for m in months] == [
        ("2023-11-15", "2023-11-30"), ("2023-12-01", "2023-12-31"),
        ("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-10")]
    assert [m.start.month for m in months_of(Period.parse("2024"), last=date(2024, 3, 1))] == \
        [1, 2, 3]
    assert months_of(Period.parse("2024"), last=date(2023, 12, 31)) == []
    assert len(months_of(Period.parse("2020-01-01..2024-12-31"))) == 12  # the latest twelve
    assert months_of(Period.parse("2020-01-01..2024-12-31"))[0].start == date(2024, 1, 1)
