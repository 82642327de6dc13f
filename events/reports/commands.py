"""The period reports' commands, mixed into ``events.application.Ledger``. A
report is named by its commune and period (first and last day)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from events.documents import values
from events.documents.aggregate import Document
from eventsourcing.persistence import IntegrityError

from events.errors import AlreadyExists, InvalidTransition, NotFound
from events.reports.aggregate import PeriodReport, checked_period
from events.texts import N_, Text

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from events.base import LedgerAggregate

REPORT_TYPE = "bao_cao"


class ReportCommands:
    """Draft a period's narrative; issue the report into the documents register."""

    if TYPE_CHECKING:
        zone: ZoneInfo
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: LedgerAggregate) -> None: ...
        def require_commune(self, code: str) -> Any: ...
        def _start_of(self, day: date, field: str) -> datetime: ...

    def draft_report(self, commune: str, start: date, end: date,
                     sections: dict[str, str]) -> None:
        """Keep the leader's narrative for the period's report (the whole
        text each time: the latest draft is the one the report prints)."""
        report = self._report_or_new(commune, start, end)
        report.draft(sections)
        self._save_report(report)

    def issue_report(self, commune: str, start: date, end: date, number_symbol: str,
                     issued_on: date, signer: str, title: str, task: str, sha256: str,
                     position: int) -> None:
        """Issue the period's report: a ``bao_cao`` in the documents register
        under its number and symbol, and on the report the SHA-256 of the
        JSON figures it carries, computed at log position ``position``;
        both in one transaction, or neither."""
        report = self._report_or_new(commune, start, end)
        issued_at = self._start_of(issued_on, "issued_on")
        number, symbol = values.number_symbol(number_symbol)
        joined = values.joined(number, symbol)
        if self._registered(Document.id_for(commune, issued_at.year, joined)):
            raise AlreadyExists(Text(
                "Số, ký hiệu %(number)s đã được dùng cho một văn bản năm %(year)d.",
                number=joined, year=issued_at.year), "number_symbol")
        # The report's issue first, its register entry after: "as known at"
        # the issue's moment is then what the figures were read from.
        report.issue(joined, issued_at.date(), sha256, position)
        document = Document.issue(commune, joined, REPORT_TYPE, title, issued_at, signer,
                                  False, task)
        self._save_report(report, document)

    def period_report_record(self, commune: str, start: date, end: date) -> PeriodReport | None:
        """The period's draft and issue, if any was recorded."""
        start, end = checked_period(start, end)
        try:
            return self._get(PeriodReport.id_for(commune, start, end), NotFound(""))
        except NotFound:
            return None

    def _registered(self, document_id: Any) -> bool:
        try:
            self._get(document_id, NotFound(""))
        except NotFound:
            return False
        return True

    def _save_report(self, *aggregates: LedgerAggregate) -> None:
        try:
            self._store(*aggregates)
        except IntegrityError:
            raise InvalidTransition(N_("Báo cáo kỳ này vừa được người khác cập nhật; hãy tải "
                                       "lại trang rồi thử lại.")) from None

    def _report_or_new(self, commune: str, start: date, end: date) -> PeriodReport:
        self.require_commune(commune)
        return self.period_report_record(commune, start, end) or PeriodReport.begin(
            commune, start, end)
