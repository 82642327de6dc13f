"""``import procedures FILE.csv``: the procedure catalogue from a CSV file.

The whole file is checked before anything is recorded (CONTRACT.md): every
bad row is reported as ``line N: reason``, N being the row's first physical
line (the header is line 1), and one bad row means nothing is recorded.
A row already recorded with the same values is skipped, so importing the same
file again records nothing; a row that contradicts the recorded procedure is
reported as a conflict and not recorded (CONTRACT.md): a change to the
catalogue is an amendment an admin makes on the procedure's page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.persistence import IntegrityError

from app.importing import ImportInterrupted
from app.importing.csvfile import BadFile, BadRow, Record, flag_cell, read_csv
from app.service import LedgerService
from events.base import acting_as
from events.catalogue import Procedure, checked_code, checked_terms
from events.errors import DomainError, InvalidTransition
from projections import queries

COLUMNS = ("ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "co_quan", "lien_thong",
           "so_ngay_giai_quyet", "le_phi", "dia_chi_truc_tuyen")
# The domain names a rule's field; a file's reader knows its column.
COLUMN_OF = {"code": "ma_thu_tuc", "name": "ten_thu_tuc", "field": "linh_vuc",
             "authority": "co_quan", "inter_agency": "lien_thong",
             "working_days": "so_ngay_giai_quyet", "fee": "le_phi",
             "online_address": "dia_chi_truc_tuyen"}
WHOLE_NUMBER = re.compile(r"-?[0-9]+")

@dataclass(frozen=True)
class Row:
    line: int
    code: str
    terms: dict[str, Any]


@dataclass
class ImportResult:
    problems: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    listed: int = 0
    unchanged: int = 0


def import_procedure_file(svc: LedgerService, commune: str, path: Path) -> ImportResult:
    """Check the whole file, then record what is new or changed, in one
    transaction; with any problem, record nothing and return the problems."""
    rows, problems = read_rows(path.read_bytes())
    if problems:
        return ImportResult(problems)
    with acting_as(f"import:{path.name}"):
        result, changed = _plan(svc, commune, rows)
        if not result.problems:
            try:
                _save(svc, changed)
            finally:
                svc.catch_up()
    return result


# -- reading and checking the file ---------------------------------------------

def read_rows(data: bytes) -> tuple[list[Row], list[str]]:
    try:
        file = read_csv(data, COLUMNS)
        return _rows(file.records())
    except BadFile as error:
        return [], [str(error)]


def _rows(records: Iterator[Record]) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    problems: list[str] = []
    first_seen: dict[str, int] = {}
    for record in records:
        try:
            row = _row(record)
        except (BadRow, DomainError) as error:
            problems.append(f"line {record.line}: {_reason(error)}")
            continue
        if row.code in first_seen:
            problems.append(f"line {row.line}: mã thủ tục {row.code} trùng với dòng "
                            f"{first_seen[row.code]}.")
            continue
        first_seen[row.code] = row.line
        rows.append(row)
    return rows, problems


def _row(record: Record) -> Row:
    cell = record.cell
    code = checked_code(cell("ma_thu_tuc"))
    terms = checked_terms(cell("ten_thu_tuc"), cell("linh_vuc"), cell("co_quan"),
                          flag_cell(cell("lien_thong"), "lien_thong"),
                          _whole(cell("so_ngay_giai_quyet"), "so_ngay_giai_quyet"),
                          _whole(cell("le_phi"), "le_phi"), cell("dia_chi_truc_tuyen"))
    return Row(record.line, code, terms)


def _whole(text: str, column: str) -> int:
    if not WHOLE_NUMBER.fullmatch(text):
        raise BadRow(f"phải là số nguyên (không dấu chấm, dấu phẩy), không phải «{text}».",
                     column)
    return int(text)


def _reason(error: Exception) -> str:
    if isinstance(error, DomainError):
        column = COLUMN_OF.get(error.field or "")
        return f"cột {column}: {error.message}" if column else error.message
    return str(error)


# -- recording ---------------------------------------------------------------------

def _plan(svc: LedgerService, commune: str,
          rows: list[Row]) -> tuple[ImportResult, list[Procedure]]:
    """What each row records, judged against the catalogue as recorded."""
    result, changed = ImportResult(), []
    if problem := _catalogue_not_current(svc):
        result.problems.append(problem)
        return result, changed
    with svc.read() as conn:
        known = queries.catalogue(conn, commune)
    for row in rows:
        try:
            procedure = _change(svc, commune, row, known.get(row.code), result)
        except DomainError as error:
            result.problems.append(f"line {row.line}: {_reason(error)}")
            continue
        if procedure is not None:
            changed.append(procedure)
    return result, changed


def _change(svc: LedgerService, commune: str, row: Row,
            known: queries.ProcedureListing | None,
            result: ImportResult) -> Procedure | None:
    if known is None:
        result.listed += 1
        return Procedure.catalogue(commune, row.code, **row.terms)
    if known.abolished:
        raise InvalidTransition(f"thủ tục {row.code} đã bị bãi bỏ trong danh mục; không nhập lại "
                          "thủ tục đã bãi bỏ.")
    recorded = _nfc(known.terms)
    if recorded == row.terms:
        result.unchanged += 1
        return None
    differ = ", ".join(key for key in row.terms if row.terms[key] != recorded.get(key))
    result.conflicts.append(f"line {row.line}: xung đột: thủ tục {row.code} đã ghi với giá "
                            f"trị khác ({differ}); giữ nguyên bản đã ghi.")
    return None


def _nfc(terms: dict[str, Any]) -> dict[str, Any]:
    """Terms recorded before names were normalised, as a file's row reads."""
    return {key: unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            for key, value in terms.items()}


def _catalogue_not_current(svc: LedgerService) -> str | None:
    """Rows are compared with the catalogue's projection, so it must have
    caught up with the log first."""
    svc.catch_up()
    status = next(s for s in svc.engine.status() if s.name == "procedures")
    if status.behind or status.error:
        return ("Danh mục thủ tục (projection procedures) chưa cập nhật kịp sổ cái"
                f"{': ' + status.error if status.error else ''}; chưa ghi nhận gì. "
                "Hãy xem `projections status`.")
    return None


def _save(svc: LedgerService, procedures: list[Procedure]) -> None:
    """Every new or changed procedure in one transaction: all of the file
    or none of it."""
    if not procedures:
        return
    try:
        svc.ledger.save(*procedures)
    except IntegrityError:
        raise ImportInterrupted(
            "Một thủ tục trong tệp vừa được người khác ghi trong lúc nhập; chưa ghi nhận gì "
            "từ tệp. Hãy chạy lại lệnh nhập.") from None
