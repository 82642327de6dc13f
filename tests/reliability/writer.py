"""Processes to be killed: a clerk receiving dossiers, and the import command.

    python -m tests.reliability.writer DATABASE_URL

The modules are loaded once, here (``warm_up``); then each line read on
standard input starts one process, forked from this one so that it starts
in milliseconds:

- ``write RUN``: as the clerk ``cb``, receives dossiers ``W<RUN>-<n>``
  (n = 1, 2, …) and resolves each, every command through
  ``LedgerService.record`` as the counter's forms call it (its own
  transaction, then the projections' catch-up), printing ``ack received
  CODE`` or ``ack resolved CODE`` once the command has returned, its event
  committed, and flushing;
- ``import PATH``: ``flask --app wsgi import dossiers PATH``, its standard
  error (where it reports its progress) sent to standard output.

It prints ``ready`` once loaded; for each process it starts, ``pid PID``,
then ``ended PID STATUS`` once that process has gone (killed, most often).
Every line is written whole in one call, so the lines of the two processes
never mix.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import flask.cli

from app import create_app
from app.service import LedgerService
from events.base import acting_as
from events.workdays import WorkCalendar

COMMUNE = "10921"
PROCEDURE = "2.000894"
CLERK = "cb"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = datetime(2023, 3, 1, 8, 0, tzinfo=ZONE)


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())


def write_loop(url: str, run: int) -> None:
    svc = LedgerService(url)
    ledger = svc.ledger
    with acting_as(CLERK):
        for n in range(1, 100_000):
            code = f"W{run}-{n}"
            at = FIRST + timedelta(minutes=n)
            svc.record(ledger.receive_dossier, COMMUNE, code, PROCEDURE, "Nguyễn Văn An",
                       "truc_tiep", "", at)
            say(f"ack received {code}")
            svc.record(ledger.resolve_dossier, COMMUNE, code, at + timedelta(minutes=30),
                       True, False)
            say(f"ack resolved {code}")


def import_file(url: str, path: str) -> None:
    os.dup2(1, 2)
    os.environ["LEDGER_DATABASE_URL"] = url
    sys.argv = ["flask", "--app", "wsgi", "import", "dossiers", path, "--commune", COMMUNE]
    flask.cli.main()


def child(url: str, task: str, argument: str) -> int:
    try:
        if task == "write":
            write_loop(url, int(argument))
        else:
            import_file(url, argument)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        return 1
    return 0


def warm_up() -> None:
    """Load what each process would otherwise load for itself: the national
    holidays, and the modules the app imports as it is created (here on a
    database of its own, dropped at once)."""
    WorkCalendar().is_working_day(FIRST.date())
    with tempfile.TemporaryDirectory() as folder:
        create_app({"DATABASE_URL": f"sqlite:///{folder}/warm-up.sqlite3", "TESTING": True,
                    "SECRET_KEY": "warm-up", "ID_HASH_KEY": "warm-up"}
                   ).extensions["ledger"].close()


def main() -> None:
    url = sys.argv[1]
    warm_up()
    say("ready")
    for line in sys.stdin:
        task, argument = line.split(maxsplit=1)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os._exit(child(url, task, argument.strip()))
        say(f"pid {pid}")
        _pid, status = os.waitpid(pid, 0)
        say(f"ended {pid} {status}")


if __name__ == "__main__":
    main()
