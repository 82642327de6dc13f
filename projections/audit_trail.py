"""The audit trail: one row per event of the log, saying who recorded what,
when it happened (business time), when it was recorded, how long after, and
from where (an import's file and line). Nobody edits it: it is built from
the log like every read model, and ``/audit`` reads it for auditors and
inspectors, newest first, by commune and position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from uuid import UUID

import orjson
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    select,
)

from projections.db import ROW_POSITION
from projections.engine import Projection, Write, _sqlite_datetime, _Writer

TRAIL = Table(
    "audit_trail", MetaData(),
    Column("position", ROW_POSITION, primary_key=True, autoincrement=False),
    Column("commune", String(32), nullable=False),
    Column("stream", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("entity", String(36), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=True),
    Column("delay_seconds", BigInteger, nullable=True),
    Column("source", String(255), nullable=False),
    Index("ix_audit_trail_commune", "commune", "position"),
    Index("ix_audit_trail_actor", "commune", "actor", "position"),
    Index("ix_audit_trail_entity", "commune", "entity", "position"),
)

# An entry recorded more than this after it happened is late.
LATE = timedelta(days=1)
# The kind of event every stream records when a clerk corrects a record.
CORRECTION = "Corrected"


def entity_key(originator_id: UUID | str) -> str:
    """A record's id as the trail keeps it: 32 hexadecimal digits, as the
    SQLite store gives it and whatever form it comes in (raises ValueError
    for anything that is not an id)."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    if len(originator_id) == 32 and originator_id.islower() and originator_id.isalnum():
        int(originator_id, 16)  # the SQLite store's form, checked without a UUID
        return originator_id
    return UUID(originator_id).hex


def _moment(value: Any) -> tuple[datetime | None, str | None]:
    """A stored time (``{"_type_": "datetime_iso", "_data_": …}``) as a
    datetime, and its ISO text as stored (None, None for anything else)."""
    if isinstance(value, dict) and isinstance(value.get("_data_"), str):
        text = value["_data_"]
        try:
            return datetime.fromisoformat(text), text
        except ValueError:
            return None, None
    return None, None


def _sqlite_text(moment: datetime, text: str | None) -> str:
    """The moment as SQLite's column keeps it (``_sqlite_datetime``: ISO
    with a space): the stored text is the same ISO form with a "T", so the
    letter is swapped rather than the time formatted again."""
    if text is not None and text[10:11] == "T":
        return f"{text[:10]} {text[11:]}"
    return _sqlite_datetime(moment)


class AuditTrailProjection(Projection):
    name = "audit_trail"
    rebuild_cost = 9.6
    table: ClassVar[Table] = TRAIL
    every_event = True
    reconciled = True

    def prepare_page(self, conn: Connection, page: Sequence[Sequence[Any]]) -> Write:
        """The page's rows as tuples in the table's column order, written in
        one batch: every event of the log passes here, so each is parsed once
        and nothing is built for it that the row does not hold."""
        writer = _Writer(conn, self.table)
        to_db = writer.convert["occurred_at"]  # recorded_at is of the same type
        sqlite = to_db is _sqlite_datetime
        loads, moment, as_text = orjson.loads, _moment, _sqlite_text
        names: dict[str, tuple[str, str]] = {}
        rows = []
        for position, oid, version, topic, state in page:
            try:
                fields = loads(state)
            except orjson.JSONDecodeError:
                fields = {}
            named = names.get(topic)
            if named is None:
                qualified = topic.rpartition(":")[2]
                stream, _, kind = qualified.rpartition(".")
                named = names[topic] = (stream or qualified, kind or qualified)
            occurred, occurred_text = moment(fields.get("occurred_at"))
            recorded, recorded_text = moment(fields.get("timestamp"))
            delay = (int((recorded - occurred).total_seconds())
                     if occurred is not None and recorded is not None else None)
            if sqlite:
                occurred = None if occurred is None else as_text(occurred, occurred_text)
                recorded = None if recorded is None else as_text(recorded, recorded_text)
            elif to_db is not None:
                occurred = None if occurred is None else to_db(occurred)
                recorded = None if recorded is None else to_db(recorded)
            rows.append((position, str(fields.get("commune") or "")[:32], *named,
                         oid if oid.__class__ is str else entity_key(oid), version,
                         str(fields.get("actor") or "")[:64], occurred, recorded, delay,
                         str(fields.get("source") or "")[:255]))

        return self.write_rows(conn, page, rows)


@dataclass(frozen=True)
class TrailFilter:
    actor: str = ""
    stream: str = ""
    kind: str = ""
    start: date | None = None  # recorded on or after
    end: date | None = None  # recorded on or before
    late: bool = False
    corrections: bool = False
    entity: str = ""  # one record's entries only, its id as entity_key gives it


PAGE = 50


def trail(conn: Connection, commune: str, wanted: TrailFilter, before: int | None,
          zone: Any) -> tuple[list[Any], int | None]:
    """A page of the commune's trail, newest first, before a position; and
    the position to ask for the next page with (None on the last)."""
    t = TRAIL.c
    query = select(TRAIL).where(t.commune == commune)
    if wanted.actor:
        query = query.where(t.actor == wanted.actor)
    if wanted.stream:
        query = query.where(t.stream == wanted.stream)
    if wanted.kind:
        query = query.where(t.kind == wanted.kind)
    if wanted.start:
        query = query.where(t.recorded_at >= datetime.combine(wanted.start, time(), zone))
    if wanted.end:
        query = query.where(t.recorded_at < datetime.combine(wanted.end + timedelta(days=1),
                                                             time(), zone))
    if wanted.late:
        query = query.where(t.delay_seconds > int(LATE.total_seconds()))
    if wanted.corrections:
        query = query.where(t.kind == CORRECTION)
    if wanted.entity:
        query = query.where(t.entity == wanted.entity)
    if before is not None:
        query = query.where(t.position < before)
    found = list(conn.execute(query.order_by(t.position.desc()).limit(PAGE + 1)))
    more = found[PAGE - 1].position if len(found) > PAGE else None
    return found[:PAGE], more


def streams(conn: Connection, commune: str) -> list[str]:
    return list(conn.execute(select(TRAIL.c.stream).where(TRAIL.c.commune == commune)
                             .group_by(TRAIL.c.stream).order_by(TRAIL.c.stream)).scalars())
