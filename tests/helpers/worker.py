"""A separate process for crash and concurrency tests.

    python -m tests.helpers.worker URL record PREFIX COUNT [--no-projection] [--kill]
    python -m tests.helpers.worker URL project [--kill-at N]

``record`` receives and resolves COUNT dossiers, one command per
transaction, catching up after each as a web worker does; ``--no-projection``
skips the catch-up and ``--kill`` then SIGKILLs the process, so the events
are committed while the projections were never told. ``project`` catches up
in pages of 10, and with ``--kill-at`` SIGKILLs itself while applying the
N-th dossier event.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import date

from app.service import LedgerService
from events.base import acting_as
from projections.dossiers import DossierProjection
from tests.conftest import COMMUNE, vn


def record(service: LedgerService, prefix: str, count: int, project: bool) -> None:
    ledger = service.ledger
    with acting_as(f"worker-{prefix}"):
        for n in range(count):
            code = f"{prefix}-{n:05d}"
            run = service.record if project else (lambda f, *a: f(*a))
            run(ledger.receive_dossier, COMMUNE, code, "1.0", "Lê Văn C", "truc_tuyen",
                "toan_trinh", vn(2023, 3, 1, 9), date(2023, 3, 10))
            if n % 2 == 0:
                run(ledger.resolve_dossier, COMMUNE, code, vn(2023, 3, 2, 9), True, False)


def project_then_die(service: LedgerService, kill_at: int) -> None:
    seen = [0]
    original = DossierProjection.received

    def received(self, rows, event):  # type: ignore[no-untyped-def]
        seen[0] += 1
        if seen[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        original(self, rows, event)

    DossierProjection.handlers[original.handled_topic] = received
    service.engine.catch_up()


def main(argv: list[str]) -> None:
    url, action = argv[0], argv[1]
    service = LedgerService(url, page_size=10)
    if action == "record":
        record(service, argv[2], int(argv[3]), "--no-projection" not in argv)
        if "--kill" in argv:
            os.kill(os.getpid(), signal.SIGKILL)
    elif action == "project" and "--kill-at" in argv:
        project_then_die(service, int(argv[argv.index("--kill-at") + 1]))
    elif action == "project":
        service.engine.catch_up()
    service.close()


if __name__ == "__main__":
    main(sys.argv[1:])
