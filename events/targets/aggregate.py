"""A target (chỉ tiêu) a higher level set for a commune: an indicator, a
period, a threshold and the decision that set it (e.g. Quyết định
59/QĐ-UBND of 10/01/2023). Revised when a later decision changes it,
withdrawn when it no longer applies; every version stays in the log.

Its id comes from its natural key (commune, indicator, first and last day
of the period): one target per indicator and period, so a second one
collides in the store itself."""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_day, checked_reason, checked_text, stable_id
from events.errors import InvalidTransition, InvalidValue
from events.targets.indicators import COUNT, INDICATORS, MAX_COUNT
from events.texts import N_, Text

MAX_DOCUMENT, MAX_ISSUER = 64, 255


class Target(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, indicator: str, start: date, end: date) -> UUID:
        return stable_id("target", commune, indicator, start.isoformat(), end.isoformat())

    class Set(LedgerAggregate.Event, Aggregate.Created):
        indicator: str
        start: date
        end: date
        threshold: float
        document: str
        document_date: date
        issuer: str

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.indicator, a.start, a.end = self.commune, self.indicator, self.start, self.end
            a.withdrawn = False
            _take_decision(a, self)

    class Revised(LedgerAggregate.Event):
        threshold: float
        document: str
        document_date: date
        issuer: str
        reason: str

        def apply(self, aggregate: Any) -> None:
            _take_decision(aggregate, self)

    class Withdrawn(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.withdrawn = True

    @classmethod
    def set(cls, commune: str, indicator: str, start: date, end: date, threshold: Any,
            document: str, document_date: date, issuer: str) -> Target:
        indicator = checked_indicator(indicator)
        start, end = checked_period(start, end)
        return cls._start(cls.Set, cls.id_for(commune, indicator, start, end), commune, None,
                          indicator=indicator, start=start, end=end,
                          **decision(indicator, threshold, document, document_date, issuer))

    def revise(self, threshold: Any, document: str, document_date: date, issuer: str,
               reason: str) -> None:
        self._still_in_force()
        self._record(self.Revised, reason=checked_reason(reason),
                     **decision(self.indicator, threshold, document, document_date, issuer))

    def withdraw(self, reason: str) -> None:
        self._still_in_force()
        self._record(self.Withdrawn, reason=checked_reason(reason))

    def _still_in_force(self) -> None:
        if self.withdrawn:
            raise InvalidTransition(N_("Chỉ tiêu này đã được bãi bỏ."))


def _take_decision(aggregate: Any, e: Any) -> None:
    aggregate.threshold, aggregate.document = e.threshold, e.document
    aggregate.document_date, aggregate.issuer = e.document_date, e.issuer


def checked_indicator(code: Any) -> str:
    if not isinstance(code, str) or code not in INDICATORS:
        raise InvalidValue(N_("Chỉ tiêu không có trong danh mục."), "indicator")
    return code


def checked_period(start: Any, end: Any) -> tuple[date, date]:
    start, end = checked_day(start, "period"), checked_day(end, "period")
    if end < start:
        raise InvalidValue(N_("Kỳ của chỉ tiêu phải kết thúc sau khi bắt đầu."), "period")
    return start, end


def checked_threshold(indicator: str, value: Any) -> float:
    """A rate from 0 to 1, or a whole number from 0, as the indicator counts."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidValue(N_("Ngưỡng chỉ tiêu phải là một số."), "threshold")
    if INDICATORS[indicator].kind == COUNT:
        if value != int(value) or not 0 <= value <= MAX_COUNT:
            raise InvalidValue(Text("Ngưỡng của chỉ tiêu này là một số nguyên từ 0 đến "
                                    "%(most)d.", most=MAX_COUNT), "threshold")
        return float(int(value))
    if not 0 <= value <= 1:
        raise InvalidValue(N_("Ngưỡng tỷ lệ phải từ 0% đến 100%."), "threshold")
    return round(float(value), 6)


def decision(indicator: str, threshold: Any, document: str, document_date: Any,
             issuer: str) -> dict[str, Any]:
    """The fields of the decision that sets or revises a target, checked."""
    document = checked_text(document, "document", N_("Số, ký hiệu văn bản giao chỉ tiêu"),
                            MAX_DOCUMENT).strip() if isinstance(document, str) else document
    if not isinstance(document, str) or not document:
        raise InvalidValue(N_("Cần số, ký hiệu văn bản giao chỉ tiêu."), "document")
    issuer = checked_text(issuer, "issuer", N_("Cơ quan ban hành"), MAX_ISSUER).strip()
    return {"threshold": checked_threshold(indicator, threshold), "document": document,
            "document_date": checked_day(document_date, "document_date"), "issuer": issuer}
