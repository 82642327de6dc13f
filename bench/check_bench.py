"""``report PERIOD --check`` on a generated log: whether every figure of the
projections' report agrees with the one recomputed straight from the event
log (``app.reports.from_log``), and how long the check takes.

Records the synthetic commune of the pages at scale (``bench.commune``:
dossiers received on working days over eight years up to yesterday, handed
over, paid, resolved, returned, some refused, withdrawn or stopped), about
the asked number of events (the count of dossiers is set from it once), in
a throw-away SQLite ledger; brings the projections up to date; then checks
a month, a half-year and a year, timing the whole check and, apart, the
replay of the log alone (read, decode, replay the aggregates, apply the
rules).

    python -m bench.check_bench [--events N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.reports.check import checked
from app.reports.from_log import log_report, read_log
from app.service import LedgerService, upgrade
from bench import commune
from projections.periods import Period

DEFAULT_EVENTS = 200_000
EVENTS_PER_DOSSIER = 2.65  # about, in the generated commune


def periods(today: date) -> list[str]:
    """The last full year, the half-year before today's, and last month."""
    half = f"{today.year}-H1" if today.month > 6 else f"{today.year - 1}-H2"
    month = f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
    return [month, half, str(today.year - 1)]


def record(service: LedgerService, events: int) -> int:
    """About ``events`` events of the generated commune's dossiers (its
    codes are the commune's, the day's and a sequence: a second run over
    the same days would collide, so the count is set once)."""
    commune.set_up(service.ledger)
    commune.record(service.ledger, round(events / EVENTS_PER_DOSSIER), "an")
    return service.engine.head()


def seconds(started: float) -> float:
    return time.perf_counter() - started


def run(events: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.sqlite3'}"
        upgrade(url)
        service = LedgerService(url)
        try:
            started = time.perf_counter()
            head = record(service, events)
            print(f"recorded {head:,} events in {seconds(started):.1f} s", flush=True)
            started = time.perf_counter()
            service.catch_up()
            print(f"projections caught up in {seconds(started):.1f} s", flush=True)
            return all(check(service, Period.parse(p)) for p in periods(commune.today()))
        finally:
            service.close()


def check(service: LedgerService, period: Period) -> bool:
    code, today = commune.COMMUNE[0], commune.today()
    started = time.perf_counter()
    outcome = checked(service, code, period, today)
    whole = seconds(started)
    started = time.perf_counter()
    with service.read() as conn:
        log = read_log(conn, service.ledger)
    log_report(log, code, period, today, service.ledger.zone)
    replay = seconds(started)
    verdict = "agree" if outcome.ok else f"{len(outcome.disagreements)} DISAGREE"
    print(f"report {period} --check: {outcome.compared} figures {verdict} over "
          f"{outcome.position:,} events; the check {whole:.2f} s, of which the log's "
          f"replay about {replay:.2f} s ({outcome.position / replay:,.0f} events/s)",
          flush=True)
    for line in outcome.lines()[:-1]:
        print("  " + line)
    return outcome.ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS,
                        help="events in the generated log, at least (default %(default)s)")
    return 0 if run(parser.parse_args(argv).events) else 1


if __name__ == "__main__":
    sys.exit(main())
