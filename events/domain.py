"""Aggregates and their events.

Every event carries ``commune`` (administrative unit code), ``actor`` (user
name), ``occurred_at`` (business time, timezone-aware, may lie in the past)
and, through the library's ``timestamp``, ``recorded_at`` (system time).
Event classes are stored by their import path: never rename or move one
without registering the old topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.errors import InvalidTransition, InvalidValue, NoActor

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:commune-ledger")
_actor: ContextVar[str | None] = ContextVar("actor", default=None)


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Every event triggered inside this block names ``actor``."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    actor = _actor.get()
    if not actor:
        raise NoActor("Không xác định được người thực hiện thao tác.")
    return actor


def stable_id(kind: str, *parts: str) -> UUID:
    """Aggregate ids derived from natural keys make a second creation of the
    same key collide in the event store, whatever the process."""
    return uuid5(_NAMESPACE, "/".join((kind, *parts)))


EARLIEST_DAY = date(1990, 1, 1)  # older paper records are not entered
LATEST_DAY = date(2100, 12, 31)
# A business time may run a little ahead of this server's clock, no more:
# a fact is recorded after it happens.
CLOCK_TOLERANCE = timedelta(hours=1)


def aware(moment: datetime) -> datetime:
    """A business time: with a time zone, not before 1990, not in the future."""
    if moment.tzinfo is None:
        raise InvalidValue("Thời điểm phải có múi giờ.", "occurred_at")
    if moment.date() < EARLIEST_DAY:
        raise InvalidValue(f"Thời điểm không được trước năm {EARLIEST_DAY.year}.",
                           "occurred_at")
    if moment > datetime.now(UTC) + CLOCK_TOLERANCE:
        raise InvalidValue("Thời điểm không được ở tương lai.", "occurred_at")
    return moment


def checked_day(day: date, field: str) -> date:
    """A deadline or appointment: within the years a ledger can mean."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InvalidValue(f"Ngày phải trong khoảng {EARLIEST_DAY.year}–{LATEST_DAY.year}.",
                           field)
    return day


class LedgerAggregate(Aggregate):
    """Base of every aggregate: fills the common fields of each event.

    Aggregates declare no annotated attributes: the library would turn them
    into constructor arguments."""

    class Event(Aggregate.Event):
        commune: str
        actor: str
        occurred_at: datetime

        @property
        def recorded_at(self) -> datetime:
            return self.timestamp

    @classmethod
    def _start(cls, event_class: type, id: UUID, commune: str,
               occurred_at: datetime | None, **fields: Any) -> Any:
        return cls._create(event_class, id=id, commune=commune, actor=current_actor(),
                           occurred_at=aware(occurred_at or _now()), **fields)

    def _record(self, event_class: type, occurred_at: datetime | None = None,
                **fields: Any) -> None:
        self.trigger_event(event_class, commune=self.commune, actor=current_actor(),
                           occurred_at=aware(occurred_at or _now()), **fields)


def _now() -> datetime:
    return datetime.now(UTC)


class Commune(LedgerAggregate):
    """An administrative unit (xã, phường) whose records the ledger keeps."""

    @staticmethod
    def id_for(code: str) -> UUID:
        return stable_id("commune", code)

    class Registered(LedgerAggregate.Event, Aggregate.Created):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.name = self.name

    @classmethod
    def register(cls, code: str, name: str) -> Commune:
        return cls._start(cls.Registered, cls.id_for(code), code, None, name=name)


MAX_FULL_NAME = 100
# Control characters (line breaks and tabs aside): no form sends them, and
# PostgreSQL cannot store NUL in text, so a projection would stop on one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def checked_text(value: str, field: str, label: str, longest: int) -> str:
    """Free text as the ledger records it: at most ``longest`` characters
    (what the read models hold) and no control characters, whichever way it
    came (a form, an imported file, the command line)."""
    if len(value) > longest:
        raise InvalidValue(f"{label} quá dài (tối đa {longest} ký tự).", field)
    if CONTROL_CHARACTERS.search(value):
        raise InvalidValue(f"{label} có ký tự điều khiển không hợp lệ.", field)
    return value


def staff_mentioned(events: Iterable[Any]) -> set[str]:
    """The log-in names a stream of events mentions: who acted, and who
    handed over to whom."""
    names: set[str] = set()
    for e in events:
        names.update(n for n in (e.actor, getattr(e, "from_user", None),
                                 getattr(e, "to_user", None)) if n)
    return names


class User(LedgerAggregate):
    """A person who logs in. The password hash is kept outside the log; the
    log records that it changed, and whether an admin set it."""

    @staticmethod
    def id_for(name: str) -> UUID:
        return stable_id("user", name)

    class Registered(LedgerAggregate.Event, Aggregate.Created):
        name: str
        role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.name = self.name
            aggregate.roles = {self.role}
            aggregate.disabled = False
            aggregate.full_name = ""

    class RoleGranted(LedgerAggregate.Event):
        role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = aggregate.roles | {self.role}

    class RoleRevoked(LedgerAggregate.Event):
        role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = aggregate.roles - {self.role}

    class ScopeAssigned(LedgerAggregate.Event):
        """The communes an inspector reads, besides their own."""
        communes: list[str]

        def apply(self, aggregate: Any) -> None:
            pass

    class Disabled(LedgerAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.disabled = True

    class Enabled(LedgerAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.disabled = False

    class PasswordChanged(LedgerAggregate.Event):
        set_by_admin: bool = False

        def apply(self, aggregate: Any) -> None:
            pass

    class FullNameSet(LedgerAggregate.Event):
        """The name printed on slips and shown in timelines for this user."""
        full_name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.full_name = self.full_name

    @classmethod
    def register(cls, name: str, role: str, commune: str) -> User:
        return cls._start(cls.Registered, cls.id_for(name), commune, None,
                          name=name, role=role)

    def grant(self, role: str) -> None:
        if role in self.roles:
            raise InvalidTransition(f"{self.name} đã có vai trò {role}.", "role")
        self._record(self.RoleGranted, role=role)

    def revoke(self, role: str) -> None:
        if role not in self.roles:
            raise InvalidTransition(f"{self.name} không có vai trò {role}.", "role")
        self._record(self.RoleRevoked, role=role)

    def assign_scope(self, communes: list[str]) -> None:
        self._record(self.ScopeAssigned, communes=sorted(set(communes)))

    def disable(self) -> None:
        if self.disabled:
            raise InvalidTransition(f"Tài khoản {self.name} đã bị khóa.")
        self._record(self.Disabled)

    def enable(self) -> None:
        if not self.disabled:
            raise InvalidTransition(f"Tài khoản {self.name} đang hoạt động.")
        self._record(self.Enabled)

    def change_password(self, set_by_admin: bool = False) -> None:
        self._record(self.PasswordChanged, set_by_admin=set_by_admin)

    def set_full_name(self, full_name: str) -> None:
        full_name = " ".join(full_name.split())
        if not full_name or len(full_name) > MAX_FULL_NAME or not full_name.isprintable():
            raise InvalidValue(f"Họ và tên cần từ 1 đến {MAX_FULL_NAME} ký tự, "
                               "không có ký tự điều khiển.", "full_name")
        if full_name == self.full_name:
            raise InvalidTransition(f"Họ và tên của {self.name} đã là {full_name}.",
                                    "full_name")
        self._record(self.FullNameSet, full_name=full_name)


class Access(LedgerAggregate):
    """Log-ins, failures and log-outs under one user name, so the audit trail
    covers them and every worker counts the same failures. The name need not
    belong to a user: failures for unknown names are throttled too."""

    @staticmethod
    def id_for(name: str) -> UUID:
        return stable_id("access", name)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.name = self.name

    class LoggedIn(LedgerAggregate.Event):
        name: str
        address: str

        def apply(self, aggregate: Any) -> None:
            pass

    class LoginFailed(LedgerAggregate.Event):
        name: str
        address: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            pass

    class Locked(LedgerAggregate.Event):
        name: str
        address: str
        until: datetime

        def apply(self, aggregate: Any) -> None:
            pass

    class LoggedOut(LedgerAggregate.Event):
        name: str
        address: str

        def apply(self, aggregate: Any) -> None:
            pass

    @classmethod
    def open(cls, name: str, commune: str) -> Access:
        return cls._start(cls.Opened, cls.id_for(name), commune, None, name=name)

    def logged_in(self, address: str) -> None:
        self._record(self.LoggedIn, name=self.name, address=address)

    def failed(self, address: str, reason: str) -> None:
        self._record(self.LoginFailed, name=self.name, address=address, reason=reason)

    def locked(self, address: str, until: datetime) -> None:
        self._record(self.Locked, name=self.name, address=address, until=until)

    def logged_out(self, address: str) -> None:
        self._record(self.LoggedOut, name=self.name, address=address)


CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
ONLINE_MODES = ("", "mot_phan", "toan_trinh")
PAYMENT_METHODS = ("tien_mat", "truc_tuyen")
MAX_REASON = 1000

# Where a dossier stands. Only "open" dossiers (in progress or waiting for a
# supplement) can move on; the others have left the counter's hands.
IN_PROGRESS, AWAITING_SUPPLEMENT, RESOLVED, RETURNED = (
    "dang_xu_ly", "cho_bo_sung", "da_co_ket_qua", "da_tra")
REFUSED, WITHDRAWN, STOPPED = "tu_choi", "rut", "dung"
OPEN = (IN_PROGRESS, AWAITING_SUPPLEMENT)
# What a correction may change, per corrected event.
CORRECTABLE = {
    "Received": ("applicant", "channel", "online_mode", "procedure_code", "occurred_at"),
    "Resolved": ("occurred_at", "digitised", "e_certified"),
    "Returned": ("occurred_at",),
    "FeePaid": ("amount", "method"),
}


class Dossier(LedgerAggregate):
    """A dossier of an administrative procedure at the one-stop counter.

    ``due_date`` is the legal deadline: a complete supplement moves it on.
    ``original_due_date`` never moves. An apology sets ``appointment_date``,
    which a citizen is told, but timeliness is still judged by ``due_date``.
    """

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

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.code = self.code
            aggregate.procedure_code = self.procedure_code
            aggregate.received_at = self.occurred_at
            aggregate.due_date = self.due_date
            aggregate.original_due_date = self.due_date
            aggregate.status = IN_PROGRESS
            aggregate.resolved_at = None
            aggregate.returned_at = None
            aggregate.holder = self.actor
            aggregate.step_started_at = self.occurred_at
            aggregate.paid = False
            aggregate.appointment_date = None

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

    class SupplementRequested(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = AWAITING_SUPPLEMENT

    class SupplementReceived(LedgerAggregate.Event):
        new_due_date: date

        def apply(self, aggregate: Any) -> None:
            aggregate.status = IN_PROGRESS
            aggregate.due_date = self.new_due_date

    class Refused(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = REFUSED

    class Withdrawn(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = WITHDRAWN

    class Stopped(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = STOPPED

    class Resolved(LedgerAggregate.Event):
        digitised: bool
        e_certified: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.status = RESOLVED
            aggregate.resolved_at = self.occurred_at

    class Returned(LedgerAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.status = RETURNED
            aggregate.returned_at = self.occurred_at

    class Apologised(LedgerAggregate.Event):
        new_appointment: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.appointment_date = self.new_appointment

    class FeePaid(LedgerAggregate.Event):
        amount: int
        method: str

        def apply(self, aggregate: Any) -> None:
            aggregate.paid = True

    class Corrected(LedgerAggregate.Event):
        """Names the event it corrects (by version) and why; both stay in the
        log. ``changes`` holds the corrected fields' new values."""
        corrects: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            moment = self.changes.get("occurred_at")
            when = datetime.fromisoformat(moment) if moment else None
            if self.corrected_kind == "Received" and when:
                aggregate.received_at = when
            if self.corrected_kind == "Resolved" and when:
                aggregate.resolved_at = when
            if self.corrected_kind == "Returned" and when:
                aggregate.returned_at = when
            if "procedure_code" in self.changes:
                aggregate.procedure_code = self.changes["procedure_code"]

    @classmethod
    def receive(cls, commune: str, code: str, procedure_code: str, applicant: str,
                channel: str, online_mode: str, received_at: datetime,
                due_date: date, local_day: date, inter_agency: bool = False, fee: int = 0,
                source: str = "") -> Dossier:
        checked_text(code, "code", "Mã hồ sơ", 64)
        checked_text(procedure_code, "procedure_code", "Mã thủ tục", 64)
        checked_text(applicant, "applicant", "Tên người nộp", 255)
        _check_receipt(channel, online_mode, due_date, local_day)
        return cls._start(cls.Received, cls.id_for(commune, code), commune, received_at,
                          code=code, procedure_code=procedure_code, applicant=applicant,
                          channel=channel, online_mode=online_mode, due_date=due_date,
                          inter_agency=inter_agency, fee=fee, source=source)

    # -- the steps ------------------------------------------------------
    def hand_over(self, at: datetime, to_user: str, step: str, step_due: date) -> None:
        self._require_open("chuyển hồ sơ")
        self._check_not_before_receipt(at)
        if not to_user.strip() or not step.strip():
            raise InvalidValue("Cần người nhận và tên bước xử lý.", "to_user")
        checked_text(to_user, "to_user", "Người nhận", 64)
        checked_text(step, "step", "Tên bước xử lý", 255)
        if checked_day(step_due, "step_due") < at.date():
            raise InvalidValue("Hạn của bước không được trước ngày chuyển.", "step_due")
        self._record(self.HandedOver, at, from_user=self.holder, to_user=to_user.strip(),
                     step=step.strip(), step_due=step_due)

    def request_supplement(self, at: datetime, reason: str) -> None:
        if self.status != IN_PROGRESS:
            raise self._not_now("yêu cầu bổ sung")
        self._check_not_before_receipt(at)
        self._record(self.SupplementRequested, at, reason=_reason(reason))

    def receive_supplement(self, at: datetime, new_due_date: date) -> None:
        if self.status != AWAITING_SUPPLEMENT:
            raise InvalidTransition("Hồ sơ không đang chờ bổ sung.")
        self._check_not_before_receipt(at)
        if checked_day(new_due_date, "new_due_date") < at.date():
            raise InvalidValue("Hạn mới không được trước ngày nhận bổ sung.", "new_due_date")
        self._record(self.SupplementReceived, at, new_due_date=new_due_date)

    def refuse(self, at: datetime, reason: str) -> None:
        self._require_open("từ chối tiếp nhận")
        self._check_not_before_receipt(at)
        self._record(self.Refused, at, reason=_reason(reason))

    def withdraw(self, at: datetime, reason: str) -> None:
        self._require_open("rút hồ sơ")
        self._check_not_before_receipt(at)
        self._record(self.Withdrawn, at, reason=_reason(reason, required=False))

    def stop(self, at: datetime, reason: str) -> None:
        self._require_open("dừng giải quyết")
        self._check_not_before_receipt(at)
        self._record(self.Stopped, at, reason=_reason(reason))

    def resolve(self, at: datetime, digitised: bool, e_certified: bool) -> None:
        if self.status == RESOLVED or self.status == RETURNED:
            raise InvalidTransition("Hồ sơ này đã có kết quả.")
        if self.status == AWAITING_SUPPLEMENT:
            raise InvalidTransition("Hồ sơ đang chờ bổ sung: hãy ghi nhận bổ sung trước.")
        self._require_open("ghi nhận kết quả")
        self._check_not_before_receipt(at)
        self._record(self.Resolved, at, digitised=digitised, e_certified=e_certified)

    def return_result(self, at: datetime) -> None:
        if self.status == RETURNED:
            raise InvalidTransition("Hồ sơ này đã được trả kết quả.")
        if self.status != RESOLVED:
            raise InvalidTransition("Hồ sơ chưa có kết quả nên chưa thể trả.")
        if at < self.resolved_at:
            raise InvalidValue("Ngày trả không được trước ngày có kết quả.", "occurred_at")
        self._record(self.Returned, at)

    def apologise(self, at: datetime, new_appointment: date, reason: str) -> None:
        self._require_open("xin lỗi và hẹn lại")
        if checked_day(new_appointment, "new_appointment") <= self.due_date:
            raise InvalidValue("Ngày hẹn mới phải sau hạn trả hiện tại.", "new_appointment")
        self._record(self.Apologised, at, new_appointment=new_appointment,
                     reason=_reason(reason))

    def pay_fee(self, at: datetime, amount: int, method: str) -> None:
        if self.paid:
            raise InvalidTransition("Hồ sơ này đã nộp phí, lệ phí.")
        if method not in PAYMENT_METHODS:
            raise InvalidValue("Hình thức nộp không hợp lệ.", "method")
        if amount < 0:
            raise InvalidValue("Số tiền không được âm.", "amount")
        self._record(self.FeePaid, at, amount=amount, method=method)

    def correct(self, at: datetime, corrected: Any, reason: str,
                changes: dict[str, Any]) -> None:
        """Correct a recorded event of this dossier: ``corrected`` is that
        event, as read from the log."""
        kind = type(corrected).__name__
        allowed = CORRECTABLE.get(kind, ())
        if not changes or not set(changes) <= set(allowed):
            raise InvalidValue(f"Sự kiện «{kind}» chỉ sửa được: {', '.join(allowed) or 'không'}.",
                               "changes")
        self._check_correction(changes)
        self._record(self.Corrected, at, corrects=corrected.originator_version,
                     corrected_kind=kind, reason=_reason(reason), changes=changes)

    # -- rules ------------------------------------------------------------
    def _check_correction(self, changes: dict[str, Any]) -> None:
        if "applicant" in changes:
            if not str(changes["applicant"]).strip():
                raise InvalidValue("Cần tên người nộp.", "applicant")
            checked_text(str(changes["applicant"]), "applicant", "Tên người nộp", 255)
        if "channel" in changes and changes["channel"] not in CHANNELS:
            raise InvalidValue("Kênh tiếp nhận không hợp lệ.", "channel")
        if "online_mode" in changes and changes["online_mode"] not in ONLINE_MODES:
            raise InvalidValue("Mức độ trực tuyến không hợp lệ.", "online_mode")
        if "occurred_at" in changes:
            datetime.fromisoformat(changes["occurred_at"])

    def _require_open(self, action: str) -> None:
        if self.status not in OPEN:
            raise self._not_now(action)

    def _not_now(self, action: str) -> InvalidTransition:
        return InvalidTransition(
            f"Không thể {action}: hồ sơ đang ở trạng thái «{STATUS_NAMES[self.status]}».")

    def _check_not_before_receipt(self, at: datetime) -> None:
        if aware(at) < self.received_at:
            raise InvalidValue("Thời điểm này không được trước lúc tiếp nhận hồ sơ.",
                               "occurred_at")


STATUS_NAMES = {IN_PROGRESS: "đang giải quyết", AWAITING_SUPPLEMENT: "chờ bổ sung",
                RESOLVED: "đã có kết quả", RETURNED: "đã trả kết quả",
                REFUSED: "từ chối tiếp nhận", WITHDRAWN: "đã rút", STOPPED: "dừng giải quyết"}


def _reason(reason: str, required: bool = True) -> str:
    reason = " ".join(reason.split())
    if required and not reason:
        raise InvalidValue("Hãy nêu lý do.", "reason")
    return checked_text(reason, "reason", "Lý do", MAX_REASON)


def _check_receipt(channel: str, online_mode: str, due_date: date, local_day: date) -> None:
    if channel not in CHANNELS:
        raise InvalidValue("Kênh tiếp nhận không hợp lệ.", "channel")
    if online_mode not in ONLINE_MODES:
        raise InvalidValue("Mức độ trực tuyến không hợp lệ.", "online_mode")
    if online_mode and channel != "truc_tuyen":
        raise InvalidValue("Chỉ hồ sơ trực tuyến mới có mức độ trực tuyến.", "online_mode")
    if checked_day(due_date, "due_date") < local_day:
        raise InvalidValue("Hạn trả không được trước ngày tiếp nhận.", "due_date")


class Calendar(LedgerAggregate):
    """A commune's exceptions to the working-day rules: extra days off and
    make-up working days, as an admin declares them."""

    @staticmethod
    def id_for(commune: str) -> UUID:
        return stable_id("calendar", commune)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.days_off = set()
            aggregate.make_up_days = set()

    class DayOffDeclared(LedgerAggregate.Event):
        day: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.days_off = aggregate.days_off | {self.day}
            aggregate.make_up_days = aggregate.make_up_days - {self.day}

    class MakeUpDayDeclared(LedgerAggregate.Event):
        day: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.make_up_days = aggregate.make_up_days | {self.day}
            aggregate.days_off = aggregate.days_off - {self.day}

    @classmethod
    def open(cls, commune: str) -> Calendar:
        return cls._start(cls.Opened, cls.id_for(commune), commune, None)

    def declare_day_off(self, day: date, reason: str) -> None:
        if checked_day(day, "day") in self.days_off:
            raise InvalidTransition(f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ.", "day")
        self._record(self.DayOffDeclared, reason=_reason(reason), day=day)

    def declare_make_up_day(self, day: date, reason: str) -> None:
        if checked_day(day, "day") in self.make_up_days:
            raise InvalidTransition(f"Ngày {day:%d/%m/%Y} đã là ngày làm bù.", "day")
        self._record(self.MakeUpDayDeclared, reason=_reason(reason), day=day)
