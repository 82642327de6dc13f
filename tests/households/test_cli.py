"""``village add NAME [--commune CODE]`` (CONTRACT.md)."""

from __future__ import annotations

from tests.conftest import COMMUNE


def test_village_add_records_a_village_once(runner, app):
    result = runner.invoke(args=["village", "add", "Kiêm Tân", "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    assert "kiem-tan" in result.output
    again = runner.invoke(args=["village", "add", "kiem tan", "--commune", COMMUNE])
    assert again.exit_code == 1 and "Kiêm Tân" in again.output
    villages = app.extensions["ledger"].ledger.villages(COMMUNE)
    assert villages.names == {"kiem-tan": "Kiêm Tân"}


def test_import_households_prints_bad_lines_and_exits_1(runner, app, tmp_path):
    assert runner.invoke(args=["village", "add", "Mạc", "--commune", COMMUNE]).exit_code == 0
    bad = tmp_path / "ho.csv"
    bad.write_text("ma_ho,thon,chu_ho,ngay_dang_ky,ngay_phan_loai,ngay_dung\n"
                   "H1,Mạc,A,2023-01-02,2023-01-03,\nH2,Lạ,B,2023-01-02,,\n", encoding="utf-8")
    result = runner.invoke(args=["import", "households", str(bad), "--commune", COMMUNE])
    assert result.exit_code == 1 and "line 3: cột thon" in result.output
    good = tmp_path / "ho2.csv"
    good.write_text("ma_ho,thon,chu_ho,ngay_dang_ky,ngay_phan_loai,ngay_dung\n"
                    "H1,mac,A,2023-01-02,2023-01-03,\n", encoding="utf-8")
    result = runner.invoke(args=["import", "households", str(good), "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    assert "1 hộ mới" in result.output
