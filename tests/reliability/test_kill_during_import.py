"""``kill -9`` during ``import dossiers``, 25 times on the two backends: the
command, on a file of 600 rows, is killed while it checks the file or
while it records it, the moment chosen by what it has printed (its progress
line "Đang ghi hồ sơ" opens the recording) and a random delay within what
that phase took in a whole import. After each kill the store holds either
all of the file's events or none of them. Once a kill has left the file
recorded, or after a few kills that left nothing, the file is imported
again to the end: it is then recorded exactly once, the hash chain
verifies and the projections count each event once."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from app.formatting import number
from app.service import LedgerService
from bench.import_bench import generate_rows, write_file
from events.base import acting_as
from tests.conftest import COMMUNE, list_procedures
from tests.reliability.killing import (
    SIGNING_SEED,
    WAIT_SECONDS,
    Forks,
    assert_caught_up_once,
    assert_verified,
    assert_versions_contiguous,
    auditor,
    count_rows,
    stored,
)

RUNS = {"sqlite": 13, "postgres": 12}  # 25 in all
KILLS_PER_FILE = 3  # kills of one file's import that left nothing, before it is imported whole
ROWS = 600  # rows of a file: enough that recording it takes a while, few enough to be quick
SAVING = "Đang ghi hồ sơ"  # the command's progress line once the file is checked
ROW_SHAPES = list(generate_rows(ROWS, ("1.0", "2.000894"), seed=15))


def csv_file(folder: Path, name: str, rows: int = ROWS) -> Path:
    """The same rows each time, under codes of the file's own."""
    return write_file(folder / f"{name}.csv", [row | {"ma_ho_so": f"{name}-{row['ma_ho_so']}"}
                                               for row in ROW_SHAPES[:rows]])


class Importer:
    """Imports through ``writer.py``. ``checking`` and ``recording``: what
    the phases of the last import that recorded its file took, from its
    start to its progress line and from that line to its end."""

    def __init__(self, forks: Forks) -> None:
        self.forks = forks
        self.checking = self.recording = 0.0

    def whole(self, path: Path, timed: bool = True) -> str:
        """An import left to finish, its phases ``timed`` (not those of a
        file already recorded, which records nothing); its last line."""
        phase, seen = self._run(path, None, timed)
        assert phase == "finished" and seen[-1].endswith(" 0"), seen
        return seen[-2]

    def killed(self, path: Path, in_check: bool, rng: random.Random) -> tuple[str, list[str]]:
        """An import killed at a random moment while it checks the file
        (``in_check``) or once it has started recording; the phase it was
        in when killed, by what it had printed, or "finished" if it ended
        first."""
        return self._run(path, (in_check, rng.uniform(0, self.checking if in_check
                                                         else self.recording)), True)

    def _run(self, path: Path, kill: tuple[bool, float] | None,
             timed: bool) -> tuple[str, list[str]]:
        started = time.monotonic()
        pid, seen = self.forks.start("import", str(path)), []
        saving = None
        deadline = started + kill[1] if kill and kill[0] else None
        while (line := self.forks.line(deadline or started + WAIT_SECONDS)) is not None:
            seen.append(line)
            if line.startswith(SAVING):
                saving = time.monotonic()
                if kill and not kill[0]:
                    deadline = saving + kill[1]
            if line.startswith(f"ended {pid} "):
                if timed and saving:
                    self.checking, self.recording = saving - started, time.monotonic() - saving
                return "finished", seen
        assert deadline, f"the import said nothing for {WAIT_SECONDS} s: {seen[-3:]}"
        phase = "recording" if saving else "checking"
        return (phase if self.forks.kill(pid, seen) else "finished"), seen


class Log:
    """The ledger's log as the last whole import left it."""

    def __init__(self, svc: LedgerService, app: Any) -> None:
        self.svc, self.app = svc, app
        self.events, self.dossiers = stored(svc), 0

    def since(self) -> list[Any]:
        return stored(self.svc, self.events[-1].id)

    def take(self, added: list[Any]) -> None:
        """A file's events, stored exactly once: then the chain verifies and
        the projections count each event once."""
        assert_versions_contiguous(added)
        self.events += added
        self.dossiers += ROWS
        assert_caught_up_once(self.svc, len(self.events))
        assert count_rows(self.svc, "dossier") == self.dossiers
        assert_verified(self.app, len(self.events))


def test_a_killed_import_records_its_file_whole_or_not_at_all(database_url, monkeypatch,
                                                              tmp_path):
    monkeypatch.setenv("LEDGER_SIGNING_KEY", SIGNING_SEED)
    svc = LedgerService(database_url)
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
        list_procedures(svc, COMMUNE)
    app, forks = auditor(database_url), Forks(database_url)
    log, importer, rng = Log(svc, app), Importer(forks), random.Random()
    phases: dict[str, int] = {}
    try:
        path = csv_file(tmp_path, "K0")
        assert importer.whole(path).startswith(summary(path, ROWS))
        file_events = len(log.since())
        assert file_events > ROWS
        log.take(log.since())
        files, kills, path = 1, 0, csv_file(tmp_path, "K1")
        runs = RUNS["sqlite" if database_url.startswith("sqlite") else "postgres"]
        for run in range(runs):
            phase, seen = importer.killed(path, run % 2 == 0, rng)
            phases[phase] = phases.get(phase, 0) + 1
            left = len(log.since())
            assert left in (0, file_events), (phase, left, seen[-3:])
            kills += 1
            if left or kills == KILLS_PER_FILE or run == runs - 1:
                assert importer.whole(path, not left).startswith(summary(path, 0 if left else ROWS))
                added = log.since()
                assert len(added) == file_events, (phase, len(added))
                log.take(added)
                files, kills, path = files + 1, 0, csv_file(tmp_path, f"K{files + 1}")
    finally:
        forks.close()
        app.extensions["ledger"].close()
        svc.close()
    assert phases.get("checking", 0) >= 1 and phases.get("recording", 0) >= 1, phases


def summary(path: Path, new: int) -> str:
    """The start of the command's last line: how many dossiers were new."""
    return f"Đã nhập {path.name}: {number(new)} hồ sơ mới,"
