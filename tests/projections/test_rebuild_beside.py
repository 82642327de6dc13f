"""``projections rebuild`` builds the new read model beside the live one and
swaps it in once it has caught up: meanwhile reads see the old rows, log-in
lookups work and commands are projected; afterwards the rows are those of a
replay, events recorded during the rebuild included, with the live tables'
indexes and constraints. A projection's every table is rebuilt so: the
dossiers' tallies kept by day as well as their rows."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, event, func, insert, inspect, select, update

from app.service import LedgerService
from app.throttle import lock_for
from events.base import acting_as
from projections import queries
from projections.audit_trail import AuditTrailProjection
from projections.db import SHADOW_SUFFIX
from projections.dossiers import DossierProjection
from projections.engine import POSITIONS, ProjectionFailed, _now
from projections.seal import SealProjection
from tests.conftest import COMMUNE, vn
from tests.projections.test_engine import dossier_rows, receive, resolve

ADDRESS = "10.0.0.9"


def seed(service: LedgerService) -> None:
    for n in range(12):
        receive(service, f"R-{n:02d}", ("truc_tuyen", "truc_tiep")[n % 2])
        if n % 3 == 0:
            resolve(service, f"R-{n:02d}", vn(2023, 2, 2, 9))
    with acting_as("system"):
        service.record(service.ledger.register_user, "lan", "clerk", COMMUNE,
                       full_name="Phạm Thị Lan")


def tables(service: LedgerService) -> list[str]:
    return [t.name for p in service.engine.projections.values() for t in p.tables()]


def read_model(service: LedgerService) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, in key order, by table."""
    with service.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
            select(t).order_by(*t.primary_key.columns))]
            for p in service.engine.projections.values() for t in p.tables()}


def shape(service: LedgerService, table: str) -> tuple[Any, ...]:
    """A table's key, indexes and unique constraints, names included, as the
    database reports them."""
    with service.read() as conn:
        found = inspect(conn)
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                         for i in found.get_indexes(table))
        uniques = sorted((u["name"], tuple(u["column_names"]))
                         for u in found.get_unique_constraints(table))
        key = found.get_pk_constraint(table)
        return (key["name"], tuple(key["constrained_columns"])), indexes, uniques


def leftovers(service: LedgerService) -> list[str]:
    """A rebuild's position rows, then its tables, each in name order (the
    database lists tables in an order of its own)."""
    with service.read() as conn:
        rows = conn.execute(select(POSITIONS.c.name)
                            .where(POSITIONS.c.name.like(f"%{SHADOW_SUFFIX}"))
                            .order_by(POSITIONS.c.name)).scalars()
        return [*rows, *sorted(t for t in inspect(conn).get_table_names()
                               if t.endswith(SHADOW_SUFFIX))]


class Pauses:
    """The rebuild's progress callback: it stops the rebuild (between two
    pages, holding no transaction) at the first page and again once every
    new table has reached ``head``, until the test lets it go on."""

    def __init__(self, projections: int, head: int) -> None:
        self.seen, self.marks = 0, [1, projections * head]
        self.reached, self.resume = threading.Event(), threading.Event()

    def __call__(self, count: int) -> None:
        self.seen += count
        if self.marks and self.seen >= self.marks[0]:
            self.marks.pop(0)
            self.resume.clear()
            self.reached.set()
            assert self.resume.wait(60), "the test never let the rebuild go on"

    @contextmanager
    def paused(self) -> Iterator[None]:
        assert self.reached.wait(60), "the rebuild never got there"
        self.reached.clear()
        try:
            yield
        finally:
            self.resume.set()


def in_thread(action: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # noqa: BLE001 — reported by the test
            outcome.append(error)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_reads_log_in_and_commands_work_while_a_rebuild_runs(service, database_url):
    seed(service)
    before, shapes = read_model(service), {t: shape(service, t) for t in tables(service)}
    rebuilder = LedgerService(database_url)  # as `projections rebuild` in its own process
    rebuilder.engine.rebuild_page_size = 5
    names = list(rebuilder.engine.projections)
    pauses = Pauses(len(names), service.engine.head())
    thread, outcome = in_thread(lambda: rebuilder.engine.rebuild(*names, progress=pauses))
    try:
        with pauses.paused():  # one page into the new tables
            assert read_model(service) == before
            with service.read() as conn:
                assert inspect(conn).has_table(f"dossier{SHADOW_SUFFIX}")
                lan = queries.account_by_name(conn, "lan")
                assert lan is not None and lan.full_name == "Phạm Thị Lan"
                assert lock_for(conn, "lan", ADDRESS, _now()) is None
            receive(service, "DURING-1")  # a command, projected into the live tables
            assert len(dossier_rows(service)) == 13
        with pauses.paused():  # the new tables have reached the head as it was
            receive(service, "DURING-2")
            with acting_as("canbo"):  # recorded, not yet projected anywhere
                service.ledger.resolve_dossier(COMMUNE, "R-01", vn(2023, 2, 3, 9), True, False)
                service.ledger.receive_dossier(COMMUNE, "DURING-3", "1.0", "Lê Văn C",
                                               "truc_tiep", "", vn(2023, 2, 1, 10),
                                               date(2023, 2, 6))
        thread.join(120)
    finally:
        pauses.resume.set()
        thread.join(120)
        rebuilder.close()
    assert outcome == [outcome[0]] and not isinstance(outcome[0], BaseException), outcome
    rebuilt = read_model(service)
    assert [s for s in service.engine.status() if s.behind or s.error] == []
    service.engine.catch_up()
    incremental = read_model(service)  # unchanged: the swap took in DURING-3
    assert rebuilt == incremental
    assert len(incremental["dossier"]) == 15
    assert incremental["dossier_tally"]  # kept as the rows were
    assert {t: shape(service, t) for t in tables(service)} == shapes
    assert leftovers(service) == []
    # The same rows as a replay from scratch with nothing going on.
    service.engine.rebuild(*names)
    assert read_model(service) == incremental


def test_a_swapped_in_table_keeps_its_constraints(service):
    seed(service)
    service.engine.rebuild("dossiers")
    with service.read() as conn:
        count = conn.execute(select(func.count()).select_from(DossierProjection.table))
        assert count.scalar_one() == 12
    with pytest.raises(Exception, match="(?i)unique"), service.write() as conn:
        row = conn.execute(select(DossierProjection.table).limit(1)).mappings().one()
        conn.execute(DossierProjection.table.insert().values({**row, "id": "another"}))


def test_a_rebuild_that_fails_leaves_the_live_read_model_as_it_was(service, monkeypatch):
    seed(service)
    before = read_model(service)
    statuses = {s.name: s for s in service.engine.status()}

    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setitem(DossierProjection.handlers, DossierProjection.received.handled_topic,
                        broken)
    with pytest.raises(ProjectionFailed, match="projection dossiers stopped"):
        service.engine.rebuild(*service.engine.projections)
    assert read_model(service) == before
    after = {s.name: s for s in service.engine.status()}
    assert after["dossiers"] == statuses["dossiers"]  # its position, count and no error
    assert all(s.behind == 0 and s.error is None for s in after.values())
    assert leftovers(service) == []


def test_a_rebuild_left_behind_by_a_dead_process_is_replaced(service, monkeypatch):
    """A rebuild killed half-way leaves its tables and position rows; the
    next one starts afresh over them."""
    seed(service)
    before = read_model(service)
    monkeypatch.setattr(service.engine, "_close_shadows", lambda shadows: None)
    monkeypatch.setattr(service.engine, "_swap", lambda built, progress: (0, []))
    service.engine.rebuild("dossiers")
    assert leftovers(service) == ["dossiers" + SHADOW_SUFFIX, "dossier" + SHADOW_SUFFIX,
                                  "dossier_tally" + SHADOW_SUFFIX]
    monkeypatch.undo()
    service.engine.rebuild("dossiers")
    assert read_model(service) == before and leftovers(service) == []


def test_a_reader_sees_the_old_rows_or_the_new_never_a_mixture(service, database_url):
    """A reader's open transaction holds the live tables: on PostgreSQL the
    swap waits for it (trying again every half second), on SQLite the reader
    goes on in its snapshot; either way it reads the old rows throughout."""
    seed(service)
    before = dossier_rows(service)
    rebuilder = LedgerService(database_url)
    reader = service.db.connect()
    try:
        reader.begin()
        assert [tuple(r) for r in reader.execute(
            select(DossierProjection.table).order_by(DossierProjection.table.c.id))] == before
        thread, outcome = in_thread(lambda: rebuilder.engine.rebuild("dossiers"))
        thread.join(1.5)
        waited = thread.is_alive()
        again = [tuple(r) for r in reader.execute(
            select(DossierProjection.table).order_by(DossierProjection.table.c.id))]
        assert again == before
        reader.rollback()
        thread.join(60)
    finally:
        reader.close()
        rebuilder.close()
    assert waited == (service.db.dialect.name == "postgresql")
    assert outcome and not isinstance(outcome[0], BaseException), outcome
    assert dossier_rows(service) == before and leftovers(service) == []


def test_a_rebuild_shared_among_processes_gives_the_same_read_models(service, tmp_path,
                                                                      monkeypatch):
    """``workers``: the projections shared among processes, this one and
    one forked for the others, each page worked out before the write lock
    is taken: the same rows as a rebuild in one process, the work really
    done in two, nothing left behind."""
    seed(service)
    before = read_model(service)
    seen = tmp_path / "pids"
    prepare = AuditTrailProjection.prepare_page

    def noted(self, conn, page):  # type: ignore[no-untyped-def]
        with seen.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return prepare(self, conn, page)

    monkeypatch.setattr(AuditTrailProjection, "prepare_page", noted)
    applied = service.engine.rebuild(*service.engine.projections, workers=2)
    assert read_model(service) == before
    pids = set(map(int, seen.read_text().split()))
    assert pids and os.getpid() not in pids  # the audit trail was rebuilt by the worker
    assert applied == service.engine.rebuild(*service.engine.projections)  # as one counts
    assert all(s.behind == 0 and s.error is None for s in service.engine.status())
    assert leftovers(service) == []


def test_a_failure_in_another_process_is_raised_and_leaves_the_live_tables(service,
                                                                          monkeypatch):
    seed(service)
    before = read_model(service)

    def broken(self, conn, page):  # type: ignore[no-untyped-def]
        raise RuntimeError("trail bug")

    monkeypatch.setattr(AuditTrailProjection, "prepare_page", broken)
    with pytest.raises(ProjectionFailed, match="projection audit_trail stopped.*trail bug"):
        service.engine.rebuild(*service.engine.projections, workers=2)
    assert read_model(service) == before
    assert all(s.behind == 0 and s.error is None for s in service.engine.status())
    assert leftovers(service) == []


def audit_tables(service: LedgerService) -> dict[str, list[tuple[Any, ...]]]:
    with service.read() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.position))]
                for t in (AuditTrailProjection.table, SealProjection.table)}


def from_scratch(service: LedgerService) -> dict[str, list[tuple[Any, ...]]]:
    """The audit trail and the seal as projecting the log into empty tables
    makes them."""
    with service.write() as conn:
        for name, table in (("audit_trail", AuditTrailProjection.table),
                            ("seal", SealProjection.table)):
            conn.execute(delete(table))
            conn.execute(update(POSITIONS).where(POSITIONS.c.name == name)
                         .values(position=0, events_applied=0))
    service.engine.catch_up()
    return audit_tables(service)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_puts_right_whatever_was_done_to_the_audit_tables(service, workers):
    """The audit trail and the seal are reconciled in place: every row is
    worked out again and compared with the stored one; a row changed, one
    missing and one that no event makes are put right, and the tables end
    as projecting the log into empty ones leaves them."""
    seed(service)
    expected = from_scratch(service)
    trail, seal, head = AuditTrailProjection.table, SealProjection.table, service.engine.head()
    with service.write() as conn:
        conn.execute(update(trail).where(trail.c.position == 3).values(actor="ke-gian"))
        conn.execute(delete(trail).where(trail.c.position.between(7, 9)))
        conn.execute(insert(trail).values(position=head + 100, commune=COMMUNE, stream="Gia",
                                          kind="Mao", entity="0" * 32, version=1,
                                          actor="ke-gian", source=""))
        conn.execute(delete(seal).where(seal.c.position == 5))
        conn.execute(update(seal).where(seal.c.position == head).values(hash=bytes(32)))
    assert audit_tables(service) != expected
    service.engine.rebuild_page_size = 4  # the differences spread over pages
    service.engine.rebuild(*service.engine.projections, workers=workers)
    assert audit_tables(service) == expected
    assert [s for s in service.engine.status() if s.behind or s.error] == []
    assert leftovers(service) == []


def test_a_rebuild_brings_an_audit_trail_that_failed_half_way_to_the_head(service):
    seed(service)
    expected = audit_tables(service)
    trail, middle = AuditTrailProjection.table, service.engine.head() // 2
    with service.write() as conn:
        conn.execute(delete(trail).where(trail.c.position > middle))
        conn.execute(update(POSITIONS).where(POSITIONS.c.name == "audit_trail")
                     .values(position=middle, error="projection audit_trail stopped: bug"))
    service.engine.rebuild("audit_trail")
    assert audit_tables(service) == expected
    trail_status = next(s for s in service.engine.status() if s.name == "audit_trail")
    assert trail_status.behind == 0 and trail_status.error is None
    assert leftovers(service) == []


def test_a_rebuild_over_right_audit_tables_writes_nothing_to_them(service):
    """What is already right is compared, not written again: on both
    databases the stored values read back equal the ones worked out."""
    seed(service)
    before = audit_tables(service)
    written: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("INSERT", "DELETE", "UPDATE")) and \
                ("audit_trail" in statement or "audit_seal" in statement) and cursor.rowcount:
            written.append(statement)  # a statement that changed rows

    event.listen(service.db, "after_cursor_execute", note)
    try:
        service.engine.rebuild("audit_trail", "seal")
    finally:
        event.remove(service.db, "after_cursor_execute", note)
    assert written == []
    assert audit_tables(service) == before
