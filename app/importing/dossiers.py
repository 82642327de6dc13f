"""``import dossiers FILE.csv``: dossiers from a provincial system's export.

The file (CONTRACT.md, ``dossiers`` format) is checked whole before anything
is recorded: first its size, then what the shared reader
(``app.importing.csvfile``) checks of every file (encoding, separator, a
header of exactly the contract's twelve columns in any order), then every
row. Each bad row is reported as ``line N: cột …: reason``, N being the
physical line the row starts on (the header is line 1); one bad row means
nothing is recorded. A receipt, result or return dated after the moment of
the check is a bad row: it has not happened yet.

Each good row becomes the events the counter's forms record, with the file's
dates as business time (``occurred_at``) in the commune's time zone:

- ``Received`` at ``ngay_tiep_nhan``, its ``source`` being ``FILE:LINE``;
  without ``han_tra`` the due date comes from the procedure's working days and
  the commune's calendar, as ``Ledger.receive_dossier`` computes it;
- ``ket_thuc`` = ``tu_choi``: ``Refused`` at the receipt time itself, so the
  dossier is not counted as received;
- ``ngay_co_ket_qua``: ``Resolved`` at 17:00 that day (the end of office
  hours), with ``so_hoa_ket_qua`` and ``chung_thuc_dien_tu``; ``ngay_tra``:
  ``Returned`` at 17:00 that day. A moment that would fall before the step it
  follows (a dossier received at 17:30 and resolved the same day) is moved to
  that step's moment, so the day stays the file's;
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

Speed: new dossiers are built in memory; only a recorded dossier that gets a
new fact is loaded from the log. Every ``BATCH`` rows are saved in one
transaction (``ledger.save(*aggregates)``) and the projections catch up once,
at the end. A batch that collides with a concurrent write stops the import;
the batches before it stay recorded and importing the file again records the
rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from app.cli import SYSTEM_ACTOR
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
from events.domain import CHANNELS, ONLINE_MODES, REFUSED, STOPPED, WITHDRAWN, Dossier, acting_as
from events.dossiers import deadlines
from events.errors import DomainError
from events.workdays import WorkCalendar
from projections import queries

COLUMNS = ("ma_ho_so", "ma_thu_tuc", "nguoi_nop", "kenh", "muc_do", "ngay_tiep_nhan",
           "han_tra", "ngay_co_ket_qua", "ngay_tra", "ket_thuc", "so_hoa_ket_qua",
           "chung_thuc_dien_tu")
ENDINGS = ("", REFUSED, WITHDRAWN, STOPPED)
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_CODE, MAX_APPLICANT = 64, 255  # the dossier projection's columns
BATCH = 500
RESULT_TIME = time(17, 0)  # a result, return, withdrawal or stop date: 17:00 that day
REFUSAL_REASON = "Từ chối tiếp nhận (theo tệp nhập)"
WITHDRAWAL_REASON = "Rút hồ sơ (theo tệp nhập)"
STOP_REASON = "Dừng giải quyết (theo tệp nhập)"
CODE_TEXT = re.compile(r"\S+")
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
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    procedures: dict[str, queries.ProcedureListing] = field(default_factory=dict)
    known: dict[str, Known] = field(default_factory=dict)


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

def import_dossier_file(svc: LedgerService, commune: str, path: Path, actor: str = SYSTEM_ACTOR,
                        batch_size: int = BATCH) -> tuple[Checked, Outcome | None]:
    """Check the whole file, then record it; with any bad row, record
    nothing and return no outcome."""
    checked = check_file(svc, commune, path.read_bytes(), path.name)
    if checked.problems:
        return checked, None
    with acting_as(actor):
        return checked, record_rows(svc, checked, batch_size=batch_size)


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


def check_file(svc: LedgerService, commune: str, data: bytes, filename: str) -> Checked:
    """Every problem of the file, judged against the commune's catalogue and
    its recorded dossiers as the projections hold them."""
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
        checked.procedures = queries.catalogue(conn, commune)
        checked.known = recorded_dossiers(conn, commune)
    checked.calendar = svc.ledger.work_calendar(commune)
    _check_rows(checked, file)
    return checked


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
    cell = record.cell
    code = _code(cell("ma_ho_so"))
    procedure_code = _procedure(checked, cell("ma_thu_tuc"), code)
    applicant = _applicant(cell("nguoi_nop"))
    channel, online_mode = _channel(cell("kenh"), cell("muc_do"))
    received_at = time_cell(cell("ngay_tiep_nhan"), "ngay_tiep_nhan", checked.zone, checked.now)
    dates = _dates(cell, received_at.date(), checked.now.date())
    ending = _ending(cell("ket_thuc"), dates)
    ended_on, resolved_on = (dates["ngay_co_ket_qua"], None) if ending in (WITHDRAWN, STOPPED) \
        else (None, dates["ngay_co_ket_qua"])
    at = _at_result_time(checked.zone)
    return Row(record.line, code, procedure_code, applicant, channel, online_mode, received_at,
               _due(dates["han_tra"], checked.calendar), at(resolved_on), at(dates["ngay_tra"]),
               ending, at(ended_on),
               flag_cell(cell("so_hoa_ket_qua"), "so_hoa_ket_qua"),
               flag_cell(cell("chung_thuc_dien_tu"), "chung_thuc_dien_tu"))


def _code(text: str) -> str:
    if not text:
        raise BadRow("thiếu mã hồ sơ.", "ma_ho_so")
    if len(text) > MAX_CODE or not CODE_TEXT.fullmatch(text):
        raise BadRow(f"mã hồ sơ «{text[:80]}» không hợp lệ (không chứa khoảng trắng, tối đa "
                     f"{MAX_CODE} ký tự).", "ma_ho_so")
    return text


def _procedure(checked: Checked, text: str, code: str) -> str:
    if not text:
        raise BadRow("thiếu mã thủ tục.", "ma_thu_tuc")
    listed = checked.procedures.get(text)
    if listed is None:
        raise BadRow(f"thủ tục {text[:80]} chưa có trong danh mục thủ tục của xã "
                     f"{checked.commune}.", "ma_thu_tuc")
    if listed.abolished and code not in checked.known:
        raise BadRow(f"thủ tục {text} đã bị bãi bỏ; không tiếp nhận hồ sơ mới của thủ tục này.",
                     "ma_thu_tuc")
    return text


def _applicant(text: str) -> str:
    applicant = " ".join(text.split())
    if not applicant:
        raise BadRow("thiếu tên người nộp.", "nguoi_nop")
    if len(applicant) > MAX_APPLICANT:
        raise BadRow(f"tên người nộp quá dài (tối đa {MAX_APPLICANT} ký tự).", "nguoi_nop")
    return applicant


def _channel(channel: str, online_mode: str) -> tuple[str, str]:
    if channel not in CHANNELS:
        raise BadRow(f"kênh «{channel[:80]}» không hợp lệ; cần một trong "
                     f"{', '.join(CHANNELS)}.", "kenh")
    if online_mode not in ONLINE_MODES:
        raise BadRow(f"mức độ «{online_mode[:80]}» không hợp lệ; cần để trống, mot_phan "
                     "hoặc toan_trinh.", "muc_do")
    if online_mode and channel != "truc_tuyen":
        raise BadRow("chỉ hồ sơ trực tuyến (kenh truc_tuyen) mới có mức độ.", "muc_do")
    if channel == "truc_tuyen" and not online_mode:
        raise BadRow("hồ sơ trực tuyến (kenh truc_tuyen) cần mức độ: mot_phan hoặc "
                     "toan_trinh.", "muc_do")
    return channel, online_mode


def _dates(cell: Callable[[str], str], received_on: date,
           today: date) -> dict[str, date | None]:
    """The due date may lie ahead; a result or a return has happened."""
    dates = {"han_tra": date_cell(cell("han_tra"), "han_tra")}
    for column in ("ngay_co_ket_qua", "ngay_tra"):
        dates[column] = date_cell(cell(column), column, today)
    due, result, returned = dates["han_tra"], dates["ngay_co_ket_qua"], dates["ngay_tra"]
    if due and due < received_on:
        raise BadRow(f"hạn trả {due} trước ngày tiếp nhận {received_on}.", "han_tra")
    if result and result < received_on:
        raise BadRow(f"ngày có kết quả {result} trước ngày tiếp nhận {received_on}.",
                     "ngay_co_ket_qua")
    if returned and not result:
        raise BadRow("có ngày trả nhưng thiếu ngay_co_ket_qua.", "ngay_tra")
    if returned and result and returned < result:
        raise BadRow(f"ngày trả {returned} trước ngày có kết quả {result}.", "ngay_tra")
    return dates


def _due(given: date | None, calendar: WorkCalendar) -> date | None:
    """A due date the file gives, moved onto a working day as the counter
    moves it, so that the same file read again names the recorded date."""
    return deadlines.given_due_date(given, calendar) if given else None


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


# -- recording ---------------------------------------------------------------------

def record_rows(svc: LedgerService, checked: Checked, progress: Progress | None = None,
                batch_size: int = BATCH) -> Outcome:
    """Record what each checked row adds, ``batch_size`` rows a transaction;
    ``progress(done, total)`` after each. Runs as the actor already set."""
    outcome, total, done = Outcome(), len(checked.rows), 0
    try:
        for start in range(0, total, batch_size):
            chunk = checked.rows[start:start + batch_size]
            changed = [d for row in chunk if (d := _dossier(svc, checked, row, outcome))]
            _save(svc, changed, outcome)
            done += len(chunk)
            if progress:
                progress(done, total)
    finally:
        svc.catch_up()
    return outcome


def _dossier(svc: LedgerService, checked: Checked, row: Row,
             outcome: Outcome) -> Dossier | None:
    """The dossier this row changes, with its new events pending, or None."""
    known = checked.known.get(row.code)
    try:
        if known is None:
            dossier = _received(checked, row)
            outcome.received += 1
            return dossier
        return _completed(svc, checked, row, known, outcome)
    except DomainError as error:
        outcome.conflicts.append(f"line {row.line}: xung đột: hồ sơ {row.code}: "
                                 f"{error.message}")
        return None


def _received(checked: Checked, row: Row) -> Dossier:
    """As ``Ledger.receive_dossier`` receives it: without a due date, the
    procedure's working days give it (``events.dossiers.deadlines``)."""
    procedure = checked.procedures[row.procedure_code]
    due = row.due_date or deadlines.due_date(row.received_at, procedure.working_days,
                                             checked.calendar)
    dossier = Dossier.receive(checked.commune, row.code, row.procedure_code, row.applicant,
                              row.channel, row.online_mode, row.received_at, due,
                              procedure.inter_agency, procedure.fee,
                              f"{checked.filename}:{row.line}")
    for _recorded, step in _steps(row, checked.zone):
        step(dossier)
    return dossier


def _completed(svc: LedgerService, checked: Checked, row: Row, known: Known,
               outcome: Outcome) -> Dossier | None:
    if clashes := _clashes(row, known, checked.zone):
        outcome.conflicts.append(f"line {row.line}: xung đột: hồ sơ {row.code}: "
                                 + "; ".join(clashes) + ". Không ghi nhận gì từ dòng này.")
        return None
    missing = [step for recorded, step in _steps(row, checked.zone)
               if getattr(known, recorded) is None]
    if not missing:
        outcome.unchanged += 1
        return None
    dossier = svc.ledger.dossier(checked.commune, row.code)
    for step in missing:
        step(dossier)
    outcome.updated += 1
    return dossier


Step = Callable[[Dossier], None]


def _steps(row: Row, zone: ZoneInfo) -> list[tuple[str, Step]]:
    """The events after receipt the row states, each with the projection
    column that shows it recorded."""
    steps: list[tuple[str, Step]] = []
    if row.ending == REFUSED:
        steps.append(("refused_on", lambda d: d.refuse(d.received_at, REFUSAL_REASON, zone)))
    if row.ending == WITHDRAWN:
        steps.append(("withdrawn_on", lambda d: d.withdraw(
            _not_before(row.ended_at, d.received_at), WITHDRAWAL_REASON)))
    if row.ending == STOPPED:
        steps.append(("stopped_on", lambda d: d.stop(
            _not_before(row.ended_at, d.received_at), STOP_REASON)))
    if row.resolved_at:
        steps.append(("resolved_on", lambda d: d.resolve(
            _not_before(row.resolved_at, d.received_at), row.digitised, row.e_certified)))
    if row.returned_at:
        steps.append(("returned_on", lambda d: d.return_result(
            _not_before(row.returned_at, d.resolved_at))))
    return steps


def _not_before(moment: datetime | None, earliest: datetime) -> datetime:
    return earliest if moment is None or moment < earliest else moment


def _clashes(row: Row, known: Known, zone: ZoneInfo) -> list[str]:
    """What the row says that contradicts what is recorded; an empty cell
    contradicts nothing."""
    received = known.received_at.astimezone(zone).replace(second=0, microsecond=0)
    pairs = [("ma_thu_tuc", row.procedure_code, known.procedure_code),
             ("nguoi_nop", row.applicant, _nfc(" ".join(known.applicant.split()))),
             ("kenh", row.channel, known.channel),
             ("muc_do", row.online_mode, known.online_mode),
             ("ngay_tiep_nhan", f"{row.received_at:%Y-%m-%d %H:%M}", f"{received:%Y-%m-%d %H:%M}")]
    if row.due_date:
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


def _save(svc: LedgerService, dossiers: list[Dossier], outcome: Outcome) -> None:
    if not dossiers:
        return
    try:
        svc.ledger.save(*dossiers)
    except IntegrityError:
        saved = outcome.received + outcome.updated - len(dossiers)
        raise ImportInterrupted(
            "Một hồ sơ trong tệp vừa được người khác ghi trong lúc nhập; đã ghi "
            f"{number(saved)} hồ sơ trước đó. Hãy nhập lại tệp để ghi phần còn lại "
            "(những gì đã ghi sẽ không bị ghi lại).") from None

