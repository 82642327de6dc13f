"""The citizens' read models: one row per portal account opened with help
and one per feedback, each with counts kept by day beside them, moved by
the engine in the page's transaction (``projections.engine``), so that a
period's figures are sums over days, never a scan of the rows.

Accounts count on the day each was opened. Feedback counts, after
``events.citizens.answering``: received on its day, answered and answered
late on the day of the answer, and overdue as a held figure — +1 on the day
after the deadline, -1 on the day of the answer — with month and year rows
as the dossiers' tallies keep them (``projections.tallies.with_levels``),
so that the open-and-late figure at the end of a day is a short sum."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, Index, Table
from sqlmodel import Field, SQLModel

from events.citizens import answering
from events.citizens.accounts import PortalAccount
from events.citizens.feedback import Feedback, effect
from projections import tallies
from projections.engine import Projection, Rows, handles

ONE_DAY = timedelta(days=1)
OPENED = "opened"
RECEIVED, ANSWERED, ANSWERED_LATE, OVERDUE = "received", "answered", "answered_late", \
    tallies.OVERDUE
FEEDBACK_DAILY = (RECEIVED, ANSWERED, ANSWERED_LATE)


class PortalAccountRow(SQLModel, table=True):
    __tablename__ = "portal_account"
    # The list, newest first, paged by the last row's (opened_on, id).
    __table_args__ = (Index("ix_portal_account_commune_list", "commune", "opened_on", "id"),)

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    citizen_name: str = Field(max_length=255)
    id_last_four: str = Field(max_length=4)
    opened_on: date
    clerk: str = Field(max_length=64)
    recorded_by: str = Field(max_length=64)


class PortalAccountTallyRow(SQLModel, table=True):
    __tablename__ = "portal_account_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_commune_code", "commune", "code", unique=True),
                      # The list, newest first, paged by the last row's (received_on, code).
                      Index("ix_feedback_commune_list", "commune", "received_on", "code"))

    id: str = Field(primary_key=True, max_length=36)
    commune: str = Field(max_length=32)
    code: str = Field(max_length=64)
    received_on: date
    channel: str = Field(max_length=32)
    subject: str = Field(max_length=1000)
    dossier_code: str = Field(default="", max_length=64)
    procedure_code: str = Field(default="", max_length=64)
    working_days: int
    due_date: date
    answered_on: date | None = None
    document: str = Field(default="", max_length=64)
    corrections: int = 0
    recorded_by: str = Field(max_length=64)


class FeedbackTallyRow(SQLModel, table=True):
    __tablename__ = "feedback_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    commune: str = Field(primary_key=True, max_length=32)
    metric: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    count: int = Field(default=0, sa_type=BigInteger)


Change = tuple[tuple[str, date], int]


def feedback_changes(f: answering.Facts) -> list[Change]:
    """What one feedback adds to the kept counts, by day (``answering``)."""
    out: list[Change] = [((RECEIVED, f.received_on), 1)]
    if f.answered_on is not None:
        out.append(((ANSWERED, f.answered_on), 1))
        if answering.answered_late(f):
            out.append(((ANSWERED_LATE, f.answered_on), 1))
    # Overdue from the day after the deadline to the day before the answer.
    late_from = f.due_date + ONE_DAY
    if f.answered_on is None or f.answered_on > late_from:
        out.append(((OVERDUE, late_from), 1))
        if f.answered_on is not None:
            out.append(((OVERDUE, f.answered_on), -1))
    return out


def _net(changed: Iterable[tuple[Any, Any]]) -> Counter[Any]:
    pairs = list(changed)
    net = Counter(after for _before, after in pairs)
    net.subtract(before for before, _after in pairs if before is not None)
    return net


class PortalAccountProjection(Projection):
    name = "portal_accounts"
    rebuild_cost = 1.4
    table: Table = PortalAccountRow.__table__  # type: ignore[attr-defined]
    counts: Table = PortalAccountTallyRow.__table__  # type: ignore[attr-defined]

    def counted(self, row: dict[str, Any]) -> tuple[str, date]:
        return row["commune"], row["opened_on"]

    def recount(self, changed: Iterable[tuple[Any, Any]]) -> dict[tuple[str, str, date], int]:
        return {(commune, OPENED, day): n for (commune, day), n in _net(changed).items() if n}

    @handles(PortalAccount.Opened)
    def opened(self, rows: Rows, e: Any) -> None:
        rows.insert_row(str(e.originator_id), {
            "commune": e.commune, "citizen_name": e.citizen_name,
            "id_last_four": e.id_last_four, "opened_on": e.opened_on, "clerk": e.clerk,
            "recorded_by": e.actor})


class FeedbackProjection(Projection):
    name = "feedback"
    rebuild_cost = 0.7
    table: Table = FeedbackRow.__table__  # type: ignore[attr-defined]
    counts: Table = FeedbackTallyRow.__table__  # type: ignore[attr-defined]

    def counted(self, row: dict[str, Any]) -> tuple[str, answering.Facts]:
        return row["commune"], answering.Facts(row["received_on"], row["due_date"],
                                               row["answered_on"])

    def recount(self, changed: Iterable[tuple[Any, Any]]) -> dict[tuple[str, str, date], int]:
        by_commune: dict[str, dict[tuple[str, date], int]] = {}
        for (commune, facts), times in _net(changed).items():
            if times:
                deltas = by_commune.setdefault(commune, {})
                for key, n in feedback_changes(facts):
                    deltas[key] = deltas.get(key, 0) + times * n
        return {(commune, metric, day): n for commune, deltas in by_commune.items()
                for (metric, day), n in tallies.with_levels(deltas).items()}

    @handles(Feedback.Received)
    def received(self, rows: Rows, e: Any) -> None:
        rows.insert_row(str(e.originator_id), {
            "commune": e.commune, "code": e.code, "received_on": e.received_on,
            "channel": e.channel, "subject": e.subject, "dossier_code": e.dossier_code,
            "procedure_code": e.procedure_code, "working_days": e.working_days,
            "due_date": e.due_date, "answered_on": None, "document": "", "corrections": 0,
            "recorded_by": e.actor})

    @handles(Feedback.Answered)
    def answered(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), answered_on=e.answered_on, document=e.document)

    @handles(Feedback.Corrected)
    def corrected(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        values = effect(e.changes)
        if e.due_date is not None:
            values["due_date"] = e.due_date
        rows.update(row["id"], corrections=row["corrections"] + 1, **values)
