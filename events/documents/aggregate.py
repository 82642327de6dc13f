"""The document aggregate: a document (văn bản) the commune issued, and the
events of its life.

The rules it enforces live beside it, each in one module: which step may
follow which (``lifecycle``), the values a field may take (``values``), what
a correction may change (``corrections``). The ledger hands every moment in
the business time zone, so a step's day is its moment's date; every step's
day is checked against the step before it, so the steps are in the order
they happened.

Its id comes from its natural key (commune, year of issue, number and
symbol): a number and symbol used twice in a year collides in the store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, aware, checked_day, checked_reason, checked_text, stable_id
from events.documents import corrections, lifecycle, values
from events.documents.lifecycle import ISSUED, REPLACED, REVOKED
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, NC_, STEP, Text, term


class Document(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, year: int, number_symbol: str) -> UUID:
        return stable_id("document", commune, str(year), number_symbol)

    class Issued(LedgerAggregate.Event, Aggregate.Created):
        number: int
        symbol: str
        doc_type: str
        title: str
        issued_on: date
        signer: str
        confidential: bool
        task: str
        source: str = ""

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.number, a.symbol = self.commune, self.number, self.symbol
            a.doc_type, a.title, a.issued_on = self.doc_type, self.title, self.issued_on
            a.signer, a.confidential, a.task = self.signer, self.confidential, self.task
            a.status, a.signed_at, a.signed_by, a.certificate_serial = ISSUED, None, None, None
            a.published_on, a.address, a.ended_on, a.replaced_by = None, None, None, None
            a.steps = [(self.originator_version, "Issued", self.issued_on)]

    class Signed(LedgerAggregate.Event):
        signer: str
        certificate_serial: str

        def apply(self, aggregate: Any) -> None:
            aggregate.signed_at, aggregate.signed_by = self.occurred_at, self.signer
            aggregate.certificate_serial = self.certificate_serial
            aggregate.took(self, "sign", self.occurred_at.date())

    class Published(LedgerAggregate.Event):
        published_on: date
        address: str

        def apply(self, aggregate: Any) -> None:
            aggregate.published_on, aggregate.address = self.published_on, self.address
            aggregate.took(self, "publish", self.published_on)

    class Revoked(LedgerAggregate.Event):
        revoked_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.ended_on = self.revoked_on
            aggregate.took(self, "revoke", self.revoked_on)

    class Replaced(LedgerAggregate.Event):
        """By a later document of the commune (``by_id``, ``by_number``:
        its aggregate id and number and symbol), in force from ``replaced_on``."""
        by_id: str
        by_number: str
        replaced_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.ended_on, aggregate.replaced_by = self.replaced_on, self.by_number
            aggregate.took(self, "replace", self.replaced_on)

    class Corrected(LedgerAggregate.Event):
        """Names the event it corrects (by version) and why; both stay in the log."""
        corrects: int
        corrected_kind: str
        reason: str
        changes: dict[str, Any]

        def apply(self, aggregate: Any) -> None:
            effect = corrections.effect(self.changes)
            for name, value in effect.items():
                setattr(aggregate, "signed_by" if name == "signer" and
                        self.corrected_kind == "Signed" else name, value)
            for name in ("issued_on", "published_on", "signed_at"):
                if name in effect:
                    aggregate.reday(self.corrects, _day(effect[name]))

    # -- state helpers ------------------------------------------------------
    def took(self, event: Any, step: str, day: date) -> None:
        self.status = lifecycle.after(step, self.status)
        self.steps = [*self.steps, (event.originator_version, type(event).__name__, day)]

    def reday(self, version: int, day: date) -> None:
        self.steps = [(v, k, day if v == version else d) for v, k, d in self.steps]

    @property
    def number_symbol(self) -> str:
        return values.joined(self.number, self.symbol)

    # -- issue ----------------------------------------------------------------
    @classmethod
    def issue(cls, commune: str, number_symbol: str, doc_type: str, title: str,
              issued_at: datetime, signer: str, confidential: bool, task: str,
              source: str = "") -> Document:
        """``issued_at``: the start of the day of issue in the business zone."""
        number, symbol = values.number_symbol(number_symbol)
        aware(issued_at, "issued_on")
        issued_on = checked_day(issued_at.date(), "issued_on")
        joined = values.joined(number, symbol)
        return cls._start(cls.Issued, cls.id_for(commune, issued_on.year, joined), commune,
                          issued_at, number=number, symbol=symbol,
                          doc_type=values.doc_type(doc_type), title=values.title(title),
                          issued_on=issued_on, signer=values.signer(signer),
                          confidential=values.flag(confidential, "confidential"),
                          task=values.task(task),
                          source=checked_text(source, "source", N_("Nguồn"), 255))

    # -- the steps ------------------------------------------------------------
    def sign(self, at: datetime, signer: str, certificate_serial: str) -> None:
        self._may("sign", values.moment(at, "signed_at").date(), "signed_at")
        self._record(self.Signed, aware(at, "signed_at"), signer=values.signer(signer),
                     certificate_serial=values.serial(certificate_serial))

    def publish(self, at: datetime, address: str) -> None:
        day = values.moment(at, "published_on").date()
        self._may("publish", day, "published_on")
        self._record(self.Published, aware(at, "published_on"), published_on=day,
                     address=values.address(address))

    def revoke(self, at: datetime, reason: str) -> None:
        day = values.moment(at, "revoked_on").date()
        self._may("revoke", day, "revoked_on")
        self._record(self.Revoked, aware(at, "revoked_on"), revoked_on=day,
                     reason=checked_reason(reason))

    def replace_by(self, at: datetime, by: Document, reason: str) -> None:
        """Replaced by ``by``, a later document of the same commune in force,
        from the day it was issued (``at``)."""
        day = values.moment(at, "replaced_on").date()
        self._may("replace", day, "replaced_on")
        if by.id == self.id:
            raise InvalidValue(N_("Văn bản không thể thay thế chính nó."), "by_number")
        if by.commune != self.commune or by.status != ISSUED:
            raise InvalidValue(Text("Văn bản %(number)s không còn hiệu lực nên không thể thay "
                                    "thế văn bản khác.", number=by.number_symbol), "by_number")
        if by.issued_on < self.issued_on:
            raise InvalidValue(N_("Văn bản thay thế phải ban hành cùng ngày hoặc sau văn bản "
                                  "bị thay thế."), "by_number")
        self._record(self.Replaced, aware(at, "replaced_on"), by_id=str(by.id),
                     by_number=by.number_symbol, replaced_on=day,
                     reason=checked_reason(reason, required=False))

    def correct(self, at: datetime, corrected: Any, reason: str, changes: dict[str, Any]) -> None:
        """Correct a recorded event of this document (``corrected``, as read
        from the log)."""
        kind = type(corrected).__name__
        changes = corrections.checked(kind, changes)
        effect = corrections.effect(changes)
        if "issued_on" in effect and effect["issued_on"].year != self.issued_on.year:
            raise InvalidValue(N_("Ngày ban hành sửa lại phải cùng năm: số, ký hiệu văn bản "
                                  "được cấp theo năm."), "issued_on")
        if effect.get("confidential") and (self.signed_at or self.published_on):
            raise InvalidValue(N_("Văn bản đã ký số hoặc đã đăng tải không thể là văn bản mật."),
                               "confidential")
        for name in ("issued_on", "published_on", "signed_at"):
            if name in effect:
                self._check_reday(corrected.originator_version, _day(effect[name]), name)
        self._record(self.Corrected, at, corrects=corrected.originator_version,
                     corrected_kind=kind, reason=checked_reason(reason), changes=changes)

    # -- rules ------------------------------------------------------------------
    def refusal_of(self, step: str) -> str | None:
        """Why ``step`` cannot be taken now, whatever its time and values, or
        None. The document page offers the steps this allows."""
        return lifecycle.refusal(step, self.status, self.confidential,
                                 self.signed_at is not None, self.published_on is not None)

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


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


STEP_NAMES = {"Issued": NC_("bước", "ban hành"), "Signed": NC_("bước", "ký số"),
              "Published": NC_("bước", "đăng trang thông tin"),
              "Revoked": NC_("bước", "thu hồi"), "Replaced": NC_("bước", "thay thế"),
              "Corrected": NC_("bước", "sửa sự kiện")}
REVOKED_OR_REPLACED = (REVOKED, REPLACED)
