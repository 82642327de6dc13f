"""What a list shows, as a file to open in Excel: XLSX or CSV, one helper for
every list (dossiers, procedures, users, the tracking book, and the later
registers).

A cell's text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is what a spreadsheet takes for a formula: an applicant named
``=HYPERLINK(…)`` must come out as that text, never run. In CSV such a text is
written with a leading apostrophe; in XLSX it is stored as text (and marked
so, should someone edit the cell). Dates are real dates shown dd/mm/yyyy, in
the business time zone. The files hold personal data: never cached.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.web import zone

KINDS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A workbook is built in memory before it is sent: past this many rows the
# sheet says it stops, and the CSV (sent as it is read) has them all.
XLSX_ROW_LIMIT = 100_000
DAY_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "dd/mm/yyyy hh:mm"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value: Any, in_zone: ZoneInfo) -> str:
    """A cell as a CSV file writes it: dates dd/mm/yyyy (with the time in the
    business zone), a formula-like text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(in_zone) if value.tzinfo else value
        return f"{local:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def file_name(stem: str, kind: str) -> str:
    """``ho-so-2023-06.xlsx``, ``ho-so-2023-01-01-den-2023-03-31.csv``: only
    letters, digits and - kept, so the name needs no quoting in any browser."""
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", stem.replace("..", "-den-")).strip("-") or "danh-sach"
    return f"{safe}.{kind}"


def answer(kind: str, stem: str, title: str, headers: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> Response:
    """The list as an attachment of ``kind`` (``xlsx`` or ``csv``)."""
    if kind == "csv":
        response = Response(stream_with_context(csv_lines(headers, rows, zone())),
                            content_type="text/csv; charset=utf-8")
    else:
        response = Response(workbook(title, headers, rows, zone()), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(stem, kind)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]], in_zone: ZoneInfo
              ) -> Iterator[str]:
    """UTF-8 with a byte-order mark, which Excel needs to read Vietnamese;
    sent in blocks of lines as the rows are read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(headers)
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_text(v, in_zone) for v in row])
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def sheet_title(title: str) -> str:
    """Excel's rule: at most 31 characters, none of []:*?/\\."""
    return SHEET_TITLE_FORBIDDEN.sub("-", title).strip()[:31] or "Danh sách"


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
             in_zone: ZoneInfo) -> bytes:
    """One sheet: the headers in bold and kept in view, then the rows; at
    most ``XLSX_ROW_LIMIT`` of them, and a last line saying so if there were
    more. Written in write-only mode: rows go out as they come."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    for n, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, h, in_zone, bold) for h in headers])
    taken = iter(rows)
    for row in islice(taken, XLSX_ROW_LIMIT):
        sheet.append([_cell(sheet, v, in_zone) for v in row])
    if next(taken, None) is not None:
        limit = f"{XLSX_ROW_LIMIT:,}".replace(",", ".")
        sheet.append([_cell(sheet, f"Chỉ xuất {limit} dòng đầu; hãy lọc hẹp hơn hoặc xuất "
                                   "CSV để có đủ.", in_zone, bold)])
    if hasattr(taken, "close"):  # a generator reading the database: let it go now
        taken.close()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any, in_zone: ZoneInfo, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, datetime):
        local = value.astimezone(in_zone) if value.tzinfo else value
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
        cell.number_format = TIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DAY_FORMAT
    elif isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value="Có" if value else "Không")
    elif value is None or isinstance(value, int | float):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"  # never a formula, whatever it begins with
        cell.quotePrefix = is_formula_like(str(value))
    if font is not None:
        cell.font = font
    return cell
