"""The ledger's throughput against its database's own floor.

For SQLite (a throw-away file, WAL, synchronous=FULL) and PostgreSQL (a
throw-away schema) in one run:

(a) single appends: ``receive_dossier`` commands, one transaction each,
    against raw one-row transactions of a row of the same shape and size;
(b) projection rebuild: ``engine.rebuild`` of every projection, in one pass, over a synthetic log,
    against a raw paged read of the same log.
(b') the same rebuild over a log mixing every stream (``bench.mixed``),
    recorded once and appended to both databases;
(c) ``audit verify`` over the dossier log (the hash chain recomputed from every
    stored event), against a raw read of the whole log as it reads it.

Each figure is divided by its floor measured in the same run on the same
machine, so the ratios say what the application costs on top of the
database, whatever the disk. Then the dossiers import (``bench.import_bench``)
and the pages at scale (``bench.pages``). Prints the tables and rewrites
BENCHMARKS.md.

    python -m bench.bench [--events N] [--mixed-events N] [--appends N] [--dossiers N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol
from unittest import mock
from zoneinfo import ZoneInfo

import psycopg
from eventsourcing.utils import get_topic
from psycopg import sql
from sqlalchemy import ColumnElement, Connection, Select, Table, func, literal, select

import projections.engine
from projections.engine import rebuild_workers
from app.audit.chain import Outcome, log_rows, snapshot, verify
from app.service import LedgerService, upgrade
from bench.import_bench import TARGET_SECONDS
from bench.import_bench import run as run_import
from bench.mixed import Recorded
from bench.report_bench import add_size_arguments
from bench.mixed import record as record_mixed
from events.application import Ledger
from events.base import acting_as
from events.dossiers import Dossier
from events.log import LogRow
from events.store import sqlite_pragmas
from projections.db import SHADOW_SUFFIX
from projections.access import LoginAttemptRow
from projections.audit_trail import TRAIL
from projections.citizens import FeedbackRow, PortalAccountRow, PortalAccountTallyRow
from projections.documents import DocumentRow, DocumentTallyRow
from projections.dossiers import DossierRow
from projections.households import (
    HouseholdCheckRow,
    HouseholdCheckTallyRow,
    HouseholdRow,
    MonitoringGroupRow,
    SupplyMovementRow,
    SupplyTallyRow,
)
from projections.tallies import DossierTallyRow
from projections.violations import ViolationEvidenceRow, ViolationRow, ViolationTallyRow

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "BENCHMARKS.md"
IMPORT_ROWS = 10_000
POSTGRES_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
DEFAULT_EVENTS = 200_000
DEFAULT_MIXED_EVENTS = 200_000  # about: the mixed log ends where its last day ends
DEFAULT_APPENDS = 2_000
DEFAULT_DOSSIERS = 200_000  # the commune of the pages at scale (bench.pages)

APPEND_RATIO_TARGET = 0.45
REBUILD_RATE_TARGET = 30_000  # events/s, stated for SQLite only
VERIFY_RATE_TARGET = 200_000  # events/s for ``audit verify``, stated for SQLite only

COMMUNE = "10921"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SAVE_BATCH = 500      # dossiers received per setup transaction
ROUNDS = 8            # app and raw appends alternate this many times
WARM_UP = 20          # untimed appends on each side before timing
PARTS_SAMPLE = 500    # commands timed part by part when a ratio is missed
RESOLVED_SHARE = 9    # of every 10 dossiers, this many get resolved
PROCEDURES = ("1.001", "1.002", "2.001", "2.002", "3.001")  # listed in the catalogue
CHANNELS = (("truc_tiep", ""), ("truc_tuyen", "toan_trinh"),
            ("truc_tuyen", "mot_phan"), ("buu_chinh", ""))
DOSSIER_TABLE = DossierRow.__table__  # type: ignore[attr-defined]
TALLY_TABLE = DossierTallyRow.__table__  # type: ignore[attr-defined]


# -- results ------------------------------------------------------------------

@dataclass
class Result:
    measurement: str
    events: int
    rate: float
    floor: float
    min_ratio: float | None = None
    min_rate: float | None = None
    limits: str = ""  # what limits it, said where the target is missed or unset
    breakdown: str = ""  # where the time goes, said for every rebuild

    @property
    def ratio(self) -> float:
        return self.rate / self.floor

    @property
    def target(self) -> str:
        if self.min_ratio is not None:
            return f"ratio ≥ {self.min_ratio:.2f}"
        if self.min_rate is not None:
            return f"≥ {self.min_rate:,.0f} events/s"
        return "none set"

    @property
    def met(self) -> bool | None:
        if self.min_ratio is not None:
            return self.ratio >= self.min_ratio
        if self.min_rate is not None:
            return self.rate >= self.min_rate
        return None


@dataclass
class BackendReport:
    title: str
    results: list[Result] = field(default_factory=list)
    failure: str = ""


class RawTable(Protocol):
    def insert(self, rows: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Backend:
    title: str
    url: str
    make_raw: Callable[[str, bytes], RawTable]
    rebuild_target: float | None
    # (sequential scans, rows they read) of the dossier table so far, where
    # the database counts them
    table_scans: Callable[[], tuple[int, int]] | None = None
    verify_target: float | None = None


# -- synthetic dossiers ---------------------------------------------------------

def dossier_fields(i: int, prefix: str, received_at: datetime) -> dict[str, Any]:
    """The arguments of one receipt; varied so index pages fill as in use."""
    channel, online_mode = CHANNELS[i % len(CHANNELS)]
    return {"commune": COMMUNE, "code": f"{prefix}{i:07d}",
            "procedure_code": PROCEDURES[i % len(PROCEDURES)],
            "applicant": f"Nguyễn Thị Hồng {i}",
            "channel": channel, "online_mode": online_mode, "received_at": received_at,
            "due_date": received_at.astimezone(ZONE).date() + timedelta(days=10)}


def receive(fields: dict[str, Any]) -> Dossier:
    return Dossier.receive(**fields)


def generate(ledger: Ledger, count: int) -> None:
    """Append ``count`` events, many aggregates per transaction. Each batch
    resolves most of the previous batch's dossiers, so a Resolved event
    usually lands in a later page than its Received, as in real use, and the
    rebuild goes through its load-and-update path rather than only inserts."""
    start = datetime.now(UTC) - timedelta(days=365)
    previous: list[Dossier] = []
    made = received = 0
    while made < count:
        resolved = resolve_most(previous, count - made)
        room = min(SAVE_BATCH, count - made - len(resolved))
        fresh = [receive(dossier_fields(i, "S", start + timedelta(seconds=150 * i)))
                 for i in range(received, received + room)]
        ledger.save(*resolved, *fresh)
        made, received, previous = made + len(resolved) + room, received + room, fresh


def resolve_most(dossiers: list[Dossier], limit: int) -> list[Dossier]:
    chosen = [d for n, d in enumerate(dossiers) if n % 10 < RESOLVED_SHARE][:limit]
    for n, dossier in enumerate(chosen):
        received_at: datetime = dossier.received_at  # type: ignore[attr-defined]
        dossier.resolve(received_at + timedelta(days=3), digitised=n % 2 == 0,
                        e_certified=n % 3 == 0)
    return chosen


# -- raw floors -----------------------------------------------------------------

class SQLiteRawTable:
    """The library's SQLite events table, written one row per transaction,
    with the pragmas the ledger uses."""

    def __init__(self, path: Path, topic: str, state: bytes) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        sqlite_pragmas(self.conn)
        self.conn.execute("CREATE TABLE raw_events (originator_id TEXT, "
                          "originator_version INTEGER, topic TEXT, state BLOB, "
                          "PRIMARY KEY (originator_id, originator_version))")
        self.topic, self.state = topic, state

    def insert(self, rows: int) -> None:
        for _ in range(rows):
            self.conn.execute("BEGIN")
            self.conn.execute("INSERT INTO raw_events VALUES (?, ?, ?, ?)",
                              (uuid.uuid4().hex, 1, self.topic, self.state))
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class PostgresRawTable:
    """The library's PostgreSQL events table (same columns, keys and
    notification index), written one row per transaction. Each INSERT is
    sent alone in autocommit mode, its own transaction in one round trip:
    the cheapest durable one-row write the server offers, so the floor is
    not lowered by an extra round trip for COMMIT."""

    def __init__(self, schema: str, topic: str, state: bytes) -> None:
        self.conn = psycopg.connect(POSTGRES_URL, autocommit=True)
        table = sql.Identifier(schema, "raw_events")
        self.conn.execute(sql.SQL(
            "CREATE TABLE {} (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
            " topic text, state bytea, notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))").format(table))
        self.conn.execute(sql.SQL("CREATE UNIQUE INDEX ON {} (notification_id)").format(table))
        self.statement = sql.SQL("INSERT INTO {} (originator_id, originator_version, topic,"
                                 " state) VALUES (%s, %s, %s, %s)").format(table)
        self.topic, self.state = topic, state

    def insert(self, rows: int) -> None:
        for _ in range(rows):
            self.conn.execute(self.statement, (uuid.uuid4(), 1, self.topic, self.state))

    def close(self) -> None:
        self.conn.close()


def log_pages(service: LedgerService, page: int) -> Iterator[list[LogRow]]:
    """The whole log in the pages a rebuild reads, as the engine reads them."""
    start = 1
    with service.read() as conn:
        while rows := service.engine.read_page(conn, start, page):
            yield rows
            start = rows[-1][0] + 1


def read_log(service: LedgerService, page: int) -> int:
    """Page through the whole log as a rebuild does, without decoding."""
    return sum(len(rows) for rows in log_pages(service, page))


def decode_log(service: LedgerService, page: int) -> tuple[float, Counter[str]]:
    """Seconds spent turning every stored event of the log into its domain
    event, as the rebuild does, and the events of each kind (by topic), to
    check the rebuild against."""
    decoding, kinds = 0.0, Counter[str]()
    decode = service.engine.decoder.decode
    for rows in log_pages(service, page):
        started = time.perf_counter()
        for _, originator_id, aggregate_version, row_topic, state in rows:
            decode(originator_id, aggregate_version, row_topic, state)
        decoding += time.perf_counter() - started
        kinds.update(row[3] for row in rows)
    return decoding, kinds


# -- single appends ----------------------------------------------------------------

def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def receive_commands(ledger: Ledger, indices: range) -> None:
    now = datetime.now(ZONE)
    for i in indices:
        ledger.receive_dossier(**dossier_fields(i, "A", now))


def sample_row(ledger: Ledger) -> tuple[str, bytes]:
    """Topic and state of a real stored Received event, so the raw floor
    writes rows of the very size the ledger writes."""
    dossier = receive(dossier_fields(0, "X", datetime.now(ZONE)))
    stored = ledger.mapper.to_stored_event(dossier.collect_events()[0])
    return stored.topic, stored.state


def save_events(ledger: Ledger, indices: range) -> None:
    """The Application's own append: one new aggregate, one event, one
    transaction, with no business reads before it."""
    now = datetime.now(ZONE)
    for i in indices:
        ledger.save(receive(dossier_fields(i, "P", now)))


def alternate(ledger: Ledger, raw: RawTable, count: int,
              append: Callable[[Ledger, range], None]) -> tuple[float, float]:
    """App and raw alternate in rounds so that drift in the disk's flush
    latency over the run falls on both sides alike; (app, raw) events/s."""
    append(ledger, range(10 * count, 10 * count + WARM_UP))
    raw.insert(WARM_UP)
    app_s = raw_s = 0.0
    for r in range(ROUNDS):
        chunk = range(r * count // ROUNDS, (r + 1) * count // ROUNDS)
        raw_s += seconds(partial(raw.insert, len(chunk)))
        app_s += seconds(partial(append, ledger, chunk))
    return count / app_s, count / raw_s


def measure_saves(ledger: Ledger, raw: RawTable, count: int, backend: str) -> Result:
    rate, floor = alternate(ledger, raw, count, save_events)
    result = Result("single appends (Application.save, 1 event per transaction)", count,
                    rate, floor, min_ratio=APPEND_RATIO_TARGET)
    if not result.met:
        result.limits = (
            f"A save takes {1e6 / rate:,.0f} µs against {1e6 / floor:,.0f} µs for the raw "
            "insert: both wait for one durable commit, and the library's transaction does "
            "more before it: it encodes the event and, "
            + ("on PostgreSQL, its one statement calls a function that takes `LOCK TABLE "
               "… IN EXCLUSIVE MODE` (which keeps notification ids in commit order, so the "
               "projections never skip an event) and sends a `NOTIFY` with the `INSERT`."
               if backend == "PostgreSQL" else "on SQLite, takes the write lock with "
               "`BEGIN` and checks the aggregate's version with the `INSERT`."))
    return result


def measure_appends(ledger: Ledger, raw: RawTable, count: int, backend: str) -> Result:
    """The whole command a clerk's receipt runs: its business reads (the
    procedure in force) and then the append."""
    rate, floor = alternate(ledger, raw, count, receive_commands)
    result = Result("receive_dossier command (reads + 1 append per transaction)", count,
                    rate, floor)
    # No target of its own: always say where a command's time goes.
    sample = range(20 * count, 20 * count + min(count, PARTS_SAMPLE))
    result.limits = append_limits(result, command_parts(ledger, raw, sample), backend)
    return result


def recorded_commands(service: LedgerService) -> Callable[[Ledger, range], None]:
    def run(ledger: Ledger, indices: range) -> None:
        now = datetime.now(ZONE)
        for i in indices:
            service.record(ledger.receive_dossier, **dossier_fields(i, "W", now))
    return run


def measure_recorded(service: LedgerService, raw: RawTable, count: int,
                     command: Result) -> Result:
    """What a clerk waits for after pressing the button: the command, then
    every projection brought up to date (the page answers only then)."""
    rate, floor = alternate(service.ledger, raw, count, recorded_commands(service))
    result = Result("receive_dossier + catch-up of every projection", count, rate, floor)
    catch_up_us = 1e6 / rate - 1e6 / command.rate
    result.limits = (
        f"Of {1e6 / rate:,.0f} µs per command, bringing the {len(service.engine.projections)} "
        f"projections up to date takes about {catch_up_us:,.0f} µs (against the command "
        "alone, the row above): one write transaction that locks their positions, reads the "
        "new event once, applies it and moves them all.")
    return result


@dataclass
class CommandParts:
    """Where the time of a sample of commands goes, per command."""

    commands: int
    raw_s: float = 0.0    # as many raw inserts, timed just before, for comparison
    total_s: float = 0.0
    load_s: float = 0.0   # loading aggregates, each a read transaction of its own
    save_s: float = 0.0   # the library's save: encoding and the write transaction
    loaded: list[str] = field(default_factory=list)  # aggregate classes, in order


def command_parts(ledger: Ledger, raw: RawTable, indices: range) -> CommandParts:
    """Runs further commands with the repository's ``get`` and the
    application's ``save`` wrapped in clocks: a clock read costs well under
    a microsecond, and the split is of the very commands measured."""
    parts = CommandParts(len(indices), raw_s=seconds(partial(raw.insert, len(indices))))
    get, save = ledger.repository.get, ledger.save

    def timed_get(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        aggregate = get(*args, **kwargs)
        parts.load_s += time.perf_counter() - started
        parts.loaded.append(type(aggregate).__name__)
        return aggregate

    def timed_save(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        recordings = save(*args, **kwargs)
        parts.save_s += time.perf_counter() - started
        return recordings

    with mock.patch.object(ledger.repository, "get", timed_get), \
            mock.patch.object(ledger, "save", timed_save):
        parts.total_s = seconds(partial(receive_commands, ledger, indices))
    return parts


# -- projection rebuild -------------------------------------------------------------

@contextmanager
def row_timings() -> Iterator[dict[str, float]]:
    """Seconds the engine spends loading and writing projection rows. The
    engine keeps no timings; a subclass of its ``Rows`` swapped in for the
    run adds four clock reads per page of events."""
    spent = {"load": 0.0, "flush": 0.0}

    class TimedRows(projections.engine.Rows):
        def load(self, conn: Connection, keys: Any) -> None:
            started = time.perf_counter()
            super().load(conn, keys)
            spent["load"] += time.perf_counter() - started

        def flush(self, conn: Connection) -> None:
            started = time.perf_counter()
            super().flush(conn)
            spent["flush"] += time.perf_counter() - started

    with mock.patch.object(projections.engine, "Rows", TimedRows):
        yield spent


@contextmanager
def projection_timings() -> Iterator[dict[str, float]]:
    """Seconds each projection spends on its pages (its handlers, row loads
    and writes, counts), by name: clock reads around the engine's own
    ``_prepare_one`` and around the write it returns."""
    spent: dict[str, float] = {}
    prepare = projections.engine.Engine._prepare_one

    def timed_prepare(engine: Any, conn: Connection, projection: Any, *args: Any) -> Any:
        name = projection.name.removesuffix(SHADOW_SUFFIX)
        started = time.perf_counter()
        try:
            write = prepare(engine, conn, projection, *args)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        def timed_write(conn: Connection) -> int:
            started = time.perf_counter()
            try:
                return write(conn)
            finally:
                spent[name] += time.perf_counter() - started
        return timed_write

    with mock.patch.object(projections.engine.Engine, "_prepare_one", timed_prepare):
        yield spent


@dataclass
class Rebuilt:
    """One timed rebuild of every projection, and the raw read of its log."""

    events: int
    rebuild_s: float  # shared among ``workers`` processes, as `projections rebuild` does
    workers: int
    single_s: float  # the same rebuild in one process, timed apart (what the breakdowns split)
    read_s: float
    decode_s: float
    spent: dict[str, float]
    kinds: Counter[str]  # the log's events by topic
    by_projection: dict[str, float]  # seconds applying pages, by projection
    load: float  # the machine's load average (1 min) as the rebuild ended


def rebuilt_apart(service: LedgerService) -> Rebuilt:
    """``timed_rebuild`` in a process of its own, as ``projections rebuild``
    runs it: not in this one, whose heap holds what generating the log
    left behind and which the rebuild would then walk through."""
    done = subprocess.run([sys.executable, "-m", "bench.bench", "--rebuild-only",
                           service.url.raw], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise RuntimeError(f"the rebuild's process failed: {done.stderr[-2000:]}")
    figures = json.loads(done.stdout.splitlines()[-1])
    figures["kinds"] = Counter(figures["kinds"])
    return Rebuilt(**figures)


def rebuild_only(url: str) -> int:
    """The child's side of ``rebuilt_apart``: one timed rebuild, as JSON."""
    service = LedgerService(url)
    try:
        with acting_as("bench"):
            rebuilt = timed_rebuild(service)
            # Not ``asdict``: it would rebuild the Counter from its items.
            print(json.dumps({f.name: getattr(rebuilt, f.name) for f in fields(Rebuilt)}))
    finally:
        service.close()
    return 0


def timed_rebuild(service: LedgerService) -> Rebuilt:
    head = service.engine.head()
    page = service.engine.rebuild_page_size
    read_s = seconds(lambda: read_log(service, page))
    workers = rebuild_workers()
    rebuild_s = seconds(lambda: service.engine.rebuild(*service.engine.projections,
                                                       workers=workers))
    with row_timings() as spent, projection_timings() as by_projection:
        single_s = seconds(lambda: service.engine.rebuild(*service.engine.projections))
    load = os.getloadavg()[0]
    decode_s, kinds = decode_log(service, page)
    return Rebuilt(head, rebuild_s, workers, single_s, read_s, decode_s, spent, kinds,
                   by_projection, load)


def measure_rebuild(service: LedgerService, backend: Backend, events: int) -> Result:
    ledger = service.ledger
    missing = max(events - service.engine.head(), 0)
    progress(f"{backend.title}: generating {missing:,} events")
    progress(f"generated in {seconds(lambda: generate(ledger, missing)):.1f} s")
    scans_before = table_scans(service, backend)
    rebuilt = rebuilt_apart(service)
    scans_after = table_scans(service, backend)
    scans = None
    if scans_before and scans_after:
        scans = (scans_after[0] - scans_before[0], scans_after[1] - scans_before[1])
    received = rebuilt.kinds[get_topic(Dossier.Received)]
    check_rebuild(service, received)
    head = rebuilt.events
    result = Result("projection rebuild (every projection, one pass)", head,
                    head / rebuilt.rebuild_s, head / rebuilt.read_s,
                    min_rate=backend.rebuild_target)
    result.breakdown = rebuild_breakdown(rebuilt) + scan_note(scans, received)
    return result


MIXED = "projection rebuild (every projection, one pass), every stream mixed"


def measure_mixed(service: LedgerService, title: str, target: float | None,
                  recorded: Recorded) -> Result:
    """The rebuild over the mixed log, checked against what was recorded."""
    progress(f"{title}: rebuilding every projection over the mixed log")
    rebuilt = rebuilt_apart(service)
    in_log = Counter({topic.rpartition(":")[2]: n for topic, n in rebuilt.kinds.items()})
    if in_log != recorded.kinds:
        raise RuntimeError(f"the mixed log holds {dict(in_log - recorded.kinds)} more and "
                           f"{dict(recorded.kinds - in_log)} fewer events than were recorded")
    check_mixed(service, recorded)
    head = rebuilt.events
    result = Result(MIXED, head, head / rebuilt.rebuild_s, head / rebuilt.read_s,
                    min_rate=target)
    result.breakdown = rebuild_breakdown(rebuilt)
    if result.met is not True:
        result.limits = mixed_limits(rebuilt, target)
    return result


def mixed_limits(rebuilt: Rebuilt, target: float | None) -> str:
    """Where the mixed rebuild's time goes, projection by projection."""
    per = 1e6 / rebuilt.events
    shares = sorted(rebuilt.by_projection.items(), key=lambda item: -item[1])
    top = "; ".join(f"{name} {s * per:.1f} µs" for name, s in shares[:6])
    rest = sum(s for _name, s in shares[6:])
    allowed = f" against {1e6 / target:.1f} µs that {target:,.0f} events/s allows" \
        if target else ""
    return (f"Per event the rebuild takes {rebuilt.rebuild_s * per:.1f} µs{allowed} in "
            f"{rebuilt.workers} process(es), {rebuilt.single_s * per:.1f} µs in one. In one, "
            f"applying the pages, by projection (each visits only its own events; those "
            f"that take every event, the audit trail and the seal, parse or hash each one): "
            f"{top}; the other {len(shares) - 6} together {rest * per:.1f} µs. Decoding the "
            f"events once for all of them: {rebuilt.decode_s * per:.1f} µs (timed alone). The "
            f"machine's load average (1 min) as the rebuild ended: {rebuilt.load:.2f} on "
            f"{os.cpu_count()} cores: other work slows it.")


@contextmanager
def mirrored(ledger: Ledger, mirrors: Sequence[Ledger]) -> Iterator[None]:
    """Every append of ``ledger`` made, with the same stored events, by the
    mirrors' own recorders too, in the same order (as ``bench.pages`` does)."""
    insert = ledger.recorder.insert_events

    def insert_everywhere(stored_events: Sequence[Any], **kwargs: Any) -> Any:
        ids = insert(stored_events, **kwargs)
        for mirror in mirrors:
            mirror.recorder.insert_events(stored_events, **kwargs)
        return ids
    with mock.patch.object(ledger.recorder, "insert_events", insert_everywhere):
        yield


def run_mixed(args: argparse.Namespace, reports: Sequence[BackendReport]) -> Recorded | None:
    """The mixed log recorded once, into a fresh SQLite file and (mirrored)
    a fresh PostgreSQL schema, then each rebuilt; its row goes after the
    dossier log's rebuild in each backend's table."""
    if args.mixed_events <= 0:
        return None
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="ledger-bench-mixed-"))
        targets: list[tuple[str, str, float | None]] = [
            ("SQLite", f"sqlite:///{Path(folder) / 'mixed.sqlite3'}", REBUILD_RATE_TARGET)]
        if not any(r.failure for r in reports if r.title == "PostgreSQL"):
            try:
                schema = stack.enter_context(postgres_schema())
                targets.append(("PostgreSQL", schema_url(schema), None))
            except psycopg.OperationalError as error:
                progress(f"PostgreSQL: mixed log not measured, server unreachable: {error}")
        services = []
        for _title, url, _target in targets:
            upgrade(url)
            services.append(stack.enter_context(closing(LedgerService(url))))
        names = " and ".join(title for title, _url, _target in targets)
        progress(f"{names}: recording a log of about {args.mixed_events:,} events mixing "
                 "every stream")
        started = time.perf_counter()
        with mirrored(services[0].ledger, [s.ledger for s in services[1:]]):
            recorded = record_mixed(services[0].ledger, args.mixed_events)
        progress(f"  {recorded.events:,} events in {time.perf_counter() - started:.1f} s")
        for (title, _url, target), service in zip(targets, services, strict=True):
            report = next(r for r in reports if r.title == title)
            result = measure_mixed(service, title, target, recorded)
            after = [n for n, r in enumerate(report.results)
                     if r.measurement.startswith("projection rebuild")]
            report.results.insert(after[-1] + 1 if after else len(report.results), result)
    return recorded


def raw_scan(service: LedgerService) -> int:
    """The whole log read as ``audit verify`` reads it, and nothing done with it."""
    with snapshot(service) as conn, log_rows(service, conn) as log:
        return sum(1 for _ in log)


def measure_verify(service: LedgerService, backend: Backend) -> Result:
    """``audit verify`` over the log the rebuild read (sealed by it), against
    the raw read of the same log in the same run."""
    service.engine.advance("seal")
    head = service.engine.head()
    read_s = seconds(lambda: raw_scan(service))
    outcome: list[Outcome] = []

    def run() -> None:
        with snapshot(service) as conn:
            outcome.append(verify(service, conn))
    verify_s = seconds(run)
    if not outcome[0].ok or outcome[0].events != head:
        raise AssertionError(f"audit verify over the bench log: {outcome[0].line()}")
    return Result("audit verify (hash chain against the seal)", head, head / verify_s,
                  head / read_s, min_rate=backend.verify_target)


def table_scans(service: LedgerService, backend: Backend) -> tuple[int, int] | None:
    if backend.table_scans is None:
        return None
    service.db.dispose()  # a server backend publishes its table statistics as it exits
    return backend.table_scans()


def _count(table: Table) -> Select[Any]:
    return select(func.count()).select_from(table)


def _total(table: Table, where: ColumnElement[bool]) -> Select[Any]:
    return select(func.coalesce(func.sum(table.c["count"]), 0)).where(where)


def check_mixed(service: LedgerService, recorded: Recorded) -> None:
    """Rows and tallies of every stream's read models against what the
    generator recorded: a rebuild that lost or doubled events fails here."""
    r = recorded.count
    metric = {t: t.c.metric for t in (TALLY_TABLE, DocumentTallyRow.__table__,  # type: ignore[attr-defined]
                                      HouseholdCheckTallyRow.__table__,  # type: ignore[attr-defined]
                                      SupplyTallyRow.__table__,  # type: ignore[attr-defined]
                                      ViolationTallyRow.__table__)}  # type: ignore[attr-defined]
    documents = DocumentTallyRow.__table__  # type: ignore[attr-defined]
    checks = HouseholdCheckTallyRow.__table__  # type: ignore[attr-defined]
    supplies = SupplyTallyRow.__table__  # type: ignore[attr-defined]
    violations = ViolationTallyRow.__table__  # type: ignore[attr-defined]
    wanted: list[tuple[str, Select[Any], int]] = [
        ("dossier rows", _count(DOSSIER_TABLE), r("Dossier.Received")),
        ("receipts in the dossier tallies", _total(TALLY_TABLE, metric[TALLY_TABLE].like(
            "received/%")), r("Dossier.Received") - r("Dossier.Refused")),
        ("refusals in the dossier tallies", _total(TALLY_TABLE, metric[TALLY_TABLE] ==
                                                   "refused"), r("Dossier.Refused")),
        ("results in the dossier tallies", _total(TALLY_TABLE, metric[TALLY_TABLE].like(
            "resolved/%")), r("Dossier.Resolved")),
        ("document rows", _count(DocumentRow.__table__), r("Document.Issued")),  # type: ignore[attr-defined]
        ("documents in the register's tallies", _total(documents, metric[documents].like(
            "issued/%")), r("Document.Issued")),
        ("signed documents in the register's tallies", _total(documents, metric[documents] ==
                                                              "signed"), r("Document.Signed")),
        ("household rows", _count(HouseholdRow.__table__), r("Household.Registered")),  # type: ignore[attr-defined]
        ("check rows", _count(HouseholdCheckRow.__table__), r("Household.Checked")),  # type: ignore[attr-defined]
        ("checks in their tallies", _total(checks, metric[checks] == "checks"),
         recorded.checks),
        ("compliant checks in their tallies", _total(checks, metric[checks] == "compliant"),
         recorded.compliant),
        ("supply movement rows", _count(SupplyMovementRow.__table__),  # type: ignore[attr-defined]
         r("Stock.Received") + r("Stock.Issued")),
        ("units issued in the supply tallies", _total(supplies, metric[supplies] == "issued"),
         recorded.issued_units),
        ("monitoring group rows", _count(MonitoringGroupRow.__table__),  # type: ignore[attr-defined]
         r("MonitoringGroup.Formed")),
        ("violation rows", _count(ViolationRow.__table__), r("Violation.Detected")),  # type: ignore[attr-defined]
        ("evidence rows", _count(ViolationEvidenceRow.__table__),  # type: ignore[attr-defined]
         r("Violation.EvidenceAttached")),
        ("new violations in the register's tallies", _total(violations, metric[violations] ==
                                                            "new"), recorded.new_violations),
        ("closed violations in the register's tallies", _total(
            violations, metric[violations] == "resolved"), recorded.closed_violations),
        ("portal account rows", _count(PortalAccountRow.__table__),  # type: ignore[attr-defined]
         r("PortalAccount.Opened")),
        ("accounts in their tallies", _total(PortalAccountTallyRow.__table__, literal(True)),  # type: ignore[attr-defined]
         r("PortalAccount.Opened")),
        ("feedback rows", _count(FeedbackRow.__table__), r("Feedback.Received")),  # type: ignore[attr-defined]
        ("log-in attempt rows", _count(LoginAttemptRow.__table__),  # type: ignore[attr-defined]
         r("Access.LoggedIn") + r("Access.LoginFailed")),
        ("audit trail rows", _count(TRAIL), recorded.events),
    ]
    with service.read() as conn:
        wrong = [f"{label}: {found:,} for {expected:,} recorded" for label, query, expected
                 in wanted if (found := conn.execute(query).scalar_one()) != expected]
    if wrong:
        raise RuntimeError("the rebuild of the mixed log disagrees with it: " + "; ".join(wrong))


def check_rebuild(service: LedgerService, received: int) -> None:
    """A fast rebuild that lost rows, or counts, would be no result at all."""
    with service.read() as conn:
        rows = conn.execute(select(func.count()).select_from(DOSSIER_TABLE)).scalar_one()
        counted = conn.execute(select(func.sum(TALLY_TABLE.c["count"])).where(
            TALLY_TABLE.c.metric.like("received/%"))).scalar_one()
    if rows != received:
        raise RuntimeError(f"rebuild produced {rows} dossier rows for {received} receipts")
    if counted != received:
        raise RuntimeError(f"rebuild's tallies count {counted} receipts of {received}")


# -- what limits a result: derived from figures measured in the run ---------------------

def append_limits(result: Result, parts: CommandParts, backend: str) -> str:
    app_us, raw_us = 1e6 / result.rate, 1e6 / result.floor
    sample_raw_us, total_us, load_us, save_us = (
        1e6 * s / parts.commands for s in (parts.raw_s, parts.total_s, parts.load_s,
                                           parts.save_s))
    per_command = len(parts.loaded) // parts.commands
    kinds = ", ".join(dict.fromkeys(parts.loaded)) or "none"
    text = (f"A command takes {app_us:,.0f} µs against {raw_us:,.0f} µs for the raw "
            f"insert. Split over {parts.commands} further commands ({total_us:,.0f} µs "
            f"each, against {sample_raw_us:,.0f} µs for as many raw inserts just before): "
            f"loading {per_command} aggregate{'' if per_command == 1 else 's'} ({kinds}) "
            f"before writing, one read transaction per aggregate, {load_us:,.0f} µs; "
            f"the library's save of the one event, {save_us:,.0f} µs; checks and "
            f"building the dossier, "
            f"{max(total_us - load_us - save_us, 0.0):,.0f} µs")
    if backend == "PostgreSQL":
        text += (". Besides the INSERT, the append's one statement takes "
                 "`LOCK TABLE … IN EXCLUSIVE MODE` and sends `NOTIFY`")
    return text + "."


def rebuild_breakdown(rebuilt: Rebuilt) -> str:
    events, rebuild_s, read_s = rebuilt.events, rebuilt.single_s, rebuilt.read_s
    decode_s, spent = rebuilt.decode_s, rebuilt.spent
    rest_s = rebuild_s - read_s - decode_s - spent["load"] - spent["flush"]
    parts = [("reading the log (timed alone)", read_s),
             ("decoding events (timed alone)", decode_s),
             ("loading the rows a page touches", spent["load"]),
             ("writing rows (batched INSERT and UPDATE)", spent["flush"]),
             ("the rest: handlers, position row, commits", max(rest_s, 0.0))]
    shares = "; ".join(f"{name} {seconds_ * 1e6 / events:.1f} µs ({seconds_ / rebuild_s:.0%})"
                       for name, seconds_ in parts)
    return (f"Per event the rebuild takes {rebuilt.rebuild_s * 1e6 / events:.1f} µs in "
            f"{rebuilt.workers} process(es); in one process {rebuild_s * 1e6 / events:.1f} µs: "
            f"{shares}.")


def scan_note(scans: tuple[int, int] | None, rows: int) -> str:
    """Said only when sequential scans read more rows than the table ends
    with, which one scan of the finished table never would."""
    if not scans or scans[1] <= rows:
        return ""
    return (f" During the rebuild the dossier table was read by {scans[0]:,} sequential "
            f"scans, {scans[1]:,} rows in all, {scans[1] / rows:.0f} times the {rows:,} "
            "rows it ends with: the page lookups of rows by id read the table instead of "
            "its primary key index.")


# -- backends ----------------------------------------------------------------------

def set_up_commune(service: LedgerService) -> None:
    service.record(service.ledger.register_commune, COMMUNE, "Xã Quảng Nghiệp")
    for code in PROCEDURES:
        service.record(service.ledger.list_procedure, COMMUNE, code, f"Thủ tục {code}",
                       "Hộ tịch", "xa", False, 10, 0, "")


def run_backend(backend: Backend, args: argparse.Namespace) -> BackendReport:
    upgrade(backend.url)
    service = LedgerService(backend.url)
    try:
        with acting_as("bench"):
            set_up_commune(service)
            raw = backend.make_raw(*sample_row(service.ledger))
            try:
                progress(f"{backend.title}: {args.appends:,} single appends")
                saves = measure_saves(service.ledger, raw, args.appends, backend.title)
                appends = measure_appends(service.ledger, raw, args.appends, backend.title)
                recorded = measure_recorded(service, raw, args.appends, appends)
            finally:
                raw.close()
            rebuild = measure_rebuild(service, backend, args.events)
            verified = measure_verify(service, backend)
    finally:
        service.close()
    return BackendReport(backend.title, [saves, appends, recorded, rebuild, verified])


def run_sqlite(args: argparse.Namespace) -> BackendReport:
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as folder:
        raw = Path(folder) / "raw.sqlite3"
        return run_backend(Backend("SQLite", f"sqlite:///{Path(folder) / 'ledger.sqlite3'}",
                                   lambda topic, state: SQLiteRawTable(raw, topic, state),
                                   REBUILD_RATE_TARGET, verify_target=VERIFY_RATE_TARGET),
                           args)


@contextmanager
def postgres_schema() -> Iterator[str]:
    schema = f"ledger_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            yield schema
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def dossier_scans(schema: str) -> tuple[int, int]:
    # A server backend publishes its counters when idle or exiting; a short
    # wait lets the engine's connections, just closed, report theirs.
    time.sleep(1)
    with psycopg.connect(POSTGRES_URL) as conn:
        row = conn.execute("SELECT seq_scan, seq_tup_read FROM pg_stat_user_tables"
                           " WHERE schemaname = %s AND relname = %s",
                           (schema, DOSSIER_TABLE.name)).fetchone()
    return (row[0], row[1]) if row else (0, 0)


def schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


def run_postgres(args: argparse.Namespace) -> BackendReport:
    try:
        with postgres_schema() as schema:
            return run_backend(Backend(
                "PostgreSQL", schema_url(schema),
                lambda topic, state: PostgresRawTable(schema, topic, state), None,
                lambda: dossier_scans(schema)), args)
    except psycopg.OperationalError as error:
        return BackendReport("PostgreSQL", failure=f"not measured, server unreachable: {error}")


# -- the report ----------------------------------------------------------------------

def machine(load_at_start: float) -> list[tuple[str, str]]:
    return [("CPU", f"{cpu_model()}, {os.cpu_count()} cores (os.cpu_count)"),
            # Other work on the machine slows both sides of a ratio, not alike.
            ("Load average (1 min) at start and end",
             f"{load_at_start:.2f}, {os.getloadavg()[0]:.2f}"),
            ("Python", platform.python_version()),
            ("SQLite library", sqlite3.sqlite_version),
            ("PostgreSQL server", postgres_settings()),
            ("eventsourcing", version("eventsourcing"))]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown model"


def postgres_settings() -> str:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
            shown = [conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
                     for name in ("server_version", "fsync", "synchronous_commit")]
    except psycopg.OperationalError:
        return "unreachable"
    version_, fsync, synchronous = (row[0] if row else "?" for row in shown)
    return f"{version_}; fsync {fsync}, synchronous_commit {synchronous}"


def table(results: Sequence[Result]) -> list[str]:
    lines = ["| measurement | events | events/s | raw floor events/s | ratio | target | met |",
             "|---|---:|---:|---:|---:|---|---|"]
    for r in results:
        met = {True: "yes", False: "no", None: "—"}[r.met]
        lines.append(f"| {r.measurement} | {r.events:,} | {r.rate:,.0f} | {r.floor:,.0f} "
                     f"| {r.ratio:.2f} | {r.target} | {met} |")
    return lines


def backend_section(report: BackendReport) -> list[str]:
    heading = {"SQLite": "SQLite (temporary file, WAL, synchronous=FULL)",
               "PostgreSQL": "PostgreSQL (fresh schema, dropped after the run)"}
    lines = [f"## {heading[report.title]}", ""]
    return lines + ([report.failure] if report.failure else table(report.results)) + [""]


# Changes to the rebuild, each measured over the same 200,000-event SQLite log
# on the machine above, alternating with the engine before it (kept or not).
# Run-to-run spread on that machine is about ±15 %, so gains smaller than
# that were measured over several alternating runs.
REBUILD_CHANGES = [
    (True, "pausing Python's cycle collector while pages are applied: it had taken about "
     "15 % of a rebuild (1.2–1.4 s of 8–9 s, some 1,900 collections of short-lived "
     "objects, none of them in cycles)"),
    (True, "reading each page as plain rows with the engine's own SELECT, in the transaction "
     "that writes the page, and decoding them with one orjson parse and the transcoder's "
     "own transcodings instead of the library's mapper, whose JSON hook runs for every "
     "object: with the collector's pause above, the two together took the rebuild from "
     "24,500–27,500 to 33,900–36,400 events/s. A test "
     "checks the decoded events equal the mapper's for every kind"),
    (True, "a 16 MB page cache for read-model connections instead of SQLite's 2 MB: about "
     "+10 % (33,000 → 36,200–37,100 events/s over three alternating runs)"),
    (True, "no lookup of rows created earlier in the same page: loading went from 1.9 to "
     "0.8 µs per event"),
    (True, "new rows' empty columns (NULL, FALSE, 0) written as constants in the INSERT "
     "rather than bound per row: writing went from 9.7 to 8.4 µs per event over six "
     "alternating runs"),
    (False, "decoding the next page on a worker thread while the current one is written "
     "(with the earlier engine): slower, 16,000–21,000 against 21,000–22,000 events/s: the "
     "driver releases and retakes the interpreter's lock for every row it writes, and the "
     "two threads queue on it"),
    (False, "writing each page's rows and position in a second process while this one "
     "decodes and applies the next page (with the earlier engine): about 10 % faster, not "
     "worth the second process"),
    (False, "replaying the dossier table in two processes, each taking half of the dossiers "
     "(with the earlier engine): slower, 15,000–16,000 against 18,000–19,000 events/s: both "
     "read the whole log, SQLite lets one of them write at a time, and each one's writes "
     "empty the other's page cache"),
    (False, "`synchronous=NORMAL` for projection writes: no difference (a commit's cost "
     "here is writing the page's frames to the WAL, not waiting for the disk)"),
    (False, "a WITHOUT ROWID dossier table, keyed by its id: inserts were slower"),
    (True, "the rebuild measured is that of every projection in one pass (before: the "
           "dossier table alone), into tables beside the live ones that are swapped in at "
           "the end, with the dossier row's three new columns (when the supplement was asked "
           "for and came back, the due date before it) that the tallies as of a period's end "
           "need: 36,600–39,100 events/s in two runs, against 40,224 for the dossier table "
           "alone before"),
    (True, "the dossiers' tallies kept by day beside their rows (a second table the dossier "
           "projection moves by the difference of each changed row's facts before and after "
           "the page, in the page's transaction, as one batched upsert; rows brought to 0 "
           "deleted): over four alternating runs on a busy machine 31,066–36,245 against "
           "32,160–38,441 events/s for the engine before it (3–6 % slower); 9 % slower at "
           "first, until each page cut each distinct dossier's facts into days once "
           "(recounting went from 0.54 to 0.24 s of a rebuild)"),
    (True, "over the log mixing every stream (measured since the audit trail, the seal and the "
           "households', violations' and citizens' projections joined the rebuild): each "
           "projection given the page's events of its own topics, from an index of the page "
           "by topic built once, instead of each of the 18 reading the whole page; and the "
           "audit trail parsing each event once into a tuple in column order rather than a "
           "dict the writer then picked apart. Over three alternating runs on a machine kept "
           "busy by another test suite (load average 3.4–4.0 on 2 cores) the audit trail's "
           "share went from 3.2–3.5 to 2.9–3.1 CPU seconds and the whole rebuild from "
           "13.4–15.1 to 13.5–14.3 CPU seconds: less work, by less than that machine's spread"),
    (True, "over the mixed log in two processes (measured on a slower machine than the figures "
           "above, whose rebuild took 8–9 s): each process swapping its own tables in as soon "
           "as they are built, instead of this one swapping them all at the end (the swap had "
           "taken 2.2 s, the secondary indexes built over the filled tables most of it); the "
           "processes taking turns at SQLite's write lock through a lock they share, instead "
           "of polling for it; the audit trail's and the seal's position made SQLite's row id "
           "(one B-tree a table instead of two: their writes went from 0.70 and 0.53 s to 0.52 "
           "and 0.39 s of a one-process rebuild); large sorts sharing their work with a "
           "helper thread: together no difference beyond the spread (medians of five "
           "alternating runs 8.4 s before, 8.2 s after); kept as the write lock is held less. "
           "The decoder keeping the record ids it makes (one per record, made without UUID's "
           "parsing): medians 8.08 and 7.96 s"),
    (False, "staging each page's new rows in a temporary table of the connection while the page "
            "is worked out, the write copying them over in one statement: the write lock was "
            "held 0.10–0.15 s a page instead of 0.3–0.4 s, but binding every row twice cost "
            "as much again: medians equal over five alternating runs"),
    (False, "giving the audit trail and the seal a larger share when the projections are "
            "shared among the processes: no difference over seven alternating runs"),
    (True, "the audit trail and the seal (a row per event, keyed by its position) worked out "
           "again over their live tables and compared row by row, only rows that differ, are "
           "missing or that no event makes being written, instead of filled anew beside them "
           "and swapped in with their indexes built again: medians of four alternating runs "
           "7.48 s before, 6.69 s after (27,000 and 30,100 events/s), on a database file "
           "rebuilt many times over; with those two tables emptied first, so that every row "
           "is written, 7.9 s, as before the change"),
]


def notes(reports: Sequence[BackendReport]) -> list[str]:
    missed = [f"- {b.title}, {r.measurement}, target {'not set' if r.met is None else 'missed'}"
              f": {r.limits}" for b in reports for r in b.results if r.limits]
    failed = [f"- {b.title}: {b.failure}" for b in reports if b.failure]
    body = missed + failed or ["Every target was met."]
    rebuilds = [f"- {b.title}, {'every stream mixed' if r.measurement == MIXED else 'dossiers'}"
                f": {r.breakdown}" for b in reports for r in b.results if r.breakdown]
    changes = [f"- {'kept' if kept else 'not kept'}: {text}." for kept, text in REBUILD_CHANGES]
    return ["## What limits it, where a target is missed or not set", "", *body, "",
            "## Where a rebuild's time goes", "", *rebuilds, "",
            "Changes to the SQLite rebuild, each measured against the engine before it:", "",
            *changes, ""]


METHOD = [
    "- Single appends: `Application.save` of one new dossier (one event) per "
    "transaction, with no business reads before it; the target applies here. The "
    "`receive_dossier` command line adds what a clerk's receipt really runs: it loads "
    "the procedure in force, then saves (projection catch-up not included); the line after "
    "it adds the catch-up of every projection that a web request runs before it answers. "
    "Raw floor: one "
    "row per transaction (SQLite: BEGIN, INSERT, COMMIT; PostgreSQL: a lone INSERT in "
    "autocommit mode, one round trip), in the same kind of database with the same settings, "
    "into a table shaped like the library's "
    "events table, each row carrying the stored state of a real Received event. App "
    f"and raw runs alternate in {ROUNDS} rounds; ratio = app events/s ÷ raw events/s.",
    "- Projection rebuild: `engine.rebuild` of every projection (the dossiers' tallies kept "
    "by day included) in one pass over a log of "
    "synthetic dossier events (about half Received, half Resolved; a Resolved usually lands in "
    "a later page than its Received), as `projections rebuild` runs it: in a process of "
    "its own (started by the bench once the log is written; its start-up is not timed), "
    "the projections shared among one process per processor core, up to four "
    "(`--workers`), each page worked out before the write lock is taken, each process "
    "swapping its own tables in as soon as they are built. The audit trail and the seal "
    "(a row per event) are worked out again over their live tables and compared row by "
    "row, and only rows that differ are written: the tables of a log recorded through the "
    "ledger were filled by its catch-ups, so none differs here (a test checks that a "
    "rebuild over altered, missing or extra rows ends as projecting into empty tables "
    "does; how long one takes that must write every row is among the changes below). "
    "The breakdowns split the same rebuild run again in one process. Events/s = events "
    "in the log ÷ "
    "seconds. Raw "
    "floor: the same log read as the rebuild reads it (the engine's own SELECT through "
    "the database driver, in the pages a rebuild reads), without decoding. The rebuilt "
    "row count, and the receipts the rebuilt tallies count, are checked against the log.",
]


def mixed_method(recorded: Recorded) -> str:
    streams = ", ".join(f"{name} {n:,} ({n / recorded.events:.0%})"
                        for name, n in recorded.streams().most_common())
    return (
        "- Projection rebuild, every stream mixed: the same rebuild and raw floor over a second "
        f"log of {recorded.events:,} events, three years of a commune's work up to yesterday "
        "recorded in business-time order by `bench.mixed` through the ledger's own commands "
        "(a few thousand events a transaction), from a fixed seed, once, and appended to "
        "PostgreSQL with the same stored events by its own recorder. Events by stream: "
        f"{streams}. Checked after each rebuild: the log holds every event recorded, of every "
        "kind; and the rebuilt rows (dossiers, documents, households, checks, supply "
        "movements, monitoring groups, violations and their files, portal accounts, feedback, "
        "log-in attempts, the audit trail) and tallies (receipts, refusals and results of "
        "dossiers; documents issued and signed; checks and compliant ones; units issued; new "
        "and closed violations; accounts opened) equal what the generator recorded.")


def render(args: argparse.Namespace, reports: Sequence[BackendReport], started: datetime,
           elapsed: float, load_at_start: float, imports: dict[str, float],
           recorded: Recorded | None) -> str:
    default = (args.events, args.mixed_events, args.appends, args.dossiers) == (
        DEFAULT_EVENTS, DEFAULT_MIXED_EVENTS, DEFAULT_APPENDS, DEFAULT_DOSSIERS)
    command = "make bench" if default else \
        f"python -m bench.bench --events {args.events} --mixed-events {args.mixed_events} " \
        f"--appends {args.appends} --dossiers {args.dossiers}"
    lines = ["# Commune Ledger benchmarks", "",
             f"Command: `{command}`  ", f"Date: {started:%Y-%m-%d %H:%M %Z}  ",
             f"Run time: {elapsed:.0f} s", "", "## Machine", "",
             *[f"- {name}: {value}" for name, value in machine(load_at_start)], "",
             "## What is measured", "", *METHOD,
             *([mixed_method(recorded)] if recorded else []), ""]
    for report in reports:
        lines += backend_section(report)
    return "\n".join(lines + imports_section(imports) + notes(reports))


def imports_section(seconds: dict[str, float]) -> list[str]:
    """The dossier file import (`python -m bench.import_bench`), SQLite."""
    rows = IMPORT_ROWS
    lines = ["## Importing a dossiers file (SQLite)", "",
             "| import | rows | seconds | rows/s | target | met |", "|---|---:|---:|---:|---|---|"]
    for key, label in (("new", "new file"), ("again", "same file again (records nothing)"),
                       ("newer", "newer export over an older one")):
        target = f"< {TARGET_SECONDS:.0f} s" if key == "new" else "none set"
        met = ("yes" if seconds[key] < TARGET_SECONDS else "no") if key == "new" else "—"
        lines.append(f"| {label} | {rows:,} | {seconds[key]:.1f} | {rows / seconds[key]:,.0f} "
                     f"| {target} | {met} |")
    return [*lines, ""]


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                        help="events in the log for the rebuild (default %(default)s)")
    parser.add_argument("--mixed-events", type=int, default=DEFAULT_MIXED_EVENTS,
                        help="events, about, in the log mixing every stream for the second "
                             "rebuild; 0 leaves it out (default %(default)s)")
    add_size_arguments(parser, "--report-events")  # bench.report_bench's
    parser.add_argument("--rebuild-only", metavar="DATABASE_URL",
                        help="only time a rebuild of every projection there and print it "
                             "as JSON (how the bench runs each rebuild in a process of its "
                             "own)")
    parser.add_argument("--appends", type=int, default=DEFAULT_APPENDS,
                        help="single appends to time (default %(default)s)")
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS,
                        help="dossiers of the commune the pages are timed over "
                             "(default %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from bench import pages, report_bench  # not at the top: pages uses this module's helpers

    args = parse(argv)
    if args.rebuild_only:
        return rebuild_only(args.rebuild_only)
    started, clock, load = datetime.now().astimezone(), time.perf_counter(), os.getloadavg()[0]
    reports = [run_sqlite(args), run_postgres(args)]
    recorded = run_mixed(args, reports)
    progress(f"SQLite: importing a {IMPORT_ROWS:,}-row dossiers file")
    imports = run_import(IMPORT_ROWS)
    scale = pages.run(args.dossiers)
    reported = report_bench.run(args.report_events, args.check_events)
    text = render(args, reports, started, time.perf_counter() - clock, load, imports,
                  recorded)
    text += "\n" + "\n".join(pages.section(scale))
    text += "\n" + "\n".join(report_bench.section(reported))
    REPORT.write_text(text)
    print(text)
    return 1 if any(r.failure for r in reports) or pages.failed(scale) or \
        reported.failure else 0


if __name__ == "__main__":
    sys.exit(main())
