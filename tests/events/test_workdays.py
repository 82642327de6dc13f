"""Working days: weekends, public holidays (lunar Tết included), declared
days off and make-up days."""

from __future__ import annotations

from datetime import date

from events.base import acting_as
from events.workdays import add_working_days, is_working_day
from tests.conftest import COMMUNE, vn


def test_tet_2023_does_not_count():
    # Thursday 19 January 2023, 3 working days; Tết off 20–26 January.
    assert add_working_days(date(2023, 1, 19), 3) == date(2023, 1, 31)
    assert not any(is_working_day(date(2023, 1, d)) for d in range(20, 27))


def test_a_declared_make_up_saturday_counts():
    make_up = {date(2024, 3, 9)}
    assert add_working_days(date(2024, 3, 7), 2, make_up_days=make_up) == date(2024, 3, 9)
    assert add_working_days(date(2024, 3, 7), 2) == date(2024, 3, 11)


def test_the_national_make_up_saturdays_count():
    # Saturday 4/5/2024 was worked in exchange for Monday 29/4; 26/4/2025 for 2/5.
    assert is_working_day(date(2024, 5, 4)) and not is_working_day(date(2024, 4, 29))
    assert is_working_day(date(2025, 4, 26)) and not is_working_day(date(2025, 5, 2))
    assert add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)
    assert add_working_days(date(2024, 4, 26), 3, days_off={date(2024, 5, 4)}) == \
        date(2024, 5, 6)


def test_counting_starts_the_working_day_after_receipt():
    assert add_working_days(date(2023, 3, 3), 1) == date(2023, 3, 6)  # Friday → Monday
    assert add_working_days(date(2023, 3, 4), 1) == date(2023, 3, 6)  # received on Saturday


def test_a_dossier_received_before_tet_is_due_after_it(service):
    with acting_as("canbo"):
        service.record(service.ledger.receive_dossier, COMMUNE, "T-1", "2.000894", "Lê Thị Hoa",
                       "truc_tiep", "", vn(2023, 1, 19, 10))
    assert service.ledger.dossier(COMMUNE, "T-1").due_date == date(2023, 1, 31)
