"""The households' read models against the pure rule, with random data, on
both backends: registered and sorting by village as of any day
(``events.households.standing``), checks, and supplies received, issued and
in stock; and rows rebuilt from the log equal those caught up."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from events.base import acting_as
from events.errors import DomainError
from events.households import standing
from projections import household_queries as hq
from projections.households import household_projections
from projections.periods import Period
from tests.conftest import COMMUNE

D = date(2023, 1, 1)
VILLAGES = ("Mỹ Đức", "Mạc", "Kiêm Tân")


def record_randomly(service, rng: random.Random, households: int = 60) -> list[str]:  # type: ignore[no-untyped-def]
    ledger, codes = service.ledger, []
    with acting_as("chuyenvien"):
        for name in VILLAGES:
            service.record(ledger.add_village, COMMUNE, name)
        villages = list(ledger.villages(COMMUNE).names)
        for n in range(households):
            code = f"H{n:03d}"
            day = D + timedelta(days=rng.randrange(60))
            ledger.register_household(COMMUNE, code, rng.choice(villages), f"Chủ hộ {n}", "",
                                      day)
            codes.append(code)
            for _ in range(rng.randrange(8)):
                day += timedelta(days=rng.randrange(0, 25))
                step = rng.choice(("enrol", "stop", "check", "move"))
                try:
                    if step == "enrol":
                        ledger.enrol_household(COMMUNE, code, day)
                    elif step == "stop":
                        ledger.stop_household(COMMUNE, code, day, "Chuyển đi")
                    elif step == "check":
                        ledger.check_household(COMMUNE, code, day, rng.random() < .7, "", "Tổ")
                    else:
                        ledger.move_household(COMMUNE, code, day, rng.choice(villages))
                    if rng.random() < .15:  # a correction of one of its steps
                        history = list(ledger.events.get(ledger.household(COMMUNE, code).id))
                        e = rng.choice(history)
                        field = "registered_on" if type(e).__name__ == "Registered" else "on"
                        ledger.correct_household(COMMUNE, code, e.originator_version,
                                                 "Nhập nhầm", {field: day - timedelta(
                                                     days=rng.randrange(10))})
                except DomainError:
                    pass
        ledger.receive_supplies(COMMUNE, "nap_day", 100, "UBND huyện", "12/QĐ-UBND", D)
        for _ in range(30):
            try:
                ledger.issue_supplies(COMMUNE, "nap_day", rng.randrange(1, 9),
                                      D + timedelta(days=rng.randrange(120)),
                                      village=rng.choice(villages), receiver="Trưởng thôn")
            except DomainError:
                pass
    service.catch_up()
    return codes


def expected(service, codes: list[str], day: date) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    facts = [service.ledger.household(COMMUNE, code).facts() for code in codes]
    return {k: dict(v) for k, v in standing.counts(facts, day).items()}


def test_the_tallies_as_of_any_day_follow_the_rule(service):
    rng = random.Random(1212)
    codes = record_randomly(service, rng)
    with service.read() as conn:
        for n in range(-1, 200, 3):
            day = D + timedelta(days=n)
            got = hq.held_at(conn, COMMUNE, day)
            assert {k: {v: c for v, c in got[k].items() if c} for k in got} == \
                expected(service, codes, day), day
        figures = hq.household_figures(conn, COMMUNE, Period(D, date(2023, 12, 31)))
    checks = [e for code in codes
              for e in service.ledger.events.get(service.ledger.household(COMMUNE, code).id)
              if type(e).__name__ == "Checked"]
    assert figures.checks == len(checks)
    assert figures.compliant == sum(e.compliant for e in checks)
    assert figures.registered == len(codes)


def test_supplies_received_issued_and_in_stock(service):
    rng = random.Random(7)
    record_randomly(service, rng, households=3)
    stock = service.ledger.stock(COMMUNE, "nap_day")
    with service.read() as conn:
        for end in (D, D + timedelta(days=40), D + timedelta(days=130)):
            (lids,) = [s for s in hq.supply_figures(conn, COMMUNE, Period(D, end))
                       if s.item == "nap_day"]
            in_stock = sum(n for d, n in stock.movements if d <= end)
            assert lids.in_stock == in_stock >= 0
            assert lids.received == 100
            assert lids.issued == 100 - in_stock == sum(lids.by_village.values())


def test_rebuilt_rows_equal_caught_up_ones(service):
    record_randomly(service, random.Random(3), households=40)
    projections = household_projections()

    def everything():  # type: ignore[no-untyped-def]
        with service.read() as conn:
            return {t.name: sorted(map(tuple, conn.execute(select(t)).all()))
                    for p in projections for t in p.tables()}
    before = everything()
    service.engine.rebuild(*(p.name for p in projections))
    assert everything() == before
