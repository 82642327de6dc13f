"""``audit export`` then ``audit replay`` into an empty database gives back
the same log: the same head, the same projections, the same reports, from
SQLite into PostgreSQL."""

from __future__ import annotations

import json

import pytest

from app.service import upgrade
from tests.audit.conftest import SIGNING_SEED, Ledger
from tests.audit.test_chain import verified
from tests.conftest import _postgres_schema

PERIODS = ["2023-H1", "2023-Q1", "2023-Q2", *(f"2023-{m:02d}" for m in range(1, 7)), "2023"]


def reports(ledger: Ledger) -> dict[str, object]:
    out = {}
    for period in PERIODS:
        result = ledger.run("report", period)
        assert result.exit_code == 0, result.output
        out[period] = json.loads(result.output)
    return out


def test_the_demo_exported_from_sqlite_replays_into_postgresql_alike(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_SIGNING_KEY", SIGNING_SEED)
    source = Ledger(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    try:
        assert source.run("demo", "load").exit_code == 0
        events, head = verified(source)
        export = tmp_path / "log.jsonl"
        result = source.run("audit", "export", str(export))
        assert result.exit_code == 0, result.output
        assert result.output.endswith(f"OK {events} {head}\n")
        lines = export.read_text(encoding="utf-8").splitlines()
        assert len(lines) == events and json.loads(lines[-1])["hash"] == head
        expected = reports(source)
    finally:
        source.close()
    for url in _postgres_schema():
        target = Ledger(url)
        try:
            result = target.run("audit", "replay", str(export))
            assert result.exit_code == 0, result.output
            assert result.output.endswith(f"OK {events} {head}\n")
            assert verified(target) == (events, head)
            assert reports(target) == expected
            again = target.run("audit", "replay", str(export))
            assert again.exit_code == 1 and "chỉ phát lại vào cơ sở dữ liệu trống" in again.output
            assert verified(target) == (events, head)
        finally:
            target.close()


@pytest.mark.parametrize("damage, message", [
    (lambda lines: lines[:2] + ["{not json"] + lines[3:], "dòng 3: không đọc được sự kiện"),
    (lambda lines: lines[:1] + [lines[2], lines[1]] + lines[3:], "dòng 2: mã băm không khớp"),
    (lambda lines: [lines[0].replace("Xã số 0", "Xã số 9")] + lines[1:],
     "dòng 1: mã băm không khớp"),
])
def test_a_damaged_export_replays_nothing(ledger, tmp_path, damage, message):
    ledger.record(4)
    export = tmp_path / "log.jsonl"
    assert ledger.run("audit", "export", str(export)).exit_code == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.sqlite3"
    upgrade(f"sqlite:///{empty}")
    target = Ledger(f"sqlite:///{empty}")
    try:
        result = target.run("audit", "replay", str(export))
        assert result.exit_code == 1 and message in result.output, result.output
        assert target.svc.engine.head() == 0
    finally:
        target.close()
