"""Due dates by the law's rules, with the dates the issue names."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import InvalidTransition
from tests.domain.conftest import COMMUNE, vn


def receive(ledger, code, procedure, at, channel="truc_tiep", mode="", due=None):
    ledger.receive_dossier(COMMUNE, code, procedure, "Nguyễn Văn An", channel, mode, at, due)
    return ledger.dossier(COMMUNE, code)


def test_make_up_saturday_counts_and_the_may_holidays_do_not(ledger):
    # Friday 26/4/2024, 5 working days: 29/4, 30/4, 1/5 off; Saturday 4/5 worked.
    assert receive(ledger, "A", "P5", vn(2024, 4, 26, 9)).due_date == date(2024, 5, 7)


def test_a_same_day_procedure_after_three_pm_is_due_the_next_working_day(ledger):
    assert receive(ledger, "A", "P0", vn(2024, 3, 5, 16, 30)).due_date == date(2024, 3, 6)
    assert receive(ledger, "B", "P0", vn(2024, 3, 5, 14, 59)).due_date == date(2024, 3, 5)


def test_an_online_filing_during_tet_counts_from_the_next_working_day(ledger):
    dossier = receive(ledger, "A", "P3", vn(2024, 2, 10, 20), "truc_tuyen", "toan_trinh")
    assert dossier.due_date == date(2024, 2, 20)  # deemed received Thursday 15/2


def test_a_given_due_date_on_a_day_off_moves_to_the_next_working_day(ledger):
    dossier = receive(ledger, "A", "P3", vn(2024, 3, 4, 9), due=date(2024, 3, 9))
    assert dossier.due_date == date(2024, 3, 11)


def test_a_supplement_pauses_the_clock(ledger):
    assert receive(ledger, "A", "P5", vn(2024, 3, 4, 9)).due_date == date(2024, 3, 11)
    ledger.request_supplement(COMMUNE, "A", vn(2024, 3, 6, 10), "Thiếu bản sao CCCD")
    ledger.receive_supplement(COMMUNE, "A", vn(2024, 3, 11, 8))
    assert ledger.dossier(COMMUNE, "A").due_date == date(2024, 3, 14)
    with pytest.raises(InvalidTransition, match="một lần"):
        ledger.request_supplement(COMMUNE, "A", vn(2024, 3, 12, 10), "Thiếu tờ khai")


def test_a_declared_day_off_moves_the_due_dates_of_open_dossiers(ledger):
    receive(ledger, "A", "P5", vn(2024, 3, 4, 9))                  # due 11/3
    receive(ledger, "B", "P1", vn(2024, 3, 4, 9))                  # due 5/3
    ledger.resolve_dossier(COMMUNE, "B", vn(2024, 3, 4, 15), True, False)
    with_day_off = receive(ledger, "C", "P1", vn(2024, 3, 6, 9))   # due 7/3
    assert with_day_off.due_date == date(2024, 3, 7)
    ledger.declare_day_off(COMMUNE, date(2024, 3, 7), "Bão")
    assert ledger.dossier(COMMUNE, "A").due_date == date(2024, 3, 12)
    assert ledger.dossier(COMMUNE, "C").due_date == date(2024, 3, 8)
    assert ledger.dossier(COMMUNE, "B").due_date == date(2024, 3, 5)  # resolved: unchanged
    ledger.declare_make_up_day(COMMUNE, date(2024, 3, 9), "Làm bù")
    assert ledger.dossier(COMMUNE, "A").due_date == date(2024, 3, 11)


def test_a_long_reason_for_a_day_off_still_moves_the_due_dates(ledger):
    receive(ledger, "A", "P5", vn(2024, 3, 4, 9))  # due 11/3
    ledger.declare_day_off(COMMUNE, date(2024, 3, 7), "Bão " + "x" * 990)
    assert ledger.dossier(COMMUNE, "A").due_date == date(2024, 3, 12)
