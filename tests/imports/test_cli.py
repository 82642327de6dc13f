"""``flask import dossiers FILE.csv [--commune CODE]`` through Flask's CLI runner."""

from __future__ import annotations

from app.importing import dossiers as dossier_import
from events.dossiers import Dossier
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE
from tests.imports.rows import BAD, TODAY, row, write, write_lines


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import", "dossiers", *args, "--commune", COMMUNE])


def test_four_bad_rows_print_four_lines_exit_1_and_record_nothing(runner, app, tmp_path):
    svc = app.extensions["ledger"]
    head = svc.engine.head()
    result = run(runner, str(write_lines(tmp_path, BAD)))
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 3", "line 4", "line 5", "line 6"]
    assert "ho-so.csv: có 4 dòng lỗi; chưa ghi nhận gì." in result.output
    assert svc.engine.head() == head


def test_the_command_imports_as_system_then_reports_conflicts_with_exit_0(runner, app,
                                                                          tmp_path):
    svc = app.extensions["ledger"]
    first = run(runner, str(write(tmp_path, [row("H-1"), row("H-2")], "cu.csv")))
    assert first.exit_code == 0, first.output
    assert "Đã nhập cu.csv: 2 hồ sơ mới, 0 hồ sơ bổ sung thông tin, 0 hồ sơ không đổi, " \
        "0 dòng xung đột." in first.output
    received = next(iter(svc.ledger.events.get(Dossier.id_for(COMMUNE, "H-1"))))
    assert (received.actor, received.source) == ("system", "cu.csv:2")
    newer = write(tmp_path, [row("H-1", ngay_co_ket_qua="2023-02-14"),
                             row("H-2", kenh="buu_chinh")], "moi.csv")
    second = run(runner, str(newer))
    assert second.exit_code == 0, second.output
    assert "line 3: xung đột: hồ sơ H-2: cột kenh: tệp ghi «buu_chinh», sổ cái ghi " \
        "«truc_tiep»" in second.output
    assert "0 hồ sơ mới, 1 hồ sơ bổ sung thông tin, 0 hồ sơ không đổi, 1 dòng xung đột" \
        in second.output
    with svc.read() as conn:
        counts = queries.dossier_counts(conn, COMMUNE, Period.parse("2023-02"), TODAY)
    assert (counts.received, counts.resolved) == (2, 1)


def test_files_the_command_cannot_read(runner, tmp_path, monkeypatch):
    missing = run(runner, str(tmp_path / "khong-co.csv"))
    assert missing.exit_code == 1 and "Không tìm thấy tệp" in missing.output
    empty = tmp_path / "trong.csv"
    empty.write_text("", encoding="utf-8")
    assert "line 1: tệp trống" in run(runner, str(empty)).output
    big = write(tmp_path, [row(f"I-{n}") for n in range(20)], "lon.csv")
    monkeypatch.setattr(dossier_import, "MAX_FILE_BYTES", 1000)
    too_big = run(runner, str(big))
    assert too_big.exit_code == 1 and "lon.csv: tệp quá lớn" in too_big.output


def test_the_commune_may_be_left_out_only_while_exactly_one_exists(runner, tmp_path):
    result = runner.invoke(args=["import", "dossiers", str(write(tmp_path, [row("J-1")]))])
    assert result.exit_code == 1 and "--commune" in result.output
