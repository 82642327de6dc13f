"""The report's ``violations`` section (CONTRACT.md) and the target "no new
violation": the acceptance's cases, as a reader of the report sees them."""

from __future__ import annotations

from datetime import date

from app.reports.period import period_report
from events.base import acting_as
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE

H1 = Period(date(2023, 1, 1), date(2023, 6, 30))
Q1 = Period(date(2023, 1, 1), date(2023, 3, 31))
Q2 = Period(date(2023, 4, 1), date(2023, 6, 30))
TODAY = date(2024, 1, 1)


def _section(service, period: Period):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return period_report(conn, COMMUNE, period, TODAY)["violations"]


def test_new_legacy_and_resolved_in_the_report(service):
    ledger = service.ledger
    with acting_as("chuyenvien"):
        for name in ("Mỹ Đức", "Mạc"):
            ledger.add_village(COMMUNE, name)
        # Began in 2021, detected in 2023: legacy (tồn đọng) in 2023.
        ledger.detect_violation(COMMUNE, "VP-1", "hanh_lang_giao_thong", "mac", "QL1A km 5",
                                "Trần B", "Lều quán", 2021, "Công an xã", date(2023, 2, 1))
        # Began and detected in March 2023: new in 2023-H1 and Q1, not in Q2.
        ledger.detect_violation(COMMUNE, "VP-2", "dat_dai", "my-duc", "Đồng Bàu", "Lê C",
                                "Đổ đất", 2023, "Địa chính", date(2023, 3, 15))
    service.catch_up()
    zero_kind = {"new": 0, "legacy_open": 0, "resolved": 0}
    assert _section(service, H1) == {
        "new": 1, "legacy_open": 1, "resolved": 0,
        "by_kind": {"dat_dai": {**zero_kind, "new": 1},
                    "hanh_lang_giao_thong": {**zero_kind, "legacy_open": 1},
                    "hanh_lang_thuy_loi": zero_kind, "moi_truong": zero_kind},
        "by_village": [{"village": "Mạc", **zero_kind, "legacy_open": 1},
                       {"village": "Mỹ Đức", **zero_kind, "new": 1}]}
    assert _section(service, Q1)["new"] == 1
    assert _section(service, Q2)["new"] == 0
    assert _section(service, Period(date(2023, 1, 1), date(2023, 1, 31)))["legacy_open"] == 0

    # Closing the legacy one in May moves it from open to closed in Q2.
    with acting_as("chuyenvien"):
        ledger.record_violation(COMMUNE, "VP-1", date(2023, 2, 3), "03/BB-UBND")
        ledger.close_violation(COMMUNE, "VP-1", date(2023, 5, 10), "Đã tháo dỡ")
    service.catch_up()
    q1, q2 = _section(service, Q1), _section(service, Q2)
    assert (q1["legacy_open"], q1["resolved"]) == (1, 0)
    assert (q2["legacy_open"], q2["resolved"]) == (0, 1)
    # In 2024 neither counts as new; the one from March 2023 is legacy and open.
    y2024 = _section(service, Period(date(2024, 1, 1), date(2024, 12, 31)))
    assert (y2024["new"], y2024["legacy_open"]) == (0, 1)


def test_the_target_counts_new_land_and_corridor_violations_only(service):
    ledger = service.ledger
    with acting_as("chuyenvien"):
        ledger.add_village(COMMUNE, "Mạc")
        ledger.detect_violation(COMMUNE, "VP-1", "moi_truong", "mac", "Bờ sông", "Không rõ",
                                "Đổ rác", 2023, "Tổ tự quản", date(2023, 3, 1))
    service.catch_up()
    with service.read() as conn:
        assert queries.indicator_actuals(conn, COMMUNE, H1, TODAY, ["new_violations"]) == \
            {"new_violations": 0}
    with acting_as("chuyenvien"):
        ledger.detect_violation(COMMUNE, "VP-2", "hanh_lang_thuy_loi", "mac", "Kênh N2",
                                "Phạm D", "Lấn kênh", 2023, "Thủy lợi", date(2023, 4, 1))
    service.catch_up()
    with service.read() as conn:
        assert queries.indicator_actuals(conn, COMMUNE, H1, TODAY, ["new_violations"]) == \
            {"new_violations": 1}
