"""The ledger's throughput against its database's own floor.

For SQLite (a throw-away file, WAL, synchronous=FULL) and PostgreSQL (a
throw-away schema) in one run:

(a) single appends: ``receive_dossier`` commands, one transaction each,
    against raw one-row INSERT + COMMIT of a row of the same shape and size;
(b) projection rebuild: ``engine.rebuild("dossiers")`` over a synthetic log,
    against a raw paged read of the same log.

Each figure is divided by its floor measured in the same run on the same
machine, so the ratios say what the application costs on top of the
database, whatever the disk. Prints the tables and rewrites BENCHMARKS.md.

    python -m bench.bench [--events N] [--appends N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import psycopg
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg import sql
from sqlalchemy import func, select

from app.service import LedgerService, upgrade
from events.application import Ledger
from events.domain import Dossier, acting_as
from events.store import sqlite_pragmas
from projections.dossiers import DossierRow

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "BENCHMARKS.md"
POSTGRES_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
DEFAULT_EVENTS = 200_000
DEFAULT_APPENDS = 2_000

APPEND_RATIO_TARGET = 0.45
REBUILD_RATE_TARGET = 30_000  # events/s, stated for SQLite only

COMMUNE = "10921"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SAVE_BATCH = 500      # dossiers received per setup transaction
PAGE = 1000           # the engine's default page, used for the raw read too
ROUNDS = 4            # app and raw appends alternate this many times
WARM_UP = 20          # untimed appends on each side before timing
RESOLVED_SHARE = 9    # of every 10 dossiers, this many get resolved
CHANNELS = (("truc_tiep", ""), ("truc_tuyen", "toan_trinh"),
            ("truc_tuyen", "mot_phan"), ("buu_chinh", ""))


# -- results ------------------------------------------------------------------

@dataclass
class Result:
    measurement: str
    events: int
    rate: float
    floor: float
    min_ratio: float | None = None
    min_rate: float | None = None
    limits: str = ""  # what limits it, said only when the target is missed

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


# -- synthetic dossiers ---------------------------------------------------------

def dossier_fields(i: int, prefix: str, received_at: datetime) -> dict[str, Any]:
    """The arguments of one receipt; varied so index pages fill as in use."""
    channel, online_mode = CHANNELS[i % len(CHANNELS)]
    return {"commune": COMMUNE, "code": f"{prefix}{i:07d}",
            "procedure_code": f"1.00{i % 97:04d}", "applicant": f"Nguyễn Thị Hồng {i}",
            "channel": channel, "online_mode": online_mode, "received_at": received_at,
            "due_date": received_at.astimezone(ZONE).date() + timedelta(days=10)}


def receive(fields: dict[str, Any]) -> Dossier:
    local_day: date = fields["received_at"].astimezone(ZONE).date()
    return Dossier.receive(**fields, local_day=local_day)


def generate(ledger: Ledger, count: int) -> None:
    """Append ``count`` events, many aggregates per transaction. Each batch
    resolves most of the previous batch's dossiers, so a Resolved event
    usually lands in a later page than its Received, as in real use, and the
    rebuild goes through its load-and-update path rather than only inserts."""
    start = datetime.now(timezone.utc) - timedelta(days=365)
    previous: list[Dossier] = []
    made = i = 0
    while made < count:
        batch: list[Dossier] = []
        for n, dossier in enumerate(previous):
            if n % 10 < RESOLVED_SHARE and made < count:
                dossier.resolve(dossier.received_at + timedelta(days=3),
                                digitised=n % 2 == 0, e_certified=n % 3 == 0)
                batch.append(dossier)
                made += 1
        fresh: list[Dossier] = []
        while len(fresh) < SAVE_BATCH and made < count:
            fresh.append(receive(dossier_fields(i, "S", start + timedelta(seconds=150 * i))))
            made += 1
            i += 1
        ledger.save(*batch, *fresh)
        previous = fresh


# -- raw floors -----------------------------------------------------------------

class RawTable(Protocol):
    def insert(self, rows: int) -> None: ...

    def close(self) -> None: ...


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
    notification index), written one row per transaction."""

    def __init__(self, schema: str, topic: str, state: bytes) -> None:
        self.conn = psycopg.connect(POSTGRES_URL)
        table = sql.Identifier(schema, "raw_events")
        index = sql.Identifier(f"{schema}_raw_events_notification_id")
        self.conn.execute(sql.SQL(
            "CREATE TABLE {} (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
            " topic text, state bytea, notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))").format(table))
        self.conn.execute(sql.SQL("CREATE UNIQUE INDEX {} ON {} (notification_id)")
                          .format(index, table))
        self.conn.commit()
        self.statement = sql.SQL("INSERT INTO {} (originator_id, originator_version, topic,"
                                 " state) VALUES (%s, %s, %s, %s)").format(table)
        self.topic, self.state = topic, state

    def insert(self, rows: int) -> None:
        for _ in range(rows):
            self.conn.execute(self.statement, (uuid.uuid4(), 1, self.topic, self.state))
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def read_log(recorder: ApplicationRecorder) -> int:
    """Page through the whole log as the engine does, without decoding."""
    start, seen = 1, 0
    while notifications := recorder.select_notifications(start, PAGE):
        seen += len(notifications)
        start = notifications[-1].id + 1
    return seen


def read_and_decode(ledger: Ledger) -> int:
    """The raw read plus turning every notification into its domain event:
    the part of a rebuild the projection's handlers and writes do not own.
    Returns the number of dossiers received, to check the rebuild against."""
    start, received = 1, 0
    topic = get_topic(Dossier.Received)
    while notifications := ledger.recorder.select_notifications(start, PAGE):
        for notification in notifications:
            ledger.mapper.to_domain_event(notification)
            received += notification.topic == topic
        start = notifications[-1].id + 1
    return received


# -- measurements -----------------------------------------------------------------

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


def measure_appends(ledger: Ledger, raw: RawTable, count: int, backend: str) -> Result:
    # App and raw alternate in rounds so that drift in the disk's flush
    # latency over the run falls on both sides alike.
    receive_commands(ledger, range(count, count + WARM_UP))
    raw.insert(WARM_UP)
    app_s = raw_s = 0.0
    for r in range(ROUNDS):
        chunk = range(r * count // ROUNDS, (r + 1) * count // ROUNDS)
        raw_s += seconds(lambda: raw.insert(len(chunk)))
        app_s += seconds(lambda: receive_commands(ledger, chunk))
    commune_read_s = seconds(lambda: [ledger.require_commune(COMMUNE) for _ in range(count)])
    result = Result("single appends (receive_dossier, 1 per transaction)", count,
                    count / app_s, count / raw_s, min_ratio=APPEND_RATIO_TARGET)
    if not result.met:
        result.limits = append_limits(result, commune_read_s / count, backend)
    return result


def measure_rebuild(service: LedgerService, events: int, target: float | None) -> Result:
    ledger = service.ledger
    missing = max(events - service.engine.head(), 0)
    progress(f"generating {missing:,} events")
    progress(f"generated in {seconds(lambda: generate(ledger, missing)):.1f} s")
    head = service.engine.head()
    read_s = seconds(lambda: read_log(ledger.recorder))
    rebuild_s = seconds(lambda: service.engine.rebuild("dossiers"))
    decode_started = time.perf_counter()
    received = read_and_decode(ledger)
    decode_s = time.perf_counter() - decode_started
    check_rebuild(service, received)
    result = Result("projection rebuild (dossiers)", head, head / rebuild_s, head / read_s,
                    min_rate=target)
    if result.met is False:
        result.limits = rebuild_limits(head, rebuild_s, read_s, decode_s)
    return result


def check_rebuild(service: LedgerService, received: int) -> None:
    """A fast rebuild that lost rows would be no result at all."""
    with service.read() as conn:
        rows = conn.execute(select(func.count()).select_from(DossierRow.__table__)).scalar_one()
    if rows != received:
        raise RuntimeError(f"rebuild produced {rows} dossier rows for {received} receipts")


# -- what limits a missed target: derived from figures measured above ----------------

def append_limits(result: Result, commune_read_s: float, backend: str) -> str:
    app_us, raw_us = 1e6 / result.rate, 1e6 / result.floor
    extra = app_us - raw_us
    text = (f"A command takes {app_us:,.0f} µs against {raw_us:,.0f} µs for the raw "
            f"insert: {extra:,.0f} µs more. Of that, {commune_read_s * 1e6:,.0f} µs is "
            "the commune read every command makes before it writes (measured alone); "
            "the rest is building, encoding and inserting the event through the library")
    if backend == "PostgreSQL":
        text += (", whose PostgreSQL write also locks the events table and sends a "
                 "NOTIFY in each transaction")
    return text + "."


def rebuild_limits(events: int, rebuild_s: float, read_s: float, decode_s: float) -> str:
    per = 1e6 / events
    decode_only = max(decode_s - read_s, 0.0)
    rest = max(rebuild_s - decode_s, 0.0)
    return (f"Per event the rebuild takes {rebuild_s * per:.1f} µs: reading the log "
            f"{read_s * per:.1f} µs ({read_s / rebuild_s:.0%}), decoding events "
            f"{decode_only * per:.1f} µs ({decode_only / rebuild_s:.0%}), the handlers and "
            f"the batched row writes {rest * per:.1f} µs ({rest / rebuild_s:.0%}); "
            "the read and decode parts are timed alone on the same log.")


# -- backends ----------------------------------------------------------------------

def run_backend(url: str, title: str, make_raw: Callable[[str, bytes], RawTable],
                args: argparse.Namespace, rebuild_target: float | None) -> BackendReport:
    upgrade(url)
    service = LedgerService(url)
    try:
        with acting_as("bench"):
            service.record(service.ledger.register_commune, COMMUNE, "Xã Quảng Nghiệp")
            raw = make_raw(*sample_row(service.ledger))
            try:
                progress(f"{title}: {args.appends:,} single appends")
                appends = measure_appends(service.ledger, raw, args.appends, title)
            finally:
                raw.close()
            progress(f"{title}: rebuild at {args.events:,} events")
            rebuild = measure_rebuild(service, args.events, rebuild_target)
    finally:
        service.close()
    return BackendReport(title, [appends, rebuild])


def run_sqlite(args: argparse.Namespace) -> BackendReport:
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.sqlite3'}"
        raw = Path(folder) / "raw.sqlite3"
        return run_backend(url, "SQLite", lambda t, s: SQLiteRawTable(raw, t, s),
                           args, REBUILD_RATE_TARGET)


@contextmanager
def postgres_schema() -> Iterator[str]:
    schema = f"ledger_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            yield schema
        finally:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def run_postgres(args: argparse.Namespace) -> BackendReport:
    try:
        with postgres_schema() as schema:
            separator = "&" if "?" in POSTGRES_URL else "?"
            url = f"{POSTGRES_URL}{separator}schema={schema}"
            return run_backend(url, "PostgreSQL", lambda t, s: PostgresRawTable(schema, t, s),
                               args, None)
    except psycopg.OperationalError as error:
        return BackendReport("PostgreSQL", failure=f"not measured, server unreachable: {error}")


# -- the report ----------------------------------------------------------------------

def machine() -> list[tuple[str, str]]:
    return [("CPU", f"{cpu_model()}, {os.cpu_count()} cores"),
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
            shown = [conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                     for name in ("server_version", "fsync", "synchronous_commit")]
    except psycopg.OperationalError:
        return "unreachable"
    return f"{shown[0]} (fsync={shown[1]}, synchronous_commit={shown[2]})"


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


def notes(reports: Sequence[BackendReport]) -> list[str]:
    missed = [f"- {b.title}, {r.measurement}: {r.limits}"
              for b in reports for r in b.results if r.met is False]
    failed = [f"- {b.title}: {b.failure}" for b in reports if b.failure]
    body = missed + failed or ["Every target was met."]
    return ["## Where a target is missed: what limits it", "", *body, ""]


def render(args: argparse.Namespace, reports: Sequence[BackendReport], started: datetime,
           elapsed: float) -> str:
    default = (args.events, args.appends) == (DEFAULT_EVENTS, DEFAULT_APPENDS)
    command = "make bench" if default else \
        f"python -m bench.bench --events {args.events} --appends {args.appends}"
    lines = ["# Commune Ledger benchmarks", "",
             f"Command: `{command}`  ", f"Date: {started:%Y-%m-%d %H:%M %Z}  ",
             f"Run time: {elapsed:.0f} s", "", "## Machine", "",
             *[f"- {name}: {value}" for name, value in machine()], "",
             "## What is measured", "", *METHOD, ""]
    for report in reports:
        lines += backend_section(report)
    return "\n".join(lines + notes(reports))


METHOD = [
    "- Single appends: `Ledger.receive_dossier` called directly, one command per "
    "transaction (projection catch-up not included). Each command reads the commune "
    "and writes one event. Raw floor: one INSERT + COMMIT per row, in the same kind "
    "of database with the same settings, into a table shaped like the library's "
    "events table, each row carrying the stored state of a real Received event. App "
    "and raw runs alternate in rounds; ratio = app events/s ÷ raw events/s.",
    "- Projection rebuild: `engine.rebuild(\"dossiers\")` over a log of synthetic "
    "dossier events (about half Received, half Resolved; a Resolved usually lands in "
    "a later page than its Received). Events/s = events in the log ÷ seconds. Raw "
    "floor: the same log read through `recorder.select_notifications` in pages of "
    f"{PAGE:,}, without decoding. The rebuilt row count is checked against the log.",
]


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                        help="events in the log for the rebuild (default %(default)s)")
    parser.add_argument("--appends", type=int, default=DEFAULT_APPENDS,
                        help="single appends to time (default %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    reports = [run_sqlite(args), run_postgres(args)]
    text = render(args, reports, started, time.perf_counter() - clock)
    REPORT.write_text(text)
    print(text)
    return 1 if any(r.failure for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
