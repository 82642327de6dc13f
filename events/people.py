"""People: users who log in (roles, scope, full name) and the access history
of every log-in name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import MAX_FULL_NAME, LedgerAggregate, stable_id
from events.errors import InvalidTransition, InvalidValue


# The roles that act on dossiers: a hand-over goes to a user with one of them.
DOSSIER_ROLES = ("clerk", "officer", "leader")


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
