"""The sorting rate's actual: households sorting / registered as of the
period's end, from the households' tallies (``household_queries``)."""

from __future__ import annotations

from datetime import date

from events.base import acting_as
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE

H1 = Period(date(2023, 1, 1), date(2023, 6, 30))
TODAY = date(2024, 1, 1)


def test_a_sorting_rate_target_is_judged_as_of_the_period_end(service):
    ledger = service.ledger
    with acting_as("chuyenvien"):
        ledger.add_village(COMMUNE, "Mạc")
        for n in range(5):
            ledger.register_household(COMMUNE, f"H{n}", "mac", f"Hộ {n}", "", date(2023, 1, 2))
        for n in range(4):
            ledger.enrol_household(COMMUNE, f"H{n}", date(2023, 2, 1))
        ledger.stop_household(COMMUNE, "H0", date(2023, 7, 1), "Chuyển đi")  # after the half
    with acting_as("chutich"):
        ledger.set_target(COMMUNE, "sorting_rate", H1.start, H1.end, 0.8, "59/QĐ-UBND",
                          date(2023, 1, 10))
    service.catch_up()
    with service.read() as conn:
        (target,) = queries.targets_in_force(conn, COMMUNE, H1, TODAY)
        assert (target.actual, target.met) == (0.8, True)
        year = Period(date(2023, 1, 1), date(2023, 12, 31))
        actual = queries.indicator_actuals(conn, COMMUNE, year, TODAY, ["sorting_rate"])
        assert actual == {"sorting_rate": 0.6}
        early = Period(date(2023, 1, 1), date(2023, 1, 1))
        assert queries.indicator_actuals(conn, COMMUNE, early, TODAY,
                                         ["sorting_rate"]) == {"sorting_rate": None}
