"""Citizen accounts and feedback on an in-memory ledger: the checks, the
order of an answer, the keyed hash, and the deadline and counts rule."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from events.citizens import answering, identity
from events.citizens.accounts import PortalAccount
from events.errors import AlreadyExists, DomainError, InvalidTransition, InvalidValue, NotFound
from events.workdays import WorkCalendar
from tests.domain.conftest import COMMUNE, new_ledger

NUMBER = "001089012345"
KEY = b"k" * 32


@pytest.fixture
def ledger():  # type: ignore[no-untyped-def]
    from events.base import acting_as
    with acting_as("canbo"):
        ledger = new_ledger()
        ledger.id_hash_key = KEY
        yield ledger


def head(ledger) -> int:  # type: ignore[no-untyped-def]
    return ledger.recorder.max_notification_id() or 0


def refused(ledger, command, *args, field, kind=DomainError):  # type: ignore[no-untyped-def]
    before = head(ledger)
    with pytest.raises(kind) as caught:
        getattr(ledger, command)(*args)
    assert head(ledger) == before
    assert caught.value.field == field, caught.value.message
    return caught.value


def test_an_account_keeps_the_last_four_digits_and_refuses_the_same_citizen_twice(ledger):
    ledger.record_portal_account(COMMUNE, "  Trần  Thị Bình ", "001 089 012 345",
                                 date(2024, 3, 4), "canbo")
    account = ledger.repository.get(PortalAccount.id_for(
        COMMUNE, identity.keyed_hash(KEY, NUMBER)))
    assert (account.citizen_name, account.id_last_four, account.clerk) == \
        ("Trần Thị Bình", "2345", "canbo")
    error = refused(ledger, "record_portal_account", COMMUNE, "Trần Bình", NUMBER,
                    date(2024, 3, 5), "chuyenvien", field="id_number", kind=AlreadyExists)
    assert NUMBER not in error.message


@pytest.mark.parametrize("number", ["", "00108901234", "0010890123456", "00108901234x",
                                    "003089012345", "１２３４５６７８９０１２", None, 1089012345])
def test_a_bad_id_number_is_refused_without_repeating_it(ledger, number):
    error = refused(ledger, "record_portal_account", COMMUNE, "A", number, date(2024, 3, 4),
                    "canbo", field="id_number")
    assert str(number) not in error.message or not number


@pytest.mark.parametrize("args, field", [
    (("", NUMBER, date(2024, 3, 4), "canbo"), "citizen_name"),
    (("A", NUMBER, date.today() + timedelta(days=2), "canbo"), "opened_on"),
    (("A", NUMBER, date(1989, 12, 31), "canbo"), "opened_on"),
    (("A", NUMBER, "2024-03-04", "canbo"), "opened_on"),
    (("A", NUMBER, date(2024, 3, 4), "chutich"), "clerk"),
    (("A", NUMBER, date(2024, 3, 4), "khongco"), "clerk")])
def test_an_account_with_a_bad_value_records_nothing(ledger, args, field):
    refused(ledger, "record_portal_account", COMMUNE, *args, field=field)


def test_the_hash_needs_the_key():
    assert identity.keyed_hash(KEY, NUMBER) != identity.keyed_hash(b"other", NUMBER)
    assert NUMBER not in identity.keyed_hash(KEY, NUMBER)


def test_feedback_is_due_in_ten_working_days_and_answered_once_in_order(ledger):
    # Received on Saturday 27/4/2024: counted from the next working day, past
    # the holidays of 29/4 to 1/5.
    ledger.receive_feedback(COMMUNE, "PA-1", date(2024, 4, 27), "dien_thoai", "Đường hỏng")
    feedback = ledger.feedback(COMMUNE, "PA-1")
    calendar = WorkCalendar()
    assert feedback.due_date == calendar.after(calendar.on_or_after(date(2024, 4, 27)), 10)
    refused(ledger, "answer_feedback", COMMUNE, "PA-1", date(2024, 4, 26), "12/UBND",
            field="answered_on")
    refused(ledger, "answer_feedback", COMMUNE, "PA-9", date(2024, 4, 29), "12/UBND",
            field="code", kind=NotFound)
    refused(ledger, "answer_feedback", COMMUNE, "PA-1", date(2024, 4, 29), " ",
            field="document")
    ledger.answer_feedback(COMMUNE, "PA-1", date(2024, 5, 2), "12/UBND-VP")
    refused(ledger, "answer_feedback", COMMUNE, "PA-1", date(2024, 5, 3), "13/UBND",
            field="answered_on", kind=InvalidTransition)


@pytest.mark.parametrize("extra, field", [
    ({"dossier_code": "HS-9"}, "dossier_code"), ({"procedure_code": "X9"}, "procedure_code"),
    ({"working_days": 0}, "working_days")])
def test_feedback_about_something_unknown_is_refused(ledger, extra, field):
    before = head(ledger)
    with pytest.raises(DomainError) as caught:
        ledger.receive_feedback(COMMUNE, "PA-1", date(2024, 3, 4), "truc_tiep", "Chậm",
                                **extra)
    assert caught.value.field == field and head(ledger) == before


def test_a_correction_keeps_the_order_and_moves_the_deadline(ledger):
    ledger.receive_feedback(COMMUNE, "PA-1", date(2024, 3, 4), "truc_tiep", "Chậm",
                            procedure_code="P1")
    ledger.answer_feedback(COMMUNE, "PA-1", date(2024, 3, 8), "5/UBND")
    with pytest.raises(InvalidValue):
        ledger.correct_feedback(COMMUNE, "PA-1", "Nhập sai", {"received_on": "2024-03-11"})
    with pytest.raises(InvalidValue):
        ledger.correct_feedback(COMMUNE, "PA-1", "Nhập sai", {"received_on": "2024-03-01",
                                                              "document": "x"})
    ledger.correct_feedback(COMMUNE, "PA-1", "Nhập sai ngày", {"received_on": "2024-03-01"})
    feedback = ledger.feedback(COMMUNE, "PA-1")
    assert feedback.received_on == date(2024, 3, 1) and feedback.due_date == date(2024, 3, 15)
    ledger.correct_feedback(COMMUNE, "PA-1", "Sai số", {"document": "6/UBND"})
    events = list(ledger.events.get(feedback.id))
    assert [type(e).__name__ for e in events] == ["Received", "Answered", "Corrected",
                                                  "Corrected"]
    assert (events[2].corrected_kind, events[3].corrected_version) == ("Received", 2)


def facts(rng: random.Random) -> answering.Facts:
    received = date(2024, 1, 1) + timedelta(days=rng.randrange(120))
    due = received + timedelta(days=rng.randrange(0, 20))
    answered = None if rng.random() < 0.4 else received + timedelta(days=rng.randrange(40))
    return answering.Facts(received, due, answered)


def test_overdue_is_open_past_the_deadline_at_the_end_or_answered_late_in_the_period():
    late_open = answering.Facts(date(2024, 1, 2), date(2024, 1, 16))
    answered_late = answering.Facts(date(2024, 1, 2), date(2024, 1, 16), date(2024, 1, 20))
    on_time = answering.Facts(date(2024, 1, 2), date(2024, 1, 16), date(2024, 1, 16))
    january = answering.counts([late_open, answered_late, on_time], date(2024, 1, 1),
                               date(2024, 1, 31), date(2024, 6, 1))
    assert january == {"received": 3, "answered": 2, "overdue": 2}
    # Judged on the 16th (today), nothing is late yet.
    assert answering.counts([late_open], date(2024, 1, 1), date(2024, 1, 31),
                            date(2024, 1, 16))["overdue"] == 0
