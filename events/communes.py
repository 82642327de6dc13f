"""Communes (administrative units) and their calendars of declared days off
and make-up working days."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_day, checked_reason, stable_id
from events.errors import InvalidTransition


class Commune(LedgerAggregate):
    """An administrative unit (xã, phường) whose records the ledger keeps."""

    @staticmethod
    def id_for(code: str) -> UUID:
        return stable_id("commune", code)

    class Registered(LedgerAggregate.Event, Aggregate.Created):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.name = self.name

    @classmethod
    def register(cls, code: str, name: str) -> Commune:
        return cls._start(cls.Registered, cls.id_for(code), code, None, name=name)


class Calendar(LedgerAggregate):
    """A commune's exceptions to the working-day rules: extra days off and
    make-up working days, as an admin declares them."""

    @staticmethod
    def id_for(commune: str) -> UUID:
        return stable_id("calendar", commune)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.commune = self.commune
            aggregate.days_off = set()
            aggregate.make_up_days = set()

    class DayOffDeclared(LedgerAggregate.Event):
        day: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.days_off = aggregate.days_off | {self.day}
            aggregate.make_up_days = aggregate.make_up_days - {self.day}

    class MakeUpDayDeclared(LedgerAggregate.Event):
        day: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.make_up_days = aggregate.make_up_days | {self.day}
            aggregate.days_off = aggregate.days_off - {self.day}

    @classmethod
    def open(cls, commune: str) -> Calendar:
        return cls._start(cls.Opened, cls.id_for(commune), commune, None)

    def declare_day_off(self, day: date, reason: str) -> None:
        if checked_day(day, "day") in self.days_off:
            raise InvalidTransition(f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ.", "day")
        self._record(self.DayOffDeclared, reason=checked_reason(reason), day=day)

    def declare_make_up_day(self, day: date, reason: str) -> None:
        if checked_day(day, "day") in self.make_up_days:
            raise InvalidTransition(f"Ngày {day:%d/%m/%Y} đã là ngày làm bù.", "day")
        self._record(self.MakeUpDayDeclared, reason=checked_reason(reason), day=day)
