"""``import dossiers FILE.csv``: dossiers from a provincial system's export.

The file (CONTRACT.md, ``dossiers`` format) is checked whole before anything
is recorded: first its size, then what the shared reader
(``app.importing.csvfile``) checks of every file (encoding, separator, a
header of exactly the contract's twelve columns in any order), then every
row. Each bad row is reported as ``line N: cột …: reason``, N being the
physical line the row starts on (the header is line 1); one bad row means
nothing is recorded. A receipt, result or return dated after the moment of
the check is a bad row: it has not happened yet.

Each good row goes through the ledger's own commands, the very ones the
counter's forms call, so a row is held to the counter's rules (procedure in
the catalogue and in force, channel and mode, due date, the order of steps):
a row a command refuses is a bad row, reported at its column. The file's
dates are business time (``occurred_at``) in the commune's time zone:

- ``Received`` at ``ngay_tiep_nhan``, its ``source`` being ``FILE:LINE``;
  without ``han_tra`` the due date comes from the procedure's working days and
  the commune's calendar, as ``Ledger.receive_dossier`` computes it;
- ``ket_thuc`` = ``tu_choi``: ``Refused`` at the receipt time itself, so the
  dossier is not counted as received;
- ``ngay_co_ket_qua``: ``Resolved`` at 17:00 that day (the end of office
  hours), with ``so_hoa_ket_qua`` and ``chung_thuc_dien_tu``; ``ngay_tra``:
  ``Returned`` at 17:00 that day. A moment that would fall before the step it
  follows on the same day (a dossier received at 17:30 and resolved that day)
  is moved to that step's moment, so the day stays the file's; an earlier day
  is refused, as at the counter;
- ``ket_thuc`` = ``rut`` / ``dung``: ``Withdrawn`` / ``Stopped`` at 17:00 on
  ``ngay_co_ket_qua`` (the day it left processing) or, when the file gives no
  date, at the receipt time. Such a row has no ``ngay_tra``; its result flags,
  like those of a row without a result, are not recorded.

The actor is whoever runs the import: ``system`` on the command line, the
logged-in user on the upload page; ``source`` says which file and line.

A dossier code already recorded in the commune is compared with its recorded
facts (the dossier projection, one query): the facts not yet recorded are
added (a result date now present gives ``Resolved``, a return date
``Returned``, a withdrawal ``Withdrawn``); an empty cell is taken as an older
export and contradicts nothing. A row that contradicts a recorded fact (another
procedure, applicant, channel, mode, receipt time or due date, another result
or return date or flag, refused against received, withdrawn against resolved…)
is a conflict: reported as ``line N: xung đột: …``, nothing of that row is
recorded, the other rows are, and the command still exits 0. Importing the
same file again records nothing. Names are compared NFC, as they are stored.

Speed: the rows' commands run in one ``Ledger.batch()``: nothing is saved
while the file is checked, the catalogue and calendar are read once, and
only a recorded dossier that gets a new fact is loaded from the log. Once
every row is accepted, the whole file's events are appended in one
transaction (``Batch.save``) and the projections catch up once, at the end:
an import stopped at any moment, even killed, has recorded all of the file
or none of it. A dossier of the file written by someone else while it was
checked collides on its version: nothing of the file is recorded, and
importing it again records it whole.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from app.formatting import number
from app.importing import ImportInterrupted
from app.importing.csvfile import (
    BadFile,
    BadRow,
    CsvFile,
    Record,
    date_cell,
    flag_cell,
    read_csv,
    time_cell,
)
from app.service import LedgerService
from events.application import Batch, Ledger
from events.base import SYSTEM_ACTOR, acting_as
from events.dossiers import REFUSED, STOPPED, WITHDRAWN, Dossier, deadlines
from events.errors import DomainError
from events.workdays import WorkCalendar
from projections import queries

COLUMNS = ("ma_ho_so", "ma_thu_tuc", "nguoi_nop", "kenh", "muc_do", "ngay_tiep_nhan",
           "han_tra", "ngay_co_ket_qua", "ngay_tra", "ket_thuc", "so_hoa_ket_qua",
           "chung_thuc_dien_tu")
ENDINGS = ("", REFUSED, WITHDRAWN, STOPPED)
MAX_FILE_BYTES = 20 * 1024 * 1024
RESULT_TIME = time(17, 0)  # a result, return, withdrawal or stop date: 17:00 that day
REFUSAL_REASON = "Từ chối tiếp nhận (theo tệp nhập)"
WITHDRAWAL_REASON = "Rút hồ sơ (theo tệp nhập)"
STOP_REASON = "Dừng giải quyết (theo tệp nhập)"
ENDING_NAMES = {"": "đang giải quyết", REFUSED: "từ chối tiếp nhận", WITHDRAWN: "đã rút",
                STOPPED: "dừng giải quyết", "ket_qua": "đã có kết quả"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    """One good row; moments are aware, in the commune's time zone."""
    line: int
    code: str
    procedure_code: str
    applicant: str
    channel: str
    online_mode: str
    received_at: datetime
    due_date: date | None
    resolved_at: datetime | None
    returned_at: datetime | None
    ending: str
    ended_at: datetime | None  # withdrawal or stop day, when the file gives one
    digitised: bool
    e_certified: bool


@dataclass(frozen=True)
class Known:
    """A dossier as already recorded (its projection row)."""
    code: str
    procedure_code: str
    applicant: str
    channel: str
    online_mode: str
    received_at: datetime
    original_due_date: date
    resolved_on: date | None
    digitised: bool
    e_certified: bool
    returned_on: date | None
    refused_on: date | None
    withdrawn_on: date | None
    stopped_on: date | None


@dataclass
class Checked:
    """A file checked against the commune's catalogue and recorded dossiers."""
    filename: str
    commune: str
    zone: ZoneInfo
    now: datetime  # business dates after it are refused
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    known: dict[str, Known] = field(default_factory=dict)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    outcome: Outcome = field(default_factory=lambda: Outcome())
    batch: Batch | None = None  # the accepted rows' events, not yet saved


@dataclass
class Outcome:
    received: int = 0   # new dossiers, refused ones included
    updated: int = 0    # recorded dossiers given new facts
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self, filename: str) -> str:
        return (f"Đã nhập {filename}: {number(self.received)} hồ sơ mới, "
                f"{number(self.updated)} hồ sơ bổ sung thông tin, "
                f"{number(self.unchanged)} hồ sơ không đổi, "
                f"{number(len(self.conflicts))} dòng xung đột.")


# -- from a file ---------------------------------------------------------------

def import_dossier_file(svc: LedgerService, commune: str, path: Path,
                        actor: str = SYSTEM_ACTOR) -> tuple[Checked, Outcome | None]:
    """Check the whole file, then record it; with any bad row, record
    nothing and return no outcome."""
    checked = check_file(svc, commune, path.read_bytes(), path.name, actor)
    if checked.problems:
        return checked, None
    return checked, record_rows(svc, checked)


# -- checking the file ------------------------------------------------------------

def size_problem(size: int) -> str | None:
    if size > MAX_FILE_BYTES:
        return (f"tệp quá lớn ({number(size)} byte); tối đa "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Hãy chia tệp thành nhiều phần.")
    return None


def file_problem(data: bytes) -> str | None:
    """What makes the whole file unreadable, judged before any row is
    parsed: its size, its encoding, its header."""
    try:
        _read(data)
    except BadFile as error:
        return str(error)
    return None


def _read(data: bytes) -> CsvFile:
    if problem := size_problem(len(data)):
        raise BadFile(problem)
    return read_csv(data, COLUMNS)


def check_file(svc: LedgerService, commune: str, data: bytes, filename: str,
               actor: str = SYSTEM_ACTOR) -> Checked:
    """Every problem of the file: its form first, then each row as the
    ledger's commands judge it against the commune's catalogue, calendar and
    recorded dossiers, on behalf of ``actor``, who records it."""
    zone = svc.ledger.zone
    checked = Checked(filename, commune, zone, datetime.now(zone))
    try:
        file = _read(data)
    except BadFile as error:
        checked.problems.append(str(error))
        return checked
    if problem := _projections_not_current(svc):
        checked.problems.append(problem)
        return checked
    with svc.read() as conn:
        checked.known = recorded_dossiers(conn, commune)
    checked.calendar = svc.ledger.work_calendar(commune)
    _check_rows(checked, file)
    if any(p.startswith("line 1:") for p in checked.problems):
        return checked  # no header to read rows by
    with acting_as(actor):
        _run_commands(svc.ledger, checked)
    checked.problems.sort(key=_line_number)
    return checked


def _line_number(problem: str) -> int:
    """``line N: …`` sorts by N; a problem of the whole file comes first."""
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 0


def _projections_not_current(svc: LedgerService) -> str | None:
    """Rows are judged against projections, so they must have caught up."""
    svc.catch_up()
    for status in svc.engine.status():
        if status.name in ("procedures", "dossiers") and (status.behind or status.error):
            return (f"Projection {status.name} chưa cập nhật kịp sổ cái"
                    f"{': ' + status.error if status.error else ''}; chưa ghi nhận gì. "
                    "Hãy xem `projections status`.")
    return None


def recorded_dossiers(conn: Any, commune: str) -> dict[str, Known]:
    known = {}
    for row in queries.recorded_facts(conn, commune):
        received = row.received_at
        if received.tzinfo is None:
            received = received.replace(tzinfo=UTC)
        known[row.code] = Known(*row[:5], received, *row[6:])
    return known


def _check_rows(checked: Checked, file: CsvFile) -> None:
    first_seen: dict[str, int] = {}
    try:
        for record in file.records():
            try:
                row = _row(checked, record)
                _check_unique(row, first_seen)
            except BadRow as error:
                checked.problems.append(f"line {record.line}: {error}")
                continue
            checked.rows.append(row)
    except BadFile as error:
        checked.problems.append(str(error))


def _check_unique(row: Row, first_seen: dict[str, int]) -> None:
    if row.code in first_seen:
        raise BadRow(f"mã hồ sơ {row.code} trùng với dòng {first_seen[row.code]}.", "ma_ho_so")
    first_seen[row.code] = row.line


def _row(checked: Checked, record: Record) -> Row:
    """The row's cells read as values; the rules are the commands'."""
    cell = record.cell
    received_at = time_cell(cell("ngay_tiep_nhan"), "ngay_tiep_nhan", checked.zone, checked.now)
    dates = _dates(cell, checked.now.date())
    ending = _ending(cell("ket_thuc"), dates)
    ended_on, resolved_on = (dates["ngay_co_ket_qua"], None) if ending in (WITHDRAWN, STOPPED) \
        else (None, dates["ngay_co_ket_qua"])
    at = _at_result_time(checked.zone)
    return Row(record.line, _code(cell("ma_ho_so")), cell("ma_thu_tuc"),
               " ".join(cell("nguoi_nop").split()), cell("kenh"), cell("muc_do"), received_at,
               dates["han_tra"], at(resolved_on), at(dates["ngay_tra"]), ending, at(ended_on),
               flag_cell(cell("so_hoa_ket_qua"), "so_hoa_ket_qua"),
               flag_cell(cell("chung_thuc_dien_tu"), "chung_thuc_dien_tu"))


def _code(text: str) -> str:
    if not text:
        raise BadRow("thiếu mã hồ sơ.", "ma_ho_so")
    return text


def _dates(cell: Callable[[str], str], today: date) -> dict[str, date | None]:
    """The due date may lie ahead; a result or a return has happened."""
    dates = {"han_tra": date_cell(cell("han_tra"), "han_tra")}
    for column in ("ngay_co_ket_qua", "ngay_tra"):
        dates[column] = date_cell(cell(column), column, today)
    if dates["ngay_tra"] and not dates["ngay_co_ket_qua"]:
        raise BadRow("có ngày trả nhưng thiếu ngay_co_ket_qua.", "ngay_tra")
    return dates


def _ending(text: str, dates: dict[str, date | None]) -> str:
    if text not in ENDINGS:
        raise BadRow(f"«{text[:80]}» không hợp lệ; cần để trống, tu_choi, rut hoặc dung.",
                     "ket_thuc")
    if text == REFUSED and (dates["ngay_co_ket_qua"] or dates["ngay_tra"]):
        raise BadRow("hồ sơ từ chối tiếp nhận không có ngày có kết quả hay ngày trả.",
                     "ket_thuc")
    if text in (WITHDRAWN, STOPPED) and dates["ngay_tra"]:
        raise BadRow(f"hồ sơ {ENDING_NAMES[text]} không có ngày trả kết quả.", "ngay_tra")
    return text


def _at_result_time(zone: ZoneInfo) -> Callable[[date | None], datetime | None]:
    def at(day: date | None) -> datetime | None:
        return datetime.combine(day, RESULT_TIME, tzinfo=zone) if day else None
    return at


# -- the rows through the ledger's commands ---------------------------------------

# The column a command's refusal of a field points at.
COLUMN_OF = {"code": "ma_ho_so", "procedure_code": "ma_thu_tuc", "applicant": "nguoi_nop",
             "channel": "kenh", "online_mode": "muc_do", "received_at": "ngay_tiep_nhan",
             "due_date": "han_tra", "source": "ma_ho_so"}


def _run_commands(ledger: Ledger, checked: Checked) -> None:
    """Every row's commands, in one batch that records nothing yet: a row a
    command refuses is a bad row if it is new, a conflict if its dossier is
    recorded (and then none of its facts is kept)."""
    outcome = checked.outcome
    with ledger.batch() as batch:
        for row in checked.rows:
            known = checked.known.get(row.code)
            try:
                if known is None:
                    _receive(ledger, checked, row)
                    outcome.received += 1
                else:
                    _complete(ledger, checked, row, known)
            except _Refused as refused:
                if known is None:
                    checked.problems.append(f"line {row.line}: {refused.bad_row}")
                else:
                    batch.forget(Dossier.id_for(checked.commune, row.code))
                    outcome.conflicts.append(f"line {row.line}: xung đột: hồ sơ {row.code}: "
                                             f"{refused.error.message}")
    checked.batch = batch


class _Refused(Exception):
    def __init__(self, error: DomainError, column: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.bad_row = BadRow(error.message, COLUMN_OF.get(error.field or "", column))


def _receive(ledger: Ledger, checked: Checked, row: Row) -> None:
    """``Ledger.receive_dossier``, then the steps the row states."""
    try:
        ledger.receive_dossier(checked.commune, row.code, row.procedure_code, row.applicant,
                               row.channel, row.online_mode, row.received_at, row.due_date,
                               source=f"{checked.filename}:{row.line}")
    except DomainError as error:
        raise _Refused(error, "ngay_tiep_nhan") from None
    for _recorded, column, step in _steps(ledger, checked.commune, row):
        _take(step, column)


def _complete(ledger: Ledger, checked: Checked, row: Row, known: Known) -> None:
    """The facts a recorded dossier lacks, unless the row contradicts it."""
    outcome = checked.outcome
    if clashes := _clashes(row, known, checked.zone, checked.calendar):
        outcome.conflicts.append(f"line {row.line}: xung đột: hồ sơ {row.code}: "
                                 + "; ".join(clashes) + ". Không ghi nhận gì từ dòng này.")
        return
    missing = [(column, step) for recorded, column, step in
               _steps(ledger, checked.commune, row) if getattr(known, recorded) is None]
    for column, step in missing:
        _take(step, column)
    if missing:
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _take(step: Callable[[], None], column: str) -> None:
    try:
        step()
    except DomainError as error:
        raise _Refused(error, column) from None


def _steps(ledger: Ledger, commune: str, row: Row) -> list[tuple[str, str, Callable[[], None]]]:
    """The commands after receipt the row states, each with the projection
    column that shows it recorded and the file's column it comes from."""
    code = row.code

    def after_last(moment: datetime | None) -> datetime:
        return _not_before(moment, ledger.dossier(commune, code).steps[-1][2])

    steps: list[tuple[str, str, Callable[[], None]]] = []
    if row.ending == REFUSED:
        steps.append(("refused_on", "ket_thuc", lambda: ledger.refuse_dossier(
            commune, code, row.received_at, REFUSAL_REASON)))
    if row.ending == WITHDRAWN:
        steps.append(("withdrawn_on", "ngay_co_ket_qua", lambda: ledger.withdraw_dossier(
            commune, code, after_last(row.ended_at), WITHDRAWAL_REASON)))
    if row.ending == STOPPED:
        steps.append(("stopped_on", "ngay_co_ket_qua", lambda: ledger.stop_dossier(
            commune, code, after_last(row.ended_at), STOP_REASON)))
    if row.resolved_at:
        steps.append(("resolved_on", "ngay_co_ket_qua", lambda: ledger.resolve_dossier(
            commune, code, after_last(row.resolved_at), row.digitised, row.e_certified)))
    if row.returned_at:
        steps.append(("returned_on", "ngay_tra", lambda: ledger.return_dossier(
            commune, code, after_last(row.returned_at))))
    return steps


def _not_before(moment: datetime | None, earliest: datetime) -> datetime:
    """A day the file gives, at 17:00, moved to ``earliest`` when that falls
    later the same day; another day is left for the command to judge."""
    if moment is None:
        return earliest
    same_day = moment.date() == earliest.astimezone(moment.tzinfo).date()
    return earliest if same_day and moment < earliest else moment


# -- recording ---------------------------------------------------------------------

def record_rows(svc: LedgerService, checked: Checked,
                progress: Progress | None = None) -> Outcome:
    """Save what the checked rows' commands recorded, in one transaction;
    ``progress(done, total)`` as the dossiers' events are made ready."""
    assert checked.batch is not None, "a file is checked before it is recorded"
    outcome, batch = checked.outcome, checked.batch
    total = batch.pending
    try:
        batch.save(progress)
    except IntegrityError:
        raise ImportInterrupted(
            "Một hồ sơ trong tệp vừa được người khác ghi trong lúc nhập; chưa ghi nhận gì "
            "từ tệp. Hãy nhập lại tệp.") from None
    finally:
        svc.catch_up()
    if progress and not total:
        progress(0, 0)
    return outcome


def _clashes(row: Row, known: Known, zone: ZoneInfo, calendar: WorkCalendar) -> list[str]:
    """What the row says that contradicts what is recorded; an empty cell
    contradicts nothing. A due date on a day off names the working day the
    counter moved it to."""
    received = known.received_at.astimezone(zone).replace(second=0, microsecond=0)
    pairs = [("ma_thu_tuc", row.procedure_code, known.procedure_code),
             ("nguoi_nop", row.applicant, _nfc(" ".join(known.applicant.split()))),
             ("kenh", row.channel, known.channel),
             ("muc_do", row.online_mode, known.online_mode),
             ("ngay_tiep_nhan", f"{row.received_at:%Y-%m-%d %H:%M}", f"{received:%Y-%m-%d %H:%M}")]
    if row.due_date and deadlines.given_due_date(row.due_date, calendar) != \
            known.original_due_date:
        pairs.append(("han_tra", str(row.due_date), str(known.original_due_date)))
    clashes = [f"cột {column}: tệp ghi «{mine}», sổ cái ghi «{theirs}»"
               for column, mine, theirs in pairs if mine != theirs]
    return clashes + _outcome_clashes(row, known)


def _outcome_clashes(row: Row, known: Known) -> list[str]:
    mine, theirs = _row_ending(row), _known_ending(known)
    if mine != theirs and (REFUSED in (mine, theirs) or "" not in (mine, theirs)):
        return [f"cột ket_thuc: tệp ghi hồ sơ {ENDING_NAMES[mine]}, "
                f"sổ cái ghi hồ sơ {ENDING_NAMES[theirs]}"]
    if mine != theirs:
        return []
    pairs = [("ngay_co_ket_qua", _day(row.ended_at), known.withdrawn_on or known.stopped_on),
             ("ngay_co_ket_qua", _day(row.resolved_at), known.resolved_on),
             ("ngay_tra", _day(row.returned_at), known.returned_on)]
    clashes = [f"cột {column}: tệp ghi «{ours}», sổ cái ghi «{recorded or 'chưa có'}»"
               for column, ours, recorded in pairs
               if ours and recorded and ours != recorded]
    if mine == "ket_qua":
        clashes += [f"cột {column}: tệp ghi «{int(ours)}», sổ cái ghi «{int(recorded)}»"
                    for column, ours, recorded in (
                        ("so_hoa_ket_qua", row.digitised, known.digitised),
                        ("chung_thuc_dien_tu", row.e_certified, known.e_certified))
                    if ours != recorded]
    return clashes


def _nfc(text: str) -> str:
    """A name recorded before names were normalised, as a file's row reads."""
    return unicodedata.normalize("NFC", text)


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


def _row_ending(row: Row) -> str:
    return "ket_qua" if row.resolved_at else row.ending


def _known_ending(known: Known) -> str:
    if known.refused_on:
        return REFUSED
    if known.withdrawn_on:
        return WITHDRAWN
    if known.stopped_on:
        return STOPPED
    return "ket_qua" if known.resolved_on else ""
