"""Who and where: registered communes and users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from events.domain import Commune, User
from projections.engine import Projection, Rows, handles


class CommuneRow(SQLModel, table=True):
    __tablename__ = "commune"

    id: str = Field(primary_key=True, max_length=36)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=255)
    registered_at: datetime


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    commune: str = Field(max_length=32)
    # Rises with every password change: a session remembers the epoch it
    # began in and ends when the epoch moves on.
    session_epoch: int = 0
    registered_at: datetime


class CommuneProjection(Projection):
    name = "communes"
    table: Table = CommuneRow.__table__  # type: ignore[attr-defined]

    @handles(Commune.Registered)
    def registered(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), code=e.commune, name=e.name,
                    registered_at=e.recorded_at)


class UserProjection(Projection):
    name = "users"
    table: Table = UserRow.__table__  # type: ignore[attr-defined]

    @handles(User.Registered)
    def registered(self, rows: Rows, e: Any) -> None:
        rows.insert(str(e.originator_id), name=e.name, role=e.role, commune=e.commune,
                    session_epoch=0, registered_at=e.recorded_at)

    @handles(User.PasswordChanged)
    def password_changed(self, rows: Rows, e: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(str(e.originator_id), session_epoch=row["session_epoch"] + 1)
