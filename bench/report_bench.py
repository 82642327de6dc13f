"""The period report at scale, on SQLite: how long the report of a past
half-year takes over a log of a million events, as known today and as
known at earlier positions, and whether ``report --check`` agrees.

1. Records the commune of ``bench.mixed`` (every stream mixed, through the
   ledger's own commands) at about ``--events`` events into a temporary
   SQLite file and brings the projections up to date, each timed.
2. Times the half-year report (JSON, as ``report --format json`` prints it)
   in processes of their own, as ``flask report`` runs it, their start-up
   not timed: each process's first report (its database pages not yet
   read) and then further ones; beside them, the raw floor: the rows the
   report reads most of, every tally of the commune over the period, read
   with the ``sqlite3`` driver alone.
3. Times the report as known at earlier positions of the same log (the read
   models brought back there, ``projections.rewind``) beside the replay of
   the log up to each position that the report from the log alone takes
   (``app.reports.from_log``), and checks the two give the same JSON.
4. Records a second log of about ``--check-events`` events and runs
   ``report --check`` on three periods (last month, the last half-year,
   last year): every figure recomputed from the log and compared.

Prints its section of BENCHMARKS.md (``make bench`` adds it there); run
alone, it puts its section in place of the one BENCHMARKS.md holds.

    python -m bench.report_bench [--events N] [--check-events N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.reports.check import checked
from app.reports.from_log import log_report, read_log
from app.reports.period import period_report, report_text
from app.service import LedgerService, upgrade
from bench.commune import ZONE
from bench.mixed import COMMUNE
from bench.mixed import record as record_mixed
from events.base import acting_as
from projections.db import IMMEDIATE
from projections.periods import Period
from projections.rewind import rewind

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "BENCHMARKS.md"
HEADING = "## The period report at scale"
DEFAULT_EVENTS = 1_000_000
DEFAULT_CHECK_EVENTS = 200_000
PROCESSES = 5          # processes timing the report, each its first and then WARM more
WARM = 10
TARGET_MS = 300.0      # the half-year report, JSON, at 1,000,000 events (issue 14)
BACK = (1_000, 10_000, 100_000)  # "as known at" this many events before the head
KNOWN_RUNS = 3
# The tallies the report sums: each kept by commune and day.
TALLIES = ("dossier_tally", "document_tally", "household_tally", "household_check_tally",
           "supply_tally", "violation_tally", "portal_account_tally", "feedback_tally")


def progress(message: str) -> None:
    print(f"[report bench] {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return seconds * 1000


def half_year(day: date) -> str:
    """The last half-year that has ended by ``day``."""
    return f"{day.year}-H1" if day.month > 6 else f"{day.year - 1}-H2"


def periods(day: date) -> list[str]:
    """Last month, the last half-year and last year."""
    month = f"{day.year}-{day.month - 1:02d}" if day.month > 1 else f"{day.year - 1}-12"
    return [month, half_year(day), str(day.year - 1)]


@dataclass
class Generated:
    events: int
    recorded_s: float
    caught_up_s: float


@dataclass
class Known:
    back: int
    position: int
    rewound: int = 0                                   # records brought back
    rewind_ms: list[float] = field(default_factory=list)
    replay_ms: float = 0.0
    same: bool = False


@dataclass
class Checked:
    period: str
    compared: int
    agree: bool
    seconds: float
    lines: list[str]


@dataclass
class Result:
    period: str
    generated: Generated | None = None
    first_ms: list[float] = field(default_factory=list)   # each process's first report
    warm_ms: list[float] = field(default_factory=list)    # the ones after it
    floor_ms: list[float] = field(default_factory=list)
    known: list[Known] = field(default_factory=list)
    check_log: Generated | None = None
    checks: list[Checked] = field(default_factory=list)
    failure: str | None = None
    run_s: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)

    def median_first(self) -> float:
        return statistics.median(self.first_ms)

    def met(self) -> bool:
        return self.failure is None and bool(self.first_ms) and \
            max(self.median_first(), statistics.median(self.warm_ms)) <= TARGET_MS


def generate(url: str, events: int) -> Generated:
    upgrade(url)
    with closing(LedgerService(url)) as service, acting_as("bench"):
        started = time.perf_counter()
        recorded = record_mixed(service.ledger, events)
        recorded_s = time.perf_counter() - started
        started = time.perf_counter()
        service.engine.catch_up(long_pages=True)
        return Generated(recorded.events, recorded_s, time.perf_counter() - started)


def time_reports(url: str, period: str, day: date) -> tuple[list[float], list[float], str]:
    """The report in ``PROCESSES`` processes of their own: each one's first,
    then ``WARM`` more; and the JSON they gave (all alike)."""
    firsts, warm, texts = [], [], set()
    for _ in range(PROCESSES):
        done = subprocess.run([sys.executable, "-m", "bench.report_bench", "--time-report",
                               url, period, day.isoformat()], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"the report's process failed: {done.stderr[-2000:]}")
        timed = json.loads(done.stdout.splitlines()[-1])
        firsts.append(timed["first_ms"])
        warm.extend(timed["warm_ms"])
        texts.add(timed["text"])
    if len(texts) != 1:
        raise RuntimeError("the report's processes gave different reports")
    return firsts, warm, texts.pop()


def report_in_process(url: str, period_text: str, day_text: str) -> int:
    """The child's side of ``time_reports``: prints its times as JSON."""
    period, day = Period.parse(period_text), date.fromisoformat(day_text)
    with closing(LedgerService(url)) as service:
        times, text = [], ""
        for _ in range(1 + WARM):
            started = time.perf_counter()
            with service.read() as conn:
                text = report_text(period_report(conn, COMMUNE, period, day))
            times.append(ms(time.perf_counter() - started))
    print(json.dumps({"first_ms": times[0], "warm_ms": times[1:], "text": text}))
    return 0


def raw_floor(path: Path, period: Period) -> list[float]:
    """Every tally row of the commune over the period, read and summed by
    metric with the driver alone, as many times as the warm reports."""
    times = []
    with closing(sqlite3.connect(path)) as conn:
        for _ in range(PROCESSES * WARM):
            started = time.perf_counter()
            for table in TALLIES:
                conn.execute(f"SELECT metric, sum(\"count\") FROM {table} WHERE commune = ? "
                             "AND day BETWEEN ? AND ? GROUP BY metric",
                             (COMMUNE, period.start.isoformat(),
                              period.end.isoformat())).fetchall()
            times.append(ms(time.perf_counter() - started))
    return times


def known_at(url: str, period: Period, day: date, head: int) -> list[Known]:
    """The report with the read models brought back ``BACK`` events before
    the head, beside the report from the log alone at the same position."""
    out = []
    with closing(LedgerService(url)) as service:
        for back in BACK:
            known = Known(back, max(head - back, 0))
            text = ""
            for _ in range(KNOWN_RUNS):
                started = time.perf_counter()
                with service.db.connect().execution_options(**IMMEDIATE) as conn:
                    transaction = conn.begin()
                    try:
                        known.rewound = rewind(service.engine, conn, known.position, COMMUNE)
                        text = report_text(period_report(conn, COMMUNE, period, day))
                    finally:
                        transaction.rollback()
                known.rewind_ms.append(ms(time.perf_counter() - started))
            started = time.perf_counter()
            with service.read() as conn:
                log = read_log(conn, service.ledger, known.position)
            replayed = report_text(log_report(log, COMMUNE, period, day, service.ledger.zone))
            known.replay_ms = ms(time.perf_counter() - started)
            known.same = replayed == text
            rewound = statistics.median(known.rewind_ms)
            progress(f"  as known at {back:,} events back: {rewound:,.0f} ms, replay "
                     f"{known.replay_ms:,.0f} ms, same: {known.same}")
            out.append(known)
    return out


def check(url: str, day: date) -> list[Checked]:
    out = []
    with closing(LedgerService(url)) as service:
        for text in periods(day):
            started = time.perf_counter()
            outcome = checked(service, COMMUNE, Period.parse(text), day)
            out.append(Checked(text, outcome.compared, outcome.ok,
                               time.perf_counter() - started, outcome.lines()))
            progress(f"  report {text} --check: {outcome.lines()[-1]}")
    return out


def run(events: int, check_events: int) -> Result:
    started, load = time.perf_counter(), os.getloadavg()[0]
    day = datetime.now(ZONE).date()
    result = Result(half_year(day))
    period = Period.parse(result.period)
    with tempfile.TemporaryDirectory(prefix="ledger-report-bench-") as folder:
        path = Path(folder) / "report.sqlite3"
        url = f"sqlite:///{path}"
        progress(f"recording a log of about {events:,} events mixing every stream")
        result.generated = generate(url, events)
        progress(f"  {result.generated.events:,} events in {result.generated.recorded_s:.0f} s, "
                 f"projections caught up in {result.generated.caught_up_s:.0f} s")
        progress(f"the {result.period} report in {PROCESSES} processes")
        result.first_ms, result.warm_ms, text = time_reports(url, result.period, day)
        result.floor_ms = raw_floor(path, period)
        received = json.loads(text)["dossiers"]["received"]
        if not received:
            result.failure = f"the {result.period} report counts no dossier"
        with closing(LedgerService(url)) as service:
            head = service.engine.head()
        progress("as known at earlier positions")
        result.known = known_at(url, period, day, head)
        if not all(k.same for k in result.known):
            result.failure = "a report as known at a position differs from the log's"
    if check_events > 0:
        with tempfile.TemporaryDirectory(prefix="ledger-check-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'check.sqlite3'}"
            progress(f"recording a log of about {check_events:,} events for the check")
            result.check_log = generate(url, check_events)
            result.checks = check(url, day)
            if not all(c.agree for c in result.checks):
                result.failure = "report --check found figures that disagree"
    result.run_s, result.load = time.perf_counter() - started, (load, os.getloadavg()[0])
    return result


def section(result: Result) -> list[str]:
    g = result.generated
    lines = [HEADING, "",
             f"Command: `python -m bench.report_bench` (part of `make bench`); run time "
             f"{result.run_s:.0f} s; load average (1 min) at start and end "
             f"{result.load[0]:.2f}, {result.load[1]:.2f}. SQLite, a temporary file.", ""]
    if g is not None:
        lines += [
            f"Generated: the commune of `bench.mixed` (every stream mixed, through the "
            f"ledger's commands) at {g.events:,} events, recorded in {g.recorded_s:.0f} s; "
            f"the projections brought up to date in {g.caught_up_s:.0f} s "
            f"({g.events / g.caught_up_s:,.0f} events/s).", ""]
    if result.first_ms:
        first, warm = result.median_first(), statistics.median(result.warm_ms)
        lines += [
            "| measurement | median ms | slowest ms | raw floor median ms | target | met |",
            "|---|---:|---:|---:|---|---|",
            f"| report {result.period}, JSON, first in its process (start-up not timed) | "
            f"{first:,.0f} | {max(result.first_ms):,.0f} | "
            f"{statistics.median(result.floor_ms):.1f} | ≤ {TARGET_MS:.0f} ms | "
            f"{'yes' if first <= TARGET_MS else 'no'} |",
            f"| report {result.period}, JSON, the next ones | {warm:,.0f} | "
            f"{max(result.warm_ms):,.0f} | {statistics.median(result.floor_ms):.1f} | "
            f"≤ {TARGET_MS:.0f} ms | {'yes' if warm <= TARGET_MS else 'no'} |", "",
            f"- The report: `period_report` and the JSON text `report --format json` prints, "
            f"in {PROCESSES} processes of their own (as `flask report` runs it), each timing "
            f"its first report and {WARM} more. Raw floor: every tally row of the commune "
            f"over the period ({', '.join(TALLIES)}) summed by metric with the `sqlite3` "
            "driver alone, which is most of what the report reads (it also reads the "
            "month and year rows before the period for the figures held at its end, the "
            "catalogue, the villages and the targets).", ""]
    if result.known:
        lines += [
            "| as known at | records brought back | rewound report median ms | "
            "replay of the log ms | same JSON |",
            "|---|---:|---:|---:|---|"]
        lines += [f"| {k.back:,} events before the head (position {k.position:,}) | "
                  f"{k.rewound:,} | {statistics.median(k.rewind_ms):,.0f} | "
                  f"{k.replay_ms:,.0f} | {'yes' if k.same else 'NO'} |" for k in result.known]
        lines += [
            "",
            f"- As known at: the read models brought back to the position inside a "
            f"transaction then rolled back (`projections.rewind`), and the report read "
            f"from them, median of {KNOWN_RUNS}; beside it the report from the log alone "
            "up to the same position (`app.reports.from_log`: read, decode, replay, the "
            "pure rules), which the JSON must equal. The rewound report's cost grows with "
            "what was recorded after the moment, the replay's with the log before it.", ""]
    if result.checks:
        c = result.check_log
        assert c is not None
        lines += [f"`report --check` on a second log of {c.events:,} events:", ""]
        lines += [f"- {x.period}: {x.compared:,} figures compared, "
                  f"{'all agree' if x.agree else 'DISAGREE'}, in {x.seconds:.1f} s"
                  for x in result.checks]
        lines += [""]
        for x in result.checks:
            if not x.agree:
                lines += [f"  - {line}" for line in x.lines[:20]]
    if result.failure:
        lines += [f"Check failed: {result.failure}.", ""]
    return lines


def put_in_place(lines: list[str]) -> None:
    """This section in place of the one BENCHMARKS.md holds (or after it)."""
    text = REPORT.read_text() if REPORT.exists() else ""
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    else:
        end = text.find("\n## ", start + len(HEADING))
        rest = "" if end < 0 else text[end:]
        text = text[:start] + "\n".join(lines).rstrip("\n") + "\n" + rest
    REPORT.write_text(text)


def add_size_arguments(parser: argparse.ArgumentParser, events: str = "--events") -> None:
    """The sizes of the two logs, as options of ``parser`` (``make bench``'s
    names its first one ``--report-events``)."""
    parser.add_argument(events, type=int, default=DEFAULT_EVENTS,
                        help="events, about, in the log the period report is timed on "
                             "(default %(default)s)")
    parser.add_argument("--check-events", type=int, default=DEFAULT_CHECK_EVENTS,
                        help="events, about, in the log `report --check` runs on; 0 leaves "
                             "it out (default %(default)s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_size_arguments(parser)
    parser.add_argument("--time-report", nargs=3, metavar=("DATABASE_URL", "PERIOD", "DAY"),
                        help="only time the report there, in this process, and print it "
                             "as JSON (how the bench runs each process of its own)")
    args = parser.parse_args(argv)
    if args.time_report:
        return report_in_process(*args.time_report)
    result = run(args.events, args.check_events)
    lines = section(result)
    put_in_place(lines)
    print("\n".join(lines))
    return 0 if result.failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
