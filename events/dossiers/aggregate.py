"""The dossier aggregate: a dossier of an administrative procedure at the
one-stop counter, and the events of its life.

The rules it enforces live beside it, each in one module: which step may
follow which (``lifecycle``), the values a field may take (``values``), what
a correction may change (``corrections``). Due dates come from
``deadlines``, computed by the ledger, which knows the commune's calendar.
Every step's business time is checked against the step before it, so the
steps of a dossier are in the order they happened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, aware, checked_day, checked_reason, checked_text, stable_id
from events.dossiers import corrections, deadlines, lifecycle, values
from events.dossiers.lifecycle import AWAITING_SUPPLEMENT, IN_PROGRESS
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, NC_, STEP, Text, term

PAUSED, RUNNING = "tam_dung", "chay"


class Dossier(LedgerAggregate):
    """``due_date`` is the legal deadline in force: a complete supplement
    and a declared day off move it. ``original_due_date`` is the one set at
    receipt. An apology sets ``appointment_date``, which a citizen is told,
    but timeliness is still judged by ``due_date``."""

    @staticmethod
    def id_for(commune: str, code: str) -> UUID:
        return stable_id("dossier", commune, code)

    class Received(LedgerAggregate.Event, Aggregate.Created):
        code: str
        procedure_code: str
        applicant: str
        channel: str
        online_mode: str
        due_date: date
        inter_agency: bool = False
        fee: int = 0
        source: str = ""
        # Recorded since form 01 lists them; a dossier received before has
        # none (these defaults, read for its older events).
        phone: str = ""
        address: str = ""
        papers: Sequence[Mapping[str, Any]] = ()

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.code, a.procedure_code = self.commune, self.code, self.procedure_code
            a.applicant, a.channel, a.online_mode = self.applicant, self.channel, self.online_mode
            a.phone, a.address = self.phone, self.address
            a.papers = values.as_papers(self.papers)
            a.received_at = self.occurred_at
            a.due_date = a.original_due_date = a.due_before_supplement = self.due_date
            a.status, a.holder, a.step_started_at = IN_PROGRESS, self.actor, self.occurred_at
            a.resolved_at = a.returned_at = a.appointment_date = None
            a.supplement_requested_at = a.supplement_received_at = None
            a.digitised = a.e_certified = a.paid = False
            a.fee_amount, a.payment_method = None, None
            a.supplements, a.steps = 0, [(self.originator_version, "Received",
                                          self.occurred_at)]

    class HandedOver(LedgerAggregate.Event):
        """One step of the control slip: from one person to the next, with
        the date the receiving step must finish by."""
        from_user: str
        to_user: str
        step: str
        step_due: date

        def apply(self, aggregate: Any) -> None:
            aggregate.holder = self.to_user
            aggregate.step_started_at = self.occurred_at
            aggregate.took(self, "hand_over")

    class SupplementRequested(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.supplements += 1
            aggregate.supplement_requested_at = self.occurred_at
            aggregate.took(self, "request_supplement")

    class SupplementReceived(LedgerAggregate.Event):
        new_due_date: date

        def apply(self, aggregate: Any) -> None:
            aggregate.supplement_received_at = self.occurred_at
            aggregate.due_before_supplement = aggregate.due_date
            aggregate.due_date = self.new_due_date
            aggregate.took(self, "receive_supplement")

    class Refused(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.took(self, "refuse")

    class Withdrawn(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.took(self, "withdraw")

    class Stopped(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.took(self, "stop")

    class Resolved(LedgerAggregate.Event):
        digitised: bool
        e_certified: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.resolved_at = self.occurred_at
            aggregate.digitised, aggregate.e_certified = self.digitised, self.e_certified
            aggregate.took(self, "resolve")

    class Returned(LedgerAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.returned_at = self.occurred_at
            aggregate.took(self, "return_result")

    class Apologised(LedgerAggregate.Event):
        new_appointment: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.appointment_date = self.new_appointment
            aggregate.took(self, "apologise")

    class FeePaid(LedgerAggregate.Event):
        amount: int
        method: str

        def apply(self, aggregate: Any) -> None:
            aggregate.paid = True
            aggregate.fee_amount, aggregate.payment_method = self.amount, self.method
            aggregate.took(self, "pay_fee")

    class DueDateMoved(LedgerAggregate.Event):
        """A declared day off or make-up day inside the dossier's count
        moved its due date (``day`` is the declared day)."""
        new_due_date: date
        day: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            if aggregate.supplement_received_at is None:
                aggregate.due_before_supplement = self.new_due_date
            aggregate.due_date = self.new_due_date

    class Corrected(LedgerAggregate.Event):
        """Names the event it corrects (by version) and why; both stay in the
        log. ``changes`` holds the corrected fields' new values; ``due_date``
        (and ``due_before_supplement``) the due date the correction brings
        into force, when it moves it."""
        corrects: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]
        due_date: date | None = None
        due_before_supplement: date | None = None

        def apply(self, aggregate: Any) -> None:
            for name, value in corrections.effect(self.corrected_kind, self.changes).items():
                setattr(aggregate, name, value)
            moment = corrections.MOMENTS.get(self.corrected_kind)
            if moment and moment in _effect_names(self):
                aggregate.retime(self.corrects, getattr(aggregate, moment))
            if self.due_date:
                aggregate.due_date = self.due_date
                aggregate.due_before_supplement = self.due_before_supplement or self.due_date

    # -- state helpers, used by the events' apply --------------------------
    def took(self, event: Any, step: str) -> None:
        self.status = lifecycle.after(step, self.status)
        self.steps = [*self.steps, (event.originator_version, type(event).__name__,
                                    event.occurred_at)]

    def retime(self, version: int, at: datetime) -> None:
        self.steps = [(v, k, at if v == version else t) for v, k, t in self.steps]

    # -- receipt ------------------------------------------------------------
    @classmethod
    def receive(cls, commune: str, code: str, procedure_code: str, applicant: str,
                channel: str, online_mode: str, received_at: datetime,
                due_date: date, inter_agency: bool = False, fee: int = 0,
                source: str = "", phone: str = "", address: str = "",
                papers: Sequence[Mapping[str, Any]] = ()) -> Dossier:
        code, procedure_code = values.code(code), values.procedure_code(procedure_code)
        applicant, channel = values.applicant(applicant), values.channel(channel)
        online_mode = values.online_mode(online_mode, channel)
        aware(received_at, "received_at")
        checked_day(due_date, "due_date")
        return cls._start(cls.Received, cls.id_for(commune, code), commune, received_at,
                          code=code, procedure_code=procedure_code, applicant=applicant,
                          channel=channel, online_mode=online_mode, due_date=due_date,
                          inter_agency=inter_agency, fee=fee,
                          source=checked_text(source, "source", N_("Nguồn"), 255),
                          phone=values.phone(phone), address=values.address(address),
                          papers=values.papers(papers))

    # -- the steps ------------------------------------------------------------
    def hand_over(self, at: datetime, to_user: str, step: str, step_due: date) -> None:
        self._may("hand_over", at)
        to_user = checked_text(to_user, "to_user", N_("Người nhận"), values.MAX_USER).strip()
        step = " ".join(checked_text(step, "step", N_("Tên bước xử lý"),
                                         values.MAX_STEP).split())
        if not to_user or not step:
            raise InvalidValue(N_("Cần người nhận và tên bước xử lý."), "to_user")
        if checked_day(step_due, "step_due") < at.date():
            raise InvalidValue(N_("Hạn của bước không được trước ngày chuyển."), "step_due")
        self._record(self.HandedOver, at, from_user=self.holder, to_user=to_user,
                     step=step, step_due=step_due)

    def request_supplement(self, at: datetime, reason: str) -> None:
        self._may("request_supplement", at)
        self._record(self.SupplementRequested, at, reason=checked_reason(reason))

    def receive_supplement(self, at: datetime, new_due_date: date) -> None:
        self._may("receive_supplement", at)
        self._record(self.SupplementReceived, at,
                     new_due_date=checked_day(new_due_date, "new_due_date"))

    def refuse(self, at: datetime, reason: str, zone: ZoneInfo) -> None:
        """Only at the counter: the first step, on the day of receipt."""
        self._may("refuse", at)
        if at.astimezone(zone).date() != self.received_at.astimezone(zone).date():
            raise InvalidValue(N_("Chỉ từ chối tiếp nhận trong ngày tiếp nhận; sau đó hãy dùng "
                                  "«Dừng giải quyết»."), "occurred_at")
        self._record(self.Refused, at, reason=checked_reason(reason))

    def withdraw(self, at: datetime, reason: str) -> None:
        self._may("withdraw", at)
        self._record(self.Withdrawn, at, reason=checked_reason(reason, required=False))

    def stop(self, at: datetime, reason: str) -> None:
        self._may("stop", at)
        self._record(self.Stopped, at, reason=checked_reason(reason))

    def resolve(self, at: datetime, digitised: bool, e_certified: bool) -> None:
        self._may("resolve", at)
        self._record(self.Resolved, at, digitised=values.flag(digitised, "digitised"),
                     e_certified=values.flag(e_certified, "e_certified"))

    def return_result(self, at: datetime) -> None:
        self._may("return_result", at)
        self._record(self.Returned, at)

    def apologise(self, at: datetime, new_appointment: date, reason: str) -> None:
        self._may("apologise", at)
        if checked_day(new_appointment, "new_appointment") <= self.due_date:
            raise InvalidValue(N_("Ngày hẹn mới phải sau hạn trả hiện tại."),
                               "new_appointment")
        self._record(self.Apologised, at, new_appointment=new_appointment,
                     reason=checked_reason(reason))

    def pay_fee(self, at: datetime, amount: int, method: str) -> None:
        self._may("pay_fee", at)
        self._record(self.FeePaid, at, amount=values.amount(amount),
                     method=values.method(method))

    def clock(self, today: date, calendar: Any, zone: ZoneInfo) -> tuple[str, int] | None:
        """Where an open dossier's clock stands on ``today``: ("tam_dung",
        the working days left when it stopped) while it waits for a
        supplement, else ("chay", working days to the due date, negative when
        past it). None once the dossier has left the counter's hands."""
        if self.status == AWAITING_SUPPLEMENT:
            asked = self.supplement_requested_at.astimezone(zone).date()
            return PAUSED, deadlines.days_left_when_paused(self.due_date, asked, calendar)
        if self.status != IN_PROGRESS:
            return None
        if today <= self.due_date:
            return RUNNING, calendar.between(today, self.due_date)
        return RUNNING, -calendar.between(self.due_date, today)

    def move_due_date(self, at: datetime, new_due_date: date, day: date, reason: str) -> None:
        if self.status not in lifecycle.OPEN or new_due_date == self.due_date:
            return
        self._record(self.DueDateMoved, at, new_due_date=checked_day(new_due_date, "due_date"),
                     day=day, reason=checked_reason(reason))

    def correct(self, at: datetime, corrected: Any, reason: str, changes: dict[str, Any],
                due_dates: tuple[date, date] | None = None) -> None:
        """Correct a recorded event of this dossier (``corrected``, as read
        from the log); ``due_dates`` are the due date and the one before the
        supplement that the corrected facts give, when they move."""
        kind = type(corrected).__name__
        changes = corrections.checked(kind, changes, self.channel, self.online_mode)
        if "occurred_at" in changes:
            self._check_retimed(corrected.originator_version,
                                datetime.fromisoformat(changes["occurred_at"]))
        fields: dict[str, Any] = {}
        if due_dates:
            fields = {"due_date": checked_day(due_dates[0], "due_date"),
                      "due_before_supplement": checked_day(due_dates[1], "due_date")}
        self._record(self.Corrected, at, corrects=corrected.originator_version,
                     corrected_kind=kind, reason=checked_reason(reason), changes=changes,
                     **fields)

    # -- rules ------------------------------------------------------------------
    def refusal_of(self, step: str) -> str | None:
        """Why ``step`` cannot be taken now, whatever its time and values, or
        None: the transition table, and the steps taken once only. The
        dossier page offers the steps this allows."""
        if problem := lifecycle.refusal(step, self.status):
            return problem
        if step == "request_supplement" and self.supplements:
            return N_("Hồ sơ chỉ được yêu cầu bổ sung một lần, bằng một thông báo nêu đủ các "
                      "thành phần còn thiếu; đã yêu cầu rồi.")
        if step == "refuse" and len(self.steps) > 1:
            return N_("Chỉ từ chối tiếp nhận ngay tại Bộ phận Một cửa, trước mọi bước khác; "
                      "sau đó hãy dùng «Dừng giải quyết».")
        if step == "pay_fee" and self.paid:
            return N_("Hồ sơ này đã nộp phí, lệ phí.")
        return None

    def _may(self, step: str, at: datetime) -> None:
        """The dossier allows the step now, and its business time is not
        before the step before it."""
        if problem := self.refusal_of(step):
            raise InvalidTransition(problem)
        at = aware(at)
        _version, kind, last = self.steps[-1]
        if at < last:
            raise InvalidValue(Text("Thời điểm này không được trước bước trước đó (%(step)s).",
                                    step=term(STEP_NAMES.get(kind, kind), STEP)), "occurred_at")

    def _check_retimed(self, version: int, at: datetime) -> None:
        """A corrected time keeps the dossier's steps in order."""
        times = [t for v, _k, t in self.steps]
        index = [v for v, _k, _t in self.steps].index(version)
        if index > 0 and at < times[index - 1]:
            raise InvalidValue(N_("Thời điểm mới không được trước bước trước đó."),
                               "occurred_at")
        if index + 1 < len(times) and at > times[index + 1]:
            raise InvalidValue(N_("Thời điểm mới không được sau bước kế tiếp."),
                               "occurred_at")


def _effect_names(event: Any) -> set[str]:
    return set(corrections.effect(event.corrected_kind, event.changes))


STEP_NAMES = {"Received": NC_("bước", "tiếp nhận"), "HandedOver": NC_("bước", "chuyển xử lý"),
              "SupplementRequested": NC_("bước", "yêu cầu bổ sung"),
              "SupplementReceived": NC_("bước", "nhận bổ sung"), "Refused": NC_("bước", "từ chối"),
              "Withdrawn": NC_("bước", "rút hồ sơ"), "Stopped": NC_("bước", "dừng giải quyết"),
              "Resolved": NC_("bước", "có kết quả"), "Returned": NC_("bước", "trả kết quả"),
              "Apologised": NC_("bước", "xin lỗi"), "FeePaid": NC_("bước", "nộp phí")}
