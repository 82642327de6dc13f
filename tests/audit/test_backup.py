"""``backup`` while the ledger is being written to, then ``restore`` into an
empty database: the copy is the log as it stood at one moment, and both
verify its chain."""

from __future__ import annotations

import json
import threading

import psycopg

from app.service import LedgerService
from events.base import acting_as
from tests.audit.conftest import Ledger
from tests.audit.test_chain import OK, verified


class Writer(threading.Thread):
    """Records communes one after another until told to stop."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.svc = LedgerService(url)
        self.written = 0
        self.enough = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with acting_as("system"):
                while not self.stop.is_set():
                    self.svc.record(self.svc.ledger.register_commune,
                                    f"2{self.written:04d}", f"Xã ghi song song {self.written}")
                    self.written += 1
                    if self.written >= 20:
                        self.enough.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.enough.set()
        finally:
            self.svc.close()


def backed_up_while_writing(ledger: Ledger, file: str) -> tuple[int, str]:
    ledger.record(5)
    writer = Writer(ledger.svc.url.raw)
    writer.start()
    try:
        assert writer.enough.wait(60), "the writer recorded nothing"
        result = ledger.run("backup", file)
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    match = OK.match(result.output.strip().splitlines()[-1])
    assert match, result.output
    return int(match.group(1)), match.group(2)


def chain_at(ledger: Ledger, size: int, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The live log's chain after its first ``size`` events."""
    export = tmp_path / "live.jsonl"
    assert ledger.run("audit", "export", str(export)).exit_code == 0
    return json.loads(export.read_text(encoding="utf-8").splitlines()[size - 1])["hash"]


def test_a_backup_taken_under_writes_restores_into_an_empty_database(ledger, tmp_path):
    if ledger.sqlite:
        sqlite_backup_and_restore(ledger, tmp_path)
    else:
        postgres_backup_and_restore(ledger, tmp_path)


def sqlite_backup_and_restore(ledger: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backup = tmp_path / "sao-luu.sqlite3"
    events, head = backed_up_while_writing(ledger, str(backup))
    live_events, _ = verified(ledger)
    assert 5 + 20 <= events <= live_events
    assert chain_at(ledger, events, tmp_path) == head  # the log as it stood at one moment
    assert (backup.stat().st_mode & 0o077) == 0
    target = Ledger(f"sqlite:///{tmp_path / 'khoi-phuc.sqlite3'}", upgraded=False)
    try:
        result = target.run("restore", str(backup))
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith(f"OK {events} {head}")
    finally:
        target.close()
    again = Ledger(f"sqlite:///{tmp_path / 'khoi-phuc.sqlite3'}")
    try:
        assert verified(again) == (events, head)
        refused = again.run("restore", str(backup))
        assert refused.exit_code == 1 and "chỉ khôi phục vào cơ sở dữ liệu trống" in refused.output
        assert verified(again) == (events, head)
    finally:
        again.close()


def postgres_backup_and_restore(ledger: Ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The schema is dropped (the database lost) and made again, empty."""
    backup = tmp_path / "sao-luu.dump"
    events, head = backed_up_while_writing(ledger, str(backup))
    live_events, _ = verified(ledger)
    assert 5 + 20 <= events <= live_events
    assert chain_at(ledger, events, tmp_path) == head
    url, schema = ledger.svc.url.raw, ledger.svc.url.schema
    ledger.close()
    with psycopg.connect(url.split("?")[0], autocommit=True) as admin:  # the database is lost
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{schema}"')
    target = Ledger(url, upgraded=False)
    try:
        result = target.run("restore", str(backup))
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith(f"OK {events} {head}")
        assert verified(target) == (events, head)
        refused = target.run("restore", str(backup))
        assert refused.exit_code == 1 and "chỉ khôi phục vào cơ sở dữ liệu trống" in refused.output
    finally:
        target.close()


def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(ledger, tmp_path):
    ledger.record(2)
    bogus = tmp_path / "khong-phai.bak"
    bogus.write_text("không phải sao lưu", encoding="utf-8")
    result = ledger.run("restore", str(bogus))
    assert result.exit_code == 1 and "không phải bản sao lưu" in result.output
