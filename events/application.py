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

from events.catalogue import CatalogueCommands, Procedure
from events.domain import Access, Calendar, Commune, Dossier, LedgerAggregate, User, aware
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.workdays import add_working_days

ROLES = ("clerk", "officer", "leader", "auditor", "inspector", "admin")


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Ledger(CatalogueCommands, Application):
    name = "Ledger"

    def __init__(self, env: dict[str, str] | None = None, timezone: str = "Asia/Ho_Chi_Minh"):
        super().__init__(env)
        self.zone = ZoneInfo(timezone)
        # A registered commune stays registered (nothing is ever deleted), so
        # once seen it need not be read from the log again by this process.
        self._known_communes: set[str] = set()

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

    def require_commune(self, code: str) -> None:
        if code in self._known_communes:
            return
        self._get(Commune.id_for(code), NotFound(
            f"Chưa đăng ký đơn vị hành chính mã {code}.", "commune"))
        self._known_communes.add(code)

    # -- users ----------------------------------------------------------
    def register_user(self, name: str, role: str, commune: str, full_name: str = "") -> None:
        _check_role(role)
        if not name.strip() or len(name) > 64:
            raise InvalidValue("Tên đăng nhập cần từ 1 đến 64 ký tự.", "name")
        self.require_commune(commune)
        user = User.register(name, role, commune)
        if full_name.strip():
            user.set_full_name(full_name)
        self._create(user, AlreadyExists(f"Tên đăng nhập {name} đã có.", "name"))

    def set_full_name(self, name: str, full_name: str) -> None:
        self._act_on_user(name, lambda user: user.set_full_name(full_name))

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

    # -- calendar -------------------------------------------------------
    def calendar(self, commune: str) -> Calendar | None:
        try:
            return self.repository.get(Calendar.id_for(commune))
        except AggregateNotFoundError:
            return None

    def exceptions(self, commune: str) -> tuple[set[date], set[date]]:
        """The commune's declared days off and make-up working days."""
        calendar = self.calendar(commune)
        return (calendar.days_off, calendar.make_up_days) if calendar else (set(), set())

    def declare_day_off(self, commune: str, day: date, reason: str) -> None:
        self._on_calendar(commune, lambda c: c.declare_day_off(day, reason))

    def declare_make_up_day(self, commune: str, day: date, reason: str) -> None:
        self._on_calendar(commune, lambda c: c.declare_make_up_day(day, reason))

    def _on_calendar(self, commune: str, action: Callable[[Calendar], None]) -> None:
        self.require_commune(commune)
        calendar = self.calendar(commune) or Calendar.open(commune)
        action(calendar)
        self.save(calendar)

    def due_after(self, commune: str, day: date, working_days: int) -> date:
        """The date ``working_days`` working days after ``day``, with the
        commune's declared days off and make-up days."""
        return add_working_days(day, working_days, *self.exceptions(commune))

    # -- dossiers -------------------------------------------------------
    def receive_dossier(self, commune: str, code: str, procedure_code: str, applicant: str,
                        channel: str, online_mode: str, received_at: datetime,
                        due_date: date | None = None, *, source: str = "") -> None:
        """Receive a dossier. Its procedure must be in the catalogue; without
        a due date, the procedure's working days give it."""
        self.require_commune(commune)
        code, procedure_code, applicant = code.strip(), procedure_code.strip(), applicant.strip()
        _require(code, "Cần mã hồ sơ.", "code")
        _require(procedure_code, "Cần mã thủ tục hành chính.", "procedure_code")
        _require(applicant, "Cần tên người nộp.", "applicant")
        procedure = self._procedure_in_force(commune, procedure_code)
        try:
            aware(received_at)
        except InvalidValue as error:
            raise InvalidValue(error.message, "received_at") from None
        local_day = self.local_day(received_at)
        due = due_date or self.due_after(commune, local_day, procedure.working_days)
        dossier = Dossier.receive(commune, code, procedure_code, applicant, channel,
                                  online_mode, received_at, due, local_day,
                                  procedure.inter_agency, procedure.fee, source)
        self._create(dossier, AlreadyExists(f"Mã hồ sơ {code} đã được sử dụng.", "code"))

    def _procedure_in_force(self, commune: str, code: str) -> Procedure:
        procedure = self._get(Procedure.id_for(commune, code), NotFound(
            f"Thủ tục mã {code} chưa có trong danh mục.", "procedure_code"))
        if procedure.abolished:
            raise InvalidValue(f"Thủ tục mã {code} đã bị bãi bỏ.", "procedure_code")
        return procedure

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def hand_over(self, commune: str, code: str, at: datetime, to_user: str, step: str,
                  step_due: date) -> None:
        self._on_dossier(commune, code, lambda d: d.hand_over(at, to_user, step, step_due))

    def request_supplement(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.request_supplement(at, reason))

    def receive_supplement(self, commune: str, code: str, at: datetime,
                           new_due_date: date | None = None) -> None:
        """The complete supplement restarts the clock: the procedure's full
        processing time counts again from the day it arrived."""
        def act(dossier: Dossier) -> None:
            due = new_due_date or self.due_after(
                commune, self.local_day(at),
                self._procedure_in_force(commune, dossier.procedure_code).working_days)
            dossier.receive_supplement(at, due)
        self._on_dossier(commune, code, act)

    def refuse_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.refuse(at, reason))

    def withdraw_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.withdraw(at, reason))

    def stop_dossier(self, commune: str, code: str, at: datetime, reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.stop(at, reason))

    def resolve_dossier(self, commune: str, code: str, at: datetime, digitised: bool,
                        e_certified: bool) -> None:
        self._on_dossier(commune, code, lambda d: d.resolve(at, digitised, e_certified))

    def return_dossier(self, commune: str, code: str, at: datetime) -> None:
        self._on_dossier(commune, code, lambda d: d.return_result(at))

    def apologise(self, commune: str, code: str, at: datetime, new_appointment: date,
                  reason: str) -> None:
        self._on_dossier(commune, code, lambda d: d.apologise(at, new_appointment, reason))

    def pay_fee(self, commune: str, code: str, at: datetime, amount: int, method: str) -> None:
        self._on_dossier(commune, code, lambda d: d.pay_fee(at, amount, method))

    def correct_dossier(self, commune: str, code: str, at: datetime, version: int,
                        reason: str, changes: dict[str, Any]) -> None:
        """Record a correction of the dossier's event number ``version``; the
        corrected event stays in the log as it was."""
        def act(dossier: Dossier) -> None:
            events = {e.originator_version: e for e in self.events.get(dossier.id)}
            if version not in events:
                raise NotFound(f"Hồ sơ {code} không có sự kiện số {version}.", "version")
            dossier.correct(at, events[version], reason, changes)
        self._on_dossier(commune, code, act)

    def dossier(self, commune: str, code: str) -> Dossier:
        return self._get(Dossier.id_for(commune, code.strip()), NotFound(
            f"Không có hồ sơ mã {code.strip()}.", "code"))

    def _on_dossier(self, commune: str, code: str, action: Callable[[Dossier], None]) -> None:
        """Load, act, save. Two people acting on one dossier at once: the
        second collides on the version and records nothing."""
        dossier = self.dossier(commune, code)
        action(dossier)
        try:
            self.save(dossier)
        except IntegrityError:
            raise InvalidTransition(f"Hồ sơ {code} vừa được người khác cập nhật; hãy tải lại "
                                    "trang rồi thử lại.") from None

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
