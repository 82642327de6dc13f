"""What the one-stop counter's printed forms say, read from the log and the
projections; the pages that print them are ``app.printing.views``.

A dossier's forms are read from its own event stream, never typed in: the
slip is the hand-overs as they were recorded, judged against their own
deadlines. The book lists the dossier projection's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import Connection

from app.formatting import CHANNEL_NAMES, ONLINE_MODE_NAMES, number
from app.formatting import day as day_text
from events.dossiers import (
    AWAITING_SUPPLEMENT,
    IN_PROGRESS,
    REFUSED,
    RESOLVED,
    RETURNED,
    STATUS_NAMES,
    STOPPED,
    WITHDRAWN,
    corrections,
    standing,
    timeliness,
)
from events.dossiers.values import Paper, as_papers
from events.texts import N_
from projections import queries
from projections.periods import Period

EARLY, ON_TIME, LATE = (timeliness.LABELS[k] for k in (timeliness.EARLY, timeliness.ON_TIME,
                                                       timeliness.LATE))
WORKING, OVERDUE = "Đang xử lý", "Đang xử lý, quá hạn"
OPEN_ON_TIME, OPEN_LATE, PAUSED = (timeliness.OPEN_LABELS[k] for k in (
    timeliness.OPEN_WITHIN, timeliness.OPEN_OVERDUE, timeliness.PAUSED))
PAYMENT_NAMES = {"tien_mat": "tiền mặt", "truc_tuyen": "trực tuyến"}
EXITS = {"Refused": ("Từ chối tiếp nhận", REFUSED), "Withdrawn": ("Rút hồ sơ", WITHDRAWN),
         "Stopped": ("Dừng giải quyết", STOPPED)}


def judge(done: date, due: date) -> str:
    """Early, on time or late (``timeliness``): the day the work ended
    against its deadline."""
    return timeliness.label(done, due)


def _folded(events: Iterable[Any]) -> Any:
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    return aggregate


# -- a dossier, as its events tell it --------------------------------------------

@dataclass
class Step:
    """One row of the control slip."""

    label: str
    giver: str
    taker: str
    at: datetime
    due: date | None = None
    ended: date | None = None
    outcome: str = ""
    notes: list[str] = field(default_factory=list)
    version: int = 0


@dataclass(frozen=True)
class Notice:
    """A notice given to the applicant along the way: a supplement request
    or an apology, as recorded (``due`` is the due date in force then)."""

    at: datetime
    by: str
    reason: str
    due: date
    new_appointment: date | None = None


@dataclass
class Story:
    """What a dossier's own events say, corrections applied."""

    commune: str
    code: str
    procedure_code: str
    applicant: str
    channel: str
    online_mode: str
    inter_agency: bool
    fee: int
    received_at: datetime
    received_on: date
    clerk: str
    due_date: date
    original_due_date: date
    status: str = IN_PROGRESS
    appointment: date | None = None
    apology_on: date | None = None
    resolved: Step | None = None
    refused_at: datetime | None = None  # refused at the counter: no appointment
    refusal_reason: str = ""
    refused_by: str = ""
    phone: str = ""
    address: str = ""
    papers: tuple[Paper, ...] = ()
    supplement: Notice | None = None  # the one request for a supplement
    apology: Notice | None = None     # the latest apology
    events: int = 0
    steps: list[Step] = field(default_factory=list)

    @property
    def slips(self) -> list[Slip]:
        """The slips this dossier's facts call for, in the circular's order."""
        return [slip for slip in SLIPS if slip.applies(self)]

    @property
    def channel_text(self) -> str:
        mode = ONLINE_MODE_NAMES.get(self.online_mode, "") if self.online_mode else ""
        name = CHANNEL_NAMES.get(self.channel, self.channel)
        return f"{name} ({mode.lower()})" if mode else name


class Reader:
    """Folds a dossier's event stream into a ``Story``. Corrections are read
    first, so that each event is shown with its corrected values."""

    def __init__(self, events: Iterable[Any], zone: ZoneInfo, today: date,
                 staff: Mapping[str, str] | None = None) -> None:
        self.events, self.zone, self.today = list(events), zone, today
        self.staff = staff or {}  # log-in name → the name printed for it
        # The dossier as its events leave it: corrections applied by the
        # aggregate's own rule, so each step prints its corrected values.
        self.final = _folded(self.events)
        self.times = {version: at for version, _kind, at in getattr(self.final, "steps", ())}
        self.story: Story | None = None
        self.open: Step | None = None  # the hand-over whose step is still running

    def read(self) -> Story:
        for e in self.events:
            getattr(self, f"on_{type(e).__name__}", self.on_other)(e)
        assert self.story is not None, "a dossier's stream starts with Received"
        if self.open is not None:
            self._judge_open()
        self.story.events = len(self.events)
        return self.story

    # -- values, corrected ---------------------------------------------------
    def value(self, e: Any, name: str) -> Any:
        """A field of ``e`` as corrected: the final state's, for a field a
        correction of this kind of event may change."""
        kind = type(e).__name__
        if name in corrections.CORRECTABLE.get(kind, ()):
            return getattr(self.final, corrections.state_name(kind, name))
        return getattr(e, name)

    def moment(self, e: Any) -> datetime:
        return self.times.get(e.originator_version, e.occurred_at)

    def day(self, e: Any) -> date:
        return self.moment(e).astimezone(self.zone).date()

    def who(self, login: str) -> str:
        """A member of staff as the forms print them: their full name, where
        one is set."""
        return self.staff.get(login, login)

    def note(self, text: str) -> None:
        self.s.steps[-1].notes.append(text)

    @property
    def s(self) -> Story:
        assert self.story is not None
        return self.story

    # -- one handler per event -------------------------------------------------
    def on_Received(self, e: Any) -> None:  # noqa: N802
        v = {k: self.value(e, k) for k in ("procedure_code", "applicant", "channel",
                                           "online_mode")}
        self.story = Story(e.commune, e.code, inter_agency=e.inter_agency, fee=e.fee,
                           received_at=self.moment(e), received_on=self.day(e),
                           clerk=self.who(e.actor), due_date=e.due_date,
                           original_due_date=e.due_date, phone=e.phone, address=e.address,
                           papers=as_papers(e.papers), **v)
        self.s.steps.append(Step("Tiếp nhận hồ sơ", self.s.applicant, self.who(e.actor),
                                 self.moment(e),
                                 notes=[f"Kênh: {self.s.channel_text}"],
                                 version=e.originator_version))

    def on_HandedOver(self, e: Any) -> None:  # noqa: N802
        self._close(self.day(e))
        self.open = Step(f"Chuyển xử lý: {e.step}", self.who(e.from_user),
                         self.who(e.to_user), self.moment(e),
                         due=e.step_due, version=e.originator_version)
        self.s.steps.append(self.open)

    def on_SupplementRequested(self, e: Any) -> None:  # noqa: N802
        self.s.status = AWAITING_SUPPLEMENT
        self.s.supplement = Notice(self.moment(e), self.who(e.actor), e.reason,
                                   self._due_before(e))
        self.note(f"Yêu cầu bổ sung ngày {self.day(e):%d/%m/%Y}: {e.reason}")

    def on_SupplementReceived(self, e: Any) -> None:  # noqa: N802
        self.s.status, self.s.due_date = IN_PROGRESS, e.new_due_date
        self.note(f"Nhận đủ bổ sung ngày {self.day(e):%d/%m/%Y}; "
                  f"hạn trả mới {e.new_due_date:%d/%m/%Y}")

    def on_Apologised(self, e: Any) -> None:  # noqa: N802
        self.s.appointment, self.s.apology_on = e.new_appointment, self.day(e)
        self.s.apology = Notice(self.moment(e), self.who(e.actor), e.reason,
                                self._due_before(e), e.new_appointment)
        self.note(f"Xin lỗi ngày {self.day(e):%d/%m/%Y}, hẹn lại ngày "
                  f"{e.new_appointment:%d/%m/%Y}: {e.reason}")

    def on_FeePaid(self, e: Any) -> None:  # noqa: N802
        method = PAYMENT_NAMES.get(self.value(e, "method"), self.value(e, "method"))
        self.note(f"Nộp phí, lệ phí {number(self.value(e, 'amount'))} đồng ({method})")

    def on_Resolved(self, e: Any) -> None:  # noqa: N802
        done = self.day(e)
        self._close(done)
        self.s.status = RESOLVED
        notes = [text for flag, text in ((self.value(e, "digitised"), "Kết quả đã số hóa"),
                                         (self.value(e, "e_certified"),
                                          "Bản sao chứng thực điện tử")) if flag]
        if self.s.appointment:
            notes.append(f"Đã hẹn lại ngày {self.s.appointment:%d/%m/%Y}; vẫn tính theo "
                         f"hạn trả {self.s.due_date:%d/%m/%Y}")
        self.s.resolved = Step("Có kết quả giải quyết", self.who(e.actor), "",
                               self.moment(e), self.s.due_date, done,
                               judge(done, self.s.due_date), notes, e.originator_version)
        self.s.steps.append(self.s.resolved)

    def on_Returned(self, e: Any) -> None:  # noqa: N802
        self.s.status = RETURNED
        self.s.steps.append(Step("Trả kết quả cho người nộp", self.who(e.actor),
                                 self.s.applicant,
                                 self.moment(e), version=e.originator_version))

    def on_Corrected(self, e: Any) -> None:  # noqa: N802
        row = next((s for s in self.s.steps if s.version == e.corrects), self.s.steps[-1])
        row.notes.append(f"Đính chính ngày {self.day(e):%d/%m/%Y} "
                         f"({self.who(e.actor)}): {e.reason}")

    def on_Refused(self, e: Any) -> None:  # noqa: N802
        self._exit(e)
        self.s.refused_at, self.s.refusal_reason = self.moment(e), self.value(e, "reason")
        self.s.refused_by = self.who(e.actor)

    def on_Withdrawn(self, e: Any) -> None:  # noqa: N802
        self._exit(e)

    def on_Stopped(self, e: Any) -> None:  # noqa: N802
        self._exit(e)

    def _due_before(self, e: Any) -> date:
        """The due date in force when ``e`` happened: the dossier's events
        before it, folded by the aggregate's own rules (a declared day off
        may have moved it)."""
        return _folded(x for x in self.events
                       if x.originator_version < e.originator_version).due_date

    def on_other(self, e: Any) -> None:
        """An event the forms do not print."""

    def _exit(self, e: Any) -> None:
        """The dossier left the counter's hands: refused, withdrawn, stopped."""
        label, status = EXITS[type(e).__name__]
        self._close(None)
        self.s.status = status
        self.s.steps.append(Step(label, self.who(e.actor), "", self.moment(e), notes=[e.reason] if
                                 e.reason else [], version=e.originator_version))

    # -- steps ------------------------------------------------------------------
    def _close(self, done: date | None) -> None:
        """The running step ended: judged on the day it ended, unless the
        dossier left the counter's hands (refused, withdrawn, stopped)."""
        step, self.open = self.open, None
        if step is None:
            return
        step.ended = done
        step.outcome = judge(done, step.due) if done and step.due else "—"

    def _judge_open(self) -> None:
        step = self.open
        assert step is not None and step.due is not None
        running_late = self.s.status == IN_PROGRESS and self.today > step.due
        step.outcome = OVERDUE if running_late else WORKING


# -- the slips of the circular, each printed when the dossier's facts call for it --

@dataclass(frozen=True)
class Slip:
    name: str           # the URL's last segment, and the template's
    form_no: str
    title: str
    applies: Callable[[Story], bool]
    missing: str        # why a dossier without it has none ("Hồ sơ %(code)s …"), for the catalogue


SLIPS = (
    Slip("supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
         lambda s: s.supplement is not None,
         N_("Hồ sơ %(code)s chưa được yêu cầu bổ sung nên không có phiếu yêu cầu bổ sung.")),
    Slip("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
         lambda s: s.refused_at is not None,
         N_("Hồ sơ %(code)s không bị từ chối tiếp nhận nên không có phiếu từ chối.")),
    Slip("apology", "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
         lambda s: s.apology is not None,
         N_("Hồ sơ %(code)s chưa có văn bản xin lỗi và hẹn lại (thao tác «Xin lỗi và hẹn lại» "
            "trên trang hồ sơ) nên chưa có phiếu xin lỗi.")),
)


# -- the tracking book ---------------------------------------------------------------

class BookLine(NamedTuple):
    """One line of the book (a tuple: a month's book makes thousands)."""

    number: int
    code: str
    procedure_code: str
    procedure_name: str
    applicant: str
    channel: str
    received_at: datetime
    due_date: date
    appointment_date: date | None
    resolved_on: date | None
    returned_on: date | None
    ended_on: date | None
    status: str
    note: str


def book_lines(conn: Connection, commune: str, period: Period, today: date
               ) -> Iterator[BookLine]:
    """Dossiers received in the period, in the order they were received, each
    as it stood at the period's end (open ones judged then, or today if the
    period has not ended), as the dashboard counts them; one at a time, as
    the database hands them over, so that a long period's book streams."""
    names = {code: p.name for code, p in queries.catalogue(conn, commune).items()}
    end, judged_on = period.end, min(period.end, today)
    for n, r in enumerate(queries.received_in(conn, commune, period), start=1):
        code, procedure_code, applicant, received_at, appointment_date = r[:5]
        facts = queries.book_facts(r)
        ended = (facts.refused_on if facts.refused_on and facts.refused_on <= end else
                 facts.withdrawn_on if facts.withdrawn_on and facts.withdrawn_on <= end else
                 facts.stopped_on if facts.stopped_on and facts.stopped_on <= end else None)
        resolved_on, returned_on = facts.resolved_on, facts.returned_on
        yield BookLine(
            n, code, procedure_code, names.get(procedure_code, ""), applicant,
            facts.channel, received_at, facts.due_date, appointment_date,
            resolved_on if resolved_on and resolved_on <= end else None,
            returned_on if returned_on and returned_on <= end else None, ended,
            standing.status_on(facts, end), book_note(facts, end, judged_on))


# Every minute of a day as the forms print it (hh:mm), by minute of the day.
_MINUTES = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))


def escape_all(texts: list[str]) -> list[str]:
    """Each text HTML-escaped, in one call of the escaper for all of them:
    joined by NUL, which no recorded text holds (``checked_text`` refuses
    control characters); each on its own should one hold it after all."""
    parts = str(escape("\x00".join(texts))).split("\x00")
    if len(parts) != len(texts):
        return [str(escape(text)) for text in texts]
    return parts


class BookRows:
    """Writes the book's lines as table rows: in Python rather than in the
    template, which took three times as long for a month of thousands of
    lines, and with what repeats from line to line (a day's text, a
    procedure's cell, a status, a minute) written once per book and the
    applicants' names escaped a chunk at a time. One per page: it keeps what
    it has written. The book's tests read these cells."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._days: dict[date | None, str] = {None: ""}
        self._procedures: dict[tuple[str, str], str] = {}
        self._statuses: dict[tuple[str, date | None], str] = {}
        self._notes: dict[str, str] = {}

    def day(self, value: date | None) -> str:
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = day_text(value)
        return text

    def moment(self, value: datetime) -> str:
        """``local_time``, with the day's text written once per book."""
        local = value.astimezone(self.zone)
        return f"{self.day(local.date())} {_MINUTES[local.hour * 60 + local.minute]}"

    def procedure(self, code: str, name: str) -> str:
        cell = self._procedures.get((code, name))
        if cell is None:
            cell = self._procedures[code, name] = (
                f"{escape(name)} <span class=\"aside\">({escape(code)})</span>" if name
                else str(escape(code)))
        return cell

    def status(self, status: str, ended_on: date | None) -> str:
        cell = self._statuses.get((status, ended_on))
        if cell is None:
            cell = STATUS_NAMES[status].capitalize()
            if ended_on:
                cell += f"<small>ngày {self.day(ended_on)}</small>"
            self._statuses[status, ended_on] = cell
        return cell

    def note(self, note: str) -> str:
        cell = self._notes.get(note)
        if cell is None:
            cell = self._notes[note] = str(escape(note))
        return cell

    def __call__(self, line: BookLine, code: str | None = None,
                 applicant: str | None = None) -> str:
        """The line's row, as HTML text (escaped here, or given escaped)."""
        day = self.day
        due = day(line.due_date)
        if line.appointment_date:
            due += f"<small>hẹn lại {day(line.appointment_date)}</small>"
        if code is None or applicant is None:
            code, applicant = escape(line.code), escape(line.applicant)
        return (
            f'<tr data-code="{code}"><td class="n">{line.number}</td>'
            f'<td class="code-cell">{code}</td>'
            f"<td>{self.procedure(line.procedure_code, line.procedure_name)}</td>"
            f"<td>{applicant}</td><td>{self.moment(line.received_at)}</td>"
            f"<td>{due}</td><td>{day(line.resolved_on)}</td><td>{day(line.returned_on)}</td>"
            f"<td>{self.status(line.status, line.ended_on)}</td>"
            f'<td class="note">{self.note(line.note)}</td></tr>\n')

    def chunks(self, lines: Iterable[BookLine], tally: Tally | None = None,
               size: int = 200) -> Iterator[Markup]:
        """The rows, ``size`` at a time (each chunk counted in ``tally``):
        the page streams as they come, and the template is entered once per
        chunk rather than once per line."""
        batch: list[BookLine] = []
        for line in lines:
            batch.append(line)
            if len(batch) == size:
                yield self._rows(batch, tally)
                batch = []
        if batch:
            yield self._rows(batch, tally)

    def _rows(self, batch: list[BookLine], tally: Tally | None) -> Markup:
        if tally is not None:
            tally.add(batch)
        texts = escape_all([text for line in batch for text in (line.code, line.applicant)])
        return Markup("".join([self(line, texts[2 * i], texts[2 * i + 1])
                               for i, line in enumerate(batch)]))


def book_note(facts: standing.Facts, end: date, judged_on: date) -> str:
    """Timeliness as DOMAIN.md counts it (``standing``, ``timeliness``): the
    result day against the due date (an apology does not move it); a
    dossier open at the period's end against the due date in force then."""
    if facts.resolved_on and facts.resolved_on <= end:
        return judge(facts.resolved_on, facts.due_date)
    if not standing.is_open(facts, end):
        return "—"
    return timeliness.OPEN_LABELS[
        timeliness.open_state(standing.due_in_force(facts, judged_on), judged_on)]


class Tally:
    """How many lines of the book say what, counted as they go by (``add``,
    a chunk of lines at a time), in the order a reader expects once they
    have."""

    ORDER = (EARLY, ON_TIME, LATE, OPEN_ON_TIME, OPEN_LATE, PAUSED,
             *(STATUS_NAMES[s].capitalize() for s in (REFUSED, WITHDRAWN, STOPPED)))
    _ENDED = {status: name.capitalize() for status, name in STATUS_NAMES.items()}

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0

    def add(self, lines: list[BookLine]) -> None:
        ended = self._ENDED
        self.total += len(lines)
        self.counts.update([line.note if line.note != "—" else ended[line.status]
                            for line in lines])

    def rows(self) -> list[tuple[str, int]]:
        return [(label, self.counts[label]) for label in self.ORDER if self.counts[label]]
