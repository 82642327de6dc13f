"""One row per dossier: the counter's tallies for any period are queries over
these rows (see ``queries``), never a replay of the log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from events.domain import Dossier
from projections.engine import Projection, Rows, handles


class DossierRow(SQLModel, table=True):
    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_commune_received", "commune", "received_on"),
                      Index("ix_dossier_commune_resolved", "commune", "resolved_on"),
                      Index("ix_dossier_commune_code", "commune", "code", unique=True))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    procedure_code: str = Field(max_length=64)
    applicant: str = Field(max_length=255)
    channel: str = Field(max_length=16)
    online_mode: str = Field(max_length=16)
    received_at: datetime
    received_on: date
    due_date: date
    resolved_on: date | None = None
    digitised: bool = False
    e_certified: bool = False
    returned_on: date | None = None
    recorded_by: str = Field(max_length=64)


class DossierProjection(Projection):
    name = "dossiers"
    table: Table = DossierRow.__table__  # type: ignore[attr-defined]

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    @handles(Dossier.Received)
    def received(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, code=e.code,
                    procedure_code=e.procedure_code, applicant=e.applicant, channel=e.channel,
                    online_mode=e.online_mode, received_at=e.occurred_at,
                    received_on=self.day(e.occurred_at), due_date=e.due_date,
                    resolved_on=None, digitised=False, e_certified=False, returned_on=None,
                    recorded_by=e.actor)

    @handles(Dossier.Resolved)
    def resolved(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), resolved_on=self.day(e.occurred_at),
                    digitised=e.digitised, e_certified=e.e_certified)

    @handles(Dossier.Returned)
    def returned(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), returned_on=self.day(e.occurred_at))
