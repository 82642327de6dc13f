"""``import procedures FILE.csv``: the whole file checked first, each bad row
reported by its physical line, nothing recorded while any row is bad, and a
re-import recording only what changed."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from app.importing.procedures import import_procedure_file
from events.base import acting_as
from events.catalogue import Procedure
from projections import queries
from tests.conftest import COMMUNE

HEADER = "ma_thu_tuc,ten_thu_tuc,linh_vuc,co_quan,lien_thong,so_ngay_giai_quyet,le_phi," \
         "dia_chi_truc_tuyen"
QR = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="
GOOD_ROWS = [
    f"1.000894,Đăng ký khai sinh,Hộ tịch,xa,1,3,0,{QR}1.000894",
    f'1.001193,"Đăng ký kết hôn, kết hôn lại",Hộ tịch,xa,0,3,0,{QR}1.001193',
    "1.004222,Chứng thực bản sao từ bản chính,Chứng thực,xa,0,1,2000,",
    f"2.000815,Đăng ký nghĩa vụ quân sự lần đầu,Nghĩa vụ quân sự,quan_su,0,1,0,{QR}2.000815",
    f"1.003011,Đăng ký thường trú,\"Đăng ký, quản lý cư trú\",cong_an,1,7,0,{QR}1.003011",
]


def write(tmp_path: Path, *rows: str, name: str = "thu-tuc.csv") -> Path:
    path = tmp_path / name
    path.write_text("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


def events_of(service, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    procedure = Procedure.id_for(COMMUNE, code)
    return [type(e).__name__ for e in service.ledger.events.get(procedure)]


def counts(service) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return queries.procedure_counts(conn, COMMUNE)


def test_a_good_file_lists_every_row(service, tmp_path):
    result = import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS))
    assert (result.problems, result.listed, result.conflicts, result.unchanged) == ([], 5, [], 0)
    assert counts(service) == {"commune": 3, "military": 1, "police": 1, "inter_agency": 2,
                               "with_qr": 4, "fields": 4}
    procedure = service.ledger.procedure(COMMUNE, "1.001193")
    assert procedure.name == "Đăng ký kết hôn, kết hôn lại" and procedure.inter_agency is False
    first = next(iter(service.ledger.events.get(procedure.id)))
    assert first.actor == "import:thu-tuc.csv"


def test_reimporting_records_nothing_and_a_changed_row_is_a_conflict(service, tmp_path):
    import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS))
    head = service.engine.head()
    again = import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS))
    assert (again.problems, again.listed, again.conflicts, again.unchanged) == ([], 0, [], 5)
    assert service.engine.head() == head
    changed = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace(",2000,", ",5000,"), *GOOD_ROWS[3:]]
    newer = import_procedure_file(service, COMMUNE, write(tmp_path, *changed, name="moi.csv"))
    assert (newer.listed, newer.unchanged) == (0, 4)
    assert newer.conflicts == ["line 4: xung đột: thủ tục 1.004222 đã ghi với giá trị khác "
                               "(fee); giữ nguyên bản đã ghi."]
    assert service.engine.head() == head
    assert events_of(service, "1.004222") == ["Listed"]
    with service.read() as conn:
        assert queries.procedure(conn, COMMUNE, "1.004222").fee == 2000  # type: ignore[union-attr]


def test_a_row_for_an_abolished_procedure_is_a_bad_row(service, tmp_path):
    import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS))
    with acting_as("quantri"):
        service.record(service.ledger.abolish_procedure, COMMUNE, "2.000815", "Chuyển cấp")
    head = service.engine.head()
    result = import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS))
    assert result.problems == ["line 5: thủ tục 2.000815 đã bị bãi bỏ trong danh mục; "
                               "không nhập lại thủ tục đã bãi bỏ."]
    assert service.engine.head() == head


BAD_FILE = [
    GOOD_ROWS[0],                                                  # line 2
    '1.000002,"Tên viết',                                           # lines 3-4: one record
    'trên hai dòng",Hộ tịch,xa,0,3,0,',
    "1.000003,Thủ tục A,Hộ tịch,huyen,0,3,0,",                      # line 5: authority
    "1.000004,Thủ tục B,Hộ tịch,xa,0,ba,0,",                        # line 6: working days
    "1.000894,Thủ tục C,Hộ tịch,xa,0,3,0,",                         # line 7: duplicate code
    "",                                                            # line 8: blank
    "1.000005,Thủ tục D,Hộ tịch,xa,0,3,0,www.dichvucong.gov.vn",    # line 9: address
]


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import", "procedures", *args, "--commune", COMMUNE])


def test_every_bad_row_is_reported_by_its_line_and_nothing_is_recorded(runner, app, tmp_path):
    svc = app.extensions["ledger"]
    head = svc.engine.head()
    result = run(runner, str(write(tmp_path, *BAD_FILE)))
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 5", "line 6", "line 7", "line 9"]
    assert "cột co_quan" in reported[0] and "cột so_ngay_giai_quyet" in reported[1]
    assert "trùng với dòng 2" in reported[2] and "cột dia_chi_truc_tuyen" in reported[3]
    assert "có 4 dòng lỗi; chưa ghi nhận gì" in result.output
    assert svc.engine.head() == head


def test_the_command_imports_and_summarises_in_vietnamese(runner, app, tmp_path):
    svc = app.extensions["ledger"]
    path = write(tmp_path, *GOOD_ROWS)
    first = run(runner, str(path))
    assert first.exit_code == 0, first.output
    assert "Đã nhập thu-tuc.csv: 5 thủ tục mới, 0 thủ tục không đổi, 0 xung đột không ghi." \
        in first.output
    head = svc.engine.head()
    again = run(runner, str(path))
    assert again.exit_code == 0 and "0 thủ tục mới, 5 thủ tục không đổi, 0 xung đột không ghi" \
        in again.output
    assert svc.engine.head() == head
    assert counts(svc)["with_qr"] == 4


def test_files_the_command_cannot_read(runner, tmp_path):
    missing = run(runner, str(tmp_path / "khong-co.csv"))
    assert missing.exit_code == 1 and "Không tìm thấy tệp" in missing.output
    header = tmp_path / "tieu-de.csv"
    header.write_text("ma,ten\n1,2\n", encoding="utf-8")
    wrong = run(runner, str(header))
    assert wrong.exit_code == 1 and "line 1: dòng tiêu đề sai: thiếu cột" in wrong.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n1.0,Th\u1ee7 t\u1ee5c,X,xa,0,1,0,\n").encode("utf-8")
                      + "1.1,Đăng,X,xa,0,1,0,\n".encode("cp1258"))
    encoded = run(runner, str(latin))
    assert encoded.exit_code == 1 and "line 3: tệp không ở mã UTF-8" in encoded.output
    empty = tmp_path / "trong.csv"
    empty.write_text("", encoding="utf-8")
    assert "line 1: tệp trống" in run(runner, str(empty)).output


def test_a_semicolon_separated_catalogue_imports(service, tmp_path):
    path = tmp_path / "excel.csv"
    lines = [HEADER.replace(",", ";"),
             "1.004222;Chứng thực bản sao từ bản chính;Chứng thực;xa;0;1;2000;",
             '1.001193;"Đăng ký kết hôn; kết hôn lại";Hộ tịch;xa;0;3;0;']
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = import_procedure_file(service, COMMUNE, path)
    assert (result.problems, result.listed) == ([], 2)
    assert service.ledger.procedure(COMMUNE, "1.001193").name == "Đăng ký kết hôn; kết hôn lại"


def test_names_in_nfd_are_stored_nfc_and_match_the_same_names_in_nfc(service, tmp_path):
    nfd = [unicodedata.normalize("NFD", line) for line in GOOD_ROWS]
    assert nfd != GOOD_ROWS
    first = import_procedure_file(service, COMMUNE, write(tmp_path, *nfd, name="nfd.csv"))
    assert (first.problems, first.listed) == ([], 5)
    assert service.ledger.procedure(COMMUNE, "1.000894").name == "Đăng ký khai sinh"
    head = service.engine.head()
    again = import_procedure_file(service, COMMUNE, write(tmp_path, *GOOD_ROWS, name="nfc.csv"))
    assert (again.problems, again.conflicts, again.unchanged) == ([], [], 5)
    assert service.engine.head() == head


def test_a_header_of_a_million_columns_is_refused(service, tmp_path):
    path = tmp_path / "rong.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n", encoding="utf-8")
    result = import_procedure_file(service, COMMUNE, path)
    assert len(result.problems) == 1
    assert result.problems[0].startswith("line 1: dòng tiêu đề có 1.000.000 cột; tối đa 64 cột.")
