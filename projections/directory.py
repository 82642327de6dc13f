"""Who and where: registered communes and users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from events.communes import Commune
from events.people import User
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
    full_name: str = Field(default="", max_length=100)  # "" until one is set
    roles: str = Field(max_length=255)  # space-separated, sorted
    commune: str = Field(max_length=32)
    scope: str = Field(default="", max_length=1024)  # further communes, space-separated
    disabled: bool = False
    # Rises with every password change and every disabling: a session
    # remembers the epoch it began in and ends when the epoch moves on.
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
        rows.insert(str(e.originator_id), name=e.name, full_name="", roles=e.role,
                    commune=e.commune, scope="", disabled=False, session_epoch=0,
                    registered_at=e.recorded_at)

    @handles(User.RoleGranted)
    def role_granted(self, rows: Rows, e: Any) -> None:
        self._roles(rows, e, lambda roles: roles | {e.role})

    @handles(User.RoleRevoked)
    def role_revoked(self, rows: Rows, e: Any) -> None:
        self._roles(rows, e, lambda roles: roles - {e.role})

    @handles(User.ScopeAssigned)
    def scope_assigned(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), scope=" ".join(e.communes))

    @handles(User.ScopeChanged)
    def scope_changed(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), scope=" ".join(e.communes))

    @handles(User.Disabled)
    def disabled(self, rows: Rows, e: Any) -> None:
        self._end_sessions(rows, e, disabled=True)

    @handles(User.Enabled)
    def enabled(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), disabled=False)

    @handles(User.FullNameSet)
    def full_name_set(self, rows: Rows, e: Any) -> None:
        rows.update(str(e.originator_id), full_name=e.full_name)

    @handles(User.PasswordChanged)
    def password_changed(self, rows: Rows, e: Any) -> None:
        self._end_sessions(rows, e)

    def _roles(self, rows: Rows, e: Any, change: Any) -> None:
        roles = set(rows.get(str(e.originator_id))["roles"].split())
        rows.update(str(e.originator_id), roles=" ".join(sorted(change(roles))))

    def _end_sessions(self, rows: Rows, e: Any, **values: Any) -> None:
        row = rows.get(str(e.originator_id))
        rows.update(str(e.originator_id), session_epoch=row["session_epoch"] + 1, **values)
