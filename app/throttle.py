"""Log-in throttling. An account is locked for fifteen minutes after five
failures against it within fifteen minutes, from wherever they came (a
successful log-in clears its earlier failures). An address is locked only
when it fails against several accounts: five failures within fifteen
minutes against at least three different names, as credential stuffing
does. Behind a reverse proxy a whole office shares one address, so one
attacker's failures against one account must not lock out the colleagues.
A wrong current password on the password page counts as a failure too.

Counted from the failed-log-in events every worker records, never from a
counter in one process. Guesses sent at once would all be counted before any
of them failed, so one password of a name is checked at a time: each check
holds the name's lock from counting the failures to recording its outcome,
and at most five guesses are ever checked within the window.

It fails closed: the events are counted in the ``access`` read model, and
while that has failed or cannot be brought up to the log, recent failures
might be missing from the count, so log-in is refused for the moment rather
than let through unthrottled (and the refusal is not itself a failure)."""

from __future__ import annotations

import fcntl
import hashlib
import os
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from app.service import REQUEST_CATCH_UP_SECONDS, LedgerService
from events.texts import N_
from projections.access import AccessProjection, LoginAttemptRow

LIMIT = 5
ADDRESS_NAMES = 3  # different names an address must fail against to be locked
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
A = LoginAttemptRow.__table__.c  # type: ignore[attr-defined]
UNAVAILABLE = N_("Hệ thống đang cập nhật, chưa thể đăng nhập; hãy thử lại sau ít phút.")
# The first key of the PostgreSQL advisory locks taken here ("LOGI").
ADVISORY_CLASS = 0x4C4F4749
Failure = tuple[datetime, str]  # when, and against which name


@contextmanager
def one_check_at_a_time(svc: LedgerService, name: str) -> Iterator[None]:
    """Hold the lock under which a password of ``name`` is checked and its
    outcome recorded. On PostgreSQL an advisory lock per name, which workers
    on any machine share; on SQLite, whose workers share one machine, a file
    lock next to the database (one for every name: SQLite writes one at a
    time anyway, and a check holds it for a fraction of a second)."""
    if svc.url.is_sqlite:
        with _file_lock(svc.url.sqlite_path.with_name(svc.url.sqlite_path.name + "-login.lock")):
            yield
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)
    with svc.db.begin() as conn:  # the lock ends with this transaction
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_CLASS, key)))
        yield


@contextmanager
def _file_lock(path: os.PathLike[str]) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # each open file is its own holder
        yield
    finally:
        os.close(descriptor)


def unavailable(svc: LedgerService) -> bool:
    """Whether the throttle cannot count now: after a catch-up, the log-in
    attempts' read model has failed or still stands before the end of the log
    as it was when this log-in began. Events recorded since are another
    request's business."""
    head = svc.engine.head()
    svc.catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    access = next(s for s in svc.engine.status() if s.name == AccessProjection.name)
    return access.error is not None or access.position < head


def locked_until(failures: Sequence[Failure], now: datetime, names: int = 1) -> datetime | None:
    """Given failures in time order: the end of the lock that the latest run
    of ``LIMIT`` failures within ``WINDOW`` against at least ``names``
    different names started, if it has not ended yet."""
    times = [at for at, _name in failures]
    for last in range(len(failures) - 1, LIMIT - 2, -1):
        run = failures[bisect_left(times, times[last] - WINDOW, hi=last):last + 1]
        if len(run) >= LIMIT and len({name for _at, name in run}) >= names:
            until = times[last] + LOCK
            return until if until > now else None
    return None


def lock_for(conn: Connection, name: str, address: str, now: datetime) -> datetime | None:
    since = now - WINDOW - LOCK
    by_name = conn.execute(select(A.at, A.succeeded).where(A.name == name, A.at >= since)
                           .order_by(A.at)).all()
    # A successful log-in clears the name's earlier failures, not the address's.
    against_name = [(_utc(at), name) for at, _ok in _since_last_success(by_name)]
    by_address = conn.execute(select(A.at, A.name).where(
        A.address == address, A.at >= since, A.succeeded.is_(False)).order_by(A.at)).all()
    against_address = [(_utc(at), tried) for at, tried in by_address]
    locks = [locked_until(against_name, now),
             locked_until(against_address, now, names=ADDRESS_NAMES)]
    return max((lock for lock in locks if lock), default=None)


def _since_last_success(rows):  # type: ignore[no-untyped-def]
    successes = [i for i, (_at, ok) in enumerate(rows) if ok]
    return rows[successes[-1] + 1:] if successes else rows


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
