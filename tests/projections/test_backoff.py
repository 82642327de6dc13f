"""A projection that has failed is not retried by every request and every poll:
it waits, longer after each failure, while status and ``/healthz`` still say
it failed."""

from __future__ import annotations

from datetime import date

import pytest

from app.service import LedgerService
from events.base import acting_as
from projections.dossiers import DossierProjection
from projections.engine import BACKOFF_FIRST_SECONDS, BACKOFF_MAX_SECONDS, Backoff, ProjectionFailed
from tests.conftest import COMMUNE, log_in, vn
from tests.projections.test_engine import counts, dossier_status, receive

RECEIVED = DossierProjection.received.handled_topic


class Clock:
    """The engine's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def broken(monkeypatch):  # type: ignore[no-untyped-def]
    """The dossiers' receipt handler raises; returns the events it was called with."""
    calls = []

    def handler(self, rows, event):  # type: ignore[no-untyped-def]
        calls.append(event)
        raise RuntimeError("handler bug")

    monkeypatch.setitem(DossierProjection.handlers, RECEIVED, handler)
    return calls


def with_clock(service: LedgerService) -> Clock:
    clock = Clock()
    service.engine.clock = clock
    return clock


def test_requests_within_the_wait_leave_a_failed_projection_alone(service, broken,
                                                                   monkeypatch):
    clock = with_clock(service)
    receive(service, "A")  # a command's catch-up: the first failure
    assert len(broken) == 1
    for n in range(5):
        receive(service, f"B-{n}")  # commands of other clerks
        assert service.catch_up(budget=5.0)  # polls
    assert len(broken) == 1
    status = dossier_status(service)
    assert status.behind == 6 and "handler bug" in (status.error or "")
    assert all(s.behind == 0 for s in service.engine.status() if s.name != "dossiers")

    clock.now += BACKOFF_FIRST_SECONDS
    service.catch_up()
    assert len(broken) == 2  # retried once the wait is over, and failed again
    clock.now += BACKOFF_FIRST_SECONDS
    service.catch_up()
    assert len(broken) == 2  # the second wait is twice as long
    clock.now += BACKOFF_FIRST_SECONDS
    service.catch_up()
    assert len(broken) == 3
    assert "handler bug" in (dossier_status(service).error or "")

    monkeypatch.undo()  # the cause is fixed
    clock.now += 4 * BACKOFF_FIRST_SECONDS
    service.catch_up()
    assert dossier_status(service).error is None and counts(service).received == 6
    assert service.engine.backoff == {}


def test_the_wait_grows_to_a_few_minutes_and_no_further():
    backoff = Backoff(0, 0.0)
    waits = []
    for _ in range(10):
        backoff = backoff.after_another(0.0)
        waits.append(backoff.until)
    assert waits[:4] == [BACKOFF_FIRST_SECONDS * k for k in (1, 2, 4, 8)]
    assert max(waits) == BACKOFF_MAX_SECONDS == waits[-1]


def test_a_catch_up_run_by_hand_retries_at_once(service, broken):
    with_clock(service)
    receive(service, "A")
    with pytest.raises(ProjectionFailed, match="handler bug"):
        service.engine.catch_up()
    assert len(broken) == 2


def test_the_wait_ends_when_another_process_has_mended_the_projection(service, broken,
                                                                      database_url,
                                                                      monkeypatch):
    """The error clears on the shared position row (another worker caught up,
    or a rebuild swapped in): this worker's next command is projected at once."""
    with_clock(service)
    receive(service, "A")
    assert service.engine.backoff
    monkeypatch.undo()
    other = LedgerService(database_url)
    try:
        other.engine.catch_up()
    finally:
        other.close()
    receive(service, "B")
    assert counts(service).received == 2 and dossier_status(service).behind == 0


def test_a_rebuild_ends_the_wait(service, broken, monkeypatch):
    with_clock(service)
    receive(service, "A")
    monkeypatch.undo()
    service.engine.rebuild("dossiers")
    assert service.engine.backoff == {} and counts(service).received == 1


def test_polls_do_not_retry_and_health_says_degraded(app, broken):
    svc = app.extensions["ledger"]
    with_clock(svc)
    client = app.test_client()
    assert log_in(client).status_code == 302
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, "H-1", "1.0", "Đỗ Thu Hà",
                   "truc_tiep", "", vn(2026, 1, 5, 9), date(2026, 1, 6))
    assert len(broken) == 1
    for _ in range(5):
        assert client.get("/dashboard/counts").status_code == 200
        assert client.get("/").status_code == 200
    assert len(broken) == 1
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded" and health.json["failing"] == ["dossiers"]
    assert health.json["behind"] == 1
