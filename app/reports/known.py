"""The report "as known at" a moment: every figure computed only from the
events recorded up to that moment, whatever was entered late or corrected
since, so that a report sent is given back exactly as it was sent.

The moment names a position in the log: the last event recorded by then,
as the audit trail (a read model of every event, with its recorded time)
holds it. The figures are then computed from the log up to that position by
the domain's own rules (``from_log``), the report's "today" being the
moment's day in the commune's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from app.reports.from_log import log_report, read_log
from events.application import Ledger
from projections.audit_trail import TRAIL
from projections.periods import Period


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


def position_at(conn: Connection, moment: datetime) -> int:
    """The position of the last event recorded at or before ``moment``."""
    found = conn.execute(select(func.max(TRAIL.c.position)).where(
        TRAIL.c.recorded_at <= moment.astimezone(UTC))).scalar()
    return int(found or 0)


def known_at(conn: Connection, ledger: Ledger, commune: str, period: Period,
             moment: datetime) -> dict[str, Any]:
    """The period report as the log stood at ``moment``."""
    log = read_log(conn, ledger, position_at(conn, moment))
    return log_report(log, commune, period, moment.astimezone(ledger.zone).date(), ledger.zone)
