"""``import violations FILE.csv``: all-or-nothing with line errors, through
the same commands as the forms, incremental; conflicts reported, not written."""

from __future__ import annotations

from datetime import date

import pytest

from app.importing import violations as importer
from events.base import acting_as
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE

HEADER = ("ma_vu_viec,loai,thon,dia_diem,doi_tuong,mo_ta,nam_phat_sinh,ngay_phat_hien,"
          "ngay_lap_bien_ban,ngay_quyet_dinh_xu_phat,so_tien_phat,ngay_chap_hanh,"
          "ngay_cuong_che,ngay_ket_thuc\n")
H1 = Period(date(2023, 1, 1), date(2023, 6, 30))


@pytest.fixture
def villages(service):  # type: ignore[no-untyped-def]
    with acting_as("system"):
        for name in ("Mỹ Đức", "Mạc", "Kiêm Tân"):
            service.record(service.ledger.add_village, COMMUNE, name)
    return service


def imported(service, text: str):  # type: ignore[no-untyped-def]
    checked = importer.check_file(service, COMMUNE, text.encode(), "vp.csv")
    if checked.problems:
        return checked.problems, None
    return [], importer.record_rows(service, checked)


def recorded(service) -> int:  # type: ignore[no-untyped-def]
    return service.ledger.recorder.max_notification_id() or 0


def test_a_bad_file_names_its_lines_and_records_nothing(villages):
    service = villages
    before = recorded(service)
    problems, _ = imported(service, HEADER + "\n".join([
        "VP-1,dat_dai,Mỹ Đức,Đồng Bàu,Lê C,Đổ đất,2021,2023-01-05,,,,,,",
        "VP-2,dat,Mạc,Nơi,Người,,2021,2023-01-05,,,,,,",
        "VP-3,dat_dai,Thôn Lạ,Nơi,Người,,2021,2023-01-05,,,,,,",
        "VP-4,dat_dai,kiem tan,Nơi,Người,,2024,2023-01-05,,,,,,",
        "VP-5,dat_dai,Mạc,Nơi,Người,,2021,2023-01-05,,2023-01-06,500000,,,",
        "VP-6,dat_dai,Mạc,Nơi,Người,,2021,2023-01-05,2023-01-04,,,,,",
        "VP-7,dat_dai,Mạc,Nơi,Người,,2021,2999-01-05,,,,,,",
        "VP-8,dat_dai,Mạc,Nơi,Người,,2021,2023-01-05,2023-01-06,2023-01-07,,,,",
        "VP-1,dat_dai,Mạc,Nơi,Người,,2021,2023-01-05,,,,,,"]) + "\n")
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in range(3, 11)]
    for problem, column in zip(problems, ("loai", "thon", "nam_phat_sinh",
                                          "ngay_quyet_dinh_xu_phat", "ngay_lap_bien_ban",
                                          "ngay_phat_hien", "so_tien_phat", "ma_vu_viec"),
                               strict=True):
        assert f"cột {column}" in problem, problem
    assert recorded(service) == before


def test_legacy_cases_import_then_a_newer_register_adds_steps_and_reports_conflicts(villages):
    service = villages
    problems, outcome = imported(service, HEADER + "\n".join([
        "VP-1,hanh_lang_giao_thong,my duc,QL 10,Trần B,Lều quán,2020,2022-05-01,2022-05-02,"
        "2022-05-10,1.500.000,,,",
        "VP-2,dat_dai,Mạc,Đồng,Lê C,,2023,2023-03-15,,,,,,",
        "VP-3,hanh_lang_thuy_loi,Kiêm Tân,Kênh,Phạm D,,2021,2023-02-01,2023-02-01,,,,,"
        "2023-05-01"]) + "\n")
    assert problems == [] and (outcome.detected, outcome.conflicts) == (3, [])
    with service.read() as conn:
        figures = queries.violation_figures(conn, COMMUNE, H1)
        assert (figures.new, figures.legacy_open, figures.resolved) == (1, 1, 1)
        assert queries.violation_coded(conn, COMMUNE, "VP-1")["amount"] == 1_500_000
    again = recorded(service)
    problems, outcome = imported(service, HEADER + "\n".join([
        "VP-1,hanh_lang_giao_thong,Mỹ Đức,QL 10,Trần B,,2020,2022-05-01,,2022-05-10,"
        "1500000,2022-06-01,,2022-06-02",
        "VP-2,dat_dai,Mỹ Đức,Đồng,Lê C,,2023,2023-03-15,2023-03-16,,,,,",
        "VP-3,hanh_lang_thuy_loi,Kiêm Tân,Kênh,Phạm D,,2021,2023-02-01,,,,,,"]) + "\n")
    assert problems == []
    assert (outcome.detected, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert len(outcome.conflicts) == 1 and outcome.conflicts[0].startswith("line 3: xung đột")
    assert "cột thon" in outcome.conflicts[0]
    with service.read() as conn:
        assert queries.violation_coded(conn, COMMUNE, "VP-1")["status"] == "ket_thuc"
        assert queries.violation_coded(conn, COMMUNE, "VP-2")["recorded_on"] is None
    assert recorded(service) == again + 2
    # The same file again records nothing.
    problems, outcome = imported(service, HEADER + "VP-3,hanh_lang_thuy_loi,Kiêm Tân,Kênh,"
                                 "Phạm D,,2021,2023-02-01,,,,,,\n")
    assert problems == [] and outcome.unchanged == 1 and recorded(service) == again + 2


def test_import_violations_on_the_command_line(runner, app, tmp_path):
    assert runner.invoke(args=["village", "add", "Mạc", "--commune", COMMUNE]).exit_code == 0
    bad = tmp_path / "vp.csv"
    bad.write_text(HEADER + "VP-1,dat_dai,Mạc,Nơi,Người,,2021,2023-01-05,,,,,,\n"
                   "VP-2,dat_dai,Lạ,Nơi,Người,,2021,2023-01-05,,,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["import", "violations", str(bad), "--commune", COMMUNE])
    assert result.exit_code == 1 and "line 3: cột thon" in result.output
    good = tmp_path / "vp2.csv"
    good.write_text(HEADER + "VP-1,dat_dai,mac,Nơi,Người,,2021,2023-01-05,,,,,,\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import", "violations", str(good), "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    assert "1 vụ việc mới" in result.output
