"""Pages at scale: how fast the intranet answers over a commune of 200,000
dossiers (about 520,000 events), served as in production.

For SQLite (a temporary file) and PostgreSQL (a throw-away schema) in one
run:

1. records the commune of ``bench.commune`` through the aggregates and
   ``Ledger.save`` and brings the projections up to date, each timed; with
   both backends, one pass encodes each batch once and writes the same
   stored events to both event stores, each through its own recorder;
2. creates the staff's accounts through the ledger;
3. starts gunicorn with two workers on the database and logs each simulated
   user in once, as a browser does (log-in page, CSRF token, form);
4. times each page for one user at a time, then for eight users at once
   (each with their own account), and the database's raw floor for it:
   the rows the page shows, read with the driver in one query; every answer
   is checked (status 200 and the figures or rows the generated commune
   says it must show), and a page that fails a check is not timed further;
5. times ``flask report`` as a whole process, minus a process that only
   starts the app.

Prints its section of BENCHMARKS.md; ``python -m bench.bench`` (``make
bench``) adds it to that file.

    python -m bench.pages [--dossiers N] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
from babel.numbers import format_decimal

from app.people.credentials import set_password
from app.service import LedgerService, upgrade
from bench import commune
from bench.bench import DEFAULT_DOSSIERS, POSTGRES_URL, postgres_schema, progress
from events.base import acting_as
from projections.engine import POSITIONS
from projections.periods import Period

ROOT = Path(__file__).resolve().parent.parent
SEARCH = "vu van an"                 # typed without diacritics, as users do
SEARCH_RAW = "Vũ Văn An"             # the same name as stored, for the raw floor's LIKE
DASHBOARD_PERIOD, BOOK_MONTH, REPORT_PERIOD = "2025-H1", "2025-06", "2025-H1"

WARM_UP = 3          # untimed requests before one user's timed ones
SINGLE_RUNS = 40     # timed requests for one user
USERS = 8            # at once, each with an account of its own (bench.commune.STAFF)
USER_RUNS = 25       # timed requests per user with eight at once
REPORT_RUNS = 5      # report processes, and as many start-up processes
# A slow page would take minutes at these counts: after this many seconds a
# measurement stops at the requests it has (at least MIN_RUNS, and
# MIN_USER_RUNS per user), and the table says how many.
SINGLE_BUDGET, EIGHT_BUDGET = 4.0, 5.0
MIN_RUNS, MIN_USER_RUNS = 5, 2
START_TIMEOUT = 60.0

# Targets (ms): one user, each page; eight users on two workers, each page;
# the report, beyond the start-up of its process.
ONE_MEDIAN, ONE_P95, EIGHT_P95, REPORT_BEYOND = 50.0, 100.0, 250.0, 300.0

CODE_LINK = re.compile(rb">(\d{5}-\d{6}-\d{4})</a>")


# -- results ---------------------------------------------------------------------------

def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of them at
    or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class PageResult:
    label: str
    one: list[float] = field(default_factory=list)     # ms, one user
    eight: list[float] = field(default_factory=list)   # ms, eight users at once
    floor: list[float] = field(default_factory=list)   # ms, the raw query
    failure: str = ""
    report: bool = False                                # the report: one figure, no users
    processes: list[float] = field(default_factory=list)  # the report: whole processes, ms
    startups: list[float] = field(default_factory=list)   # and processes only starting

    def missed(self) -> list[str]:
        """The parts of the targets this page misses."""
        if self.failure:
            return ["check failed"]
        if self.report:
            return [] if self.one and self.one[0] <= REPORT_BEYOND else ["beyond start-up"]
        found = []
        if statistics.median(self.one) > ONE_MEDIAN:
            found.append("median 1 user")
        if percentile(self.one, 0.95) > ONE_P95:
            found.append("p95 1 user")
        if self.eight and percentile(self.eight, 0.95) > EIGHT_P95:
            found.append("p95 8 users")
        return found


@dataclass
class BackendPages:
    title: str
    results: list[PageResult] = field(default_factory=list)
    failure: str = ""
    server: str = ""  # what of the server's settings bears on the figures


# -- the web client --------------------------------------------------------------------

class Session:
    """One browser: its cookies, one connection per request (gunicorn's sync
    workers close each connection after answering)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, float, Any]:
        """(status, body, seconds from connecting to the last byte, headers)."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data, elapsed, response.headers

    def get(self, path: str, headers: dict[str, str] | None = None
            ) -> tuple[int, bytes, float]:
        status, data, elapsed, _ = self.request("GET", path, headers=headers)
        return status, data, elapsed

    def log_in(self, name: str, password: str) -> None:
        status, page, _ = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"log-in page: status {status}, no CSRF token")
        form = urllib.parse.urlencode({"csrf_token": html.unescape(token.group(1).decode()),
                                       "name": name, "password": password}).encode()
        status, body, _, headers = self.request(
            "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status not in (302, 303) or headers.get("Location", "").startswith("/login"):
            raise RuntimeError(f"log-in of {name} refused: status {status}: "
                               f"{body[:300].decode(errors='replace')}")


# -- pages -----------------------------------------------------------------------------

@dataclass
class Page:
    label: str
    path: Callable[[int], str]        # the n-th request's path
    check: Callable[[int, bytes], str | None]
    raw: Callable[[RawDatabase, int, int], None]  # (database, n, rows shown)
    headers: dict[str, str] = field(default_factory=dict)  # as the page sends them


def number(n: int) -> str:
    return format_decimal(n, locale="vi")


def period_days(text: str, today: date) -> tuple[date, date]:
    """A period as the pages read it; the current year when none is given."""
    period = Period.parse(text or str(today.year))
    return period.start, period.end


def dashboard_check(truth: commune.Truth, period: str) -> Callable[[int, bytes], str | None]:
    start, end = period_days(period, commune.today())
    expected = truth.received(start, end)
    marker = f'data-count="received">{number(expected)}</dd>'.encode()

    def check(_n: int, body: bytes) -> str | None:
        if marker in body:
            return None
        found = re.search(rb'data-count="received">([^<]*)<', body)
        return (f"received {start}..{end}: expected {number(expected)}, page shows "
                f"{found.group(1).decode() if found else 'no figure'}")
    return check


def fields_check(truth: commune.Truth, period: str) -> Callable[[int, bytes], str | None]:
    """The fields' received figures add up to the period's receipts."""
    start, end = period_days(period, commune.today())
    expected = truth.received(start, end)

    def check(_n: int, body: bytes) -> str | None:
        found = sum(int(n.replace(b".", b"")) for n in
                    re.findall(rb'<td class="n" data-figure="received">([^<]*)<', body))
        return None if found == expected else \
            f"fields' receipts {start}..{end}: expected {number(expected)}, found {number(found)}"
    return check


def charts_check(truth: commune.Truth, period: str) -> Callable[[int, bytes], str | None]:
    """The received chart's monthly totals add up to the period's receipts."""
    start, end = period_days(period, commune.today())
    expected = truth.received(start, end)

    def check(_n: int, body: bytes) -> str | None:
        drawn = body.partition(b'id="chart-resolved"')[0]
        found = sum(int(n.replace(b".", b"")) for n in
                    re.findall(rb'class="total"[^>]*>([^<]*)<', drawn))
        return None if found == expected else \
            f"charted receipts {start}..{end}: expected {number(expected)}, found {number(found)}"
    return check


def list_check(truth: commune.Truth) -> Callable[[int, bytes], str | None]:
    def check(_n: int, body: bytes) -> str | None:
        codes = CODE_LINK.findall(body)
        if not codes:
            return "no dossier listed"
        if codes[0].decode() != truth.newest:
            return f"first row {codes[0].decode()}, expected the newest, {truth.newest}"
        return None
    return check


def search_check(truth: commune.Truth) -> Callable[[int, bytes], str | None]:
    hits = {code for _at, code in truth.matches}

    def check(_n: int, body: bytes) -> str | None:
        codes = [c.decode() for c in CODE_LINK.findall(body)]
        if not hits:
            return f"{len(codes)} rows, expected none" if codes else None
        if not codes:
            return (f"no row for «{SEARCH}», expected {len(hits):,} dossiers "
                    f"(the newest {truth.newest_match})")
        if codes[0] != truth.newest_match:
            return f"first row {codes[0]}, expected the newest match {truth.newest_match}"
        strays = [c for c in codes if c not in hits]
        return f"{len(strays)} rows do not match, e.g. {strays[0]}" if strays else None
    return check


def dossier_check(truth: commune.Truth) -> Callable[[int, bytes], str | None]:
    def check(n: int, body: bytes) -> str | None:
        code, applicant = truth.sample[n % len(truth.sample)]
        if code.encode() not in body or html.escape(applicant).encode() not in body:
            return f"page of {code} lacks its code or applicant ({applicant})"
        return None
    return check


def book_check(truth: commune.Truth, month: str) -> Callable[[int, bytes], str | None]:
    year, number_ = (int(part) for part in month.split("-"))
    codes = truth.in_month.get((year, number_), [])

    def check(_n: int, body: bytes) -> str | None:
        lines = body.count(b"<tr data-code=")
        if lines != len(codes):
            return f"{lines} lines, expected {len(codes)} (dossiers received in {month})"
        if codes and (codes[0].encode() not in body or codes[-1].encode() not in body):
            return f"first or last dossier of {month} missing"
        return None
    return check


def healthz_check(_n: int, body: bytes) -> str | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    return None if answer.get("status") == "ok" and answer.get("behind") == 0 else \
        f"answer {answer}"


def pages(truth: commune.Truth) -> list[Page]:
    code = commune.COMMUNE[0]
    sample = truth.sample
    month_start, month_end = period_days(BOOK_MONTH, commune.today())
    h1_start, h1_end = period_days(DASHBOARD_PERIOD, commune.today())
    year_start, year_end = period_days("", commune.today())
    search = urllib.parse.quote_plus(SEARCH)
    return [
        Page("`/healthz`", lambda n: "/healthz", healthz_check,
             lambda db, n, rows: db.health()),
        Page("dashboard, current year `/`", lambda n: "/", dashboard_check(truth, ""),
             lambda db, n, rows: db.tallies(code, year_start, year_end)),
        Page(f"dashboard, `/?period={DASHBOARD_PERIOD}`",
             lambda n: f"/?period={DASHBOARD_PERIOD}", dashboard_check(truth, DASHBOARD_PERIOD),
             lambda db, n, rows: db.tallies(code, h1_start, h1_end)),
        Page(f"dashboard by field, `/dashboard/fields?period={DASHBOARD_PERIOD}`",
             lambda n: f"/dashboard/fields?period={DASHBOARD_PERIOD}",
             fields_check(truth, DASHBOARD_PERIOD),
             lambda db, n, rows: db.by_procedure(code, h1_start, h1_end),
             headers={"HX-Request": "true"}),  # as the dashboard fetches it
        Page(f"dashboard charts by month, `/dashboard/charts?period={DASHBOARD_PERIOD}`",
             lambda n: f"/dashboard/charts?period={DASHBOARD_PERIOD}",
             charts_check(truth, DASHBOARD_PERIOD),
             lambda db, n, rows: db.tallies(code, h1_start, h1_end),
             headers={"HX-Request": "true"}),  # as the dashboard fetches it
        Page("dossier list `/dossiers`", lambda n: "/dossiers", list_check(truth),
             lambda db, n, rows: db.newest(code, rows)),
        Page(f"search `/dossiers?q={search}`", lambda n: f"/dossiers?q={search}",
             search_check(truth), lambda db, n, rows: db.newest(code, rows, SEARCH_RAW)),
        Page("a dossier `/dossiers/<code>`",
             lambda n: f"/dossiers/{sample[n % len(sample)][0]}", dossier_check(truth),
             lambda db, n, rows: db.dossier(code, sample[n % len(sample)][0])),
        Page(f"tracking book `/print/book?period={BOOK_MONTH}`",
             lambda n: f"/print/book?period={BOOK_MONTH}", book_check(truth, BOOK_MONTH),
             lambda db, n, rows: db.book(code, month_start, month_end)),
    ]


# -- raw floors ------------------------------------------------------------------------

class RawDatabase:
    """The read model's tables read with the driver alone: one query, no ORM."""

    def __init__(self, service: LedgerService) -> None:
        self.head_sql = service.engine.head_statement
        if service.url.is_sqlite:
            self.conn: Any = sqlite3.connect(service.url.sqlite_path)
            self.mark, self.sqlite = "?", True
        else:
            self.conn = psycopg.connect(service.url.parts._replace(query="").geturl(),
                                        options=f"-csearch_path={service.url.schema}",
                                        autocommit=True)
            self.mark, self.sqlite = "%s", False

    def rows(self, statement: str, *args: Any) -> list[Any]:
        if self.sqlite:
            args = tuple(a.isoformat() if isinstance(a, date) else a for a in args)
        return self.conn.execute(statement.replace("?", self.mark), args).fetchall()

    def health(self) -> None:
        self.rows(f"SELECT name, position, ({self.head_sql}) FROM {POSITIONS.name}")

    def tallies(self, commune_code: str, start: date, end: date) -> None:
        self.rows("SELECT metric, SUM(count) FROM dossier_tally WHERE commune = ? AND "
                  "day BETWEEN ? AND ? GROUP BY metric", commune_code, start, end)

    def by_procedure(self, commune_code: str, start: date, end: date) -> None:
        self.rows("SELECT procedure_code, COUNT(*) FROM dossier WHERE commune = ? AND "
                  "received_on BETWEEN ? AND ? GROUP BY procedure_code", commune_code, start, end)

    def newest(self, commune_code: str, limit: int, applicant: str = "") -> None:
        where = " AND (code LIKE ? OR applicant LIKE ?)" if applicant else ""
        args = (f"%{applicant}%",) * 2 if applicant else ()
        self.rows("SELECT code, procedure_code, applicant, channel, status, received_at, "
                  f"due_date FROM dossier WHERE commune = ?{where} ORDER BY received_at DESC, "
                  "code DESC LIMIT ?", commune_code, *args, max(limit, 1))

    def dossier(self, commune_code: str, code: str) -> None:
        self.rows("SELECT * FROM dossier WHERE commune = ? AND code = ?", commune_code, code)

    def book(self, commune_code: str, start: date, end: date) -> None:
        self.rows("SELECT code, procedure_code, applicant, received_at, appointment_date, "
                  "status, received_on, channel, online_mode, due_date, due_before_supplement,"
                  " supplement_requested_on, supplement_received_on, refused_on, withdrawn_on,"
                  " stopped_on, resolved_on, returned_on, digitised, e_certified, "
                  "first_apology_on FROM dossier WHERE commune = ? AND received_on BETWEEN ? "
                  "AND ? ORDER BY received_at, code", commune_code, start, end)

    def settings(self) -> str:
        """Whether the server analyses tables by itself: the plans of
        queries over a table just filled depend on it."""
        if self.sqlite:
            return ""
        autovacuum = self.conn.execute("SHOW autovacuum").fetchone()[0]
        return f"autovacuum {autovacuum}" + (
            " on this server: nothing analyses the tables the catch-up filled, so the "
            "planner goes on estimating them as nearly empty" if autovacuum == "off" else "")

    def close(self) -> None:
        self.conn.close()


def floor(raw: Callable[[int], None], runs: int) -> list[float]:
    times = []
    for n in range(runs):
        started = time.perf_counter()
        raw(n)
        times.append((time.perf_counter() - started) * 1000)
    return times


# -- measuring -------------------------------------------------------------------------

class CheckFailed(Exception):
    pass


def fetch(session: Session, page: Page, n: int) -> float:
    """Milliseconds for the n-th request of the page, once its answer is checked."""
    path = page.path(n)
    status, body, seconds = session.get(path, page.headers)
    if status != 200:
        raise CheckFailed(f"{path}: status {status}")
    if problem := page.check(n, body):
        raise CheckFailed(f"{path}: {problem}")
    return seconds * 1000


def one_user(session: Session, page: Page) -> list[float]:
    for n in range(WARM_UP):
        fetch(session, page, n)
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < SINGLE_RUNS and (time.perf_counter() - started < SINGLE_BUDGET
                                        or len(times) < MIN_RUNS):
        times.append(fetch(session, page, WARM_UP + len(times)))
    return times


def eight_users(sessions: Sequence[Session], page: Page) -> list[float]:
    """Each user's session on its own thread, all starting together; each
    asks for a different dossier where the page names one."""
    times: list[list[float]] = [[] for _ in sessions]
    failures: list[str] = []
    deadline = [0.0]
    # The last user to arrive sets the deadline before any is let through.
    ready = threading.Barrier(len(sessions), action=lambda: deadline.__setitem__(
        0, time.perf_counter() + EIGHT_BUDGET))

    def user(i: int) -> None:
        try:
            fetch(sessions[i], page, 1000 * (i + 1))  # warm-up
            ready.wait()
            mine = times[i]
            while len(mine) < USER_RUNS and (time.perf_counter() < deadline[0]
                                             or len(mine) < MIN_USER_RUNS):
                mine.append(fetch(sessions[i], page, 1000 * (i + 1) + len(mine) + 1))
                if failures:
                    return
        except threading.BrokenBarrierError:
            return  # another user failed before the start
        except Exception as error:  # any: said as the page's failure below
            failures.append(str(error) or type(error).__name__)
            ready.abort()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise CheckFailed(failures[0])
    return [t for mine in times for t in mine]


def measure_page(page: Page, single: Session, sessions: Sequence[Session],
                 db: RawDatabase, title: str) -> PageResult:
    result = PageResult(page.label)
    progress(f"{title}: {page.label.replace('`', '')}")
    try:
        result.one = one_user(single, page)
        result.eight = eight_users(sessions, page)
    except (CheckFailed, OSError, http.client.HTTPException) as failure:
        result.failure = str(failure) or type(failure).__name__
        progress(f"  failed: {result.failure}")
        return result
    shown = len(CODE_LINK.findall(single.get(page.path(0))[1]))
    result.floor = floor(lambda n: page.raw(db, n, shown), len(result.one))
    return result


# -- the server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(url: str) -> dict[str, str]:
    return os.environ | {"LEDGER_DATABASE_URL": url, "LEDGER_SECRET_KEY": secrets.token_hex(32)}


@contextmanager
def gunicorn(url: str, log: Path) -> Iterator[int]:
    """Two workers serving the database, as ``make run`` serves it; yields
    the port once /healthz says every projection is up to date."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
               f"127.0.0.1:{port}", "--no-control-socket", "wsgi:app"]
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=app_env(url), stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        wait_until_current(server, port, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_current(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    probe, deadline = Session(port), time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}): {tail(log)}")
        try:
            status, body, _ = probe.get("/healthz")
        except OSError:
            time.sleep(0.05)
            continue
        if status == 200 and json.loads(body).get("behind") == 0:
            return
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn not ready after {START_TIMEOUT:.0f} s: {tail(log)}")


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


# -- the report command ----------------------------------------------------------------

def report_beyond_start(url: str, truth: commune.Truth, db: RawDatabase) -> PageResult:
    """Median of whole ``flask report`` processes minus the median of
    processes that only start the app (``report --help`` loads the app to
    find the command, and stops there), run alternately."""
    result = PageResult(f"report `flask report {REPORT_PERIOD}` (beyond start-up)",
                        report=True)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "report"]
    env = app_env(url)
    start, end = period_days(REPORT_PERIOD, commune.today())
    expected = truth.received(start, end)
    reports, starts = [], []
    for _ in range(REPORT_RUNS):
        starts.append(timed_process([*flask, "--help"], env)[0])
        seconds, output = timed_process([*flask, REPORT_PERIOD, "--commune",
                                         commune.COMMUNE[0]], env)
        received = json.loads(output)["dossiers"]["received"]
        if received != expected:
            result.failure = f"report {REPORT_PERIOD}: received {received}, expected {expected}"
            return result
        reports.append(seconds)
    result.processes, result.startups = [s * 1000 for s in reports], [s * 1000 for s in starts]
    result.one = [statistics.median(result.processes) - statistics.median(result.startups)]
    result.floor = floor(lambda n: db.tallies(commune.COMMUNE[0], start, end), REPORT_RUNS)
    return result


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} failed ({done.returncode}): "
                           f"{done.stderr[-1000:]}")
    return elapsed, done.stdout


# -- one run ---------------------------------------------------------------------------

@dataclass
class Target:
    title: str
    url: str
    service: LedgerService | None = None


@dataclass
class Spent:
    """Where the recording of the commune went, in seconds."""

    total: float = 0.0
    save: float = 0.0          # in Ledger.save, all of it
    append: float = 0.0        # of which the first backend's appends
    mirrors: float = 0.0       # waiting for the other backends' appends (in saves or after)
    tail: float = 0.0          # of which after the last save

    def said(self, first: str, others: str) -> str:
        building = self.total - self.save - self.tail
        encoding = self.save - self.append - (self.mirrors - self.tail)
        text = (f"building the dossiers and their events (the plan, the aggregates' "
                f"commands) {building:.0f} s, encoding them in `Ledger.save` "
                f"{encoding:.0f} s, appending them to {first} {self.append:.0f} s")
        return text + (f", waiting for {others}'s appends {self.mirrors:.0f} s"
                       if others else "")


@dataclass
class PagesRun:
    dossiers: int
    backends: list[BackendPages]
    truth: commune.Truth | None = None
    spent: Spent = field(default_factory=Spent)
    titles: list[str] = field(default_factory=list)  # backends recorded into
    catch_up_s: dict[str, float] = field(default_factory=dict)  # by backend, all at once
    elapsed: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # the machine's, at start and end


@contextmanager
def timed_saves(primary: LedgerService, mirrors: Sequence[LedgerService],
                spent: Spent) -> Iterator[None]:
    """Times the primary ledger's saves and appends; every append is made,
    with the same stored events, by the mirrors' own recorders too: in the
    same order, on a thread of each mirror's own, so that the next batch is
    built while the server writes this one (the driver lets go of the
    interpreter while it waits)."""
    ledger = primary.ledger
    save, insert = ledger.save, ledger.recorder.insert_events
    writers = [ThreadPoolExecutor(max_workers=1) for _ in mirrors]
    pending: list[Future[Any]] = []

    def timed_save(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return save(*args, **kwargs)
        finally:
            spent.save += time.perf_counter() - started

    def insert_everywhere(stored_events: Sequence[Any], **kwargs: Any) -> Any:
        started = time.perf_counter()
        ids = insert(stored_events, **kwargs)
        spent.append += time.perf_counter() - started
        wait_for(pending)
        pending[:] = [writer.submit(mirror.ledger.recorder.insert_events, stored_events,
                                    **kwargs) for writer, mirror in zip(writers, mirrors,
                                                                        strict=True)]
        return ids

    def wait_for(futures: list[Future[Any]]) -> float:
        started = time.perf_counter()
        for future in futures:
            future.result()  # a failed write stops the run at once
        waited = time.perf_counter() - started
        spent.mirrors += waited
        return waited

    try:
        with mock.patch.object(ledger, "save", timed_save), \
                mock.patch.object(ledger.recorder, "insert_events", insert_everywhere):
            yield
        spent.tail = wait_for(pending)
    finally:
        for writer in writers:
            writer.shutdown()


def generate(targets: Sequence[Target], count: int, password: str) -> tuple[commune.Truth,
                                                                          Spent]:
    for target in targets:
        assert target.service is not None
        commune.set_up(target.service.ledger)
        create_users(target.service, password)
    services = [t.service for t in targets if t.service is not None]
    names = " and ".join(t.title for t in targets)
    progress(f"{names}: recording {count:,} dossiers")
    spent, started = Spent(), time.perf_counter()
    with timed_saves(services[0], services[1:], spent):
        truth = commune.record(services[0].ledger, count, commune.fold(SEARCH))
    spent.total = time.perf_counter() - started
    progress(f"  {truth.events:,} events in {spent.total:.1f} s")
    return truth, spent


def create_users(service: LedgerService, password: str) -> None:
    """As ``users create`` does: the account through the ledger, the
    password hash beside it."""
    with acting_as("system"):
        for name, role, full_name in commune.STAFF:
            service.ledger.register_user(name, role, commune.COMMUNE[0], full_name)
    with service.write() as conn:
        for name, _role, _full_name in commune.STAFF:
            set_password(conn, name, password, must_change=False)


def catch_up(targets: Sequence[Target]) -> dict[str, float]:
    """Bring every backend's projections up to date, each in a process of
    its own, all at once: the seconds each took, by backend."""
    names = " and ".join(t.title for t in targets)
    progress(f"{names}: bringing the projections up to date")
    command = [sys.executable, "-m", "bench.pages", "--catch-up"]
    running = [subprocess.Popen([*command, t.url], cwd=ROOT, stdout=subprocess.PIPE,
                                text=True) for t in targets]
    seconds = {}
    for target, process in zip(targets, running, strict=True):
        output, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{target.title}: catching up failed ({process.returncode})")
        seconds[target.title] = float(output)
        progress(f"  {target.title} in {seconds[target.title]:.1f} s")
    return seconds


def catch_up_here(url: str) -> float:
    service = LedgerService(url)
    try:
        started = time.perf_counter()
        service.engine.catch_up(long_pages=True)
        return time.perf_counter() - started
    finally:
        service.close()


def measure_backend(target: Target, truth: commune.Truth, password: str,
                    folder: Path) -> BackendPages:
    service = target.service
    assert service is not None
    report = BackendPages(target.title)
    db = RawDatabase(service)
    report.server = db.settings()
    try:
        with gunicorn(target.url, folder / f"gunicorn-{target.title}.log") as port:
            sessions = [Session(port) for _ in range(USERS)]
            for session, (name, _role, _full) in zip(sessions, commune.STAFF[:USERS],
                                                     strict=True):
                session.log_in(name, password)
            for page in pages(truth):
                report.results.append(measure_page(page, sessions[0], sessions, db,
                                                   target.title))
        progress(f"{target.title}: the report command")
        report.results.append(report_beyond_start(target.url, truth, db))
    finally:
        db.close()
    return report


def run(count: int = DEFAULT_DOSSIERS, backend: str = "both") -> PagesRun:
    started, load = time.perf_counter(), os.getloadavg()[0]
    password = secrets.token_urlsafe(16)
    outcome = PagesRun(count, [])
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ledger-pages-")))
        targets = open_targets(stack, backend, folder, outcome)
        if targets:
            truth, outcome.spent = generate(targets, count, password)
            outcome.truth, outcome.titles = truth, [t.title for t in targets]
            outcome.catch_up_s = catch_up(targets)
            for target in targets:
                try:
                    outcome.backends.append(measure_backend(target, truth, password, folder))
                except RuntimeError as error:
                    outcome.backends.append(BackendPages(target.title, failure=str(error)))
    order = {"SQLite": 0, "PostgreSQL": 1}
    outcome.backends.sort(key=lambda b: order.get(b.title, 2))
    outcome.elapsed, outcome.load = time.perf_counter() - started, (load, os.getloadavg()[0])
    return outcome


def open_targets(stack: ExitStack, backend: str, folder: Path,
                 outcome: PagesRun) -> list[Target]:
    targets = []
    if backend in ("sqlite", "both"):
        targets.append(Target("SQLite", f"sqlite:///{folder / 'ledger.sqlite3'}"))
    if backend in ("postgresql", "both"):
        try:
            schema = stack.enter_context(postgres_schema())
        except psycopg.OperationalError as error:
            outcome.backends.append(BackendPages(
                "PostgreSQL", failure=f"not measured, server unreachable: {error}"))
        else:
            separator = "&" if "?" in POSTGRES_URL else "?"
            targets.append(Target("PostgreSQL", f"{POSTGRES_URL}{separator}schema={schema}"))
    for target in targets:
        upgrade(target.url)
        target.service = LedgerService(target.url)
        stack.callback(target.service.close)
    return targets


# -- the report ------------------------------------------------------------------------

def ms(value: float) -> str:
    digits = 2 if abs(value) < 1 else 1 if abs(value) < 10 else 0
    return f"{value:,.{digits}f}"


def spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):,.0f} ms ({min(values):,.0f}–{max(values):,.0f})"


def cell(values: Sequence[float], planned: int, p95: bool = False) -> str:
    if not values:
        return "—"
    text = ms(percentile(values, 0.95) if p95 else statistics.median(values))
    return text if len(values) >= planned else f"{text} (n={len(values)})"


def table(report: BackendPages) -> list[str]:
    lines = ["| page | median 1 user | p95 1 user | median 8 users | p95 8 users "
             "| raw floor median | target met |", "|---|---:|---:|---:|---:|---:|---|"]
    for r in report.results:
        missed = r.missed()
        met = "yes" if not missed else f"no ({', '.join(missed)})"
        if r.failure:
            lines.append(f"| {r.label} | — | — | — | — | — | no: {r.failure} |")
        elif r.report:
            lines.append(f"| {r.label} | {ms(r.one[0])} | — | — | — | "
                         f"{ms(statistics.median(r.floor))} | {met} |")
        else:
            lines.append(f"| {r.label} | {cell(r.one, SINGLE_RUNS)} "
                         f"| {cell(r.one, SINGLE_RUNS, True)} "
                         f"| {cell(r.eight, USERS * USER_RUNS)} "
                         f"| {cell(r.eight, USERS * USER_RUNS, True)} "
                         f"| {ms(statistics.median(r.floor))} | {met} |")
    return lines


def generated(run_: PagesRun) -> list[str]:
    truth = run_.truth
    if truth is None:
        return []
    states = ", ".join(f"{name} {n:,}" for name, n in truth.outcomes())
    first, others = run_.titles[0], " and ".join(run_.titles[1:])
    both = f" (one pass: the same stored events appended to {first} by `Ledger.save` and " \
        f"to {others} by its own recorder)" if others else ""
    caught = ", ".join(f"{title} {s:.0f} s" for title, s in run_.catch_up_s.items())
    at_once = " (at once, each in a process of its own)" if len(run_.catch_up_s) > 1 else ""
    return [f"Generated: one commune, {truth.dossiers:,} dossiers received "
            f"{truth.first_day:%d/%m/%Y}–{truth.last_day:%d/%m/%Y}, {truth.events:,} "
            f"events, recorded in {run_.spent.total:.0f} s{both}: "
            f"{run_.spent.said(first, others)}. Projections brought up to date in "
            f"{caught}{at_once}. At the end: {states}. The search «{SEARCH}» should find "
            f"{len(truth.matches):,} dossiers.", ""]


METHOD = [
    "- Each page through gunicorn (2 workers, as `make run` serves it) over HTTP on "
    "127.0.0.1, one connection per request, whole pages (no htmx; the figures by field and "
    "the charts by month as the dashboard fetches them, htmx fragments); time from connecting to "
    "the last byte of the body. One user: "
    f"{WARM_UP} untimed requests, then {SINGLE_RUNS}. Eight users: each logged in with "
    f"their own account on a thread of its own, {USER_RUNS} requests each after one "
    f"untimed, all started together. A page slower than that allows stops after "
    f"{SINGLE_BUDGET:.0f} s (one user) or {EIGHT_BUDGET:.0f} s (eight) of requests, and "
    "says how many it timed (n). The client runs on the same machine as the server. Two "
    "sync workers answer one request each at a time: with eight users a request waits for "
    "about three others, so eight users' times are about four times one user's.",
    "- Every answer is checked: status 200 and what the generated commune says the page "
    "must show (the dashboard's received count for its period, which the fields' received "
    "counts and the received chart's monthly totals add up to; the newest dossier first in "
    "the list; only and first the newest of the search's dossiers; the dossier's code and "
    "applicant; every dossier of the month in the book, first and last; the report's "
    "received count). A page failing a check is not timed further.",
    "- Raw floor: the rows the page shows read with the database driver alone (`sqlite3`, "
    "`psycopg`), one query, median of as many runs as one user's requests: /healthz the "
    "projections' positions and the log's head; the dashboard, its charts and the report the "
    "dossier tallies of the period summed by figure; the fields the period's receipts "
    "counted by procedure; the list the rows it shows by "
    f"received time; the search the same with a LIKE on code and applicant (`%{SEARCH_RAW}%`,"
    " which reads every dossier of the commune: a page searching an index of its own can beat "
    "it); a dossier its row by code; the book the month's rows.",
    f"- Report: `flask --app wsgi report {REPORT_PERIOD}` as a whole process, median of "
    f"{REPORT_RUNS}, minus the median of as many `flask --app wsgi report --help` (which "
    "starts the app to find the command, and stops), run alternately with gunicorn "
    "stopped.",
    f"- Targets: one user, each page median ≤ {ONE_MEDIAN:.0f} ms and p95 ≤ "
    f"{ONE_P95:.0f} ms; eight users, each page p95 ≤ {EIGHT_P95:.0f} ms; the report ≤ "
    f"{REPORT_BEYOND:.0f} ms beyond start-up.",
]


def section(run_: PagesRun) -> list[str]:
    lines = ["## Pages at scale", "",
             f"Command: `python -m bench.pages --dossiers {run_.dossiers}` (part of "
             f"`make bench`); run time {run_.elapsed:.0f} s; load average (1 min) at start "
             f"and end {run_.load[0]:.2f}, {run_.load[1]:.2f}.", "",
             *generated(run_), *METHOD, ""]
    heading = {"SQLite": "SQLite (temporary file)",
               "PostgreSQL": "PostgreSQL (fresh schema, dropped after the run)"}
    for report in run_.backends:
        lines += [f"### {heading.get(report.title, report.title)}", ""]
        if report.failure:
            lines += [report.failure, ""]
            continue
        lines += [f"Server: {report.server}.", ""] if report.server else []
        lines += [*table(report), ""]
        for r in report.results:
            if r.report and r.processes:
                lines += [f"The report's process takes {spread(r.processes)}, one that only "
                          f"starts the app {spread(r.startups)} (median, and the fastest and "
                          f"slowest of {REPORT_RUNS}): the difference is only as sure as "
                          "that spread.", ""]
    return lines + missed_notes(run_)


def missed_notes(run_: PagesRun) -> list[str]:
    failed = [f"- {b.title}: {r.label}: check failed: {r.failure}" for b in run_.backends
              for r in b.results if r.failure]
    missed = [f"- {b.title}: {r.label}: {', '.join(r.missed())}" for b in run_.backends
              for r in b.results if r.missed() and not r.failure]
    broken = [f"- {b.title}: {b.failure}" for b in run_.backends if b.failure]
    body = failed + broken + missed
    return ["### Checks failed and targets missed", "",
            *(body or ["Every page passed its checks and met its targets."]), ""]


def failed(run_: PagesRun) -> bool:
    return any(b.failure or any(r.failure for r in b.results) for b in run_.backends)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS,
                        help="dossiers in the commune (default %(default)s)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    # The run's own helper: catch up one database and print the seconds it took.
    parser.add_argument("--catch-up", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.catch_up:
        print(catch_up_here(args.catch_up))
        return 0
    outcome = run(args.dossiers, args.backend)
    print("\n".join(section(outcome)))
    return 1 if failed(outcome) else 0


if __name__ == "__main__":
    sys.exit(main())
