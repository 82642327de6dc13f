"""The Ledger application: one method per command. Each loads, acts, saves.

Commands raise a named ``DomainError`` and record nothing when a rule fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from events.domain import Access, Commune, Dossier, LedgerAggregate, User
from events.errors import AlreadyExists, InvalidValue, NotFound

ROLES = ("clerk", "officer", "leader", "auditor", "inspector", "admin")


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Ledger(Application):
    name = "Ledger"

    def __init__(self, env: dict[str, str] | None = None, timezone: str = "Asia/Ho_Chi_Minh"):
        super().__init__(env)
        self.zone = ZoneInfo(timezone)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # -- communes -------------------------------------------------------
    def register_commune(self, code: str, name: str) -> None:
        code, name = code.strip(), name.strip()
        if not code or not name:
            raise InvalidValue("Cần mã và tên đơn vị hành chính.", "code")
        self._create(Commune.register(code, name), AlreadyExists(
            f"Đơn vị hành chính mã {code} đã được đăng ký.", "code"))

    def require_commune(self, code: str) -> Commune:
        return self._get(Commune.id_for(code), NotFound(
            f"Chưa đăng ký đơn vị hành chính mã {code}.", "commune"))

    # -- users ----------------------------------------------------------
    def register_user(self, name: str, role: str, commune: str) -> None:
        _check_role(role)
        if not name.strip() or len(name) > 64:
            raise InvalidValue("Tên đăng nhập cần từ 1 đến 64 ký tự.", "name")
        self.require_commune(commune)
        self._create(User.register(name, role, commune), AlreadyExists(
            f"Tên đăng nhập {name} đã có.", "name"))

    def user(self, name: str) -> User:
        return self._get(User.id_for(name), NotFound(f"Không có người dùng {name}.", "name"))

    def record_password_change(self, name: str, set_by_admin: bool = False) -> None:
        self._act_on_user(name, lambda user: user.change_password(set_by_admin))

    def grant_role(self, name: str, role: str) -> None:
        _check_role(role)
        self._act_on_user(name, lambda user: user.grant(role))

    def revoke_role(self, name: str, role: str) -> None:
        self._act_on_user(name, lambda user: user.revoke(role))

    def disable_user(self, name: str) -> None:
        self._act_on_user(name, User.disable)

    def enable_user(self, name: str) -> None:
        self._act_on_user(name, User.enable)

    def assign_scope(self, name: str, communes: list[str]) -> None:
        for code in communes:
            self.require_commune(code)
        self._act_on_user(name, lambda user: user.assign_scope(communes))

    def _act_on_user(self, name: str, action: Callable[[User], None]) -> None:
        user = self.user(name)
        action(user)
        self.save(user)

    # -- access (log-in, failures, log-out) ----------------------------
    def record_access(self, name: str, commune: str,
                      action: Callable[[Access], None]) -> None:
        """Append to a name's access history; two workers appending at the
        same moment collide on the version, so the loser retries."""
        for attempt in range(5):
            access = self._access(name, commune)
            action(access)
            try:
                self.save(access)
                return
            except IntegrityError:
                if attempt == 4:
                    raise

    def _access(self, name: str, commune: str) -> Access:
        try:
            return self.repository.get(Access.id_for(name))
        except AggregateNotFoundError:
            return Access.open(name, commune)

    # -- dossiers -------------------------------------------------------
    def receive_dossier(self, commune: str, code: str, procedure_code: str, applicant: str,
                        channel: str, online_mode: str, received_at: datetime,
                        due_date: date) -> None:
        self.require_commune(commune)
        code, procedure_code, applicant = code.strip(), procedure_code.strip(), applicant.strip()
        _require(code, "Cần mã hồ sơ.", "code")
        _require(procedure_code, "Cần mã thủ tục hành chính.", "procedure_code")
        _require(applicant, "Cần tên người nộp.", "applicant")
        local_day = received_at.astimezone(self.zone).date()
        dossier = Dossier.receive(commune, code, procedure_code, applicant, channel,
                                  online_mode, received_at, due_date, local_day)
        self._create(dossier, AlreadyExists(f"Mã hồ sơ {code} đã được sử dụng.", "code"))

    def resolve_dossier(self, commune: str, code: str, at: datetime, digitised: bool,
                        e_certified: bool) -> None:
        dossier = self.dossier(commune, code)
        dossier.resolve(at, digitised, e_certified)
        self.save(dossier)

    def return_dossier(self, commune: str, code: str, at: datetime) -> None:
        dossier = self.dossier(commune, code)
        dossier.return_result(at)
        self.save(dossier)

    def dossier(self, commune: str, code: str) -> Dossier:
        return self._get(Dossier.id_for(commune, code.strip()), NotFound(
            f"Không có hồ sơ mã {code.strip()}.", "code"))

    # -- helpers --------------------------------------------------------
    def _get(self, aggregate_id: Any, error: Exception) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise error from None

    def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None:
        """Save a new aggregate; its id comes from its natural key, so a
        second creation, even by another process at the same moment,
        fails on the store's uniqueness and records nothing."""
        try:
            self.save(aggregate)
        except IntegrityError:
            raise taken from None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidValue(f"Vai trò không hợp lệ: {role}.", "role")


def _require(value: str, message: str, field: str) -> None:
    if not value:
        raise InvalidValue(message, field)
