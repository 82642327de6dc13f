"""Aggregates and their events.

Every event carries ``commune`` (administrative unit code), ``actor`` (user
name), ``occurred_at`` (business time, timezone-aware, may lie in the past)
and, through the library's ``timestamp``, ``recorded_at`` (system time).
Event classes are stored by their import path: never rename or move one
without registering the old topic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
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


def aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidValue("Thời điểm phải có múi giờ.")
    return moment


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


class Dossier(LedgerAggregate):
    """A dossier of an administrative procedure at the one-stop counter."""

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

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.code = self.code
            aggregate.received_at = self.occurred_at
            aggregate.due_date = self.due_date
            aggregate.resolved_at = None
            aggregate.returned_at = None

    class Resolved(LedgerAggregate.Event):
        digitised: bool
        e_certified: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.resolved_at = self.occurred_at

    class Returned(LedgerAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.returned_at = self.occurred_at

    @classmethod
    def receive(cls, commune: str, code: str, procedure_code: str, applicant: str,
                channel: str, online_mode: str, received_at: datetime,
                due_date: date, local_day: date) -> Dossier:
        _check_receipt(channel, online_mode, due_date, local_day)
        return cls._start(cls.Received, cls.id_for(commune, code), commune, received_at,
                          code=code, procedure_code=procedure_code, applicant=applicant,
                          channel=channel, online_mode=online_mode, due_date=due_date)

    def resolve(self, at: datetime, digitised: bool, e_certified: bool) -> None:
        if self.resolved_at is not None:
            raise InvalidTransition("Hồ sơ này đã có kết quả.")
        self._check_not_before_receipt(at)
        self._record(self.Resolved, at, digitised=digitised, e_certified=e_certified)

    def return_result(self, at: datetime) -> None:
        if self.resolved_at is None:
            raise InvalidTransition("Hồ sơ chưa có kết quả nên chưa thể trả.")
        if self.returned_at is not None:
            raise InvalidTransition("Hồ sơ này đã được trả kết quả.")
        if at < self.resolved_at:
            raise InvalidValue("Ngày trả không được trước ngày có kết quả.", "occurred_at")
        self._record(self.Returned, at)

    def _check_not_before_receipt(self, at: datetime) -> None:
        if aware(at) < self.received_at:
            raise InvalidValue("Thời điểm này không được trước lúc tiếp nhận hồ sơ.",
                               "occurred_at")


def _check_receipt(channel: str, online_mode: str, due_date: date, local_day: date) -> None:
    if channel not in CHANNELS:
        raise InvalidValue("Kênh tiếp nhận không hợp lệ.", "channel")
    if online_mode not in ONLINE_MODES:
        raise InvalidValue("Mức độ trực tuyến không hợp lệ.", "online_mode")
    if online_mode and channel != "truc_tuyen":
        raise InvalidValue("Chỉ hồ sơ trực tuyến mới có mức độ trực tuyến.", "online_mode")
    if due_date < local_day:
        raise InvalidValue("Hạn trả không được trước ngày tiếp nhận.", "due_date")
