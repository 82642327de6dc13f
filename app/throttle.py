"""Log-in throttling: five failures within fifteen minutes lock the account
(or the address they came from) for fifteen minutes. Counted from the
failed-log-in events every worker records, never from a counter in one
process.

It fails closed: the events are counted in the ``access`` read model, and
while that has failed or cannot be brought up to the log, recent failures
might be missing from the count, so log-in is refused for the moment rather
than let through unthrottled (and the refusal is not itself a failure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select

from app.service import REQUEST_CATCH_UP_SECONDS, LedgerService
from projections.access import AccessProjection, LoginAttemptRow

LIMIT = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
A = LoginAttemptRow.__table__.c  # type: ignore[attr-defined]
UNAVAILABLE = "Hệ thống đang cập nhật, chưa thể đăng nhập; hãy thử lại sau ít phút."


def unavailable(svc: LedgerService) -> bool:
    """Whether the throttle cannot count now: after a catch-up, the log-in
    attempts' read model has failed or still stands before the end of the log
    as it was when this log-in began. Events recorded since are another
    request's business."""
    head = svc.engine.head()
    svc.catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    access = next(s for s in svc.engine.status() if s.name == AccessProjection.name)
    return access.error is not None or access.position < head


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """Given failure times in order: the end of the lock that the latest run of
    ``LIMIT`` failures within ``WINDOW`` started, if it has not ended yet."""
    for last in range(len(failures) - 1, LIMIT - 2, -1):
        if failures[last] - failures[last - LIMIT + 1] <= WINDOW:
            until = failures[last] + LOCK
            return until if until > now else None
    return None


def lock_for(conn: Connection, name: str, address: str, now: datetime) -> datetime | None:
    since = now - WINDOW - LOCK
    by_name = conn.execute(select(A.at, A.succeeded).where(A.name == name, A.at >= since)
                           .order_by(A.at)).all()
    # A successful log-in clears the name's earlier failures, not the address's.
    after_success = [_utc(at) for at, ok in _since_last_success(by_name)]
    by_address = conn.execute(select(A.at).where(A.address == address, A.at >= since,
                                                 A.succeeded.is_(False))
                              .order_by(A.at)).scalars().all()
    locks = [locked_until(after_success, now), locked_until([_utc(a) for a in by_address], now)]
    return max((lock for lock in locks if lock), default=None)


def _since_last_success(rows):  # type: ignore[no-untyped-def]
    successes = [i for i, (_at, ok) in enumerate(rows) if ok]
    return rows[successes[-1] + 1:] if successes else rows


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
