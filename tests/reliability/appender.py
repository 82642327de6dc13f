"""A second process handing one dossier over again and again, as another
worker of the server would: ``python -m tests.reliability.appender URL CODE
ATTEMPTS``. It says "ready", waits for a line on its input, then prints one
line per attempt: "ok" once the event is committed, or "conflict" and the
message a user would see."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from app.service import LedgerService
from events.base import acting_as
from events.errors import InvalidTransition
from tests.conftest import COMMUNE, ZONE

HOLDERS = ("chuyenvien", "dc-officer", "tp-officer")


def attempt(svc: LedgerService, code: str, n: int) -> str:
    """Every hand-over at the same moment, so that none is refused for its
    time: only for the dossier having moved on since it was read."""
    at = datetime.now(ZONE).replace(minute=0, second=0, microsecond=0)
    try:
        with acting_as("cb"):
            svc.ledger.hand_over(COMMUNE, code, at, HOLDERS[n % len(HOLDERS)], f"Bước {n}",
                                 at.date() + timedelta(days=30))
    except InvalidTransition as refused:
        return f"conflict {refused}"
    return "ok"


def main(url: str, code: str, attempts: int) -> None:
    svc = LedgerService(url, page_size=1000)
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(attempts):
        print(attempt(svc, code, n), flush=True)
    svc.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
