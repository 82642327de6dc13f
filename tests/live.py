"""The real app served as ``make run`` serves it, for tests that need real
processes: a fresh SQLite ledger set up through ``flask --app wsgi``, then
gunicorn with two workers, its access log written to a file so tests can see
what the server itself answered and which worker answered it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
USER = "canbo"
PASSWORD = "mat-khau-du-dai"
COMMUNE = "10921"
STARTUP_SECONDS = 20.0
CATALOGUE = ("ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan,lien_thong,so_ngay_giai_quyet,le_phi,"
             "dia_chi_truc_tuyen\n1.001234,Đăng ký khai sinh,Hộ tịch,xa,0,3,0,\n")


def wait_until(condition: Callable[[], Any], timeout: float, what: str,
               interval: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy, at most
    ``timeout`` seconds; fail saying ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class LiveServer:
    url: str
    access_log: Path
    server_log: Path
    process: subprocess.Popen  # type: ignore[type-arg]

    def access_lines(self) -> list[str]:
        return self.access_log.read_text(encoding="utf-8").splitlines()

    def requests(self, path: str, tab: str, since: int = 0,
                 until: int | None = None) -> list[tuple[str, int]]:
        """(request target, status) of logged GETs to ``path`` from ``tab``,
        among access-log lines ``since``..``until``."""
        pattern = re.compile(rf'"GET ({re.escape(path)}\S*) HTTP/[\d.]+" (\d{{3}}) '
                             rf'tab={re.escape(tab)}$')
        found = []
        for line in self.access_lines()[since:until]:
            if match := pattern.search(line):
                found.append((match.group(1), int(match.group(2))))
        return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                    f"{done.stdout}{done.stderr}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _set_up(tmp: Path, env: dict[str, str]) -> None:
    """The ledger every server starts from, set up as an IT officer does it —
    ``db upgrade``, the commune, a clerk, the catalogue imported — once per
    test run, then copied into ``tmp`` for each server."""
    template = tmp.parent / "live-template"
    ledger = template / "ledger.sqlite3"
    if not ledger.exists():
        template.mkdir(exist_ok=True)
        building = template / "building.sqlite3"
        setup_env = {**env, "LEDGER_DATABASE_URL": f"sqlite:///{building}"}
        _flask(setup_env, "db", "upgrade")
        _flask(setup_env, "commune", "add", COMMUNE, "Quảng Nghiệp")
        _flask(setup_env, "users", "create", USER, "--role", "clerk", stdin=PASSWORD + "\n")
        catalogue = template / "thu-tuc.csv"
        catalogue.write_text(CATALOGUE, encoding="utf-8")
        _flask(setup_env, "import", "procedures", str(catalogue), "--commune", COMMUNE)
        with closing(sqlite3.connect(building)) as source, \
                closing(sqlite3.connect(template / "copy.sqlite3")) as copy:
            source.backup(copy)  # whatever the write-ahead log still holds, too
        (template / "copy.sqlite3").rename(ledger)  # whole, or not there at all
    shutil.copyfile(ledger, tmp / "ledger.sqlite3")


@contextmanager
def serve(tmp: Path, access_format: str, workers: int = 2,
          prepare: Callable[[str], None] | None = None) -> Iterator[LiveServer]:
    """Set up a ledger in ``tmp`` and serve it until the block ends;
    ``prepare``, given the database URL, records more before it is served."""
    if not (ROOT / "static" / "htmx.min.js").is_file():
        pytest.fail("static/htmx.min.js is missing: run `make static/htmx.min.js` "
                    "in the repository root (it fetches the pinned htmx and checks it).")
    env = {**os.environ,
           "LEDGER_DATABASE_URL": f"sqlite:///{tmp / 'ledger.sqlite3'}",
           "LEDGER_SECRET_KEY": "browser-test-secret-key",
           "LEDGER_ID_HASH_KEY": "browser-test-id-hash-key"}
    _set_up(tmp, env)
    if prepare is not None:
        prepare(env["LEDGER_DATABASE_URL"])

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    access_log, server_log = tmp / "access.log", tmp / "gunicorn.log"
    access_log.touch()
    with server_log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--no-control-socket", "--access-logfile", str(access_log),
             "--access-logformat", access_format, "wsgi:app"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = LiveServer(url, access_log, server_log, process)
    try:
        def up() -> bool:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n"
                            f"{server_log.read_text(errors='replace')}")
            return _healthy(url)
        wait_until(up, STARTUP_SECONDS, f"{url}/healthz to answer 200", interval=0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
