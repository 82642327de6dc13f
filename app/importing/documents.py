"""``import documents FILE.csv``: the register from a document-management
system's export (CONTRACT.md, ``documents`` format).

The file is checked whole before anything is recorded, by the shared reader
(``app.importing.csvfile``: encoding, separator, header, NFC, control
characters) and then row by row through the ledger's own commands in one
``Ledger.batch()``: a bad type, a number and symbol used twice in a year (in
the file or in the register), a date of issue or publication or a signing
time in the future, a confidential document signed or published, a step
before the one it follows: each is a bad row, ``line N: cột …: reason``, and
one bad row records nothing.

Each row becomes the events the register's forms record: ``Issued`` at the
start of ``ngay_ban_hanh`` (task ``khac``: the export does not say which
task a document serves), ``Signed`` at ``ky_so`` by ``nguoi_ky`` (no
certificate serial: the export has none), ``Published`` on ``cong_khai`` (no
address). ``source`` is ``FILE:LINE``.

A number and symbol already recorded for that year is compared with the
register: a signature or a publication the register lacks is added (a newer
export); an empty cell contradicts nothing; a row that contradicts a recorded
fact (another type, title, date, signer, confidential flag, signing time or
publication date) is a conflict, reported as ``line N: xung đột: …``, and
nothing of it is recorded while the other rows are. Importing the same file
again records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from app.formatting import number
from app.importing import ImportInterrupted
from app.importing.csvfile import BadFile, BadRow, Record, date_cell, flag_cell, read_csv, time_cell
from app.service import LedgerService
from events.application import Batch, Ledger
from events.base import SYSTEM_ACTOR, acting_as
from events.documents import Document, values
from events.errors import DomainError, InvalidValue
from projections import queries

COLUMNS = ("so_ky_hieu", "loai", "trich_yeu", "ngay_ban_hanh", "nguoi_ky", "mat", "ky_so",
           "cong_khai")
MAX_FILE_BYTES = 20 * 1024 * 1024
TASK = "khac"
COLUMN_OF = {"number_symbol": "so_ky_hieu", "doc_type": "loai", "title": "trich_yeu",
             "issued_on": "ngay_ban_hanh", "signer": "nguoi_ky", "confidential": "mat",
             "signed_at": "ky_so", "certificate_serial": "ky_so", "published_on": "cong_khai",
             "address": "cong_khai", "source": "so_ky_hieu"}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    line: int
    number_symbol: str
    doc_type: str
    title: str
    issued_on: date
    signer: str
    confidential: bool
    signed_at: datetime | None
    published_on: date | None


@dataclass
class Outcome:
    issued: int = 0     # new documents
    updated: int = 0    # recorded documents given a signature or publication
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self, filename: str) -> str:
        return (f"Đã nhập {filename}: {number(self.issued)} văn bản mới, "
                f"{number(self.updated)} văn bản bổ sung thông tin, "
                f"{number(self.unchanged)} văn bản không đổi, "
                f"{number(len(self.conflicts))} dòng xung đột.")


@dataclass
class Checked:
    filename: str
    commune: str
    zone: ZoneInfo
    now: datetime
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    known: dict[tuple[int, str], Any] = field(default_factory=dict)
    outcome: Outcome = field(default_factory=Outcome)
    batch: Batch | None = None


def file_problem(data: bytes) -> str | None:
    try:
        _read(data)
    except BadFile as error:
        return str(error)
    return None


def _read(data: bytes) -> Any:
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(f"tệp quá lớn ({number(len(data))} byte); tối đa "
                      f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Hãy chia tệp thành nhiều phần.")
    return read_csv(data, COLUMNS)


def check_file(svc: LedgerService, commune: str, data: bytes, filename: str,
               actor: str = SYSTEM_ACTOR) -> Checked:
    """Every problem of the file, each row judged by the ledger's commands
    (nothing saved yet: ``record_rows`` saves the batch)."""
    zone = svc.ledger.zone
    checked = Checked(filename, commune, zone, datetime.now(zone))
    try:
        file = _read(data)
    except BadFile as error:
        checked.problems.append(str(error))
        return checked
    svc.catch_up()
    if any(s.name == "documents" and (s.behind or s.error) for s in svc.engine.status()):
        checked.problems.append("Projection documents chưa cập nhật kịp sổ cái; chưa ghi nhận "
                                "gì. Hãy xem `projections status`.")
        return checked
    with svc.read() as conn:
        checked.known = {(r["year"], r["number_symbol"]): r
                         for r in queries.every_document(conn, commune,
                                                         queries.DocumentFilter())}
    first_seen: dict[tuple[int, str], int] = {}
    try:
        for record in file.records():
            try:
                row = _row(checked, record)
                key = (row.issued_on.year, row.number_symbol)
                if key in first_seen:
                    raise BadRow(f"số, ký hiệu {row.number_symbol} năm {key[0]} trùng với dòng "
                                 f"{first_seen[key]}.", "so_ky_hieu")
                first_seen[key] = row.line
            except BadRow as error:
                checked.problems.append(f"line {record.line}: {error}")
                continue
            checked.rows.append(row)
    except BadFile as error:
        checked.problems.append(str(error))
    with acting_as(actor):
        _run_commands(svc.ledger, checked)
    checked.problems.sort(key=_line_number)
    return checked


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


def _row(checked: Checked, record: Record) -> Row:
    cell = record.cell
    try:
        number_, symbol = values.number_symbol(cell("so_ky_hieu"))
    except InvalidValue as error:
        raise BadRow(error.message, "so_ky_hieu") from None
    today = checked.now.date()
    issued_on = date_cell(cell("ngay_ban_hanh"), "ngay_ban_hanh", today)
    if issued_on is None:
        raise BadRow("thiếu ngày ban hành.", "ngay_ban_hanh")
    signed = cell("ky_so")
    return Row(record.line, values.joined(number_, symbol), cell("loai"), cell("trich_yeu"),
               issued_on, cell("nguoi_ky"), flag_cell(cell("mat"), "mat"),
               time_cell(signed, "ky_so", checked.zone, checked.now) if signed else None,
               date_cell(cell("cong_khai"), "cong_khai", today))


class _Refused(Exception):
    def __init__(self, error: DomainError, column: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.column = COLUMN_OF.get(error.field or "", column)


def _run_commands(ledger: Ledger, checked: Checked) -> None:
    outcome = checked.outcome
    with ledger.batch() as batch:
        for row in checked.rows:
            known = checked.known.get((row.issued_on.year, row.number_symbol))
            try:
                if known is None:
                    _issue(ledger, checked, row)
                    outcome.issued += 1
                else:
                    _complete(ledger, checked, row, known)
            except _Refused as refused:
                if known is None:
                    checked.problems.append(
                        f"line {row.line}: {BadRow(refused.error.message, refused.column)}")
                else:
                    batch.forget(Document.id_for(checked.commune, row.issued_on.year,
                                                 row.number_symbol))
                    outcome.conflicts.append(f"line {row.line}: xung đột: văn bản "
                                             f"{row.number_symbol}: {refused.error.message}")
    checked.batch = batch


def _take(step: Callable[[], None], column: str) -> None:
    try:
        step()
    except DomainError as error:
        raise _Refused(error, column) from None


def _issue(ledger: Ledger, checked: Checked, row: Row) -> None:
    _take(lambda: ledger.issue_document(
        checked.commune, row.number_symbol, row.doc_type, row.title, row.issued_on, row.signer,
        row.confidential, TASK, source=f"{checked.filename}:{row.line}"[:255]), "so_ky_hieu")
    for step, column in _steps(ledger, checked.commune, row, None):
        _take(step, column)


def _steps(ledger: Ledger, commune: str, row: Row, known: Any
           ) -> list[tuple[Callable[[], None], str]]:
    year, number_symbol = row.issued_on.year, row.number_symbol
    steps: list[tuple[Callable[[], None], str]] = []
    if row.signed_at and (known is None or known["signed_on"] is None):
        steps.append((lambda: ledger.sign_document(commune, year, number_symbol, row.signed_at,
                                                   row.signer, ""), "ky_so"))
    if row.published_on and (known is None or known["published_on"] is None):
        steps.append((lambda: ledger.publish_document(commune, year, number_symbol,
                                                      row.published_on, ""), "cong_khai"))
    return steps


def _complete(ledger: Ledger, checked: Checked, row: Row, known: Any) -> None:
    outcome = checked.outcome
    if clashes := _clashes(row, known, checked.zone):
        outcome.conflicts.append(f"line {row.line}: xung đột: văn bản {row.number_symbol}: "
                                 + "; ".join(clashes) + ". Không ghi nhận gì từ dòng này.")
        return
    steps = _steps(ledger, checked.commune, row, known)
    for step, column in steps:
        _take(step, column)
    if steps:
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _clashes(row: Row, known: Any, zone: ZoneInfo) -> list[str]:
    """What the row says that contradicts the register; an empty cell
    contradicts nothing."""
    pairs = [("loai", row.doc_type, known["doc_type"]),
             ("trich_yeu", " ".join(row.title.split()), known["title"]),
             ("ngay_ban_hanh", str(row.issued_on), str(_day(known["issued_on"]))),
             ("nguoi_ky", " ".join(row.signer.split()), known["signer"]),
             ("mat", str(int(row.confidential)), str(int(bool(known["confidential"]))))]
    if row.signed_at and known["signed_at"] is not None:
        recorded = _moment(known["signed_at"]).astimezone(zone)
        pairs.append(("ky_so", f"{row.signed_at:%Y-%m-%d %H:%M}", f"{recorded:%Y-%m-%d %H:%M}"))
    if row.published_on and known["published_on"] is not None:
        pairs.append(("cong_khai", str(row.published_on), str(_day(known["published_on"]))))
    return [f"cột {column}: tệp ghi «{mine}», sổ cái ghi «{theirs}»"
            for column, mine, theirs in pairs if mine != theirs]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def record_rows(svc: LedgerService, checked: Checked,
                progress: Progress | None = None) -> Outcome:
    """Save what the checked rows' commands recorded, in one transaction
    (all of the file or none of it); ``progress(done, total)`` as the
    documents' events are made ready."""
    assert checked.batch is not None, "a file is checked before it is recorded"
    try:
        checked.batch.save(progress)
    except IntegrityError:
        raise ImportInterrupted(
            "Một văn bản trong tệp vừa được người khác ghi trong lúc nhập; chưa ghi nhận gì "
            "từ tệp. Hãy nhập lại tệp.") from None
    finally:
        svc.catch_up()
    return checked.outcome
