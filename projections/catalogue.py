"""One row per procedure in a commune's catalogue, abolished ones kept and
marked: the report's procedure counts and the QR wall board read these rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Table, Text
from sqlmodel import Field, SQLModel

from events.catalogue import TERMS, Procedure
from projections.engine import Projection, Rows, handles


class ProcedureRow(SQLModel, table=True):
    __tablename__ = "procedure"
    __table_args__ = (Index("ix_procedure_commune_code", "commune", "code", unique=True),)

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    name: str = Field(sa_type=Text)
    field: str = Field(max_length=255)
    authority: str = Field(max_length=16)
    inter_agency: bool
    working_days: int
    fee: int = Field(sa_type=BigInteger)
    online_address: str = Field(sa_type=Text)
    abolished: bool = False
    listed_at: datetime


class ProcedureProjection(Projection):
    name = "procedures"
    table: Table = ProcedureRow.__table__  # type: ignore[attr-defined]

    @handles(Procedure.Listed)
    def listed(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, code=e.code, abolished=False,
                    listed_at=e.occurred_at, **_terms(e))

    @handles(Procedure.Amended)
    def amended(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), **_terms(e))

    @handles(Procedure.Abolished)
    def abolished(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), abolished=True)


def _terms(e: Any) -> dict[str, Any]:
    return {name: getattr(e, name) for name in TERMS}
