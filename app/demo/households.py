"""The demo's waste-sorting model (phân loại, xử lý rác thải hữu cơ tại nguồn)
in its three villages, as report 52/BC-UBND tells it: 1,101 households, 901
sorting at the end of June 2023 (81,8%); a pilot of 2022; 266 bin lids and
1,500 microbial packets received; a first round in January (one lid and two
packets a household: Mỹ Đức 85, Mạc 91, Kiêm Tân 80), then one packet for
each household joining from February, so the villages got 85/91/80 lids and
380/360/380 packets; a monitoring group per village; a round of checks in
June. Heads of household are made up."""

from __future__ import annotations

import random
from datetime import date

from app.demo.dossiers import person
from events.application import Ledger
from events.base import acting_as
from events.workdays import WorkCalendar

Village = tuple[str, int, int, int, int, tuple[int, ...], int]
# name, households registered in September 2022, new households in 2023,
# the 2022 pilot, the January round, those joining by month from February,
# and those who stopped in May.
VILLAGES: tuple[Village, ...] = (
    ("Mỹ Đức", 373, 7, 14, 85, (62, 50, 42, 32, 24), 2),
    ("Mạc", 345, 7, 15, 91, (52, 44, 36, 26, 20), 2),
    ("Kiêm Tân", 363, 6, 14, 80, (64, 52, 44, 34, 26), 2),
)
SURVEYED, PILOT, FIRST_ROUND = date(2022, 9, 12), date(2022, 10, 17), date(2023, 1, 16)
MONTHLY = (date(2023, 2, 20), date(2023, 3, 20), date(2023, 4, 17), date(2023, 5, 22),
           date(2023, 6, 19))
STOPPED, CHECKED = date(2023, 5, 15), date(2023, 6, 12)
RECEIVED = date(2023, 1, 9)
SUPPLIER, DELIVERY = "UBND huyện Tứ Kỳ", "Biên bản giao nhận 01/BB-UBND"
OFFICER = "chuyenmon"


def record(ledger: Ledger, commune: str, rng: random.Random) -> None:
    with acting_as("admin"):
        codes = [ledger.add_village(commune, v[0]) for v in VILLAGES]
    with acting_as(OFFICER), ledger.batch() as batch:
        _stock(ledger, commune)
        for village, code in zip(VILLAGES, codes, strict=True):
            _village(ledger, commune, code, village, rng)
        batch.save()


def _stock(ledger: Ledger, commune: str) -> None:
    ledger.receive_supplies(commune, "nap_day", 266, SUPPLIER, DELIVERY, RECEIVED)
    ledger.receive_supplies(commune, "men_vi_sinh", 1500, SUPPLIER, DELIVERY, RECEIVED)


def _village(ledger: Ledger, commune: str, code: str, village: Village, rng: random.Random
             ) -> None:
    name, old, new, pilot, first, monthly, stopped = village
    prefix = code.upper().replace("-", "")[:3]
    households = [f"{prefix}-{n:04d}" for n in range(1, old + new + 1)]
    for n, household in enumerate(households):
        on = SURVEYED if n < old else WorkCalendar().on_or_after(date(2023, 2 + n % 5,
                                                                        3 + n % 20))
        ledger.register_household(commune, household, code, person(rng),
                                  f"Xóm {1 + n % 6}, thôn {name}", on)
    order = rng.sample(households[:old], pilot + first + sum(monthly))
    ledger.enrol_households(commune, order[:pilot], PILOT)
    joined = order[pilot:pilot + first]
    ledger.enrol_households(commune, joined, FIRST_ROUND)
    receiver = person(rng)
    ledger.issue_supplies(commune, "nap_day", first, FIRST_ROUND, village=code,
                          receiver=receiver)
    ledger.issue_supplies(commune, "men_vi_sinh", 2 * first, FIRST_ROUND, village=code,
                          receiver=receiver)
    start = pilot + first
    for day, count in zip(MONTHLY, monthly, strict=True):
        ledger.enrol_households(commune, order[start:start + count], day)
        ledger.issue_supplies(commune, "men_vi_sinh", count, day, village=code,
                              receiver=receiver)
        start += count
    for household in order[pilot + first:pilot + first + stopped]:
        ledger.stop_household(commune, household, STOPPED,
                              "Gia đình chuyển đi nơi khác, không còn thực hiện")
    sorting = order[:pilot + first] + order[pilot + first + stopped:start]
    group = sorted(rng.sample(order[:pilot + first], rng.randint(45, 58)))
    ledger.set_monitoring_group(commune, code, person(rng), group)
    checked = rng.sample(sorting[:pilot + first + sum(monthly[:3])], 40)
    ledger.check_households(commune, [(h, rng.random() < 0.85, "") for h in checked],
                            CHECKED, person(rng))
