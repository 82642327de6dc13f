"""People: users who log in (roles, scope, full name) and the access history
of every log-in name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import CONTROL_CHARACTERS, MAX_FULL_NAME, LedgerAggregate, stable_id
from events.communes import checked_code
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, Text

# The roles that act on dossiers: a hand-over goes to a user with one of them.
DOSSIER_ROLES = ("clerk", "officer", "leader")
# A province admin grants the scopes of readers (inspectors, auditors) over
# other communes; a commune admin manages the users of one commune only.
PROVINCE_ADMIN = "province_admin"
SCOPED_ROLES = ("inspector", "auditor")
ADMIN_ROLES = ("admin", PROVINCE_ADMIN)
# How the interface names each role (DOMAIN.md's users); the codes stay in
# the log, the command line and the permissions.
ROLE_NAMES = {"clerk": N_("Công chức Một cửa"), "officer": N_("Công chức chuyên môn"),
              "leader": N_("Lãnh đạo UBND"), "auditor": N_("Thanh tra, kiểm toán"),
              "inspector": N_("Thanh tra cấp trên"), "admin": N_("Quản trị"),
              PROVINCE_ADMIN: N_("Quản trị cấp tỉnh")}
# The languages a user may read the interface in; Vietnamese unless they
# choose another.
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# What the read models hold: log-in names and addresses (``app_user.name``,
# ``login_attempt``: 64 characters, longer attempted names and addresses are
# cut there), an inspector's scope (``app_user.scope``, space-separated).
MAX_NAME, MAX_ATTEMPT, MAX_SCOPE = 64, 1000, 1024


def checked_name(name: str) -> str:
    """A log-in name: 1 to 64 characters, none of them control characters.
    It is kept as given (its id is made from it)."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME \
            or CONTROL_CHARACTERS.search(name):
        raise InvalidValue(Text("Tên đăng nhập cần từ 1 đến %(longest)d ký tự, không có ký tự "
                                "điều khiển.", longest=MAX_NAME), "name")
    return name


def checked_scope(communes: list[str]) -> list[str]:
    """The communes of a scope: a list of codes, sorted, each once."""
    if not isinstance(communes, (list, tuple, set, frozenset)) \
            or not all(isinstance(code, str) for code in communes):
        raise InvalidValue(N_("Phạm vi phải là danh sách mã đơn vị hành chính."), "communes")
    scope = sorted(set(communes))
    if len(" ".join(scope)) > MAX_SCOPE:
        raise InvalidValue(N_("Phạm vi có quá nhiều đơn vị hành chính."), "communes")
    return scope


def _attempt_text(value: str, field: str) -> str:
    """A name or address as a log-in attempt records it (whatever was typed
    or sent, but text, without control characters)."""
    if not isinstance(value, str) or len(value) > MAX_ATTEMPT \
            or CONTROL_CHARACTERS.search(value):
        raise InvalidValue(N_("Giá trị không hợp lệ."), field)
    return value


def _flag(value: bool, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Giá trị phải là có hoặc không."), field)
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

    language = DEFAULT_LANGUAGE  # until the user chooses another

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
            aggregate.scope = []

    class RoleGranted(LedgerAggregate.Event):
        role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = aggregate.roles | {self.role}

    class RoleRevoked(LedgerAggregate.Event):
        role: str

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = aggregate.roles - {self.role}

    class ScopeAssigned(LedgerAggregate.Event):
        """The communes an inspector reads, besides their own, as recorded
        before scopes were the province's (now ``ScopeChanged``)."""
        communes: list[str]

        def apply(self, aggregate: Any) -> None:
            aggregate.scope = list(self.communes)

    class ScopeChanged(LedgerAggregate.Event):
        """The communes a reader reads, besides their own, and which of
        them this change granted or revoked: every commune it concerns can
        find it in its audit trail."""
        communes: list[str]
        granted: list[str]
        revoked: list[str]

        @property
        def communes_concerned(self) -> list[str]:
            return sorted({self.commune, *self.granted, *self.revoked})

        def apply(self, aggregate: Any) -> None:
            aggregate.scope = list(self.communes)

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

    class LanguageChosen(LedgerAggregate.Event):
        """The language the user reads the interface in."""
        language: str

        def apply(self, aggregate: Any) -> None:
            aggregate.language = self.language

    @classmethod
    def register(cls, name: str, role: str, commune: str) -> User:
        name = checked_name(name)
        return cls._start(cls.Registered, cls.id_for(name), commune, None,
                          name=name, role=role)

    def grant(self, role: str) -> None:
        if role in self.roles:
            raise InvalidTransition(Text("%(name)s đã có vai trò %(role)s.", name=self.name,
                                         role=role), "role")
        self._record(self.RoleGranted, role=role)

    def revoke(self, role: str) -> None:
        if role not in self.roles:
            raise InvalidTransition(Text("%(name)s không có vai trò %(role)s.", name=self.name,
                                         role=role), "role")
        self._record(self.RoleRevoked, role=role)

    def assign_scope(self, communes: list[str]) -> None:
        """Only readers are granted communes; any scope may be revoked."""
        scope, before = checked_scope(communes), set(self.scope)
        granted, revoked = sorted(set(scope) - before), sorted(before - set(scope))
        if granted and not self.roles & set(SCOPED_ROLES):
            raise InvalidTransition(Text("Chỉ giao phạm vi xem cho thanh tra hoặc kiểm toán; "
                                         "%(name)s không có vai trò đó.", name=self.name),
                                    "communes")
        if not granted and not revoked:
            raise InvalidTransition(Text("Phạm vi xem của %(name)s không thay đổi.",
                                         name=self.name), "communes")
        self._record(self.ScopeChanged, communes=scope, granted=granted, revoked=revoked)

    def disable(self) -> None:
        if self.disabled:
            raise InvalidTransition(Text("Tài khoản %(name)s đã bị khóa.", name=self.name))
        self._record(self.Disabled)

    def enable(self) -> None:
        if not self.disabled:
            raise InvalidTransition(Text("Tài khoản %(name)s đang hoạt động.", name=self.name))
        self._record(self.Enabled)

    def change_password(self, set_by_admin: bool = False) -> None:
        self._record(self.PasswordChanged, set_by_admin=_flag(set_by_admin, "set_by_admin"))

    def set_full_name(self, full_name: str) -> None:
        full_name = " ".join(full_name.split()) if isinstance(full_name, str) else ""
        if not full_name or len(full_name) > MAX_FULL_NAME or not full_name.isprintable():
            raise InvalidValue(Text("Họ và tên cần từ 1 đến %(longest)d ký tự, "
                                    "không có ký tự điều khiển.", longest=MAX_FULL_NAME),
                               "full_name")
        if full_name == self.full_name:
            raise InvalidTransition(Text("Họ và tên của %(name)s đã là %(full_name)s.",
                                         name=self.name, full_name=full_name), "full_name")
        self._record(self.FullNameSet, full_name=full_name)

    def choose_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise InvalidValue(N_("Ngôn ngữ không hợp lệ: chọn Tiếng Việt hoặc English."),
                               "language")
        if language == self.language:
            raise InvalidTransition(N_("Giao diện đã dùng ngôn ngữ này."), "language")
        self._record(self.LanguageChosen, language=language)


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
        if not isinstance(commune, str):
            raise InvalidValue(N_("Mã đơn vị hành chính phải là chữ."), "commune")
        if commune:  # empty for a name no user has
            commune = checked_code(commune)
        return cls._start(cls.Opened, cls.id_for(name), commune, None,
                          name=_attempt_text(name, "name"))

    def logged_in(self, address: str) -> None:
        self._record(self.LoggedIn, name=self.name, address=_attempt_text(address, "address"))

    def failed(self, address: str, reason: str) -> None:
        self._record(self.LoginFailed, name=self.name, address=_attempt_text(address, "address"),
                     reason=_attempt_text(reason, "reason"))

    def locked(self, address: str, until: datetime) -> None:
        if not isinstance(until, datetime) or until.utcoffset() is None:
            raise InvalidValue(N_("Thời điểm phải có múi giờ."), "until")
        self._record(self.Locked, name=self.name, address=_attempt_text(address, "address"),
                     until=until)

    def logged_out(self, address: str) -> None:
        self._record(self.LoggedOut, name=self.name, address=_attempt_text(address, "address"))
