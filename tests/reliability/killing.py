"""Killing the processes ``writer.py`` forks, and what must hold afterwards."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from app import create_app
from app.service import LedgerService

ROOT = Path(__file__).resolve().parents[2]
# A fixed Ed25519 seed for ``audit verify``, so that no key is written into
# the instance folder.
SIGNING_SEED = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
WAIT_SECONDS = 60.0  # for a line that must come; a test fails rather than hangs


class Forks:
    """``writer.py`` started once on a database: each ``start`` forks a
    process from it, whose lines ``line`` reads, with a deadline."""

    def __init__(self, url: str) -> None:
        env = os.environ | {"LEDGER_SECRET_KEY": "test-secret",
                            "LEDGER_ID_HASH_KEY": "test-id-hash-key"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.writer", url], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buffer = b""
        self.running: int | None = None  # the process started last, until it has ended
        self.must("ready", [])  # loaded: a process it starts now starts at once

    def start(self, task: str, argument: str) -> int:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{task} {argument}\n".encode())
        self.process.stdin.flush()
        line = self.line(time.monotonic() + WAIT_SECONDS)
        assert line is not None and line.startswith("pid "), line
        self.running = int(line.split()[1])
        return self.running

    def line(self, deadline: float) -> str | None:
        """The next line; None if none came by ``deadline``."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            assert chunk, "the writer process ended"
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\n", 1)
        line = raw.decode()
        if line.startswith(f"ended {self.running} "):
            self.running = None
        return line

    def must(self, prefix: str, seen: list[str]) -> str:
        """Lines until one starting with ``prefix``, each kept in ``seen``."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            line = self.line(deadline)
            assert line is not None, f"no line «{prefix}…» in {WAIT_SECONDS} s: {seen[-5:]}"
            seen.append(line)
            if line.startswith(prefix):
                return line

    def kill(self, pid: int, seen: list[str]) -> bool:
        """SIGKILL, then the lines until the process is gone; whether the
        signal ended it (rather than the process ending first)."""
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # ended and reaped already
        status = int(self.must(f"ended {pid} ", seen).split()[2])
        return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    def close(self) -> None:
        """Stop the writer, and the process it runs if a test stopped
        before it was killed."""
        if self.running is not None:
            try:
                os.kill(self.running, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def stored(svc: LedgerService, after: int = 0) -> list[Any]:
    """The stored events after notification id ``after`` (every one by
    default), in the log's order, undecoded."""
    events, start = [], after + 1
    while page := svc.ledger.recorder.select_notifications(start, 5000):
        events += page
        start = page[-1].id + 1
    return events


def assert_versions_contiguous(events: list[Any]) -> None:
    versions: dict[Any, list[int]] = defaultdict(list)
    for event in events:
        versions[event.originator_id].append(event.originator_version)
    for originator, seen in versions.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)), (originator, seen)


def count_rows(svc: LedgerService, table: str) -> int:
    with svc.read() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


def assert_caught_up_once(svc: LedgerService, events: int) -> None:
    """After a catch-up, the projections that keep a row per event hold one
    for each of the log's ``events``, no more."""
    assert svc.catch_up()
    assert all(not s.behind and not s.error for s in svc.engine.status())
    assert count_rows(svc, "audit_seal") == events
    assert count_rows(svc, "audit_trail") == events


def auditor(url: str) -> Any:
    """The app on ``url``, whose command line runs ``audit verify``; the
    caller sets ``LEDGER_SIGNING_KEY`` to ``SIGNING_SEED``."""
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True,
                       "ID_HASH_KEY": "test-id-hash-key"})


def assert_verified(app: Any, events: int) -> None:
    """``audit verify`` says the hash chain holds over every stored event."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK {events} "), result.output
