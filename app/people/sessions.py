"""Server-side log-in sessions, so that log-out really ends a session.

The browser's signed cookie carries only a random token; this table says
whether the session it names is still alive. A session ends at log-out,
after 30 idle minutes or 12 hours in all (both configurable), and when the
user's session epoch moves on (password changed, account disabled). Only a
hash of the token is stored: a copy of the database opens no session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Table, insert, select, update
from sqlmodel import Field, SQLModel

# Activity is written back at most this often, not on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


class LoginSession(SQLModel, table=True):
    __tablename__ = "login_session"

    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the token
    user_id: str = Field(max_length=36, index=True)
    epoch: int
    address: str = Field(max_length=64)
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


SESSIONS: Table = LoginSession.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class LiveSession:
    user_id: str
    epoch: int


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def start(conn: Connection, user_id: str, epoch: int, address: str) -> str:
    token = secrets.token_urlsafe(32)
    moment = now()
    conn.execute(insert(SESSIONS).values(id=_key(token), user_id=user_id, epoch=epoch,
                                         address=address[:64], created_at=moment,
                                         last_seen_at=moment))
    return token


def resolve(conn: Connection, token: str, limits: Limits, active: bool) -> LiveSession | None:
    """The session the token names if it is still alive; an ``active``
    request (not a background poll) counts as activity."""
    row = conn.execute(select(SESSIONS).where(SESSIONS.c.id == _key(token))).first()
    moment = now()
    if row is None or row.ended_at is not None:
        return None
    if moment - _aware(row.last_seen_at) > limits.idle or \
            moment - _aware(row.created_at) > limits.absolute:
        end(conn, token)
        return None
    if active and moment - _aware(row.last_seen_at) > TOUCH_INTERVAL:
        conn.execute(update(SESSIONS).where(SESSIONS.c.id == row.id).values(last_seen_at=moment))
    return LiveSession(row.user_id, row.epoch)


def end(conn: Connection, token: str) -> None:
    conn.execute(update(SESSIONS).where(SESSIONS.c.id == _key(token),
                                        SESSIONS.c.ended_at.is_(None)).values(ended_at=now()))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
