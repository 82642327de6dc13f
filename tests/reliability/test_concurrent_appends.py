"""Sixteen threads and four processes hand the same dossier over at once, on
SQLite and PostgreSQL: every acknowledged event is stored, no version twice
or missing, and every refusal is the clear, retryable message a user acting
on a stale dossier sees."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from app.service import LedgerService
from events.base import acting_as
from events.dossiers import Dossier
from tests.conftest import COMMUNE, ZONE
from tests.reliability.appender import attempt

THREADS, PROCESSES, ATTEMPTS = 16, 4, 8
CODE = "DONG-THOI-1"
STALE = "vừa được người khác cập nhật; hãy tải lại trang"
ROOT = Path(__file__).resolve().parents[2]


def test_every_acknowledged_event_is_stored_once_and_conflicts_say_reload(counter, database_url):
    svc: LedgerService = counter
    with acting_as("cb"):
        svc.ledger.receive_dossier(COMMUNE, CODE, "2.000894", "Lê Văn Đồng", "truc_tiep", "",
                                   datetime.now(ZONE).replace(minute=0) - timedelta(hours=1))
    others = [subprocess.Popen([sys.executable, "-m", "tests.reliability.appender",
                                database_url, CODE, str(ATTEMPTS)], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
              for _ in range(PROCESSES)]
    for process in others:
        assert process.stdout.readline().strip() == "ready"
    answers: list[str] = []
    start = threading.Barrier(THREADS + 1)

    def hand_over(offset: int) -> None:
        start.wait()
        mine = [attempt(svc, CODE, offset * ATTEMPTS + n) for n in range(ATTEMPTS)]
        answers.extend(mine)

    threads = [threading.Thread(target=hand_over, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for process in others:
        process.stdin.write("go\n")
        process.stdin.flush()
    start.wait()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    for process in others:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        answers += out.splitlines()

    assert len(answers) == (THREADS + PROCESSES) * ATTEMPTS
    acknowledged = answers.count("ok")
    refused = [a for a in answers if a != "ok"]
    assert all(a.startswith("conflict ") and STALE in a for a in refused), set(refused)
    assert acknowledged >= 1 and refused  # they did collide, and some got through
    stored = [e.originator_version for e in svc.ledger.events.get(Dossier.id_for(COMMUNE, CODE))]
    assert stored == list(range(1, len(stored) + 1))  # no version twice, none missing
    assert len(stored) == 1 + acknowledged  # the receipt, then every acknowledged hand-over
    svc.engine.catch_up()
    with svc.read() as conn:
        trail = conn.exec_driver_sql(
            "SELECT count(*) FROM audit_trail WHERE kind = 'HandedOver'").scalar_one()
    assert trail == acknowledged  # projected exactly once each
