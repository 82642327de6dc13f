"""Violations in the ledger: every order, value and reference checked at the
command, nothing recorded when refused; and the pure rule of the tallies
(new, legacy open, resolved) on its own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.base import acting_as
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.violations import standing
from events.violations.standing import Facts
from tests.domain.conftest import COMMUNE, new_ledger

D = date(2023, 3, 10)


@pytest.fixture
def ledger():  # type: ignore[no-untyped-def]
    ledger = new_ledger()
    with acting_as("chuyenvien"):
        for name in ("Mỹ Đức", "Mạc"):
            ledger.add_village(COMMUNE, name)
        ledger.detect_violation(COMMUNE, "VP-1", "dat_dai", "my-duc", "Cánh đồng Bàu",
                                "Nguyễn Văn A", "Xây tường rào trên đất lúa", 2023,
                                "Địa chính", D, lat=15.1, lon=108.8)
        yield ledger


def recorded(ledger) -> int:  # type: ignore[no-untyped-def]
    return ledger.recorder.max_notification_id() or 0


def refused(ledger, error, command, *args, **kwargs):  # type: ignore[no-untyped-def]
    before = recorded(ledger)
    with pytest.raises(error) as caught:
        command(COMMUNE, *args, **kwargs)
    assert recorded(ledger) == before
    return caught.value


def test_a_violation_goes_through_its_steps_in_order(ledger):
    ledger.record_violation(COMMUNE, "VP-1", D + timedelta(days=1), "05/BB")
    ledger.penalise_violation(COMMUNE, "VP-1", D + timedelta(days=5), "12/QĐ-XPHC", 2_500_000,
                              D + timedelta(days=20))
    ledger.comply_violation(COMMUNE, "VP-1", D + timedelta(days=15))
    ledger.close_violation(COMMUNE, "VP-1", D + timedelta(days=16), "Đã tháo dỡ")
    v = ledger.violation(COMMUNE, "VP-1")
    assert v.status == "ket_thuc" and v.amount == 2_500_000 and v.is_new
    assert ledger.violation_facts(COMMUNE, "VP-1") == Facts(
        "dat_dai", "my-duc", 2023, D, D + timedelta(days=16))


def test_steps_out_of_order_are_refused_and_record_nothing(ledger):
    error = refused(ledger, InvalidTransition, ledger.penalise_violation, "VP-1", D, "1/QĐ",
                    100)
    assert "lập biên bản" in error.message or "mới phát hiện" in error.message
    assert refused(ledger, InvalidTransition, ledger.close_violation, "VP-1", D)
    assert refused(ledger, NotFound, ledger.close_violation, "VP-9", D).field == "code"
    assert refused(ledger, InvalidValue, ledger.record_violation, "VP-1",
                   D - timedelta(days=1), "1/BB").field == "recorded_on"
    ledger.record_violation(COMMUNE, "VP-1", D, "1/BB")
    # Two days ahead: the machine's date may be a day behind the commune's.
    assert refused(ledger, InvalidValue, ledger.record_violation, "VP-1", date.today()
                   + timedelta(days=2), "2/BB").field == "recorded_on"
    assert refused(ledger, InvalidTransition, ledger.record_violation, "VP-1", D, "2/BB")
    assert refused(ledger, InvalidTransition, ledger.comply_violation, "VP-1", D)
    assert refused(ledger, InvalidValue, ledger.penalise_violation, "VP-1", D, "1/QĐ", -1
                   ).field == "amount"
    assert refused(ledger, InvalidValue, ledger.penalise_violation, "VP-1", D, "1/QĐ", 10,
                   D - timedelta(days=1)).field == "deadline"
    ledger.penalise_violation(COMMUNE, "VP-1", D, "1/QĐ", 0, D)
    ledger.enforce_violation(COMMUNE, "VP-1", D)
    assert refused(ledger, InvalidTransition, ledger.comply_violation, "VP-1", D)


def test_detection_values_and_references_are_checked(ledger):
    args = ("dat_dai", "my-duc", "Nơi", "Người", "", 2023, "Tổ", D)
    assert refused(ledger, AlreadyExists, ledger.detect_violation, "VP-1", *args).field == "code"
    bad = {"kind": ("x", *args[1:]), "village": (args[0], "khong-co", *args[2:]),
           "began": (*args[:5], 2024, *args[6:]), "detected_on": (*args[:7], date(2999, 1, 1)),
           "place": (args[0], args[1], "  ", *args[3:])}
    for field, values in bad.items():
        assert refused(ledger, (InvalidValue, NotFound), ledger.detect_violation, "VP-2",
                       *values).field == field
    for lat, lon, field in ((91, 0, "lat"), (0, 181, "lon"), (float("nan"), 0, "lat"),
                            (1.0, None, "lon"), ("1", 2, "lat")):
        assert refused(ledger, InvalidValue, ledger.detect_violation, "VP-2", *args, lat=lat,
                       lon=lon).field == field
    assert refused(ledger, InvalidValue, ledger.detect_violation, "VP 2", *args).field == "code"


def test_corrections_are_checked_like_the_steps(ledger):
    ledger.record_violation(COMMUNE, "VP-1", D + timedelta(days=2), "1/BB")
    assert refused(ledger, InvalidValue, ledger.correct_violation, "VP-1", 1, "Nhầm",
                   {"detected_on": (D + timedelta(days=3)).isoformat()}).field == "detected_on"
    assert refused(ledger, InvalidValue, ledger.correct_violation, "VP-1", 1, "Nhầm",
                   {"began": 2024}).field == "began"
    assert refused(ledger, NotFound, ledger.correct_violation, "VP-1", 1, "Nhầm",
                   {"village": "khong-co"}).field == "village"
    assert refused(ledger, InvalidValue, ledger.correct_violation, "VP-1", 1, "",
                   {"began": 2021}).field == "reason"
    ledger.correct_violation(COMMUNE, "VP-1", 1, "Nhầm năm", {"began": 2021, "village": "mac"})
    v = ledger.violation(COMMUNE, "VP-1")
    assert v.began == 2021 and v.village == "mac" and not v.is_new


def test_new_legacy_and_resolved_follow_the_domain_rule():
    legacy = Facts("dat_dai", "a", 2021, date(2023, 2, 1))
    march = Facts("hanh_lang_giao_thong", "b", 2023, date(2023, 3, 15), date(2023, 5, 2))
    h1 = standing.counts([legacy, march], date(2023, 1, 1), date(2023, 6, 30))
    assert (h1["new"], h1["legacy_open"], h1["resolved"]) == (1, 1, 1)
    q1 = standing.counts([legacy, march], date(2023, 1, 1), date(2023, 3, 31))
    assert (q1["new"], q1["legacy_open"], q1["resolved"]) == (1, 1, 0)
    q2 = standing.counts([legacy, march], date(2023, 4, 1), date(2023, 6, 30))
    assert (q2["new"], q2["legacy_open"], q2["resolved"]) == (0, 1, 1)
    assert q2["by_kind"]["hanh_lang_giao_thong"]["resolved"] == 1
    closed = legacy._replace(closed_on=date(2023, 4, 5))
    assert standing.counts([closed], date(2023, 1, 1), date(2023, 3, 31))["legacy_open"] == 1
    q2 = standing.counts([closed], date(2023, 4, 1), date(2023, 6, 30))
    assert (q2["legacy_open"], q2["resolved"]) == (0, 1)
