"""``import households FILE.csv``: the commune's list of households in
at-source waste sorting (CONTRACT.md, ``households`` format: ``ma_ho, thon,
chu_ho, ngay_dang_ky, ngay_phan_loai, ngay_dung``).

The file is read by the shared reader (``app.importing.csvfile``) and checked
whole before anything is recorded: every bad row is reported as ``line N:
cột …: reason`` and one bad row means nothing is recorded. Each row goes
through the ledger's own commands, in one ``Ledger.batch()``, so a row is
held to the forms' rules (the order of the steps and their dates): a
household is registered on ``ngay_dang_ky`` in the village ``thon`` names,
enrolled on ``ngay_phan_loai`` and stopped on ``ngay_dung`` (reason «Theo
danh sách nhập»).

``thon`` names a village the commune recorded (``village add``), matched by
its name without regard to case, spaces or diacritics ("kiem tan" names
"Kiêm Tân"); a merged village names nothing.

Importing a newer list records only what is new: a recorded household that
now has an enrolment date is enrolled, one that now has a stop date is
stopped. A row that contradicts what is recorded (another village or
registration date, another enrolment or stop date, a stop the list no
longer shows) is reported as a conflict and nothing of it is recorded;
the rest of the file is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import IntegrityError
from sqlalchemy import select

from app.formatting import number
from app.importing import ImportInterrupted
from app.importing.csvfile import BadFile, BadRow, CsvFile, Record, date_cell, read_csv
from app.service import LedgerService
from events.application import Batch, Ledger
from events.base import SYSTEM_ACTOR, acting_as
from events.errors import DomainError
from events.households import Household
from events.households.aggregate import Villages
from projections.households import HouseholdRow, facts_of

COLUMNS = ("ma_ho", "thon", "chu_ho", "ngay_dang_ky", "ngay_phan_loai", "ngay_dung")
STOP_REASON = "Theo danh sách nhập"
COLUMN_OF = {"code": "ma_ho", "village": "thon", "head": "chu_ho",
             "registered_on": "ngay_dang_ky"}


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    village: str
    head: str
    registered_on: date
    enrolled_on: date | None
    stopped_on: date | None


@dataclass(frozen=True)
class Known:
    village: str  # where it was registered
    registered_on: date
    enrolled_on: date | None  # its last spell
    stopped_on: date | None


@dataclass
class Outcome:
    registered: int = 0
    enrolled: int = 0
    stopped: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self, filename: str) -> str:
        return (f"Đã nhập {filename}: {number(self.registered)} hộ mới, "
                f"{number(self.enrolled)} lượt tham gia phân loại, "
                f"{number(self.stopped)} lượt dừng, {number(self.unchanged)} hộ không đổi, "
                f"{number(len(self.conflicts))} dòng xung đột.")


@dataclass
class Checked:
    filename: str
    commune: str
    today: date
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    known: dict[str, Known] = field(default_factory=dict)
    outcome: Outcome = field(default_factory=Outcome)
    batch: Batch | None = None


def check_file(svc: LedgerService, commune: str, data: bytes, filename: str,
               actor: str = SYSTEM_ACTOR) -> Checked:
    """Every problem of the file, each row judged by the ledger's commands."""
    checked = Checked(filename, commune, datetime.now(svc.ledger.zone).date())
    try:
        file = read_csv(data, COLUMNS)
    except BadFile as error:
        checked.problems.append(str(error))
        return checked
    svc.catch_up()
    with svc.read() as conn:
        checked.known = recorded_households(conn, commune)
    villages = svc.ledger.villages(commune)
    _check_rows(checked, file, villages)
    with acting_as(actor):
        _run_commands(svc.ledger, checked)
    checked.problems.sort(key=_line_number)
    return checked


def recorded_households(conn: Any, commune: str) -> dict[str, Known]:
    H = HouseholdRow
    known = {}
    for code, registered_on, villages, spells in conn.execute(
            select(H.code, H.registered_on, H.villages, H.spells).where(H.commune == commune)):
        f = facts_of(registered_on, villages, spells)
        start, stop = f.spells[-1] if f.spells else (None, None)
        known[code] = Known(f.villages[0][0], registered_on, start, stop)
    return known


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


def _check_rows(checked: Checked, file: CsvFile, villages: Villages) -> None:
    first_seen: dict[str, int] = {}
    try:
        for record in file.records():
            try:
                row = _row(checked, record, villages)
                if row.code in first_seen:
                    raise BadRow(f"mã hộ {row.code} trùng với dòng {first_seen[row.code]}.",
                                 "ma_ho")
                first_seen[row.code] = row.line
            except BadRow as error:
                checked.problems.append(f"line {record.line}: {error}")
                continue
            checked.rows.append(row)
    except BadFile as error:
        checked.problems.append(str(error))


def _row(checked: Checked, record: Record, villages: Villages) -> Row:
    cell, today = record.cell, checked.today
    name = cell("thon")
    village = villages.named(name)
    if village is None:
        raise BadRow(f"không có thôn «{name[:80]}» trong danh sách thôn của xã.", "thon")
    registered = date_cell(cell("ngay_dang_ky"), "ngay_dang_ky", today)
    if registered is None:
        raise BadRow("cần ngày đăng ký.", "ngay_dang_ky")
    enrolled = date_cell(cell("ngay_phan_loai"), "ngay_phan_loai", today)
    stopped = date_cell(cell("ngay_dung"), "ngay_dung", today)
    if stopped is not None and enrolled is None:
        raise BadRow("hộ chưa tham gia phân loại thì không thể có ngày dừng.", "ngay_dung")
    return Row(record.line, cell("ma_ho"), village, cell("chu_ho"), registered, enrolled,
               stopped)


class _Refused(Exception):
    def __init__(self, error: DomainError, column: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.column = COLUMN_OF.get(error.field or "", column)


def _take(step: Any, column: str) -> None:
    try:
        step()
    except DomainError as error:
        raise _Refused(error, column) from None


def _run_commands(ledger: Ledger, checked: Checked) -> None:
    """Every row's commands in one batch that records nothing yet: a refused
    new household is a bad row, a recorded one that contradicts the file a
    conflict (none of its facts kept)."""
    commune, outcome = checked.commune, checked.outcome
    with ledger.batch() as batch:
        for row in checked.rows:
            known = checked.known.get(row.code)
            try:
                if known is None:
                    enrolled, stopped = _register(ledger, commune, row)
                    outcome.registered += 1
                    outcome.enrolled += enrolled
                    outcome.stopped += stopped
                else:
                    _complete(ledger, checked, row, known)
            except _Refused as refused:
                if known is None:
                    checked.problems.append(f"line {row.line}: "
                                            f"{BadRow(refused.error.message, refused.column)}")
                else:
                    batch.forget(Household.id_for(commune, row.code))
                    outcome.conflicts.append(f"line {row.line}: xung đột: hộ {row.code}: "
                                             f"{refused.error.message}")
    checked.batch = batch


def _register(ledger: Ledger, commune: str, row: Row) -> tuple[int, int]:
    _take(lambda: ledger.register_household(commune, row.code, row.village, row.head, "",
                                            row.registered_on), "ma_ho")
    return _steps(ledger, commune, row, None, None)


def _steps(ledger: Ledger, commune: str, row: Row, enrolled: date | None,
           stopped: date | None) -> tuple[int, int]:
    done = [0, 0]
    if row.enrolled_on is not None and enrolled is None:
        _take(lambda: ledger.enrol_household(commune, row.code, row.enrolled_on),
              "ngay_phan_loai")
        done[0] = 1
    if row.stopped_on is not None and stopped is None:
        _take(lambda: ledger.stop_household(commune, row.code, row.stopped_on, STOP_REASON),
              "ngay_dung")
        done[1] = 1
    return done[0], done[1]


class _Conflict(DomainError):
    pass


def _complete(ledger: Ledger, checked: Checked, row: Row, known: Known) -> None:
    clash = _clash(row, known)
    if clash:
        raise _Refused(_Conflict(clash), "ma_ho")
    enrolled, stopped = _steps(ledger, checked.commune, row, known.enrolled_on,
                               known.stopped_on)
    checked.outcome.enrolled += enrolled
    checked.outcome.stopped += stopped
    checked.outcome.unchanged += not (enrolled or stopped)


def _clash(row: Row, known: Known) -> str | None:
    if row.village != known.village or row.registered_on != known.registered_on:
        return (f"đã đăng ký ở thôn mã {known.village} ngày "
                f"{known.registered_on:%d/%m/%Y}, tệp ghi khác.")
    if known.enrolled_on is not None and row.enrolled_on != known.enrolled_on:
        return f"đã ghi tham gia phân loại ngày {known.enrolled_on:%d/%m/%Y}, tệp ghi khác."
    if known.stopped_on is not None and row.stopped_on != known.stopped_on:
        return f"đã ghi dừng ngày {known.stopped_on:%d/%m/%Y}, tệp ghi khác."
    return None


def record_rows(svc: LedgerService, checked: Checked) -> Outcome:
    """Save what the checked rows' commands recorded, in one transaction:
    all of the file or none of it."""
    assert checked.batch is not None, "a file is checked before it is recorded"
    try:
        checked.batch.save()
    except IntegrityError:
        raise ImportInterrupted("Một hộ trong tệp vừa được người khác ghi trong lúc nhập; "
                                "chưa ghi nhận gì từ tệp. Hãy nhập lại tệp.") from None
    finally:
        svc.catch_up()
    return checked.outcome


def import_household_file(svc: LedgerService, commune: str, path: Path,
                          actor: str = SYSTEM_ACTOR) -> tuple[Checked, Outcome | None]:
    checked = check_file(svc, commune, path.read_bytes(), path.name, actor)
    if checked.problems:
        return checked, None
    return checked, record_rows(svc, checked)
