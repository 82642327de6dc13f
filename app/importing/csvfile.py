"""The one CSV reader every importer uses (CONTRACT.md, "Import formats").

- Bytes are UTF-8, with or without a BOM; an encoding error names the line
  it is on.
- The separator is read from the header line: a file Excel saved in
  Vietnamese settings is separated by ``;``, and is read as such.
- The header is checked as a set, in time linear in its length, and a header
  of more than ``MAX_COLUMNS`` columns is refused before anything else: no
  format has more than a dozen, and a file of a million columns must not cost
  a million lookups of each.
- Every cell is stripped and NFC-normalised: a name typed on one system in
  NFD (a letter, then its accents) and on another in NFC is one name,
  stored and compared NFC. A cell with a control character is a line error.
- Rows carry the physical line they start on (the header is line 1), and
  every problem is written ``line N: reason``.
- Dates and times of business (receipt, result, return…) are refused when
  they lie in the future of the business time zone: the log cannot take back
  a fact that has not happened yet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.formatting import number
from events.base import CONTROL_CHARACTERS

MAX_COLUMNS = 64
SEPARATORS = (",", ";")
SEPARATOR_NAMES = {",": "dấu phẩy (,)", ";": "dấu chấm phẩy (;)"}
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


class BadRow(Exception):
    """A row's problem, named by its column where it has one."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(f"cột {column}: {reason}" if column else reason)


class BadFile(Exception):
    """The whole file cannot be read; the message begins ``line N:``."""


@dataclass(frozen=True)
class Record:
    """One row that is not blank. A row wider or narrower than the header
    answers every cell with that problem, so it is a line error like any."""

    line: int
    cells: Sequence[str]
    index: dict[str, int]
    width_problem: str | None = None

    def cell(self, column: str) -> str:
        if self.width_problem:
            raise BadRow(self.width_problem)
        text = unicodedata.normalize("NFC", self.cells[self.index[column]].strip())
        if CONTROL_CHARACTERS.search(text):
            raise BadRow("có ký tự điều khiển không hợp lệ.", column)
        return text


@dataclass(frozen=True)
class CsvFile:
    """A decoded file whose header has exactly the format's columns."""

    text: str
    columns: tuple[str, ...]
    separator: str
    index: dict[str, int]
    width: int

    def records(self) -> Iterator[Record]:
        """Each row not blank, with the physical line it starts on: a quoted
        cell may span lines, so the reader's count is taken before each row.
        A file the CSV reader cannot follow stops with ``BadFile``."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.separator)
        next(reader, None)  # the header, checked already
        start = reader.line_num + 1
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield Record(start, cells, self.index, self._width_problem(cells))
                start = reader.line_num + 1
        except csv.Error as error:
            raise BadFile(f"line {reader.line_num}: tệp CSV hỏng ({error}).") from None

    def _width_problem(self, cells: Sequence[str]) -> str | None:
        if len(cells) < self.width or any(cell.strip() for cell in cells[self.width:]):
            return f"có {len(cells)} cột, cần đúng {self.width} cột như dòng tiêu đề."
        return None


def read_csv(data: bytes, columns: Sequence[str]) -> CsvFile:
    """The file, decoded and its header checked against ``columns`` (in any
    order); ``BadFile`` says why it cannot be read."""
    text = decode(data)
    first = text.split("\n", 1)[0].rstrip("\r")
    separator = detect_separator(first, columns)
    header = header_cells(first, separator)
    if problem := header_problem(header, columns, separator):
        raise BadFile(f"line 1: {problem}")
    return CsvFile(text, tuple(columns), separator,
                   {cell: i for i, cell in enumerate(header) if cell}, len(header))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise BadFile(f"line {line}: tệp không ở mã UTF-8 (hãy lưu lại tệp với mã "
                      "UTF-8).") from None


def detect_separator(first_line: str, columns: Sequence[str]) -> str:
    """The separator under which the header names most of the format's
    columns; a comma when neither names any. Only the first cells are
    looked at: a header wider than ``MAX_COLUMNS`` is refused anyway."""
    wanted = set(columns)

    def named(separator: str) -> int:
        cells = first_line.split(separator, MAX_COLUMNS + 1)[:MAX_COLUMNS + 1]
        return len(wanted & {cell.strip() for cell in cells})

    return max(SEPARATORS, key=lambda s: (named(s), s == ","))


def header_cells(first_line: str, separator: str) -> list[str]:
    try:
        cells = next(csv.reader([first_line], delimiter=separator), [])
    except csv.Error as error:
        raise BadFile(f"line 1: dòng tiêu đề không đọc được ({error}).") from None
    if len(cells) > MAX_COLUMNS:  # refused on its length alone: not worth normalising
        return [cell.strip() for cell in cells]
    return [unicodedata.normalize("NFC", cell.strip()) for cell in cells]


def header_problem(header: Sequence[str], columns: Sequence[str],
                   separator: str = ",") -> str | None:
    """What is wrong with the header, judged with sets and one count: linear
    in its length."""
    expected = ",".join(columns)
    if len(header) > MAX_COLUMNS:
        return (f"dòng tiêu đề có {number(len(header))} cột; tối đa {MAX_COLUMNS} cột. "
                f"Cần đúng các cột: {expected}.")
    if not any(header):
        return f"tệp trống hoặc thiếu dòng tiêu đề ({expected})."
    named, wanted = Counter(c for c in header if c), set(columns)
    missing = [c for c in columns if c not in named]
    unknown = [c for c in named if c not in wanted]
    repeated = sorted(c for c, n in named.items() if n > 1)
    if not (missing or unknown or repeated):
        return None
    parts = [f"thiếu cột {', '.join(missing)}" if missing else "",
             f"cột không xác định {', '.join(unknown)}" if unknown else "",
             f"cột lặp lại {', '.join(repeated)}" if repeated else ""]
    return ("dòng tiêu đề sai: " + "; ".join(p for p in parts if p)
            + f". Cần đúng các cột: {expected} (tệp được đọc với dấu phân cách "
            f"{SEPARATOR_NAMES[separator]}).")


# -- cells ----------------------------------------------------------------------------

def flag_cell(text: str, column: str) -> bool:
    """A ``0``/``1`` cell."""
    if text not in ("0", "1"):
        raise BadRow(f"phải là 0 hoặc 1, không phải «{text[:80]}».", column)
    return text == "1"


def date_cell(text: str, column: str, today: date | None = None) -> date | None:
    """A ``YYYY-MM-DD`` cell, or None when empty; with ``today``, a day after
    it is refused (a business date that has not come yet)."""
    if not text:
        return None
    problem = BadRow(f"«{text[:80]}» không phải ngày hợp lệ; cần dạng YYYY-MM-DD, "
                     "ví dụ 2023-02-13.", column)
    if not DATE_TEXT.fullmatch(text):
        raise problem
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise problem from None
    if today is not None and day > today:
        raise BadRow(f"ngày {day:%Y-%m-%d} ở tương lai (hôm nay là {today:%Y-%m-%d}).",
                     column)
    return day


def time_cell(text: str, column: str, zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """A ``YYYY-MM-DD HH:MM`` cell in the business time zone; with ``now``,
    a moment after it is refused."""
    problem = BadRow(f"«{text[:80]}» không phải thời điểm hợp lệ; cần dạng YYYY-MM-DD HH:MM, "
                     "ví dụ 2023-02-13 08:30.", column)
    if not TIME_TEXT.fullmatch(text):
        raise problem
    try:
        moment = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise problem from None
    if now is not None and moment > now:
        raise BadRow(f"thời điểm {text} ở tương lai (bây giờ là "
                     f"{now.astimezone(zone):%Y-%m-%d %H:%M}).", column)
    return moment
