"""One row per target set for a commune (``events.targets``), withdrawn ones
kept and marked: the dashboard, the targets' page and the report read the
targets in force here and judge each against its actual (``queries``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, Index, Table
from sqlmodel import Field, SQLModel

from events.targets import Target
from projections.engine import Projection, Rows, handles


class TargetRow(SQLModel, table=True):
    __tablename__ = "target"
    __table_args__ = (Index("ix_target_commune_period", "commune", "start", "end"),)

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    indicator: str = Field(max_length=32)
    start: date
    end: date
    threshold: float = Field(sa_type=Float)
    document: str = Field(max_length=64)
    document_date: date
    issuer: str = Field(max_length=255)
    withdrawn: bool = False
    set_by: str = Field(max_length=64)
    set_at: datetime
    revisions: int = 0


class TargetProjection(Projection):
    name = "targets"
    table: Table = TargetRow.__table__  # type: ignore[attr-defined]

    @handles(Target.Set)
    def set(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, indicator=e.indicator,
                    start=e.start, end=e.end, withdrawn=False, set_by=e.actor,
                    set_at=e.occurred_at, revisions=0, **_decision(e))

    @handles(Target.Revised)
    def revised(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], revisions=row["revisions"] + 1, **_decision(e))

    @handles(Target.Withdrawn)
    def withdrawn(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), withdrawn=True)


def _decision(e: Any) -> dict[str, Any]:
    return {"threshold": e.threshold, "document": e.document,
            "document_date": e.document_date, "issuer": e.issuer}
