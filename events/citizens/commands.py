"""The citizens' commands, mixed into ``events.application.Ledger``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from events.base import aware
from events.catalogue import Procedure
from events.citizens import answering, identity, values
from events.citizens.accounts import PortalAccount
from events.citizens.feedback import Feedback, checked_changes
from events.dossiers import Dossier
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.texts import N_, Text

# Who may be named as the clerk who helped a citizen open an account.
HELPING_ROLES = frozenset({"clerk", "officer"})


class CitizenCommands:
    """Accounts opened with help, and feedback received and answered."""

    # The key of the ID numbers' keyed hash (``identity``), set by whoever
    # opens the ledger from the instance's configuration; never in the log.
    # (or a function giving it, asked only when a number is recorded).
    id_hash_key: bytes | Callable[[], bytes] | None = None

    if TYPE_CHECKING:
        zone: ZoneInfo

        def _create(self, aggregate: Any, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: Any) -> None: ...
        def require_commune(self, code: str) -> Any: ...
        def user(self, name: str) -> Any: ...
        def work_calendar(self, commune: str) -> Any: ...

    # -- accounts -----------------------------------------------------------
    def record_portal_account(self, commune: str, citizen_name: str, id_number: str,
                              opened_on: date, clerk: str) -> None:
        """Record a national-portal account opened with ``clerk``'s help. A
        citizen already recorded in the commune is refused; the number is
        kept only as its keyed hash and last four digits."""
        self.require_commune(commune)
        name = values.citizen_name(citizen_name)
        number = values.id_number(id_number)
        day = values.past_day(opened_on, "opened_on", self._today())
        helper = self._helper(commune, clerk)
        account = PortalAccount.open(commune, identity.keyed_hash(self._id_key(), number),
                                     identity.last_four(number), name, day,
                                     self._start_of(day, "opened_on"), helper)
        self._create(account, AlreadyExists(N_(
            "Công dân có số căn cước này đã được ghi nhận mở tài khoản tại xã."), "id_number"))

    def _id_key(self) -> bytes:
        key = self.id_hash_key() if callable(self.id_hash_key) else self.id_hash_key
        if not key:
            raise RuntimeError("no key for ID numbers: set LEDGER_ID_HASH_KEY or keep "
                               "instance/id_hash_key")
        return key

    def _helper(self, commune: str, name: str) -> str:
        name = name.strip() if isinstance(name, str) else ""
        try:
            user = self.user(name) if name else None
        except NotFound:
            user = None
        if user is None or user.commune != commune or not user.roles & HELPING_ROLES:
            raise InvalidValue(Text("Không có công chức «%(name)s» của xã này hỗ trợ mở tài "
                                    "khoản.", name=name[:64]), "clerk")
        if user.disabled:
            raise InvalidValue(Text("Tài khoản %(name)s đã bị khóa.", name=name), "clerk")
        return name

    # -- feedback -----------------------------------------------------------
    def receive_feedback(self, commune: str, code: str, received_on: date, channel: str,
                         subject: str, dossier_code: str = "", procedure_code: str = "",
                         working_days: int = values.DEFAULT_ANSWER_DAYS) -> None:
        """Receive feedback; the dossier or procedure it concerns, if named,
        must be in the log. Its answer is due per ``answering.due_date``."""
        self.require_commune(commune)
        code = values.feedback_code(code)
        day = values.past_day(received_on, "received_on", self._today())
        checked = self._concerned(commune, dossier_code, procedure_code)
        days = values.answer_days(working_days)
        due = answering.due_date(day, days, self.work_calendar(commune))
        feedback = Feedback.receive(commune, code, day, self._start_of(day, "received_on"),
                                    values.channel(channel), values.subject(subject),
                                    *checked, days, due)
        self._create(feedback, AlreadyExists(Text("Số phản ánh %(code)s đã được sử dụng.",
                                                  code=code), "code"))

    def _concerned(self, commune: str, dossier_code: str, procedure_code: str
                   ) -> tuple[str, str]:
        dossier = values.optional_code(dossier_code, "dossier_code", N_("Mã hồ sơ"))
        procedure = values.optional_code(procedure_code, "procedure_code", N_("Mã thủ tục"))
        if dossier:
            self._get(Dossier.id_for(commune, dossier), NotFound(
                Text("Không có hồ sơ mã %(code)s.", code=dossier), "dossier_code"))
        if procedure:
            self._get(Procedure.id_for(commune, procedure), NotFound(
                Text("Thủ tục mã %(code)s chưa có trong danh mục.", code=procedure),
                "procedure_code"))
        return dossier, procedure

    def answer_feedback(self, commune: str, code: str, answered_on: date,
                        document: str) -> None:
        feedback = self.feedback(commune, code)
        day = values.past_day(answered_on, "answered_on", self._today())
        feedback.answer(day, self._start_of(day, "answered_on"), values.document(document))
        self._save_feedback(feedback)

    def correct_feedback(self, commune: str, code: str, reason: str,
                         changes: dict[str, Any]) -> None:
        """Correct the receipt's fields or the answer's; a corrected receipt
        day brings the deadline it would have had."""
        feedback = self.feedback(commune, code)
        checked = checked_changes(changes, self._today())
        self._concerned(commune, checked.get("dossier_code", ""),
                        checked.get("procedure_code", ""))
        due = None
        if "received_on" in checked:
            due = answering.due_date(date.fromisoformat(checked["received_on"]),
                                     feedback.working_days, self.work_calendar(commune))
        feedback.correct(datetime.now(self.zone), reason, checked, due)
        self._save_feedback(feedback)

    def feedback(self, commune: str, code: str) -> Feedback:
        code = code.strip() if isinstance(code, str) else ""
        return self._get(Feedback.id_for(commune, code), NotFound(
            Text("Không có phản ánh số %(code)s.", code=code), "code"))

    def _save_feedback(self, feedback: Feedback) -> None:
        try:
            self._store(feedback)
        except IntegrityError:
            raise InvalidTransition(Text("Phản ánh %(code)s vừa được người khác cập nhật; "
                                         "hãy tải lại trang rồi thử lại.",
                                         code=feedback.code)) from None

    # -- days -----------------------------------------------------------------
    def _today(self) -> date:
        return datetime.now(self.zone).date()

    def _start_of(self, day: date, field: str) -> datetime:
        """A day's business time: its first moment in the business zone."""
        return aware(datetime.combine(day, time(0), self.zone), field)
