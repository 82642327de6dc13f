"""The database file becomes read-only under load, then writable again, on
SQLite: while it is read-only nothing is recorded and a clerk is told why;
as soon as it is writable every worker records again by itself, the one
started while it was read-only included, with no restart."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app import create_app
from app.service import LedgerService
from events.base import acting_as
from tests.conftest import COMMUNE, app_on, csrf_token, log_in, vn

WAIT = 30  # seconds a worker may take to show what the test waits for


@contextmanager
def read_only(database: Path) -> Iterator[None]:
    """The database and its write-ahead log made immutable, as a disk gone
    read-only leaves them: no one, root included, may write them. (Its
    shared-memory index stays writable: SQLite maps it, and readers need it.)"""
    files = [str(database), f"{database}-wal"]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)


class Worker:
    """A server worker's ledger, receiving dossiers in a loop on a thread of
    its own, and what each receipt came to."""

    def __init__(self, name: str, svc: LedgerService) -> None:
        self.name, self.svc = name, svc
        self.outcomes: list[tuple[float, bool]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.count = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.count += 1
            try:
                with acting_as("canbo"):
                    self.svc.record(self.svc.ledger.receive_dossier, COMMUNE,
                                    f"{self.name}-{self.count}", "2.000894", "Lê Văn Đĩa",
                                    "truc_tiep", "", vn(2026, 3, 2, 9))
                self.outcomes.append((time.monotonic(), True))
            except Exception:  # noqa: BLE001 - every failure is counted, none hidden
                self.outcomes.append((time.monotonic(), False))
                time.sleep(0.02)

    def since(self, moment: float) -> list[bool]:
        return [ok for at, ok in list(self.outcomes) if at > moment]


def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_workers_record_nothing_while_read_only_and_recover_by_themselves(template_database,
                                                                         tmp_path):
    first = app_on(template_database, tmp_path)
    url = first.config["DATABASE_URL"]
    database = Path(url.removeprefix("sqlite:///"))
    clerk = first.test_client()
    assert log_in(clerk).status_code == 302
    token = csrf_token(clerk.get("/").text)
    workers = [Worker("A", first.extensions["ledger"])]
    workers[0].thread.start()
    until(lambda: workers[0].since(0).count(True) >= 5, "the first worker records")
    with read_only(database):
        frozen = time.monotonic()
        until(lambda: False in workers[0].since(frozen), "a write fails on the read-only disk")
        head = first.extensions["ledger"].engine.head()
        # A worker started while the disk is read-only: its connections are
        # opened read-only.
        second = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret",
                             "TESTING": True, "ID_HASH_KEY": "test-id-hash-key"})
        workers.append(Worker("B", second.extensions["ledger"]))
        workers[1].thread.start()
        until(lambda: workers[1].since(frozen).count(False) >= 3, "the new worker is refused")
        assert all(True not in w.since(frozen + 0.5) for w in workers)
        receipt = clerk.post("/dossiers", headers={"HX-Request": "true"}, data={
            "csrf_token": token, "code": "QUAY-1", "procedure_code": "2.000894",
            "applicant": "Hà Văn Sơn", "channel": "truc_tiep", "online_mode": "",
            "received_at": "2026-03-02T10:00", "due_date": ""})
        assert receipt.status_code == 503
        assert "tạm thời không ghi được" in receipt.text and "chưa được ghi nhận" in receipt.text
        assert clerk.get("/").status_code == 200  # pages still read
        assert second.extensions["ledger"].engine.head() == head  # nothing recorded
    writable = time.monotonic()
    for worker in workers:
        until(lambda: worker.since(writable).count(True) >= 10,
              f"worker {worker.name} records again")
    for worker in workers:
        worker.stop.set()
        worker.thread.join(timeout=WAIT)
        after = worker.since(writable)
        first_ok = after.index(True)
        assert False not in after[first_ok:], f"worker {worker.name} failed after recovering"
    svc = second.extensions["ledger"]
    svc.catch_up()
    with svc.read() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()
    stored = sum(w.since(0).count(True) for w in workers)
    assert rows == stored + 0  # every acknowledged receipt, once
    for app in (first, second):
        app.extensions["ledger"].close()
