"""Password hashes live in a table of their own, outside the event log: the
log is exported to auditors and can never forget, and a secret must be able
to be replaced for good. The log records only that a password changed."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Table, delete, insert, select
from sqlmodel import Field, SQLModel

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current parameters


class Credential(SQLModel, table=True):
    __tablename__ = "credential"

    user_name: str = Field(primary_key=True, max_length=64)
    password_hash: str = Field(max_length=255)
    must_change: bool = False
    changed_at: datetime


CREDENTIALS: Table = Credential.__table__  # type: ignore[attr-defined]


def set_password(conn: Connection, user_name: str, password: str, must_change: bool) -> None:
    conn.execute(delete(CREDENTIALS).where(CREDENTIALS.c.user_name == user_name))
    conn.execute(insert(CREDENTIALS).values(
        user_name=user_name, password_hash=_hasher.hash(password), must_change=must_change,
        changed_at=datetime.now(UTC)))


def check_password(conn: Connection, user_name: str, password: str) -> bool:
    stored = conn.execute(select(CREDENTIALS.c.password_hash)
                          .where(CREDENTIALS.c.user_name == user_name)).scalar()
    if stored is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def must_change_password(conn: Connection, user_name: str) -> bool:
    return bool(conn.execute(select(CREDENTIALS.c.must_change)
                             .where(CREDENTIALS.c.user_name == user_name)).scalar())


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    return None
