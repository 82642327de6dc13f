"""One of two processes racing to issue the last units of a supply item.

    python -m tests.households.race_worker URL BARRIER NAME QUANTITY

Each reads the stock, then waits until every racer has read it (a file per
racer in the directory BARRIER) before it records: both then try to take the
stock's next version. Prints ``issued`` or ``refused: MESSAGE``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.service import LedgerService
from events.application import Ledger
from events.base import acting_as
from events.errors import DomainError
from tests.conftest import COMMUNE

RACERS = 2


def main(url: str, barrier: Path, name: str, quantity: int) -> None:
    service = LedgerService(url)
    reads = [0]
    original = Ledger.stock

    def stock_then_wait(self, commune, item):  # type: ignore[no-untyped-def]
        found = original(self, commune, item)
        reads[0] += 1
        if reads[0] == 1:  # the first read only: a retry reads the stock as it now is
            (barrier / name).touch()
            while len(list(barrier.iterdir())) < RACERS:
                pass  # the other racer has not read the stock yet
        return found

    Ledger.stock = stock_then_wait  # type: ignore[method-assign]
    try:
        with acting_as(f"racer-{name}"):
            service.ledger.issue_supplies(COMMUNE, "nap_day", quantity, date(2023, 3, 1),
                                          village="mac", receiver=f"Người nhận {name}")
        print("issued")
    except DomainError as error:
        print(f"refused: {error.message}")
    finally:
        service.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
