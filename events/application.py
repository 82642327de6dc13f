"""The Ledger application: one method per command. Each loads, acts, saves.

Commands raise a named ``DomainError`` and record nothing when a rule fails.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from events.domain import Commune, Dossier, LedgerAggregate, User
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
        if role not in ROLES:
            raise InvalidValue(f"Vai trò không hợp lệ: {role}.", "role")
        self.require_commune(commune)
        self._create(User.register(name, role, commune), AlreadyExists(
            f"Tên đăng nhập {name} đã có.", "name"))

    def record_password_change(self, name: str) -> None:
        user = self._get(User.id_for(name), NotFound("Không có người dùng này.", "name"))
        user.change_password()
        self.save(user)

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


def _require(value: str, message: str, field: str) -> None:
    if not value:
        raise InvalidValue(message, field)
