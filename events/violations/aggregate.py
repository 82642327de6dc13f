"""The violation aggregate: a violation of land use, a traffic or irrigation
corridor or the environment (vi phạm), and the events of its handling.

The rules it enforces live beside it, each in one module: which step may
follow which (``lifecycle``), the values a field may take (``values``), what
a correction may change (``corrections``). Every step's day is checked
against the step before it, so the steps are in the order they happened;
the commands check references (the village) and that no day is in the future.

Its id comes from its natural key (commune, case code): a code used twice
collides in the store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_reason, checked_text, stable_id
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, NC_, STEP, Text, term
from events.violations import corrections, lifecycle, values
from events.violations.lifecycle import DETECTED

# What an evidence file may be: its type, told by its first bytes.
EVIDENCE_TYPES = ("image/png", "image/jpeg", "application/pdf")
MAX_FILE = 2**40  # what the read model's column holds, far above what an upload may be


class Violation(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, code: str) -> UUID:
        return stable_id("violation", commune, code)

    class Detected(LedgerAggregate.Event, Aggregate.Created):
        code: str
        kind: str
        village: str
        place: str
        lat: float | None
        lon: float | None
        offender: str
        description: str
        began: int
        detected_by: str
        detected_on: date
        source: str = ""

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.code, a.kind, a.village = self.commune, self.code, self.kind, self.village
            a.place, a.lat, a.lon, a.offender = self.place, self.lat, self.lon, self.offender
            a.description, a.began, a.detected_by = self.description, self.began, self.detected_by
            a.detected_on, a.status = self.detected_on, DETECTED
            a.record_number = a.recorded_on = a.decision_number = a.amount = None
            a.decided_on = a.deadline = a.complied_on = a.enforced_on = a.closed_on = None
            a.remedy, a.evidence = "", []
            a.steps = [(self.originator_version, "Detected", self.detected_on)]

    class RecordMade(LedgerAggregate.Event):
        record_number: str
        recorded_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.record_number, aggregate.recorded_on = self.record_number, self.recorded_on
            aggregate.took(self, "record", self.recorded_on)

    class PenaltyDecided(LedgerAggregate.Event):
        decision_number: str
        amount: int
        decided_on: date
        deadline: date | None

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.decision_number, a.amount = self.decision_number, self.amount
            a.decided_on, a.deadline = self.decided_on, self.deadline
            a.took(self, "penalise", self.decided_on)

    class Complied(LedgerAggregate.Event):
        complied_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.complied_on = self.complied_on
            aggregate.took(self, "comply", self.complied_on)

    class Enforced(LedgerAggregate.Event):
        enforced_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.enforced_on = self.enforced_on
            aggregate.took(self, "enforce", self.enforced_on)

    class Closed(LedgerAggregate.Event):
        closed_on: date
        remedy: str

        def apply(self, aggregate: Any) -> None:
            aggregate.closed_on, aggregate.remedy = self.closed_on, self.remedy
            aggregate.took(self, "close", self.closed_on)

    class EvidenceAttached(LedgerAggregate.Event):
        """A file kept under its SHA-256 (``sha256``), attached to the step
        recorded as event ``step`` (its version)."""
        step: int
        sha256: str
        size: int
        content_type: str
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.evidence = [*aggregate.evidence, (self.step, self.sha256)]

    class Corrected(LedgerAggregate.Event):
        """Names the event it corrects (by version) and why; both stay in the log."""
        corrects: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            effect = corrections.effect(self.changes)
            for name, value in effect.items():
                setattr(aggregate, name, value)
            day_field = corrections.DAY_OF[self.corrected_kind]
            if day_field in effect:
                aggregate.reday(self.corrects, effect[day_field])

    # -- state helpers ----------------------------------------------------------
    def took(self, event: Any, step: str, day: date) -> None:
        self.status = lifecycle.after(step, self.status)
        self.steps = [*self.steps, (event.originator_version, type(event).__name__, day)]

    def reday(self, version: int, day: date) -> None:
        self.steps = [(v, k, day if v == version else d) for v, k, d in self.steps]

    @property
    def is_new(self) -> bool:
        return self.began == self.detected_on.year

    # -- detection ----------------------------------------------------------------
    @classmethod
    def detect(cls, commune: str, code: str, kind: str, village: str, place: str,
               offender: str, description: str, began: int, detected_by: str,
               detected_at: datetime, lat: float | None = None, lon: float | None = None,
               source: str = "") -> Violation:
        """``detected_at``: the start of the day it was detected, in the business zone."""
        detected_on = values.day(detected_at.date() if isinstance(detected_at, datetime)
                                 else detected_at, "detected_on")
        code = values.code(code)
        lat, lon = values.coordinates(lat, lon)
        return cls._start(cls.Detected, cls.id_for(commune, code), commune, detected_at,
                          code=code, kind=values.kind(kind), village=village,
                          place=values.name(place, "place", N_("Địa điểm")), lat=lat, lon=lon,
                          offender=values.name(offender, "offender", N_("Đối tượng vi phạm")),
                          description=values.optional(description, "description",
                                                      N_("Mô tả"), values.MAX_TEXT),
                          began=values.began(began, detected_on),
                          detected_by=values.name(detected_by, "detected_by",
                                                  N_("Người phát hiện")),
                          detected_on=detected_on,
                          source=checked_text(source, "source", N_("Nguồn"), 255))

    # -- the steps ----------------------------------------------------------------
    def make_record(self, at: datetime, record_number: str) -> None:
        self._may("record", at.date(), "recorded_on")
        self._record(self.RecordMade, at, recorded_on=at.date(),
                     record_number=values.optional(record_number, "record_number",
                                                   N_("Số biên bản")))

    def decide_penalty(self, at: datetime, decision_number: str, amount: int,
                       deadline: date | None) -> None:
        day = at.date()
        self._may("penalise", day, "decided_on")
        amount = values.amount(amount)
        if deadline is not None:
            values.day(deadline, "deadline")
            if deadline < day:
                raise InvalidValue(N_("Hạn chấp hành không được trước ngày quyết định."),
                                   "deadline")
        self._record(self.PenaltyDecided, at, decided_on=day, amount=amount, deadline=deadline,
                     decision_number=values.optional(decision_number, "decision_number",
                                                     N_("Số quyết định xử phạt")))

    def comply(self, at: datetime) -> None:
        self._may("comply", at.date(), "complied_on")
        self._record(self.Complied, at, complied_on=at.date())

    def enforce(self, at: datetime) -> None:
        self._may("enforce", at.date(), "enforced_on")
        self._record(self.Enforced, at, enforced_on=at.date())

    def close(self, at: datetime, remedy: str) -> None:
        self._may("close", at.date(), "closed_on")
        self._record(self.Closed, at, closed_on=at.date(),
                     remedy=values.optional(remedy, "remedy", N_("Kết quả khắc phục"),
                                            values.MAX_TEXT))

    def attach(self, at: datetime, step: int, sha256: str, size: int, content_type: str,
               name: str) -> None:
        if isinstance(step, bool) or step not in [v for v, _k, _d in self.steps]:
            raise InvalidValue(N_("Hãy chọn một bước của vụ việc để đính kèm."), "step")
        if content_type not in EVIDENCE_TYPES:
            raise InvalidValue(N_("Chỉ nhận ảnh (PNG, JPEG) hoặc tệp PDF."), "file")
        if not isinstance(sha256, str) or len(sha256) != 64 or \
                any(c not in "0123456789abcdef" for c in sha256):
            raise InvalidValue(N_("Mã băm tệp không hợp lệ."), "file")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_FILE:
            raise InvalidValue(N_("Tệp rỗng hoặc quá lớn."), "file")
        if (step, sha256) in self.evidence:
            raise InvalidValue(N_("Tệp này đã được đính kèm vào bước này."), "file")
        self._record(self.EvidenceAttached, at, step=step, sha256=sha256, size=size,
                     content_type=content_type,
                     name=values.optional(name, "name", N_("Tên tệp"), values.MAX_NAME))

    def correct(self, at: datetime, corrected: Any, reason: str, changes: dict[str, Any]) -> None:
        """Correct a recorded event of this violation (``corrected``, as read
        from the log)."""
        kind = type(corrected).__name__
        if kind not in corrections.CORRECTABLE:
            raise InvalidValue(Text("Sự kiện «%(kind)s» không sửa được.", kind=kind), "version")
        changes = corrections.checked(kind, changes)
        effect = corrections.effect(changes)
        detected_on = effect.get("detected_on", self.detected_on)
        if effect.keys() & {"began", "detected_on"}:
            values.began(effect.get("began", self.began), detected_on)
        if "lat" in effect or "lon" in effect:
            values.coordinates(effect.get("lat", self.lat), effect.get("lon", self.lon))
        if "deadline" in effect or "decided_on" in effect:
            deadline = effect.get("deadline", self.deadline)
            if deadline is not None and deadline < effect.get("decided_on", self.decided_on):
                raise InvalidValue(N_("Hạn chấp hành không được trước ngày quyết định."),
                                   "deadline")
        day_field = corrections.DAY_OF[kind]
        if day_field in effect:
            self._check_reday(corrected.originator_version, effect[day_field], day_field)
        self._record(self.Corrected, at, corrects=corrected.originator_version,
                     corrected_kind=kind, reason=checked_reason(reason), changes=changes)

    # -- rules --------------------------------------------------------------------
    def refusal_of(self, step: str) -> str | None:
        """Why ``step`` cannot be taken now, whatever its day and values, or
        None. The violation page offers the steps this allows."""
        return lifecycle.refusal(step, self.status)

    def _may(self, step: str, day: date, field: str) -> None:
        if problem := self.refusal_of(step):
            raise InvalidTransition(problem, field)
        _version, kind, last = self.steps[-1]
        if day < last:
            raise InvalidValue(Text("Ngày này không được trước bước trước đó (%(step)s, "
                                    "%(day)s).", step=term(STEP_NAMES.get(kind, kind), STEP),
                                    day=last.strftime("%d/%m/%Y")), field)

    def _check_reday(self, version: int, day: date, field: str) -> None:
        days = [d for _v, _k, d in self.steps]
        index = [v for v, _k, _d in self.steps].index(version)
        if index > 0 and day < days[index - 1]:
            raise InvalidValue(N_("Ngày mới không được trước bước trước đó."), field)
        if index + 1 < len(days) and day > days[index + 1]:
            raise InvalidValue(N_("Ngày mới không được sau bước kế tiếp."), field)


STEP_NAMES = {"Detected": NC_("bước", "phát hiện"), "RecordMade": NC_("bước", "lập biên bản"),
              "PenaltyDecided": NC_("bước", "ra quyết định xử phạt"),
              "Complied": NC_("bước", "chấp hành"), "Enforced": NC_("bước", "cưỡng chế"),
              "Closed": NC_("bước", "khắc phục, kết thúc"),
              "EvidenceAttached": NC_("bước", "đính kèm tài liệu"),
              "Corrected": NC_("bước", "sửa sự kiện")}
