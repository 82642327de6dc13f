"""The document register's commands, mixed into ``events.application.Ledger``.

A document is named by its commune, the year of its date of issue and its
number and symbol (its natural key). Days given to a command are read in the
commune's business time zone; a day after today is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from eventsourcing.persistence import IntegrityError

from events.base import aware, checked_day
from events.documents import standing, values
from events.documents.aggregate import Document
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from events.texts import N_, Text

if TYPE_CHECKING:
    from events.base import LedgerAggregate


class DocumentCommands:
    """The register's commands (văn bản), mixed into the Ledger."""

    if TYPE_CHECKING:
        zone: ZoneInfo
        events: Any
        def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: LedgerAggregate) -> None: ...
        def require_commune(self, code: str) -> Any: ...
        def local(self, moment: datetime) -> datetime: ...

    def issue_document(self, commune: str, number_symbol: str, doc_type: str, title: str,
                       issued_on: date, signer: str, confidential: bool, task: str,
                       source: str = "") -> None:
        """Register a document issued on ``issued_on``; its number and symbol
        must be new in that year."""
        self.require_commune(commune)
        document = Document.issue(commune, number_symbol, doc_type, title,
                                  self._start_of(issued_on, "issued_on"), signer, confidential,
                                  task, source)
        self._create(document, AlreadyExists(Text(
            "Số, ký hiệu %(number)s đã được dùng cho một văn bản năm %(year)d.",
            number=document.number_symbol, year=document.issued_on.year), "number_symbol"))

    def sign_document(self, commune: str, year: int, number_symbol: str, at: datetime,
                      signer: str, certificate_serial: str) -> None:
        at = self.local(aware(values.moment(at, "signed_at"), "signed_at"))
        self._on_document(commune, year, number_symbol,
                          lambda d: d.sign(at, signer, certificate_serial))

    def publish_document(self, commune: str, year: int, number_symbol: str,
                         published_on: date, address: str) -> None:
        at = self._start_of(published_on, "published_on")
        self._on_document(commune, year, number_symbol, lambda d: d.publish(at, address))

    def revoke_document(self, commune: str, year: int, number_symbol: str, revoked_on: date,
                        reason: str) -> None:
        at = self._start_of(revoked_on, "revoked_on")
        self._on_document(commune, year, number_symbol, lambda d: d.revoke(at, reason))

    def replace_document(self, commune: str, year: int, number_symbol: str, by_year: int,
                         by_number_symbol: str, reason: str = "") -> None:
        """The document is replaced by a later one of the commune, from the
        day that one was issued; both stay in the register, linked."""
        try:
            by = self.document(commune, by_year, by_number_symbol)
        except NotFound as missing:
            raise NotFound(missing.message, "by_number") from None
        at = self._start_of(by.issued_on, "replaced_on")
        self._on_document(commune, year, number_symbol, lambda d: d.replace_by(at, by, reason))

    def correct_document(self, commune: str, year: int, number_symbol: str, at: datetime,
                         version: int, reason: str, changes: dict[str, Any]) -> None:
        """Record a correction of the document's event number ``version``;
        the corrected event stays in the log as it was."""
        def act(document: Document) -> None:
            if not isinstance(version, int) or isinstance(version, bool):
                raise InvalidValue(N_("Số thứ tự sự kiện không hợp lệ."), "version")
            events = {e.originator_version: e for e in self.events.get(document.id)}
            if version not in events:
                raise NotFound(Text("Văn bản %(number)s không có sự kiện số %(version)d.",
                                    number=document.number_symbol, version=version), "version")
            document.correct(at, events[version], reason, self._local_changes(changes))
        self._on_document(commune, year, number_symbol, act)

    def _local_changes(self, changes: Any) -> Any:
        """A corrected signing time in the business zone, whose date is its day."""
        if isinstance(changes, dict) and isinstance(changes.get("signed_at"), str):
            try:
                moment = datetime.fromisoformat(changes["signed_at"])
            except ValueError:
                return changes
            if moment.tzinfo is not None:
                return {**changes, "signed_at": moment.astimezone(self.zone).isoformat()}
        return changes

    def document(self, commune: str, year: int, number_symbol: str) -> Document:
        try:
            number, symbol = values.number_symbol(number_symbol)
        except InvalidValue:
            number, symbol = 0, ""
        joined = values.joined(number, symbol)
        if not isinstance(year, int) or isinstance(year, bool) or not number:
            raise NotFound(Text("Không có văn bản số %(number)s.", number=str(number_symbol)[:40]),
                           "number_symbol")
        return self._get(Document.id_for(commune, year, joined), NotFound(
            Text("Không có văn bản số %(number)s năm %(year)d.", number=joined, year=year),
            "number_symbol"))

    def document_facts(self, commune: str, year: int, number_symbol: str) -> standing.Facts:
        """What the tallies count of one document."""
        return standing.Facts.of(self.document(commune, year, number_symbol), self.zone)

    def _start_of(self, day: date, field: str) -> datetime:
        """The first moment of ``day`` in the business zone; not after today."""
        checked_day(day, field)
        if day > datetime.now(self.zone).date():
            raise InvalidValue(N_("Ngày không được ở tương lai."), field)
        return datetime.combine(day, time(), self.zone)

    def _on_document(self, commune: str, year: int, number_symbol: str,
                     action: Callable[[Document], None]) -> None:
        """Load, act, save. Two people acting on one document at once: the
        second collides on the version and records nothing."""
        document = self.document(commune, year, number_symbol)
        action(document)
        try:
            self._store(document)
        except IntegrityError:
            raise InvalidTransition(Text("Văn bản %(number)s vừa được người khác cập nhật; hãy "
                                         "tải lại trang rồi thử lại.",
                                         number=document.number_symbol)) from None
