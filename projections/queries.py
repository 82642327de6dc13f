"""The only door pages and commands use to read projections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, and_, func, or_, select

from events.domain import CHANNELS
from projections.directory import CommuneRow, UserRow
from projections.dossiers import DossierRow
from projections.periods import Period

D = DossierRow.__table__.c  # type: ignore[attr-defined]
U = UserRow.__table__.c  # type: ignore[attr-defined]
C = CommuneRow.__table__.c  # type: ignore[attr-defined]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class DossierCounts:
    carried_over: int
    received: int
    by_channel: dict[str, int]
    resolved: int
    digitised: int
    e_certified: int
    returned: int
    in_progress: int
    in_progress_overdue: int
    online_modes: dict[str, int] = field(default_factory=dict)

    @property
    def online(self) -> int:
        return self.by_channel["truc_tuyen"]

    @property
    def online_rate(self) -> float | None:
        return rate(self.online, self.received)

    @property
    def digitised_rate(self) -> float | None:
        return rate(self.digitised, self.resolved)


def dossier_counts(conn: Connection, commune: str, period: Period, today: date) -> DossierCounts:
    """The counter's tallies for one commune and period, as DOMAIN.md
    defines them; open dossiers are judged at the period's end, or today if
    the period has not ended."""
    start, end, mine = period.start, period.end, D.commune == commune
    judged_on = min(end, today)
    in_period = and_(mine, D.received_on.between(start, end))
    resolved = and_(mine, D.resolved_on.between(start, end))
    open_at_end = and_(mine, D.received_on <= end,
                       or_(D.resolved_on.is_(None), D.resolved_on > end))
    carried = and_(mine, D.received_on < start,
                   or_(D.resolved_on.is_(None), D.resolved_on >= start))
    row = conn.execute(select(
        _count(carried), _count(in_period), _count(resolved),
        _count(and_(resolved, D.digitised)), _count(and_(resolved, D.e_certified)),
        _count(and_(mine, D.returned_on.between(start, end))), _count(open_at_end),
        _count(and_(open_at_end, D.due_date < judged_on)),
    )).one()
    channels = dict.fromkeys(CHANNELS, 0) | _grouped(conn, D.channel, in_period)
    modes = _grouped(conn, D.online_mode, and_(in_period, D.channel == "truc_tuyen"))
    return DossierCounts(row[0], row[1], channels, row[2], row[3], row[4], row[5], row[6],
                         row[7], modes)


def _count(condition):  # type: ignore[no-untyped-def]
    return func.count().filter(condition)


def _grouped(conn: Connection, column, condition) -> dict[str, int]:  # type: ignore[no-untyped-def]
    query = select(column, func.count()).where(condition).group_by(column)
    return {key: count for key, count in conn.execute(query)}


@dataclass(frozen=True)
class DossierListing:
    code: str
    procedure_code: str
    applicant: str
    channel: str
    received_at: object
    due_date: date
    resolved_on: date | None
    returned_on: date | None


def recent_dossiers(conn: Connection, commune: str, search: str = "",
                    limit: int = 50) -> Sequence[DossierListing]:
    query = select(D.code, D.procedure_code, D.applicant, D.channel, D.received_at,
                   D.due_date, D.resolved_on, D.returned_on).where(D.commune == commune)
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(or_(D.code.like(pattern), D.applicant.like(pattern)))
    query = query.order_by(D.received_at.desc(), D.code.desc()).limit(limit)
    return [DossierListing(*row) for row in conn.execute(query)]


def dossier_commune(conn: Connection, communes: Sequence[str], code: str) -> str | None:
    """Which of these communes holds the dossier with this code, if any."""
    query = select(D.commune).where(D.commune.in_(communes), D.code == code).limit(1)
    return conn.execute(query).scalar()


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    roles: tuple[str, ...]
    commune: str
    scope: tuple[str, ...]
    disabled: bool
    session_epoch: int

    @property
    def communes(self) -> tuple[str, ...]:
        """The communes this user may read: their own and any assigned."""
        return (self.commune, *[c for c in self.scope if c != self.commune])


_ACCOUNT = (U.id, U.name, U.roles, U.commune, U.scope, U.disabled, U.session_epoch)


def _account(row) -> Account | None:  # type: ignore[no-untyped-def]
    if row is None:
        return None
    return Account(row.id, row.name, tuple(row.roles.split()), row.commune,
                   tuple(row.scope.split()), row.disabled, row.session_epoch)


def account_by_name(conn: Connection, name: str) -> Account | None:
    return _account(conn.execute(select(*_ACCOUNT).where(U.name == name)).first())


def account_by_id(conn: Connection, user_id: str) -> Account | None:
    return _account(conn.execute(select(*_ACCOUNT).where(U.id == user_id)).first())


def accounts(conn: Connection, communes: Sequence[str]) -> list[Account]:
    rows = conn.execute(select(*_ACCOUNT).where(U.commune.in_(communes)).order_by(U.name))
    return [a for a in map(_account, rows) if a]


def communes(conn: Connection) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in conn.execute(select(C.code, C.name).order_by(C.code))]


def commune_name(conn: Connection, code: str) -> str | None:
    return conn.execute(select(C.name).where(C.code == code)).scalar()
