"""Targets in the ledger: set once per indicator and period, revised and
withdrawn with every version kept, each value checked at the command; and
the one rule that says when a target is met."""

from __future__ import annotations

from datetime import date

import pytest

from events.base import acting_as
from events.errors import AlreadyExists, InvalidTransition, InvalidValue
from events.targets import INDICATORS, met
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE

YEAR = (date(2023, 1, 1), date(2023, 12, 31))
DECISION = ("59/QĐ-UBND", date(2023, 1, 10), "UBND huyện Tứ Kỳ")


@pytest.mark.parametrize("code, actual, threshold, expected", [
    ("online_rate", 0.9, 0.9, True), ("online_rate", 0.899, 0.9, False),
    ("online_rate", None, 0.9, None), ("new_violations", 0, 0, True),
    ("new_violations", 1, 0, False), ("citizen_accounts", 109, 100, True),
    ("citizen_accounts", 99, 100, False)])
def test_a_target_is_met_as_its_indicator_counts(code, actual, threshold, expected):
    assert met(code, actual, threshold) is expected


def set_target(service, indicator="online_rate", threshold=0.9, period=YEAR, decision=DECISION):  # type: ignore[no-untyped-def]
    with acting_as("chutich"):
        service.record(service.ledger.set_target, COMMUNE, indicator, *period, threshold,
                       *decision)


def test_one_target_per_indicator_and_period(service):
    set_target(service)
    with pytest.raises(AlreadyExists):
        set_target(service, threshold=0.8)
    set_target(service, period=(date(2023, 1, 1), date(2023, 6, 30)))  # another period
    set_target(service, indicator="digitised_rate")                     # another indicator
    service.engine.catch_up()
    with service.read() as conn:
        assert len(queries.targets(conn, COMMUNE, date(2023, 7, 1))) == 3


@pytest.mark.parametrize("change, field", [
    ({"indicator": "nhanh_nhat"}, "indicator"), ({"threshold": 1.5}, "threshold"),
    ({"threshold": -0.1}, "threshold"), ({"threshold": float("nan")}, "threshold"),
    ({"threshold": True}, "threshold"), ({"threshold": "90"}, "threshold"),
    ({"indicator": "citizen_accounts", "threshold": 10.5}, "threshold"),
    ({"period": (date(2023, 12, 31), date(2023, 1, 1))}, "period"),
    ({"decision": ("", date(2023, 1, 10), "")}, "document"),
    ({"decision": ("x" * 65, date(2023, 1, 10), "")}, "document"),
    ({"decision": ("59/QĐ\x00", date(2023, 1, 10), "")}, "document"),
    ({"decision": ("59/QĐ-UBND", date(2100, 1, 10), "")}, "document_date"),
    ({"decision": ("59/QĐ-UBND", "2023-01-10", "")}, "document_date")])
def test_a_bad_value_is_refused_at_its_field_and_records_nothing(service, change, field):
    before = service.engine.head()
    with pytest.raises(InvalidValue) as refused:
        set_target(service, **change)
    assert refused.value.field == field
    assert service.engine.head() == before


def test_a_revision_and_a_withdrawal_keep_every_version(service):
    set_target(service)
    with acting_as("chutich"):
        service.record(service.ledger.revise_target, COMMUNE, "online_rate", *YEAR, 0.95,
                       "12/QĐ-UBND", date(2023, 3, 1), "UBND huyện Tứ Kỳ", "Nâng chỉ tiêu")
        service.record(service.ledger.withdraw_target, COMMUNE, "online_rate", *YEAR,
                       "Huyện bãi bỏ")
        with pytest.raises(InvalidTransition):
            service.record(service.ledger.revise_target, COMMUNE, "online_rate", *YEAR, 0.9,
                           *DECISION, "Khôi phục")
    target = service.ledger.target(COMMUNE, "online_rate", *YEAR)
    assert [type(e).__name__ for e in service.ledger.events.get(target.id)] == \
        ["Set", "Revised", "Withdrawn"]
    service.engine.catch_up()
    with service.read() as conn:
        (row,) = queries.targets(conn, COMMUNE, date(2023, 7, 1))
        assert (row.threshold, row.document, row.withdrawn) == (0.95, "12/QĐ-UBND", True)
        assert queries.targets_in_force(conn, COMMUNE, Period.parse("2023-H1"),
                                        date(2023, 7, 1)) == []


def test_every_indicator_has_a_name_and_a_goal():
    assert len(INDICATORS) == 8
    for indicator in INDICATORS.values():
        assert indicator.name and indicator.kind in ("rate", "count")


def test_the_signed_rate_target_reads_the_register(service):
    """Signed digitally over issued, confidential ones aside (DOMAIN.md)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    set_target(service, indicator="signed_rate", threshold=0.5)
    with acting_as("chutich"):
        for number, confidential in (("1/BC-UBND", False), ("2/BC-UBND", False),
                                     ("3/BC-UBND", True)):
            service.record(service.ledger.issue_document, COMMUNE, number, "bao_cao",
                           "Báo cáo", date(2023, 3, 1), "Chủ tịch", confidential, "khac")
        service.record(service.ledger.sign_document, COMMUNE, 2023, "1/BC-UBND",
                       datetime(2023, 3, 1, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                       "Chủ tịch", "54010203")
    service.engine.catch_up()
    with service.read() as conn:
        (judged,) = queries.targets_in_force(conn, COMMUNE, Period.parse("2023-H1"),
                                             date(2023, 7, 1))
    assert (judged.indicator, judged.actual, judged.met) == ("signed_rate", 0.5, True)
