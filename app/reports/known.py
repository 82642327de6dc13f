"""The report "as known at" a moment: every figure computed only from the
events recorded up to that moment, whatever was entered late or corrected
since, so that a report sent is given back exactly as it was sent.

The moment names a position in the log: the last event recorded by then,
as the audit trail (a read model of every event, with its recorded time)
holds it. The read models are brought back to that position inside a
transaction (``projections.rewind``: only the records with an event
recorded since are replayed), the ordinary report is read from them, and
the transaction is rolled back; the report's "today" is the moment's day
in the commune's time zone. ``report --check`` and the tests hold it to
the report computed from the log alone (``from_log``).

"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from app.reports.period import period_report
from app.service import LedgerService
from projections.audit_trail import TRAIL, AuditTrailProjection
from projections.db import IMMEDIATE
from projections.periods import Period
from projections.rewind import CannotRewind, rewind


class BadMoment(ValueError):
    """A moment the command line could not read."""


def moment_of(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 moment; without a zone, in the commune's."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadMoment(f"Thời điểm «{text[:64]}» không hợp lệ; hãy viết theo ISO 8601, ví dụ "
                        "2023-06-16T15:30:00+07:00.") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def position_at(conn: Connection, moment: datetime, head: int) -> int:
    """The position of the last event recorded at or before ``moment``, the
    log's head being ``head``. Refused (``CannotRewind``) while the audit
    trail, which says when each event was recorded, has not read the events
    after the last one it holds from before the moment."""
    found, last = conn.execute(select(
        func.max(TRAIL.c.position).filter(TRAIL.c.recorded_at <= moment.astimezone(UTC)),
        func.max(TRAIL.c.position))).one()
    if (last or 0) < head and (found or 0) == (last or 0):
        raise CannotRewind(AuditTrailProjection.name)
    return int(found or 0)


def known_at(service: LedgerService, commune: str, period: Period, moment: datetime
             ) -> dict[str, Any]:
    """The period report as the log stood at ``moment``, from the read
    models as they stand (the caller catches them up); ``CannotRewind`` if
    one of them has not reached that moment."""
    with service.db.connect().execution_options(**IMMEDIATE) as conn:
        transaction = conn.begin()
        try:
            head = conn.exec_driver_sql(service.engine.head_statement).scalar() or 0
            rewind(service.engine, conn, position_at(conn, moment, head), commune)
            return period_report(conn, commune, period,
                                 moment.astimezone(service.ledger.zone).date())
        finally:
            transaction.rollback()
