"""Fixtures for the real-browser tests: Debian's Chromium driven by
pytest-playwright against the real app served by gunicorn.

The browser is the system one (``/usr/bin/chromium``); Playwright's own
browser builds are never downloaded. The server runs exactly as
``make run`` runs it: the ``flask --app wsgi`` commands set up a fresh
SQLite ledger, then gunicorn serves ``wsgi:app`` with two workers, its
access log written to a file so that tests can see what status the server
itself answered (the browser hides a ``304`` behind its cache).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
USER = "canbo"
PASSWORD = "mat-khau-du-dai"
COMMUNE = "10921"
TAB_HEADER = "X-Ledger-Tab"
# Gunicorn's access-log atoms: time, request line, status, and the test-only
# tab header, so a test can tell which page a logged request came from.
ACCESS_FORMAT = '%(t)s "%(r)s" %(s)s tab=%({x-ledger-tab}i)s'
STARTUP_SECONDS = 20.0


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": CHROMIUM_ARGS, "headless": True}


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


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not (ROOT / "static" / "htmx.min.js").is_file():
        pytest.fail("static/htmx.min.js is missing: run `make static/htmx.min.js` "
                    "in the repository root (it fetches the pinned htmx and checks it).")
    tmp = tmp_path_factory.mktemp("live")
    env = {**os.environ,
           "LEDGER_DATABASE_URL": f"sqlite:///{tmp / 'ledger.sqlite3'}",
           "LEDGER_SECRET_KEY": "browser-test-secret-key"}
    _flask(env, "db", "upgrade")
    _flask(env, "commune", "add", COMMUNE, "Quảng Nghiệp")
    _flask(env, "users", "create", USER, "--role", "clerk", stdin=PASSWORD + "\n")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    access_log, server_log = tmp / "access.log", tmp / "gunicorn.log"
    access_log.touch()
    with server_log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--no-control-socket", "--access-logfile", str(access_log),
             "--access-logformat", ACCESS_FORMAT, "wsgi:app"],
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


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A clerk's browser: Vietnamese, on the commune's clock."""
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
