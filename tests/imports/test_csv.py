"""The CSV reader every importer shares, alone and through ``import dossiers``:
``;``-separated files, NFC names, business dates in the future, headers too
wide to look at."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import pytest

from app.importing.csvfile import (
    MAX_COLUMNS,
    BadFile,
    BadRow,
    date_cell,
    detect_separator,
    read_csv,
    time_cell,
)
from app.importing.dossiers import COLUMNS, import_dossier_file
from events.dossiers import Dossier
from projections import queries
from tests.conftest import COMMUNE, ZONE
from tests.imports.rows import HEADER, history, row, write

APPLICANT = "Nguyễn Thị Hường"
NFD = unicodedata.normalize("NFD", APPLICANT)


def write_text(folder, text: str, name: str = "ho-so.csv"):  # type: ignore[no-untyped-def]
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def semicolons(*lines: str) -> str:
    return "\r\n".join([HEADER.replace(",", ";"), *lines]) + "\r\n"


# -- the reader alone -------------------------------------------------------------

def test_the_separator_is_read_from_the_header():
    assert detect_separator(HEADER, COLUMNS) == ","
    assert detect_separator(HEADER.replace(",", ";"), COLUMNS) == ";"
    assert detect_separator("", COLUMNS) == ","


def test_every_cell_and_header_name_is_nfc_and_rows_keep_their_physical_line():
    text = semicolons(f'H-1;2.000894;"{NFD}', 'thôn Mạc";truc_tiep;;2023-02-13 08:30;;;;;0;0',
                      "", f"H-2;2.000894;{NFD};truc_tiep;;2023-02-13 08:30;;;;;0;0")
    file = read_csv(("\ufeff" + unicodedata.normalize("NFD", text)).encode(), COLUMNS)
    records = list(file.records())
    assert [r.line for r in records] == [2, 5]
    assert records[0].cell("nguoi_nop") == f"{APPLICANT}\r\nthôn Mạc"
    assert records[1].cell("nguoi_nop") == APPLICANT
    assert unicodedata.is_normalized("NFC", records[1].cell("nguoi_nop"))


def test_a_header_of_a_million_columns_is_refused_by_its_width():
    wide = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    with pytest.raises(BadFile) as refused:
        read_csv(wide + b"\n1,2\n", COLUMNS)
    assert str(refused.value).startswith(f"line 1: dòng tiêu đề có 1.000.000 cột; tối đa "
                                         f"{MAX_COLUMNS} cột.")


def test_a_header_with_many_repeated_columns_is_judged_once_each():
    header = ",".join([*COLUMNS, *(["ma_ho_so"] * (MAX_COLUMNS - len(COLUMNS)))])
    with pytest.raises(BadFile) as refused:
        read_csv(header.encode(), COLUMNS)
    assert "cột lặp lại ma_ho_so" in str(refused.value)


def test_an_encoding_error_names_its_line():
    data = (HEADER + "\nX\n").encode() + "Đăng\n".encode("cp1258")
    with pytest.raises(BadFile, match=r"^line 3: tệp không ở mã UTF-8"):
        read_csv(data, COLUMNS)


def test_a_business_date_or_time_after_today_is_refused():
    now = datetime(2024, 5, 7, 10, 0, tzinfo=ZONE)
    assert date_cell("2024-05-07", "ngay_tra", now.date()) == date(2024, 5, 7)
    assert date_cell("2024-05-08", "han_tra") == date(2024, 5, 8)  # no today: may lie ahead
    with pytest.raises(BadRow, match=r"^cột ngay_tra: ngày 2024-05-08 ở tương lai"):
        date_cell("2024-05-08", "ngay_tra", now.date())
    assert time_cell("2024-05-07 10:00", "ngay_tiep_nhan", ZONE, now) == now
    future = r"^cột ngay_tiep_nhan: thời điểm 2024-05-07 10:01 ở tương lai"
    with pytest.raises(BadRow, match=future):
        time_cell("2024-05-07 10:01", "ngay_tiep_nhan", ZONE, now)


# -- through import dossiers --------------------------------------------------------

def test_a_semicolon_separated_file_imports(counter, tmp_path):
    path = write_text(tmp_path, semicolons(
        "S-1;2.000894;Nguyễn Văn An;truc_tiep;;2023-02-13 08:30;;2023-02-14;2023-02-15;;1;0",
        'S-2;1.0;"Trần Thị Bình; thôn Mạc";truc_tuyen;toan_trinh;2023-02-13 09:00;;;;;0;0'))
    checked, outcome = import_dossier_file(counter, COMMUNE, path)
    assert checked.problems == [] and outcome is not None and outcome.received == 2
    assert [type(e).__name__ for e in counter.ledger.events.get(
        Dossier.id_for(COMMUNE, "S-1"))] == ["Received", "Resolved", "Returned"]
    with counter.read() as conn:
        facts = {r.code: r for r in queries.recorded_facts(conn, COMMUNE)}
    assert facts["S-2"].applicant == "Trần Thị Bình; thôn Mạc"


def test_a_bad_header_names_the_separator_it_was_read_with(counter, tmp_path):
    path = write_text(tmp_path, semicolons().replace("nguoi_nop", "nguoi_gui"))
    checked, outcome = import_dossier_file(counter, COMMUNE, path)
    assert outcome is None and len(checked.problems) == 1
    assert checked.problems[0].startswith("line 1: dòng tiêu đề sai: thiếu cột nguoi_nop; "
                                          "cột không xác định nguoi_gui")
    assert "dấu chấm phẩy (;)" in checked.problems[0]


def test_an_nfd_export_after_the_same_export_in_nfc_is_no_conflict(counter, tmp_path):
    rows = [row("N-1", nguoi_nop=APPLICANT), row("N-2", nguoi_nop=APPLICANT,
                                                 ngay_co_ket_qua="2023-02-14")]
    import_dossier_file(counter, COMMUNE, write(tmp_path, rows, "nfc.csv"))
    head, before = counter.engine.head(), history(counter, COMMUNE, "N-2")
    nfd = [{k: unicodedata.normalize("NFD", v) for k, v in r.items()} for r in rows]
    assert nfd[0]["nguoi_nop"] != APPLICANT
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, nfd, "nfd.csv"))
    assert checked.problems == [] and outcome is not None
    assert (outcome.conflicts, outcome.received, outcome.updated, outcome.unchanged) == \
        ([], 0, 0, 2)
    assert counter.engine.head() == head and history(counter, COMMUNE, "N-2") == before


def test_an_nfd_name_is_stored_nfc(counter, tmp_path):
    rows = [{k: unicodedata.normalize("NFD", v) for k, v in row("N-3", nguoi_nop=APPLICANT)
             .items()}]
    import_dossier_file(counter, COMMUNE, write(tmp_path, rows, "nfd.csv"))
    received = next(iter(counter.ledger.events.get(Dossier.id_for(COMMUNE, "N-3"))))
    assert received.applicant == APPLICANT
    with counter.read() as conn:
        facts = {r.code: r for r in queries.recorded_facts(conn, COMMUNE)}
    assert facts["N-3"].applicant == APPLICANT
    _checked, again = import_dossier_file(counter, COMMUNE, write(tmp_path, [
        row("N-3", nguoi_nop=APPLICANT)], "nfc.csv"))
    assert again is not None and (again.conflicts, again.unchanged) == ([], 1)


def test_a_receipt_result_or_return_in_the_future_is_a_line_error(counter, tmp_path):
    tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
    soon = tomorrow + timedelta(days=3)
    rows = [row("T-1"),                                                             # 2: good
            row("T-2", ngay_tiep_nhan=f"{tomorrow} 08:00"),                         # 3
            row("T-3", ngay_co_ket_qua=f"{tomorrow}"),                              # 4
            row("T-4", ngay_co_ket_qua="2023-02-14", ngay_tra=f"{tomorrow}"),       # 5
            row("T-5", han_tra=f"{soon}")]                                          # 6: good
    head = counter.engine.head()
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, rows))
    assert outcome is None and counter.engine.head() == head
    assert [p.split(": ")[:2] for p in checked.problems] == [
        ["line 3", "cột ngay_tiep_nhan"], ["line 4", "cột ngay_co_ket_qua"],
        ["line 5", "cột ngay_tra"]]
    assert all("ở tương lai" in p for p in checked.problems)
    assert not list(counter.ledger.events.get(Dossier.id_for(COMMUNE, "T-1")))


def test_a_header_of_a_million_columns_is_one_problem(counter, tmp_path):
    path = tmp_path / "rong.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    checked, outcome = import_dossier_file(counter, COMMUNE, path)
    assert outcome is None
    assert len(checked.problems) == 1
    assert checked.problems[0].startswith("line 1: dòng tiêu đề có 1.000.000 cột; tối đa 64 cột.")


def test_an_online_dossier_without_an_online_mode_is_a_line_error(counter, tmp_path):
    rows = [row("M-1", kenh="truc_tuyen", muc_do="toan_trinh"), row("M-2", kenh="truc_tuyen")]
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, rows))
    assert outcome is None
    assert checked.problems == ["line 3: cột muc_do: Hồ sơ trực tuyến cần mức độ: một phần "
                                "(mot_phan) hoặc toàn trình (toan_trinh)."]
