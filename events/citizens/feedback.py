"""Citizen feedback (phản ánh, kiến nghị): received, answered once, and
corrected by an event that names the event it corrects; both stay.

The order is checked here: an answer comes after the receipt (not before
its day) and only once; a correction keeps it so. The deadline comes from
``answering``, computed by the ledger, which knows the commune's calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_reason, stable_id
from events.citizens import values
from events.errors import InvalidTransition, InvalidValue, NotFound
from events.texts import N_, Text

RECEIPT_FIELDS = ("received_on", "channel", "subject", "dossier_code", "procedure_code")
ANSWER_FIELDS = ("answered_on", "document")


class Feedback(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, code: str) -> UUID:
        return stable_id("feedback", commune, code)

    class Received(LedgerAggregate.Event, Aggregate.Created):
        code: str
        received_on: date
        channel: str
        subject: str
        dossier_code: str  # the dossier concerned, or ""
        procedure_code: str  # the procedure concerned, or ""
        working_days: int
        due_date: date

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.code = self.commune, self.code
            for name in (*RECEIPT_FIELDS, "working_days", "due_date"):
                setattr(a, name, getattr(self, name))
            a.answered_on, a.document, a.answer_version = None, "", None
            a.corrections = 0

    class Answered(LedgerAggregate.Event):
        answered_on: date
        document: str

        def apply(self, aggregate: Any) -> None:
            aggregate.answered_on, aggregate.document = self.answered_on, self.document
            aggregate.answer_version = self.originator_version

    class Corrected(LedgerAggregate.Event):
        """``changes`` by field name, dates as ISO text; ``due_date`` is the
        deadline a corrected receipt day brings, else None."""
        corrected_version: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]
        due_date: date | None = None

        def apply(self, aggregate: Any) -> None:
            for name, value in effect(self.changes).items():
                setattr(aggregate, name, value)
            if self.due_date is not None:
                aggregate.due_date = self.due_date
            aggregate.corrections += 1

    @classmethod
    def receive(cls, commune: str, code: str, received_on: date, at: datetime, channel: str,
                subject: str, dossier_code: str, procedure_code: str, working_days: int,
                due_date: date) -> Feedback:
        return cls._start(cls.Received, cls.id_for(commune, code), commune, at, code=code,
                          received_on=received_on, channel=channel, subject=subject,
                          dossier_code=dossier_code, procedure_code=procedure_code,
                          working_days=working_days, due_date=due_date)

    def answer(self, answered_on: date, at: datetime, document: str) -> None:
        if self.answered_on is not None:
            raise InvalidTransition(Text("Phản ánh %(code)s đã được trả lời ngày %(day)s.",
                                         code=self.code,
                                         day=self.answered_on.strftime("%d/%m/%Y")),
                                    "answered_on")
        _in_order(self.received_on, answered_on)
        self._record(self.Answered, at, answered_on=answered_on, document=document)

    def correct(self, at: datetime, reason: str, changes: dict[str, Any],
                due_date: date | None) -> None:
        """``changes`` checked (``checked_changes``), of one event's fields."""
        reason = checked_reason(reason)
        receipt = set(changes) <= set(RECEIPT_FIELDS)
        if not receipt and self.answer_version is None:
            raise NotFound(Text("Phản ánh %(code)s chưa được trả lời.", code=self.code),
                           "answered_on")
        now = effect(changes)
        if all(getattr(self, name) == value for name, value in now.items()):
            raise InvalidValue(N_("Thông tin mới giống hệt thông tin đang có; không có gì "
                                  "để sửa."))
        received = now.get("received_on", self.received_on)
        answered = now.get("answered_on", self.answered_on)
        if answered is not None:
            _in_order(received, answered)
        self._record(self.Corrected, at, corrected_version=1 if receipt else self.answer_version,
                     corrected_kind="Received" if receipt else "Answered", reason=reason,
                     changes=changes, due_date=due_date)


def _in_order(received_on: date, answered_on: date) -> None:
    if answered_on < received_on:
        raise InvalidValue(Text("Ngày trả lời không được trước ngày tiếp nhận phản ánh "
                                "(%(day)s).", day=received_on.strftime("%d/%m/%Y")),
                           "answered_on")


def effect(changes: dict[str, Any]) -> dict[str, Any]:
    """A correction's changes as the aggregate's (and the read model's)
    values: dates from their ISO text."""
    return {name: date.fromisoformat(value) if name.endswith("_on") else value
            for name, value in changes.items()}


def checked_changes(changes: Any, today: date) -> dict[str, Any]:
    """The changes a correction may make: the fields of the receipt or of
    the answer (never both at once), each checked as when first recorded."""
    if not isinstance(changes, dict) or not changes:
        raise InvalidValue(N_("Hãy nêu ít nhất một thông tin cần sửa."))
    names = set(changes)
    if not all(isinstance(n, str) for n in names) or not (
            names <= set(RECEIPT_FIELDS) or names <= set(ANSWER_FIELDS)):
        raise InvalidValue(N_("Một lần sửa chỉ sửa thông tin tiếp nhận hoặc thông tin trả "
                              "lời của phản ánh."))
    checks = {
        "received_on": lambda v: values.past_day(v, "received_on", today).isoformat(),
        "answered_on": lambda v: values.past_day(v, "answered_on", today).isoformat(),
        "channel": values.channel, "subject": values.subject, "document": values.document,
        "dossier_code": lambda v: values.optional_code(v, "dossier_code", N_("Mã hồ sơ")),
        "procedure_code": lambda v: values.optional_code(v, "procedure_code",
                                                         N_("Mã thủ tục")),
    }
    return {name: checks[name](_day(value) if name.endswith("_on") else value)
            for name, value in changes.items()}


def _day(value: Any) -> Any:
    """A day given as ISO text (as the log keeps it) or as a date."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value
