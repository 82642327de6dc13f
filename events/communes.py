"""Communes (administrative units) and their calendars of declared days off
and make-up working days."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_day, checked_reason, checked_text, stable_id
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, Text

# A commune's code keys the ids of its dossiers and procedures ("dossier/
# CODE/…", so no "/"), an inspector's scope (space-separated) and the read
# models' 32-character columns; its name fits theirs too.
CODE = re.compile(r"[0-9A-Za-z._-]{1,32}")
MAX_NAME = 255


def checked_code(code: str) -> str:
    if not isinstance(code, str) or not CODE.fullmatch(code.strip()):
        raise InvalidValue(N_("Mã đơn vị hành chính chỉ gồm chữ cái không dấu, chữ số và các "
                              "dấu . - _ (tối đa 32 ký tự)."), "code")
    return code.strip()


def checked_name(name: str) -> str:
    name = " ".join(checked_text(name, "name", N_("Tên đơn vị hành chính"), MAX_NAME).split())
    if not name:
        raise InvalidValue(N_("Cần tên đơn vị hành chính."), "name")
    return name


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
        code, name = checked_code(code), checked_name(name)
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
            raise InvalidTransition(Text("Ngày %(day)s đã là ngày nghỉ.",
                                         day=format(day, "%d/%m/%Y")), "day")
        self._record(self.DayOffDeclared, reason=checked_reason(reason), day=day)

    def declare_make_up_day(self, day: date, reason: str) -> None:
        if checked_day(day, "day") in self.make_up_days:
            raise InvalidTransition(Text("Ngày %(day)s đã là ngày làm bù.",
                                         day=format(day, "%d/%m/%Y")), "day")
        self._record(self.MakeUpDayDeclared, reason=checked_reason(reason), day=day)
