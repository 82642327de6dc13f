"""Two processes issue the last units of an item at the same moment: the
store serialises them on the stock's next version, so one is recorded and
the other, checked again against the stock it left, is refused with the
stock shown; on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from events.base import acting_as
from projections import household_queries as hq
from projections.periods import Period
from tests.conftest import COMMUNE

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_racing_for_the_last_units_one_is_refused(service, database_url,
                                                                tmp_path):
    ledger = service.ledger
    with acting_as("chuyenvien"):
        service.record(ledger.add_village, COMMUNE, "Mạc")
        service.record(ledger.receive_supplies, COMMUNE, "nap_day", 5, "UBND huyện",
                       "12/QĐ-UBND", date(2023, 2, 1))
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    racers = [subprocess.Popen([sys.executable, "-m", "tests.households.race_worker",
                                database_url, str(barrier), name, "4"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for name in ("a", "b")]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    for racer, (_out, err) in zip(racers, outputs, strict=True):
        assert racer.returncode == 0, err
    said = sorted(out.strip() for out, _err in outputs)
    assert said[0] == "issued"
    assert said[1].startswith("refused:") and "còn 1" in said[1]
    assert ledger.stock(COMMUNE, "nap_day").in_stock == 1
    service.catch_up()
    with service.read() as conn:
        (lids,) = [s for s in hq.supply_figures(conn, COMMUNE, Period(date(2023, 1, 1),
                                                                      date(2023, 12, 31)))
                   if s.item == "nap_day"]
    assert (lids.received, lids.issued, lids.in_stock) == (5, 4, 1)
