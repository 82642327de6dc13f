"""The violations register's commands, mixed into ``events.application.Ledger``.

A violation is named by its commune and its case code (mã vụ việc). Days
given to a command are read in the commune's business time zone; a day after
today is refused, and so is a village the commune has not recorded. Every
order and reference is checked here, before anything is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from events.base import checked_day
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.texts import N_, Text
from events.violations import standing
from events.violations.aggregate import Violation
from events.violations.corrections import DAYS

if TYPE_CHECKING:
    from events.base import LedgerAggregate


class ViolationCommands:
    """The register's commands (vi phạm), mixed into the Ledger."""

    if TYPE_CHECKING:
        zone: ZoneInfo
        events: Any
        def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: LedgerAggregate) -> None: ...
        def require_commune(self, code: str) -> Any: ...
        def villages(self, commune: str) -> Any: ...

    def detect_violation(self, commune: str, code: str, kind: str, village: str, place: str,
                         offender: str, description: str, began: int, detected_by: str,
                         detected_on: date, lat: float | None = None, lon: float | None = None,
                         source: str = "") -> None:
        """Record a violation found on ``detected_on`` in one of the commune's
        villages; its case code must be new."""
        self.require_commune(commune)
        village = self.villages(commune).current(village)
        violation = Violation.detect(commune, code, kind, village, place, offender, description,
                                     began, detected_by,
                                     self._violation_day(detected_on, "detected_on"), lat, lon,
                                     source)
        self._create(violation, AlreadyExists(Text("Mã vụ việc %(code)s đã được sử dụng.",
                                                   code=violation.code), "code"))

    def record_violation(self, commune: str, code: str, recorded_on: date,
                         record_number: str) -> None:
        """The record (biên bản) of the violation was made on ``recorded_on``."""
        at = self._violation_day(recorded_on, "recorded_on")
        self._on_violation(commune, code, lambda v: v.make_record(at, record_number))

    def penalise_violation(self, commune: str, code: str, decided_on: date,
                           decision_number: str, amount: int,
                           deadline: date | None = None) -> None:
        at = self._violation_day(decided_on, "decided_on")
        self._on_violation(commune, code,
                           lambda v: v.decide_penalty(at, decision_number, amount, deadline))

    def comply_violation(self, commune: str, code: str, complied_on: date) -> None:
        at = self._violation_day(complied_on, "complied_on")
        self._on_violation(commune, code, lambda v: v.comply(at))

    def enforce_violation(self, commune: str, code: str, enforced_on: date) -> None:
        at = self._violation_day(enforced_on, "enforced_on")
        self._on_violation(commune, code, lambda v: v.enforce(at))

    def close_violation(self, commune: str, code: str, closed_on: date, remedy: str = "") -> None:
        """The violation was remedied and its case closed on ``closed_on``."""
        at = self._violation_day(closed_on, "closed_on")
        self._on_violation(commune, code, lambda v: v.close(at, remedy))

    def attach_violation_evidence(self, commune: str, code: str, step: int, sha256: str,
                                  size: int, content_type: str, name: str) -> None:
        """A file already kept under its SHA-256, attached to the step
        recorded as event ``step``."""
        self._on_violation(commune, code, lambda v: v.attach(
            datetime.now(self.zone), step, sha256, size, content_type, name))

    def correct_violation(self, commune: str, code: str, version: int, reason: str,
                          changes: dict[str, Any]) -> None:
        """Record a correction of the violation's event number ``version``;
        the corrected event stays in the log as it was."""
        if isinstance(changes, dict):
            if "village" in changes:
                changes = {**changes,
                           "village": self.villages(commune).current(changes["village"])}
            for name in DAYS:
                value = changes.get(name)
                if isinstance(value, str):
                    try:
                        value = date.fromisoformat(value)
                    except ValueError:
                        continue
                if isinstance(value, date) and name != "deadline":
                    self._violation_day(value, name)

        def act(violation: Violation) -> None:
            if not isinstance(version, int) or isinstance(version, bool):
                raise InvalidValue(N_("Số thứ tự sự kiện không hợp lệ."), "version")
            events = {e.originator_version: e for e in self.events.get(violation.id)}
            if version not in events:
                raise NotFound(Text("Vụ việc %(code)s không có sự kiện số %(version)d.",
                                    code=violation.code, version=version), "version")
            violation.correct(datetime.now(self.zone), events[version], reason, changes)
        self._on_violation(commune, code, act)

    def violation(self, commune: str, code: str) -> Violation:
        code = code.strip() if isinstance(code, str) else ""
        return self._get(Violation.id_for(commune, code), NotFound(
            Text("Không có vụ việc mã %(code)s.", code=code[:64]), "code"))

    def violation_facts(self, commune: str, code: str) -> standing.Facts:
        """What the tallies count of one violation."""
        return standing.Facts.of(self.violation(commune, code))

    def _violation_day(self, day: date, field: str) -> datetime:
        """The first moment of ``day`` in the business zone; not after today."""
        checked_day(day, field)
        if day > datetime.now(self.zone).date():
            raise InvalidValue(N_("Ngày không được ở tương lai."), field)
        return datetime.combine(day, time(), self.zone)

    def _on_violation(self, commune: str, code: str,
                      action: Callable[[Violation], None]) -> None:
        """Load, act, save. Two people acting on one violation at once: the
        second collides on the version and records nothing."""
        violation = self.violation(commune, code)
        action(violation)
        try:
            self._store(violation)
        except IntegrityError:
            raise InvalidTransition(Text("Vụ việc %(code)s vừa được người khác cập nhật; hãy "
                                         "tải lại trang rồi thử lại.",
                                         code=violation.code)) from None
