"""Log-in attempts, as every worker sees them: the throttle counts these rows,
so five failures lock an account whichever workers served them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Table
from sqlmodel import Field, SQLModel

from events.people import Access
from projections.engine import Projection, Rows, handles


class LoginAttemptRow(SQLModel, table=True):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_name", "name", "at"),
                      Index("ix_login_attempt_address", "address", "at"))

    id: str = Field(primary_key=True, max_length=48)  # aggregate id and version
    name: str = Field(max_length=64)
    address: str = Field(max_length=64)
    succeeded: bool
    at: datetime


class AccessProjection(Projection):
    name = "access"
    one_row_per_event = True
    table: Table = LoginAttemptRow.__table__  # type: ignore[attr-defined]

    @handles(Access.LoginFailed)
    def failed(self, rows: Rows, e: Any) -> None:
        self._attempt(rows, e, succeeded=False)

    @handles(Access.LoggedIn)
    def logged_in(self, rows: Rows, e: Any) -> None:
        self._attempt(rows, e, succeeded=True)

    def _attempt(self, rows: Rows, e: Any, succeeded: bool) -> None:
        rows.insert(f"{e.originator_id}:{e.originator_version}", name=e.name[:64],
                    address=e.address[:64], succeeded=succeeded, at=e.recorded_at)

