"""The targets' commands, mixed into ``events.application.Ledger``. A target
is named by its commune, indicator and period (first and last day)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from events.errors import AlreadyExists, InvalidValue, NotFound
from events.targets.aggregate import Target, checked_indicator, checked_period
from events.texts import N_

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from events.base import LedgerAggregate


class TargetCommands:
    """Set, revise and withdraw a commune's targets."""

    if TYPE_CHECKING:
        zone: ZoneInfo
        def _create(self, aggregate: LedgerAggregate, taken: Exception) -> None: ...
        def _get(self, aggregate_id: Any, error: Exception) -> Any: ...
        def _store(self, *aggregates: LedgerAggregate) -> None: ...
        def require_commune(self, code: str) -> Any: ...

    def set_target(self, commune: str, indicator: str, start: date, end: date,
                   threshold: float, document: str, document_date: date,
                   issuer: str = "") -> None:
        self.require_commune(commune)
        self._not_ahead(document_date)
        self._create(Target.set(commune, indicator, start, end, threshold, document,
                                document_date, issuer),
                     AlreadyExists(N_("Chỉ tiêu này đã được giao cho kỳ này; hãy điều chỉnh "
                                      "chỉ tiêu đã có."), "indicator"))

    def revise_target(self, commune: str, indicator: str, start: date, end: date,
                      threshold: float, document: str, document_date: date, issuer: str,
                      reason: str) -> None:
        self._not_ahead(document_date)
        self._on_target(commune, indicator, start, end,
                        lambda t: t.revise(threshold, document, document_date, issuer, reason))

    def withdraw_target(self, commune: str, indicator: str, start: date, end: date,
                        reason: str) -> None:
        self._on_target(commune, indicator, start, end, lambda t: t.withdraw(reason))

    def target(self, commune: str, indicator: str, start: date, end: date) -> Target:
        indicator = checked_indicator(indicator)
        start, end = checked_period(start, end)
        return self._get(Target.id_for(commune, indicator, start, end),
                         NotFound(N_("Không có chỉ tiêu này."), "indicator"))

    def _on_target(self, commune: str, indicator: str, start: date, end: date,
                   action: Callable[[Target], None]) -> None:
        target = self.target(commune, indicator, start, end)
        action(target)
        self._store(target)

    def _not_ahead(self, day: Any) -> None:
        """A decision is recorded after it is signed: not dated after today."""
        if isinstance(day, date) and not isinstance(day, datetime) and \
                day > datetime.now(UTC).astimezone(self.zone).date():
            raise InvalidValue(N_("Ngày của văn bản không được ở tương lai."), "document_date")
