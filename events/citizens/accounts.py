"""National public-service portal accounts (tài khoản Cổng dịch vụ công quốc
gia) opened with a clerk's help: one aggregate per citizen and commune, its
id derived from the keyed hash of the citizen's ID number
(``events.citizens.identity``), so that a second record of the same citizen
in the commune collides in the event store and records nothing. The event
holds the last four digits of the number, never the number."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, stable_id


class PortalAccount(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, id_hash: str) -> UUID:
        return stable_id("portal-account", commune, id_hash)

    class Opened(LedgerAggregate.Event, Aggregate.Created):
        citizen_name: str
        id_last_four: str
        opened_on: date
        clerk: str  # the user who helped the citizen

        def apply(self, aggregate: Any) -> None:
            aggregate.commune, aggregate.citizen_name = self.commune, self.citizen_name
            aggregate.id_last_four, aggregate.opened_on = self.id_last_four, self.opened_on
            aggregate.clerk = self.clerk

    @classmethod
    def open(cls, commune: str, id_hash: str, id_last_four: str, citizen_name: str,
             opened_on: date, at: datetime, clerk: str) -> PortalAccount:
        """The values come checked (``events.citizens.values``)."""
        return cls._start(cls.Opened, cls.id_for(commune, id_hash), commune, at,
                          citizen_name=citizen_name, id_last_four=id_last_four,
                          opened_on=opened_on, clerk=clerk)
