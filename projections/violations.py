"""The violations register's read models:

- ``violation``: a row per violation, its status, its steps' days, its
  penalty deadline and whether it is new (begun in the year it was detected)
  or legacy (tồn đọng);
- ``violation_tally``: the register's tallies kept by day, kind, village and
  year begun: ``new`` on the day a new violation was detected, ``resolved``
  on the day one was closed, and ``open`` as +1 on the day of detection and
  -1 on the day of closing, also on a row for the month and one for the year
  (as ``projections.households`` does), so the violations open at the end of
  a day sum at most a row a year of history, 11 month rows and 31 day rows;
- ``violation_evidence``: a row per file attached to a step.

A period's figures (``events.violations.standing.counts``) come from these
rows alone (``violation_queries``), never from a replay of the log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Index, Table, Text, text
from sqlmodel import Field, SQLModel

from events.violations import Violation, corrections
from events.violations.lifecycle import CLOSED, COMPLIED, DETECTED, ENFORCED, PENALISED, RECORDED
from projections.engine import Projection, Rows, handles
from projections.search import fold
from projections.tallies import MONTH, YEAR

NEW, RESOLVED, OPEN = "new", "resolved", "open"


class ViolationRow(SQLModel, table=True):
    __tablename__ = "violation"
    __table_args__ = (
        Index("ix_violation_commune_code", "commune", "code", unique=True),
        # The register, latest detected first, paged by (detected_on, code).
        Index("ix_violation_commune_list", "commune", "detected_on", "code"),
        # Penalties awaiting compliance (the overdue list).
        Index("ix_violation_commune_deadline", "commune", "deadline",
              sqlite_where=text("deadline IS NOT NULL"),
              postgresql_where=text("deadline IS NOT NULL")))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    village: str = Field(max_length=64)
    place: str = Field(max_length=255)
    lat: float | None = None
    lon: float | None = None
    offender: str = Field(max_length=255)
    description: str = Field(sa_type=Text)
    began: int
    is_new: bool
    detected_by: str = Field(max_length=255)
    detected_on: date
    status: str = Field(max_length=16)
    record_number: str | None = Field(default=None, max_length=64)
    recorded_on: date | None = None
    decision_number: str | None = Field(default=None, max_length=64)
    amount: int | None = Field(default=None, sa_type=BigInteger)
    decided_on: date | None = None
    deadline: date | None = None
    complied_on: date | None = None
    enforced_on: date | None = None
    closed_on: date | None = None
    remedy: str = Field(default="", sa_type=Text)
    evidence: int = 0
    corrections: int = 0
    recorded_by: str = Field(max_length=64)
    source: str = Field(default="", max_length=255)
    search_text: str = Field(sa_type=Text)


class ViolationTallyRow(SQLModel, table=True):
    """A change to one figure of one commune on one day, by kind, village
    and the year the violations began."""

    __tablename__ = "violation_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=16)
    day: date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=32)
    village: str = Field(primary_key=True, max_length=64)
    began: int = Field(primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


class ViolationEvidenceRow(SQLModel, table=True):
    __tablename__ = "violation_evidence"
    __table_args__ = (Index("ix_violation_evidence_violation", "violation", "step"),
                      Index("ix_violation_evidence_commune_sha256", "commune", "sha256"))

    id: str = Field(primary_key=True, max_length=48)
    commune: str = Field(max_length=32)
    violation: str = Field(max_length=36)
    step: int
    sha256: str = Field(max_length=64)
    size: int = Field(sa_type=BigInteger)
    content_type: str = Field(max_length=32)
    name: str = Field(max_length=255)
    recorded_by: str = Field(max_length=64)


# What of a row the tallies depend on: (commune, kind, village, began,
# detected_on, closed_on).
Counted = tuple[str, str, str, int, date, "date | None"]


def changes(counted: Counted) -> dict[tuple[str, date, str, str, int], int]:
    """What one violation adds to ``violation_tally``: (metric, day, kind,
    village, began) → amount."""
    _commune, kind, village, began, detected_on, closed_on = counted
    out: dict[tuple[str, date, str, str, int], int] = {}

    def add(metric: str, day: date, n: int) -> None:
        key = (metric, day, kind, village, began)
        out[key] = out.get(key, 0) + n
    if began == detected_on.year:
        add(NEW, detected_on, 1)
    for day, n in ((detected_on, 1), (closed_on, -1)):
        if day is None:
            continue
        add(OPEN, day, n)
        add(OPEN + MONTH, day.replace(day=1), n)
        add(OPEN + YEAR, day.replace(month=1, day=1), n)
    if closed_on is not None:
        add(RESOLVED, closed_on, 1)
    return out


def _search(code: str, place: str, offender: str) -> str:
    return fold(f"{code} {place} {offender}")


class ViolationProjection(Projection):
    name = "violations"
    rebuild_cost = 2.2
    table: Table = ViolationRow.__table__  # type: ignore[attr-defined]
    counts: Table = ViolationTallyRow.__table__  # type: ignore[attr-defined]

    def counted(self, row: dict[str, Any]) -> Counted:
        return (row["commune"], row["kind"], row["village"], row["began"], row["detected_on"],
                row["closed_on"])

    def recount(self, changed: Iterable[tuple[Counted | None, Counted]]
                ) -> dict[tuple[Any, ...], int]:
        out: dict[tuple[Any, ...], int] = {}
        for before, after in changed:
            for sign, counted in ((-1, before), (1, after)):
                if counted is None:
                    continue
                for key, n in changes(counted).items():
                    full = (counted[0], *key)
                    out[full] = out.get(full, 0) + sign * n
        return {key: n for key, n in out.items() if n}

    @handles(Violation.Detected)
    def detected(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), commune=e.commune, code=e.code, kind=e.kind,
                    village=e.village, place=e.place, lat=e.lat, lon=e.lon,
                    offender=e.offender, description=e.description, began=e.began,
                    is_new=e.began == e.detected_on.year, detected_by=e.detected_by,
                    detected_on=e.detected_on, status=DETECTED, record_number=None,
                    recorded_on=None, decision_number=None, amount=None, decided_on=None,
                    deadline=None, complied_on=None, enforced_on=None, closed_on=None,
                    remedy="", evidence=0, corrections=0, recorded_by=e.actor[:64],
                    source=e.source[:255], search_text=_search(e.code, e.place, e.offender))

    @handles(Violation.RecordMade)
    def record_made(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=RECORDED, record_number=e.record_number,
                    recorded_on=e.recorded_on)

    @handles(Violation.PenaltyDecided)
    def penalty_decided(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=PENALISED, decision_number=e.decision_number,
                    amount=e.amount, decided_on=e.decided_on, deadline=e.deadline)

    @handles(Violation.Complied)
    def complied(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=COMPLIED, complied_on=e.complied_on)

    @handles(Violation.Enforced)
    def enforced(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=ENFORCED, enforced_on=e.enforced_on)

    @handles(Violation.Closed)
    def closed(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), status=CLOSED, closed_on=e.closed_on, remedy=e.remedy)

    @handles(Violation.EvidenceAttached)
    def evidence_attached(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(row["id"], evidence=row["evidence"] + 1)

    @handles(Violation.Corrected)
    def corrected(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        values = corrections.effect(e.changes)
        merged = {**row, **values}
        values["is_new"] = merged["began"] == merged["detected_on"].year
        values["search_text"] = _search(row["code"], merged["place"], merged["offender"])
        rows.update(row["id"], corrections=row["corrections"] + 1, **values)


class ViolationEvidenceProjection(Projection):
    name = "violation_evidence"
    one_row_per_event = True
    table: Table = ViolationEvidenceRow.__table__  # type: ignore[attr-defined]

    @handles(Violation.EvidenceAttached)
    def attached(self, rows: Rows, e: Any) -> None:
        rows.insert(f"{e.originator_id}/{e.originator_version}", commune=e.commune,
                    violation=str(e.originator_id), step=e.step, sha256=e.sha256, size=e.size,
                    content_type=e.content_type, name=e.name, recorded_by=e.actor[:64])


def violation_projections() -> list[Projection]:
    return [ViolationProjection(), ViolationEvidenceProjection()]
