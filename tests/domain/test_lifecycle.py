"""The transition table and the order of steps: what is refused records
nothing, and says why at the field it concerns."""

from __future__ import annotations

from datetime import date

import pytest

from events.base import acting_as
from events.dossiers import corrections
from events.errors import DomainError, InvalidTransition, InvalidValue, NotFound
from tests.domain.conftest import COMMUNE, ZONE, new_ledger, vn

CODE = "D-1"


def received(ledger, at=vn(2024, 3, 4, 9), procedure="P5"):
    ledger.receive_dossier(COMMUNE, CODE, procedure, "Trần Thị Bình", "truc_tiep", "", at)
    return ledger.dossier(COMMUNE, CODE)


def refused(ledger, command, *args, field=None, kind=DomainError):
    """The command is refused (at ``field``) and the dossier is unchanged."""
    before = ledger.dossier(COMMUNE, CODE).version
    with pytest.raises(kind) as caught:
        getattr(ledger, command)(COMMUNE, CODE, *args)
    assert ledger.dossier(COMMUNE, CODE).version == before
    if field:
        assert caught.value.field == field, caught.value.message
    return caught.value


def test_refusal_only_as_the_first_step_on_the_day_of_receipt(ledger):
    received(ledger)
    ledger.hand_over(COMMUNE, CODE, vn(2024, 3, 4, 10), "chuyenvien", "Thẩm định",
                     date(2024, 3, 5))
    error = refused(ledger, "refuse_dossier", vn(2024, 3, 4, 11), "Sai thẩm quyền",
                    kind=InvalidTransition)
    assert "Dừng giải quyết" in error.message
    ledger.stop_dossier(COMMUNE, CODE, vn(2024, 3, 4, 11), "Sai thẩm quyền")


def test_refusal_on_a_later_day_is_refused():
    with acting_as("canbo"):
        ledger = new_ledger()
        received(ledger)
        refused(ledger, "refuse_dossier", vn(2024, 3, 5, 9), "Thiếu hồ sơ", field="occurred_at")
        ledger.refuse_dossier(COMMUNE, CODE, vn(2024, 3, 4, 9, 30), "Thiếu hồ sơ")


@pytest.mark.parametrize("steps", [
    # a supplement received before it was requested
    [("request_supplement", (vn(2024, 3, 6, 9), "Thiếu")),
     ("receive_supplement", (vn(2024, 3, 6, 8),))],
    # a result before the supplement came back
    [("request_supplement", (vn(2024, 3, 6, 9), "Thiếu")),
     ("receive_supplement", (vn(2024, 3, 8, 9),)),
     ("resolve_dossier", (vn(2024, 3, 7, 9), True, False))],
    # a fee before receipt
    [("pay_fee", (vn(2024, 3, 3, 9), 10000, "tien_mat"))],
    # an apology before receipt
    [("apologise", (vn(2024, 3, 1, 9), date(2024, 3, 20), "Chậm"))],
    # a return before the result
    [("resolve_dossier", (vn(2024, 3, 6, 9), True, False)),
     ("return_dossier", (vn(2024, 3, 6, 8),))],
])
def test_a_step_before_the_step_before_it_is_refused(ledger, steps):
    received(ledger)
    *before, (command, args) = steps
    for name, earlier in before:
        getattr(ledger, name)(COMMUNE, CODE, *earlier)
    refused(ledger, command, *args, field="occurred_at")


def test_a_fee_only_on_an_open_or_resolved_dossier_and_never_negative(ledger):
    received(ledger)
    refused(ledger, "pay_fee", vn(2024, 3, 4, 10), -1, "tien_mat", field="amount")
    refused(ledger, "pay_fee", vn(2024, 3, 4, 10), 10**30, "tien_mat", field="amount")
    ledger.stop_dossier(COMMUNE, CODE, vn(2024, 3, 5, 9), "Tranh chấp")
    refused(ledger, "pay_fee", vn(2024, 3, 5, 10), 10000, "tien_mat", kind=InvalidTransition)


def test_hand_over_only_to_an_enabled_colleague_who_acts_on_dossiers(ledger):
    received(ledger)
    at, due = vn(2024, 3, 4, 10), date(2024, 3, 5)
    refused(ledger, "hand_over", at, "khong-co-ai", "Thẩm định", due, field="to_user")
    refused(ledger, "hand_over", at, "kiemtoan", "Thẩm định", due, field="to_user")
    ledger.disable_user("chuyenvien")
    refused(ledger, "hand_over", at, "chuyenvien", "Thẩm định", due, field="to_user")
    ledger.hand_over(COMMUNE, CODE, at, "chutich", "Ký duyệt", due)


def test_a_dossier_of_an_abolished_procedure_completes_every_step(ledger):
    received(ledger)
    ledger.abolish_procedure(COMMUNE, "P5", "Bãi bỏ theo quyết định của tỉnh")
    ledger.request_supplement(COMMUNE, CODE, vn(2024, 3, 5, 9), "Thiếu")
    ledger.receive_supplement(COMMUNE, CODE, vn(2024, 3, 6, 9))
    ledger.resolve_dossier(COMMUNE, CODE, vn(2024, 3, 7, 9), True, False)
    ledger.pay_fee(COMMUNE, CODE, vn(2024, 3, 7, 10), 0, "tien_mat")
    ledger.return_dossier(COMMUNE, CODE, vn(2024, 3, 7, 11))
    assert ledger.dossier(COMMUNE, CODE).status == "da_tra"


# -- corrections ----------------------------------------------------------------

def correct(ledger, version, changes, at=vn(2024, 3, 8, 9)):
    ledger.correct_dossier(COMMUNE, CODE, at, version, "Nhập nhầm", changes)


def test_corrections_are_refused_at_the_field(ledger):
    received(ledger)
    ledger.pay_fee(COMMUNE, CODE, vn(2024, 3, 4, 10), 10000, "tien_mat")
    ledger.resolve_dossier(COMMUNE, CODE, vn(2024, 3, 6, 9), True, False)
    args = (vn(2024, 3, 8, 9),)
    refused(ledger, "correct_dossier", *args, 1, "Sai", {"occurred_at": "2024-03-04T08:00"},
            field="occurred_at")                                   # naive text
    refused(ledger, "correct_dossier", *args, 2, "Sai", {"amount": -5}, field="amount")
    refused(ledger, "correct_dossier", *args, 1, "Sai", {"procedure_code": "KHONG-CO"},
            field="procedure_code", kind=NotFound)
    after_result = vn(2024, 3, 6, 10).isoformat()
    refused(ledger, "correct_dossier", *args, 1, "Sai", {"occurred_at": after_result},
            field="occurred_at")                                   # receipt after the result
    refused(ledger, "correct_dossier", *args, 1, "Sai",
            {"occurred_at": "0001-01-01T00:00:00+14:00"}, field="occurred_at")
    refused(ledger, "correct_dossier", *args, 2, "Sai", {"amount": 10**30}, field="amount")


def test_a_corrected_receipt_time_or_procedure_moves_the_due_date(ledger):
    assert received(ledger).due_date == date(2024, 3, 11)
    correct(ledger, 1, {"occurred_at": vn(2024, 3, 5, 9).isoformat()})
    assert ledger.dossier(COMMUNE, CODE).due_date == date(2024, 3, 12)
    correct(ledger, 1, {"procedure_code": "P1"})
    assert ledger.dossier(COMMUNE, CODE).due_date == date(2024, 3, 6)


def test_a_form_time_without_offset_is_read_in_the_business_zone():
    changes = corrections.changes_from_text("occurred_at", "2024-03-05 09:30", ZONE)
    assert changes == {"occurred_at": "2024-03-05T09:30:00+07:00"}
    with pytest.raises(InvalidValue):
        corrections.changes_from_text("amount", "1e3", ZONE)


def test_no_correction_leaves_a_dossier_unusable(ledger):
    """Every correctable field with bad values, then every step still works."""
    received(ledger)
    ledger.pay_fee(COMMUNE, CODE, vn(2024, 3, 4, 10), 10000, "tien_mat")
    bad = [None, " ", "x" * 300, "\x00", 10**30, -1, True, 1.5, "2024-13-45T08:00+07:00",
           "0001-01-01T00:00:00+14:00", "9999-12-31T00:00:00+00:00", {"a": 1}, ["b"]]
    for version, kind in ((1, "Received"), (2, "FeePaid")):
        for field in corrections.CORRECTABLE[kind]:
            for value in bad + ([""] if field != "online_mode" else []):
                if field == "applicant" and isinstance(value, str) and "T" in value:
                    continue  # any printable text is a name
                with pytest.raises(DomainError):
                    correct(ledger, version, {field: value})
    ledger.hand_over(COMMUNE, CODE, vn(2024, 3, 5, 9), "chuyenvien", "Thẩm định",
                     date(2024, 3, 6))
    ledger.request_supplement(COMMUNE, CODE, vn(2024, 3, 5, 10), "Thiếu")
    ledger.receive_supplement(COMMUNE, CODE, vn(2024, 3, 6, 9))
    ledger.apologise(COMMUNE, CODE, vn(2024, 3, 6, 10), date(2024, 3, 29), "Chậm")
    ledger.resolve_dossier(COMMUNE, CODE, vn(2024, 3, 7, 9), True, True)
    ledger.return_dossier(COMMUNE, CODE, vn(2024, 3, 7, 10))
    for value in bad:
        with pytest.raises(DomainError):
            correct(ledger, 8, {"occurred_at": value})
    correct(ledger, 8, {"occurred_at": vn(2024, 3, 7, 9, 30).isoformat()})
    assert ledger.dossier(COMMUNE, CODE).status == "da_tra"
