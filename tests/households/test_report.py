"""The report's ``households`` and ``supplies`` sections (CONTRACT.md)."""

from __future__ import annotations

from datetime import date

from app.reports.period import period_report
from events.base import acting_as
from projections.periods import Period
from tests.conftest import COMMUNE

H1 = Period(date(2023, 1, 1), date(2023, 6, 30))


def test_the_report_counts_households_and_supplies_per_contract(service):
    ledger = service.ledger
    with acting_as("chuyenvien"):
        for name in ("Mỹ Đức", "Mạc"):
            ledger.add_village(COMMUNE, name)
        for n, village in enumerate(("mac", "mac", "my-duc")):
            ledger.register_household(COMMUNE, f"H{n}", village, "A", "", date(2023, 1, 2))
        ledger.enrol_household(COMMUNE, "H0", date(2023, 1, 3))
        ledger.enrol_household(COMMUNE, "H2", date(2023, 1, 3))
        ledger.move_household(COMMUNE, "H2", date(2023, 3, 1), "mac")
        ledger.receive_supplies(COMMUNE, "nap_day", 266, "UBND huyện", "12/QĐ-UBND",
                                date(2023, 1, 5))
        ledger.issue_supplies(COMMUNE, "nap_day", 85, date(2023, 2, 1), village="my-duc",
                              receiver="Trưởng thôn")
        ledger.issue_supplies(COMMUNE, "nap_day", 1, date(2023, 2, 1), household="H1",
                              receiver="A")
    service.catch_up()
    with service.read() as conn:
        report = period_report(conn, COMMUNE, H1, date(2024, 1, 1))
    assert report["households"] == {
        "registered": 3, "sorting": 2, "sorting_rate": 0.6667,
        "by_village": [{"village": "Mạc", "registered": 3, "sorting": 2},
                       {"village": "Mỹ Đức", "registered": 0, "sorting": 0}]}
    lids, packets = report["supplies"]
    assert lids == {"item": "nap_day", "received": 266, "issued": 86, "in_stock": 180,
                    "by_village": {"Mỹ Đức": 85, "Mạc": 1}}
    assert packets == {"item": "men_vi_sinh", "received": 0, "issued": 0, "in_stock": 0,
                       "by_village": {}}
