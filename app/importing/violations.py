"""``import violations FILE.csv``: the commune's register of violations, for
the legacy cases it already keeps in a spreadsheet (CONTRACT.md,
``violations`` format: ``ma_vu_viec, loai, thon, dia_diem, doi_tuong, mo_ta,
nam_phat_sinh, ngay_phat_hien, ngay_lap_bien_ban, ngay_quyet_dinh_xu_phat,
so_tien_phat, ngay_chap_hanh, ngay_cuong_che, ngay_ket_thuc``).

The file is checked whole before anything is recorded, by the shared reader
(``app.importing.csvfile``) and then row by row through the ledger's own
commands in one ``Ledger.batch()``: a bad kind, an unknown village, a year
begun after the year detected, a date in the future, a step out of order
(a penalty without a record, compliance and enforcement both, a date before
the step before): each is a bad row, ``line N: cột …: reason``, and one bad
row records nothing.

Each row becomes the events the register's forms record, with the file's
dates: detected on ``ngay_phat_hien`` (by «Theo sổ theo dõi»), record made on
``ngay_lap_bien_ban``, penalty decided on ``ngay_quyet_dinh_xu_phat`` for
``so_tien_phat`` đồng (no decision number or deadline: the register has
none), complied, enforced, closed. ``thon`` names a village as the
households import does (case, spaces and diacritics aside). ``source`` is
``FILE:LINE``.

A case code already recorded is compared with the register: a step the
register lacks is added (a newer export); an empty cell contradicts nothing;
a row that contradicts a recorded fact is a conflict, reported as ``line N:
xung đột: …``, and nothing of it is recorded while the other rows are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from app.formatting import number
from app.importing import ImportInterrupted
from app.importing.csvfile import BadFile, BadRow, Record, date_cell, read_csv
from app.service import LedgerService
from events.application import Batch, Ledger
from events.base import SYSTEM_ACTOR, acting_as
from events.errors import DomainError
from events.violations import Violation
from projections import queries

COLUMNS = ("ma_vu_viec", "loai", "thon", "dia_diem", "doi_tuong", "mo_ta", "nam_phat_sinh",
           "ngay_phat_hien", "ngay_lap_bien_ban", "ngay_quyet_dinh_xu_phat", "so_tien_phat",
           "ngay_chap_hanh", "ngay_cuong_che", "ngay_ket_thuc")
MAX_FILE_BYTES = 20 * 1024 * 1024
DETECTED_BY = "Theo sổ theo dõi"
COLUMN_OF = {"code": "ma_vu_viec", "kind": "loai", "village": "thon", "place": "dia_diem",
             "offender": "doi_tuong", "description": "mo_ta", "began": "nam_phat_sinh",
             "detected_on": "ngay_phat_hien", "detected_by": "ngay_phat_hien",
             "source": "ma_vu_viec", "recorded_on": "ngay_lap_bien_ban",
             "decided_on": "ngay_quyet_dinh_xu_phat", "amount": "so_tien_phat",
             "complied_on": "ngay_chap_hanh", "enforced_on": "ngay_cuong_che",
             "closed_on": "ngay_ket_thuc"}
# The steps after the detection, in order: (the row's field and the read
# model's column, the file's column).
STEPS = (("recorded_on", "ngay_lap_bien_ban"), ("decided_on", "ngay_quyet_dinh_xu_phat"),
         ("complied_on", "ngay_chap_hanh"), ("enforced_on", "ngay_cuong_che"),
         ("closed_on", "ngay_ket_thuc"))
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    kind: str
    village: str
    place: str
    offender: str
    description: str
    began: int
    detected_on: date
    recorded_on: date | None
    decided_on: date | None
    amount: int | None
    complied_on: date | None
    enforced_on: date | None
    closed_on: date | None


@dataclass
class Outcome:
    detected: int = 0   # new violations
    updated: int = 0    # recorded violations given a later step
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self, filename: str) -> str:
        return (f"Đã nhập {filename}: {number(self.detected)} vụ việc mới, "
                f"{number(self.updated)} vụ việc bổ sung bước xử lý, "
                f"{number(self.unchanged)} vụ việc không đổi, "
                f"{number(len(self.conflicts))} dòng xung đột.")


@dataclass
class Checked:
    filename: str
    commune: str
    today: date
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    known: dict[str, Any] = field(default_factory=dict)
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
    checked = Checked(filename, commune, datetime.now(svc.ledger.zone).date())
    try:
        file = _read(data)
    except BadFile as error:
        checked.problems.append(str(error))
        return checked
    svc.catch_up()
    if any(s.name == "violations" and (s.behind or s.error) for s in svc.engine.status()):
        checked.problems.append("Projection violations chưa cập nhật kịp sổ cái; chưa ghi "
                                "nhận gì. Hãy xem `projections status`.")
        return checked
    with svc.read() as conn:
        checked.known = queries.violation_codes(conn, commune)
    villages = svc.ledger.villages(commune)
    first_seen: dict[str, int] = {}
    try:
        for record in file.records():
            try:
                row = _row(checked, record, villages)
                if row.code in first_seen:
                    raise BadRow(f"mã vụ việc {row.code} trùng với dòng "
                                 f"{first_seen[row.code]}.", "ma_vu_viec")
                first_seen[row.code] = row.line
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


def _row(checked: Checked, record: Record, villages: Any) -> Row:
    cell, today = record.cell, checked.today
    name = cell("thon")
    village = villages.named(name)
    if village is None:
        raise BadRow(f"không có thôn «{name[:80]}» trong danh sách thôn của xã.", "thon")
    year = cell("nam_phat_sinh")
    if not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise BadRow(f"«{year[:80]}» không phải năm hợp lệ; cần 4 chữ số, ví dụ 2021.",
                     "nam_phat_sinh")
    detected_on = date_cell(cell("ngay_phat_hien"), "ngay_phat_hien", today)
    if detected_on is None:
        raise BadRow("cần ngày phát hiện.", "ngay_phat_hien")
    days = {name: date_cell(cell(column), column, today) for name, column in STEPS}
    amount_text = cell("so_tien_phat").replace(".", "").replace(" ", "")
    if amount_text and not (amount_text.isascii() and amount_text.isdigit()
                            and len(amount_text) <= 13):
        raise BadRow(f"«{cell('so_tien_phat')[:80]}» không phải số tiền hợp lệ; cần số đồng, "
                     "ví dụ 2500000.", "so_tien_phat")
    amount = int(amount_text) if amount_text else None
    if (amount is None) != (days["decided_on"] is None):
        raise BadRow("số tiền phạt và ngày quyết định xử phạt phải cùng có hoặc cùng trống.",
                     "so_tien_phat" if amount is None else "ngay_quyet_dinh_xu_phat")
    return Row(record.line, cell("ma_vu_viec"), cell("loai"), village, cell("dia_diem"),
               cell("doi_tuong"), cell("mo_ta"), int(year), detected_on, amount=amount, **days)


class _Refused(Exception):
    def __init__(self, error: DomainError, column: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.column = COLUMN_OF.get(error.field or "", column)


def _take(step: Callable[[], None], column: str) -> None:
    try:
        step()
    except DomainError as error:
        raise _Refused(error, column) from None


def _run_commands(ledger: Ledger, checked: Checked) -> None:
    outcome = checked.outcome
    with ledger.batch() as batch:
        for row in checked.rows:
            known = checked.known.get(row.code)
            try:
                if known is None:
                    _detect(ledger, checked, row)
                    outcome.detected += 1
                else:
                    _complete(ledger, checked, row, known)
            except _Refused as refused:
                if known is None:
                    checked.problems.append(
                        f"line {row.line}: {BadRow(refused.error.message, refused.column)}")
                else:
                    batch.forget(Violation.id_for(checked.commune, row.code))
                    outcome.conflicts.append(f"line {row.line}: xung đột: vụ việc "
                                             f"{row.code}: {refused.error.message}")
    checked.batch = batch


def _detect(ledger: Ledger, checked: Checked, row: Row) -> None:
    _take(lambda: ledger.detect_violation(
        checked.commune, row.code, row.kind, row.village, row.place, row.offender,
        row.description, row.began, DETECTED_BY, row.detected_on,
        source=f"{checked.filename}:{row.line}"[:255]), "ma_vu_viec")
    for step, column in _steps(ledger, checked.commune, row, None):
        _take(step, column)


def _steps(ledger: Ledger, commune: str, row: Row, known: Any
           ) -> list[tuple[Callable[[], None], str]]:
    """The steps the row gives and the register lacks, in order."""
    code = row.code
    commands: dict[str, Callable[[date], None]] = {
        "recorded_on": lambda d: ledger.record_violation(commune, code, d, ""),
        "decided_on": lambda d: ledger.penalise_violation(commune, code, d, "",
                                                          row.amount or 0),
        "complied_on": lambda d: ledger.comply_violation(commune, code, d),
        "enforced_on": lambda d: ledger.enforce_violation(commune, code, d),
        "closed_on": lambda d: ledger.close_violation(commune, code, d),
    }
    steps: list[tuple[Callable[[], None], str]] = []
    for name, column in STEPS:
        day = getattr(row, name)
        if day is not None and (known is None or known[name] is None):
            steps.append(((lambda c=commands[name], d=day: c(d)), column))
    return steps


def _complete(ledger: Ledger, checked: Checked, row: Row, known: Any) -> None:
    outcome = checked.outcome
    if clashes := _clashes(row, known):
        outcome.conflicts.append(f"line {row.line}: xung đột: vụ việc {row.code}: "
                                 + "; ".join(clashes) + ". Không ghi nhận gì từ dòng này.")
        return
    steps = _steps(ledger, checked.commune, row, known)
    for step, column in steps:
        _take(step, column)
    if steps:
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _clashes(row: Row, known: Any) -> list[str]:
    """What the row says that contradicts the register; an empty cell
    contradicts nothing."""
    pairs = [("loai", row.kind, known["kind"]), ("thon", row.village, known["village"]),
             ("nam_phat_sinh", str(row.began), str(known["began"])),
             ("ngay_phat_hien", str(row.detected_on), str(_day(known["detected_on"])))]
    for name, column in STEPS:
        if getattr(row, name) is not None and known[name] is not None:
            pairs.append((column, str(getattr(row, name)), str(_day(known[name]))))
    if row.amount is not None and known["amount"] is not None:
        pairs.append(("so_tien_phat", str(row.amount), str(known["amount"])))
    return [f"cột {column}: tệp ghi «{mine}», sổ cái ghi «{theirs}»"
            for column, mine, theirs in pairs if mine != theirs]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def record_rows(svc: LedgerService, checked: Checked,
                progress: Progress | None = None) -> Outcome:
    """Save what the checked rows' commands recorded, in one transaction
    (all of the file or none of it); ``progress(done, total)`` as the
    violations' events are made ready."""
    assert checked.batch is not None, "a file is checked before it is recorded"
    try:
        checked.batch.save(progress)
    except IntegrityError:
        raise ImportInterrupted(
            "Một vụ việc trong tệp vừa được người khác ghi trong lúc nhập; chưa ghi nhận gì "
            "từ tệp. Hãy nhập lại tệp.") from None
    finally:
        svc.catch_up()
    return checked.outcome
