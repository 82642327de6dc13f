"""The projection engine: exactly once, through crashes, reruns, rebuilds and
concurrent workers, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import importlib
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from events.base import acting_as
from events.errors import AlreadyExists
from projections import queries
from projections.directory import UserProjection
from projections.dossiers import DossierProjection, DossierRow
from projections.engine import ProjectionFailed, Rows
from projections.periods import Period
from projections.tallies import DossierTallyRow
from tests.conftest import COMMUNE, PROCEDURES, list_procedures, open_service, vn

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS = DossierRow.__table__  # type: ignore[attr-defined]
TALLIES = DossierTallyRow.__table__  # type: ignore[attr-defined]


def worker(url: str, *args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-m", "tests.helpers.worker", url, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def start_worker(url: str, *args: str) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.worker", url, *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(workers: list[subprocess.Popen]) -> None:  # type: ignore[type-arg]
    """Wait for every worker before judging any: one left running would hold
    locks on the schema the test is about to drop."""
    errors = [process.communicate(timeout=300)[1] for process in workers]
    for process, err in zip(workers, errors, strict=True):
        assert process.returncode == 0, err


def dossier_rows(service):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return [tuple(r) for r in conn.execute(select(DOSSIERS).order_by(DOSSIERS.c.id))]


def tally_rows(service):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return [tuple(r) for r in conn.execute(select(TALLIES).order_by(
            *TALLIES.primary_key.columns))]


def counts(service, period="2023"):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return queries.dossier_counts(conn, COMMUNE, Period.parse(period), date(2023, 12, 31))


def dossier_status(service):  # type: ignore[no-untyped-def]
    return next(s for s in service.engine.status() if s.name == "dossiers")


def receive(service, code, channel="truc_tuyen", at=vn(2023, 2, 1, 9),  # type: ignore[no-untyped-def]
            due=date(2023, 2, 6)):
    mode = "toan_trinh" if channel == "truc_tuyen" else ""
    with acting_as("canbo"):
        service.record(service.ledger.receive_dossier, COMMUNE, code, "1.0", "Đỗ Thu Hà",
                       channel, mode, at, due)


def resolve(service, code, at, digitised=True, e_certified=False):  # type: ignore[no-untyped-def]
    with acting_as("canbo"):
        service.record(service.ledger.resolve_dossier, COMMUNE, code, at, digitised, e_certified)


def test_a_page_hands_over_each_row_it_changed_as_it_was_and_as_it_is():
    """What a projection's counts move by: a new row (nothing before), and
    a stored row as stored and as the page left it; a row the page changed
    outside what is counted, or changed and changed back, moves nothing."""
    rows = Rows(DOSSIERS, counted=lambda row: row["status"])
    rows.loaded = {key: {"id": key, "status": "a", "holder": "x"} for key in "ABC"}
    rows.update("A", status="b")
    rows.update("A", status="c")
    rows.update("B", holder="y")
    rows.update("C", status="b")
    rows.update("C", status="a")
    rows.insert_row("N", {"status": "n"})
    assert list(rows.changed()) == [(None, "n"), ("a", "c")]
    assert rows.loaded["A"]["status"] == "c" and set(rows.dirty) == {"A", "B", "C"}


def test_counts_for_a_period_follow_the_events(service):
    receive(service, "OLD", at=vn(2022, 12, 28, 9), due=date(2023, 1, 4))
    receive(service, "A", "truc_tuyen", vn(2023, 1, 5, 9), date(2023, 1, 10))
    receive(service, "B", "truc_tiep", vn(2023, 1, 6, 9), date(2023, 1, 11))
    receive(service, "C", "buu_chinh", vn(2023, 2, 1, 9), date(2023, 2, 3))
    resolve(service, "A", vn(2023, 1, 9, 10), digitised=True, e_certified=True)
    resolve(service, "OLD", vn(2023, 1, 3, 10), digitised=False)
    c = counts(service, "2023-01")
    assert (c.carried_over, c.received, c.resolved, c.in_progress) == (1, 2, 2, 1)
    assert c.by_channel == {"truc_tiep": 1, "truc_tuyen": 1, "buu_chinh": 0}
    assert c.online_rate == 0.5 and c.digitised_rate == 0.5 and c.e_certified == 1
    assert c.in_progress_overdue == 1  # B was due 11 January and is still open
    february = counts(service, "2023-02")
    assert (february.carried_over, february.received, february.in_progress) == (1, 1, 2)
    assert counts(service, "2024").received == 0 and counts(service, "2024").online_rate is None


def test_a_command_brings_projections_up_to_date_before_it_returns(service):
    receive(service, "A")
    assert counts(service).received == 1
    assert all(s.behind == 0 for s in service.engine.status())


def with_unprojected_receipts(database_url: str, page_size: int):  # type: ignore[no-untyped-def]
    """A service whose log ends with 40 receipts no projection has seen."""
    service = open_service(database_url, page_size=page_size)
    with acting_as("system"):
        service.ledger.register_commune(COMMUNE, "Quảng Nghiệp")
        list_procedures(service, COMMUNE)
        for n in range(40):
            service.ledger.receive_dossier(COMMUNE, f"P-{n}", "1.0", "X", "truc_tiep", "",
                                           vn(2023, 3, 1, 9), date(2023, 3, 9))
    return service


def test_pages_cover_the_log_exactly_once(database_url):
    service = with_unprojected_receipts(database_url, page_size=7)
    service.engine.catch_up()
    status = dossier_status(service)
    assert counts(service).received == 40
    head = 1 + len(PROCEDURES) + 40
    assert (status.position, status.events_applied) == (head, 40)
    service.close()


def test_a_catch_up_with_a_spent_budget_stops_after_one_page(database_url, monkeypatch):
    """A request that finds a long replay under way does one page of it and
    answers; whoever comes next goes on from there, and nothing is lost."""
    service = with_unprojected_receipts(database_url, page_size=10)
    start = dossier_status(service).position  # the catalogue was caught up as listed
    service.engine.catch_up(budget=0)
    assert dossier_status(service).position == start + 10
    # As a web request does (``app.service`` the name is the app's accessor).
    monkeypatch.setattr(importlib.import_module("app.service"), "REQUEST_CATCH_UP_SECONDS", 0)
    with acting_as("canbo"):
        service.record(service.ledger.receive_dossier, COMMUNE, "P-40", "1.0", "X",
                       "truc_tiep", "", vn(2023, 3, 1, 9), date(2023, 3, 9))
    assert dossier_status(service).position == start + 20
    service.engine.catch_up()
    status = dossier_status(service)
    assert (status.behind, status.events_applied) == (0, 41)
    assert counts(service).received == 41
    service.close()


def test_rebuild_yields_rows_identical_to_incremental(service):
    for n in range(25):
        receive(service, f"R-{n:02d}", ("truc_tuyen", "truc_tiep")[n % 2])
        if n % 3 == 0:
            resolve(service, f"R-{n:02d}", vn(2023, 2, 2, 9), digitised=n % 2 == 0)
    incremental, tallies = dossier_rows(service), tally_rows(service)
    assert len(incremental) == 25 and tallies
    service.engine.rebuild("dossiers")
    assert dossier_rows(service) == incremental and tally_rows(service) == tallies
    assert dossier_status(service).events_applied == 25 + 9


def test_events_committed_while_projections_were_never_told_count_once(service, database_url):
    """The process records, then is killed before any projection runs."""
    result = worker(database_url, "record", "K", "30", "--no-projection", "--kill")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert counts(service).received == 0 and dossier_status(service).behind == 45
    service.engine.catch_up()
    service.engine.catch_up()  # a rerun finds nothing left to do
    c = counts(service)
    assert (c.received, c.resolved) == (30, 15)
    assert dossier_status(service).events_applied == 45


def test_a_projection_killed_mid_page_resumes_exactly_once(service, database_url):
    """Killed while applying the 25th dossier: two pages of ten committed,
    the third rolled back; the restart applies the rest once."""
    worker(database_url, "record", "M", "40", "--no-projection")
    result = worker(database_url, "project", "--kill-at", "25")
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert 0 < dossier_status(service).position < service.engine.head()
    service.engine.catch_up()
    c = counts(service)
    assert (c.received, c.resolved) == (40, 20)
    assert dossier_status(service).events_applied == 60


def test_two_workers_recording_and_catching_up_at_once(service, database_url):
    workers = [start_worker(database_url, "record", prefix, "60") for prefix in "XY"]
    finish(workers)
    status = dossier_status(service)
    assert status.behind == 0
    assert status.events_applied == 2 * (60 + 30)
    c = counts(service)
    assert (c.received, c.resolved) == (120, 60)


def test_a_failing_handler_stops_its_projection_loudly(service, monkeypatch, caplog):
    receive(service, "A")
    stopped_at = service.engine.head() + 1

    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    topic = DossierProjection.received.handled_topic
    monkeypatch.setitem(DossierProjection.handlers, topic, broken)
    receive(service, "B")  # the event is recorded; the projection stops before it
    status = dossier_status(service)
    assert status.behind == 1 and "handler bug" in (status.error or "")
    assert f"before event {stopped_at}" in status.error
    assert "handler bug" in caplog.text
    with pytest.raises(ProjectionFailed):
        service.engine.catch_up()
    assert counts(service).received == 1
    others = [s for s in service.engine.status() if s.name != "dossiers"]
    assert all(s.behind == 0 for s in others)
    monkeypatch.undo()
    service.engine.catch_up()
    assert counts(service).received == 2 and dossier_status(service).error is None


def test_projections_stopped_at_different_events_catch_up_together(service, monkeypatch):
    """Two projections stop at different events (a handler bug each); once
    fixed, the one further behind is brought to the other, then both move
    as one, and each event counts once in each."""
    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setitem(DossierProjection.handlers, DossierProjection.received.handled_topic,
                        broken)
    receive(service, "A")
    monkeypatch.setitem(UserProjection.handlers, UserProjection.registered.handled_topic,
                        broken)
    with acting_as("system"):
        service.record(service.ledger.register_user, "lan", "clerk", COMMUNE,
                       full_name="Phạm Thị Lan")
        # A second receipt of code A records nothing, but on PostgreSQL it
        # draws a notification id first: the log then has a gap.
        with pytest.raises(AlreadyExists):
            service.record(service.ledger.receive_dossier, COMMUNE, "A", "1.0", "X",
                           "truc_tiep", "", vn(2023, 2, 1, 9), date(2023, 2, 6))
    receive(service, "B")
    stuck = {s.name: s for s in service.engine.status() if s.behind}
    assert set(stuck) == {"dossiers", "users"}
    assert stuck["dossiers"].position < stuck["users"].position
    monkeypatch.undo()
    service.engine.catch_up()
    status = {s.name: s for s in service.engine.status()}
    assert all(s.behind == 0 and s.error is None for s in status.values())
    assert status["dossiers"].events_applied == 2 and counts(service).received == 2
    with service.read() as conn:
        assert queries.staff_names(conn, ["lan"]) == {"lan": "Phạm Thị Lan"}


def test_workers_catching_up_the_same_backlog_apply_each_event_once(service, database_url):
    """Resolutions only update rows, so nothing but the engine's lock on the
    position keeps three workers from applying the same page three times."""
    with acting_as("canbo"):
        for n in range(1500):
            service.ledger.receive_dossier(COMMUNE, f"Q-{n}", "1.0", "X", "truc_tiep", "",
                                           vn(2023, 3, 1, 9), date(2023, 3, 9))
    service.engine.catch_up()
    applied = dossier_status(service).events_applied
    with acting_as("canbo"):
        for n in range(1500):
            service.ledger.resolve_dossier(COMMUNE, f"Q-{n}", vn(2023, 3, 2, 9), True, False)
    finish([start_worker(database_url, "project") for _ in range(3)])
    status = dossier_status(service)
    assert (status.behind, status.events_applied) == (0, applied + 1500)
    assert counts(service).resolved == 1500
