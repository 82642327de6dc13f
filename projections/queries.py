"""The only door pages and commands use to read projections."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    String,
    Table,
    TypeDecorator,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    union,
    union_all,
)

from events.base import EARLIEST_DAY, SYSTEM_ACTOR
from events.dossiers import IN_PROGRESS, OPEN, standing, timeliness
from events.dossiers.values import CHANNELS
from events.people import DOSSIER_ROLES, PROVINCE_ADMIN, SCOPED_ROLES
from events.targets import INDICATORS, met
from events.targets.indicators import COUNT
from projections import search, tallies
from projections.catalogue import ProcedureRow
from projections.directory import CommuneRow, UserRow
from projections.dossiers import FACT_COLUMNS, DossierRow
from projections.periods import Period
from projections.tallies import DossierTallyRow
from projections.targets import TargetRow

DOSSIERS: Table = DossierRow.__table__  # type: ignore[attr-defined]
D = DOSSIERS.c
PR = ProcedureRow.__table__.c  # type: ignore[attr-defined]
ONE_DAY = timedelta(days=1)
SYSTEM_NAME = "Hệ thống"
U = UserRow.__table__.c  # type: ignore[attr-defined]
C = CommuneRow.__table__.c  # type: ignore[attr-defined]
T = DossierTallyRow.__table__.c  # type: ignore[attr-defined]


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class DossierCounts:
    """The counter's tallies for one period, as DOMAIN.md defines them."""

    carried_over: int
    received: int
    by_channel: dict[str, int]
    resolved: int
    early: int
    on_time: int
    late: int
    digitised: int
    e_certified: int
    returned: int
    in_progress: int
    in_progress_overdue: int
    refused: int
    withdrawn: int
    stopped: int
    apologies: int
    online_modes: dict[str, int] = field(default_factory=dict)
    fees_paid: int = 0    # dossiers whose fee was paid in the period
    paid_online: int = 0  # of which paid online

    @property
    def online_payment_rate(self) -> float | None:
        return rate(self.paid_online, self.fees_paid)

    @property
    def online(self) -> int:
        return self.by_channel["truc_tuyen"]

    @property
    def online_rate(self) -> float | None:
        return rate(self.online, self.received)

    @property
    def digitised_rate(self) -> float | None:
        return rate(self.digitised, self.resolved)

    @property
    def in_progress_on_time(self) -> int:
        return self.in_progress - self.in_progress_overdue

    def as_json(self) -> dict[str, object]:
        """The ``dossiers`` section of the report (CONTRACT.md)."""
        return {"carried_over": self.carried_over, "received": self.received,
                "by_channel": self.by_channel, "online_rate": self.online_rate,
                "resolved": self.resolved, "early": self.early, "on_time": self.on_time,
                "late": self.late, "in_progress": self.in_progress,
                "in_progress_overdue": self.in_progress_overdue, "refused": self.refused,
                "withdrawn": self.withdrawn, "stopped": self.stopped,
                "returned": self.returned, "digitised_rate": self.digitised_rate,
                "e_certified": self.e_certified, "apologies": self.apologies,
                "online_modes": self.online_modes, "fees_paid": self.fees_paid,
                "paid_online": self.paid_online,
                "online_payment_rate": self.online_payment_rate}


def _between(column, period: Period):  # type: ignore[no-untyped-def]
    return column.between(period.start, period.end)


def _open_on(day: date):  # type: ignore[no-untyped-def]
    """Received by ``day`` (not refused) and neither resolved nor ended by it."""
    return and_(D.received_on <= day, D.refused_on.is_(None),
                *[or_(c.is_(None), c > day) for c in (D.resolved_on, D.withdrawn_on,
                                                      D.stopped_on)])


def _due_in_force(day: date):  # type: ignore[no-untyped-def]
    """``standing.due_in_force``: the due date in force at the end of ``day``
    (NULL while the clock is paused for a supplement)."""
    supplemented = and_(D.supplement_received_on.is_not(None), D.supplement_received_on <= day)
    paused = and_(D.supplement_requested_on.is_not(None), D.supplement_requested_on <= day)
    return case((supplemented, D.due_date), (paused, None), else_=D.due_before_supplement)


def _overdue_on(day: date, judged_on: date):  # type: ignore[no-untyped-def]
    """``standing``'s rule: open at the end of ``day``, and past the due date
    in force on ``judged_on``."""
    return and_(_open_on(day), _due_in_force(judged_on) < judged_on)


def dossier_counts(conn: Connection, commune: str | Sequence[str], period: Period,
                   today: date) -> DossierCounts:
    """``standing.counts`` for the period, from the tallies the dossier read
    model keeps by day (``projections.tallies``): the day figures summed
    over the period's days; open and overdue at the end of the day before it
    and of its last day, each from at most a row a year of the commune's
    history plus 42. Open dossiers are judged at the period's end, or today
    if it has not ended; one waiting for a supplement has its clock stopped.
    Judged before its end, the dossiers received or ended after today and by
    the end are read as well, to judge them by the rule: none, when today is
    the real one, as no step is dated ahead of the clock."""
    communes = [commune] if isinstance(commune, str) else list(commune)
    judged_on = min(period.end, today)
    days = {"end": period.end, "judged": judged_on}
    if period.start > date.min:
        days["before"] = period.start - ONE_DAY
    sums, held = _kept(conn, communes, period, days)
    overdue = held.get(("end", tallies.OVERDUE), 0)
    if judged_on < period.end:
        overdue = tallies.overdue_judged_before_end(
            held.get(("judged", tallies.OVERDUE), 0),
            _moving(conn, communes, judged_on, period.end), judged_on, period.end)
    found = tallies.figures(sums, held.get(("before", tallies.OPEN), 0),
                            held.get(("end", tallies.OPEN), 0), overdue)
    return DossierCounts(**found)


def _kept(conn: Connection, communes: Sequence[str], period: Period, days: dict[str, date]
          ) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """In one statement: the day metrics' sums over the period, and the held
    figures at the end of each of ``days`` (by its name and the figure)."""
    total = cast(func.sum(T.count), BigInteger)
    mine = T.commune.in_(communes)
    parts = [select(literal("sum").label("at"), T.metric, total)
             .where(mine, T.metric.in_(tallies.DAILY_METRICS),
                    T.day.between(period.start, period.end)).group_by(T.metric)]
    for name, day in days.items():
        for suffix, after, upto in tallies.held_spans(day):
            span = T.day <= upto if after is None else T.day.between(after, upto)
            parts.append(select(literal(name).label("at"), T.metric, total)
                         .where(mine, T.metric.in_([m + suffix for m in tallies.HELD]), span)
                         .group_by(T.metric))
    sums: dict[str, int] = {}
    held: dict[tuple[str, str], int] = {}
    for at, metric, n in conn.execute(union_all(*parts)):
        if at == "sum":
            sums[metric] = n
        else:
            key = (at, metric.partition(":")[0])
            held[key] = held.get(key, 0) + n
    return sums, held


def _moving(conn: Connection, communes: Sequence[str], after: date, end: date
            ) -> list[standing.Facts]:
    """The dossiers received, resolved, withdrawn or stopped on a day after
    ``after`` and by ``end``, each once, through the indexes on those days."""
    parts = [select(D.id, *FACTS).where(D.commune.in_(communes), column > after, column <= end)
             for column in (D.received_on, D.resolved_on, D.withdrawn_on, D.stopped_on)]
    return [facts_of(row) for row in conn.execute(union(*parts))]


@dataclass(frozen=True)
class MonthTally:
    """One month's received dossiers by channel and resolved ones by
    timeliness, as ``dossier_counts`` counts them for that month."""

    month: Period
    by_channel: dict[str, int]
    by_timeliness: dict[str, int]  # early, on_time, late


def monthly_tallies(conn: Connection, commune: str | Sequence[str], months: Sequence[Period]
                    ) -> list[MonthTally]:
    """Per month (``periods.months_of``): the day metrics ``dossier_counts``
    sums for received by channel and resolved by timeliness, summed over each
    month's days from the kept tallies, all months in one statement."""
    if not months:
        return []
    which = case(*[(T.day.between(m.start, m.end), literal(n)) for n, m in enumerate(months)],
                 else_=literal(-1))
    wanted = [f"received/{c}" for c in CHANNELS] + list(tallies.RESOLVED.values())
    rows = conn.execute(select(which.label("month"), T.metric, cast(func.sum(T.count), BigInteger))
                        .where(T.commune.in_(_communes(commune)), T.metric.in_(wanted),
                               T.day.between(months[0].start, months[-1].end))
                        .group_by(which, T.metric))
    sums: list[dict[str, int]] = [{} for _ in months]
    for n, metric, total in rows:
        if n >= 0:
            sums[n][metric] = int(total)
    return [MonthTally(m, {c: s.get(f"received/{c}", 0) for c in CHANNELS},
                       {key: s.get(metric, 0) for key, metric in (
                           ("early", tallies.RESOLVED[timeliness.EARLY]),
                           ("on_time", tallies.RESOLVED[timeliness.ON_TIME]),
                           ("late", tallies.RESOLVED[timeliness.LATE]))})
            for m, s in zip(months, sums, strict=True)]

def _count(condition):  # type: ignore[no-untyped-def]
    return func.count().filter(condition)


@dataclass(frozen=True)
class ProcedureTally:
    procedure_code: str
    name: str
    field: str
    received: int
    resolved: int
    late: int
    in_progress: int


def tallies_by_procedure(conn: Connection, commune: str, period: Period) -> list[ProcedureTally]:
    """Received, resolved, late and open at the end, per procedure (with its
    field, from the catalogue), for the breakdowns by procedure and by field:
    from the rows received or resolved in the period and those open at its
    end (``open_at``), each read through an index."""
    mine = D.commune == commune
    found: dict[str, list[int]] = {}
    received = (select(D.procedure_code, func.count())
                .where(mine, _between(D.received_on, period), D.refused_on.is_(None))
                .group_by(D.procedure_code))
    for code, n in conn.execute(received):
        found.setdefault(code, [0, 0, 0, 0])[0] = n
    resolved = (select(D.procedure_code, func.count(), _count(D.resolved_on > D.due_date))
                .where(mine, _between(D.resolved_on, period)).group_by(D.procedure_code))
    for code, n, late in conn.execute(resolved):
        found.setdefault(code, [0, 0, 0, 0])[1:3] = [n, late]
    for row in open_at(conn, commune, period.end):
        found.setdefault(row.procedure_code, [0, 0, 0, 0])[3] += 1
    listed = {row.code: (row.name, row.field) for row in conn.execute(
        select(PR.code, PR.name, PR.field).where(PR.commune == commune, PR.code.in_(found)))}
    out = [ProcedureTally(code, *listed.get(code, ("", "")), *counts)
           for code, counts in found.items()]
    return sorted(out, key=lambda t: (t.field, t.procedure_code))


UNKNOWN_FIELD = "(chưa rõ lĩnh vực)"


def tallies_by_field(tallies: Sequence[ProcedureTally]) -> dict[str, dict[str, int]]:
    fields: dict[str, dict[str, int]] = {}
    for t in tallies:
        into = fields.setdefault(t.field or UNKNOWN_FIELD, dict.fromkeys(
            ("received", "resolved", "late", "in_progress"), 0))
        for key in into:
            into[key] += getattr(t, key)
    return fields


@dataclass(frozen=True)
class DossierListing:
    code: str
    procedure_code: str
    applicant: str
    channel: str
    status: str
    received_at: object
    due_date: date
    resolved_on: date | None
    returned_on: date | None


@dataclass(frozen=True)
class DossierFilter:
    """What the dossier list shows: every criterion optional."""

    search: str = ""
    status: str = ""
    channel: str = ""
    field: str = ""
    overdue: bool = False
    overdue_on: date | None = None  # open then and past the due date in force then
    due_by: date | None = None  # open and due on or before this day
    received_in: Period | None = None  # received on a day of the period


PAGE_SIZE = 50


@dataclass(frozen=True)
class ListSort:
    """The list's order: by one of ``SORTS`` and then by code, each way.
    Each order has its index (``DossierRow``), which pages read from a key on."""

    by: str = "received"
    descending: bool = True


# The columns a list can be sorted by, and the way each is first shown:
# the newest receipt first, the others from A (or the earliest due date).
SORTS = {"received": True, "code": False, "due": False, "applicant": False}
NEWEST_FIRST = ListSort()


@dataclass(frozen=True)
class ListKey:
    """A row's place in the list: its value of the sort's column and its code,
    the "after" (or "before") of the next (or previous) page, so that a page
    is read through the sort's index from that place on, never by skipping
    the rows before it. By received time (the default) the value is that
    time; by due date a day; by applicant the folded name; by code the code."""

    value: datetime | date | str
    code: str

    def __str__(self) -> str:
        value = self.value
        shown = value.isoformat() if isinstance(value, date) else value
        return f"{shown}~{self.code}"

    @classmethod
    def parse(cls, text: str, by: str = "received") -> ListKey | None:
        """The key from its text, or None for anything else (a link edited
        by hand starts the list from its beginning)."""
        shown, sep, code = text.partition("~")
        if not sep or not code:
            return None
        try:
            value = _key_value(shown, by)
        except ValueError:
            return None
        return None if value is None else cls(value, code)


def _key_value(shown: str, by: str) -> datetime | date | str | None:
    if by == "received":
        at = datetime.fromisoformat(shown)
        return at if at.tzinfo is not None else None
    if by == "due":
        return date.fromisoformat(shown)
    return shown if by in SORTS else None


@dataclass(frozen=True)
class DossierPage:
    rows: list[DossierListing]
    after: ListKey | None  # the next page's, if there is one
    before: ListKey | None  # the previous page's, if there is one


_LIST_COLUMNS = (D.code, D.procedure_code, D.applicant, D.channel, D.status, D.received_at,
                 D.due_date, D.resolved_on, D.returned_on)


def find_dossiers(conn: Connection, commune: str, wanted: DossierFilter, today: date,
                  limit: int | None = PAGE_SIZE, after: ListKey | None = None,
                  before: ListKey | None = None, order: ListSort = NEWEST_FIRST,
                  ) -> Sequence[DossierListing]:
    """The first ``limit`` dossiers that match in this order, after the row
    ``after`` (or the ``limit`` just before the row ``before``, still in
    this order); every one that matches when ``limit`` is None."""
    return [row for row, _ in _found(conn, commune, wanted, today, limit, after, before, order)]


def every_dossier(conn: Connection, commune: str, wanted: DossierFilter, today: date,
                  order: ListSort = NEWEST_FIRST) -> Iterator[DossierListing]:
    """Every dossier that matches, in this order, fetched a thousand at a
    time (through a server-side cursor on PostgreSQL, planned for all its
    rows, as ``received_in``), so that the export of a long list streams."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")
    for row, _ in _found(conn, commune, wanted, today, None, None, None, order, stream=True):
        yield row


def _found(conn: Connection, commune: str, wanted: DossierFilter, today: date,
           limit: int | None, after: ListKey | None, before: ListKey | None, order: ListSort,
           stream: bool = False) -> Iterator[tuple[DossierListing, ListKey]]:
    """The rows of ``find_dossiers`` with their keys, as the database hands
    them over (backwards from ``before``, then turned round)."""
    column, value = _sort_column(conn, order.by)
    columns = [D.code] if order.by == "code" else [column, D.code]  # the code decides ties
    query = (select(*_LIST_COLUMNS, column).where(*_matching(conn, commune, wanted, today))
             .limit(limit))
    if stream:
        query = query.execution_options(yield_per=1000)
    downwards = order.descending != (before is not None)  # the way the rows are read
    if place := before or after:
        keyed = tuple_(*columns) if len(columns) > 1 else columns[0]
        at = literal(place.code, String) if order.by == "code" else \
            tuple_(value(place), literal(place.code, String))
        query = query.where(keyed < at if downwards else keyed > at)
    rows = conn.execute(query.order_by(*(c.desc() if downwards else c for c in columns)))
    found = ((DossierListing(*row[:-1]), _key(row[-1], row.code, order.by)) for row in rows)
    return reversed(list(found)) if before is not None else found


def dossier_page(conn: Connection, commune: str, wanted: DossierFilter, today: date,
                 after: ListKey | None = None, before: ListKey | None = None,
                 size: int = PAGE_SIZE, order: ListSort = NEWEST_FIRST) -> DossierPage:
    """One page of the list, with the keys of the pages beside it: one row
    more than the page is read to know whether another follows."""
    rows = list(_found(conn, commune, wanted, today, size + 1, after, before, order))
    if before is not None:
        more_before, rows = len(rows) > size, rows[-size:]
        more_after = True
    else:
        more_after, rows = len(rows) > size, rows[:size]
        more_before = after is not None
    if not rows:
        return DossierPage([], None, None)
    return DossierPage([row for row, _ in rows], rows[-1][1] if more_after else None,
                       rows[0][1] if more_before else None)


def count_dossiers(conn: Connection, commune: str, wanted: DossierFilter, today: date) -> int:
    """How many dossiers match, through the same indexes as the list."""
    query = select(func.count()).select_from(DOSSIERS).where(
        *_matching(conn, commune, wanted, today))
    return int(conn.execute(query).scalar_one())


def _key(value: Any, code: str, by: str) -> ListKey:
    if by == "received" and not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))  # SQLite's text, compared as text
    elif by == "due" and not isinstance(value, date):
        value = date.fromisoformat(str(value))
    return ListKey(value, code)


def _sort_column(conn: Connection, by: str):  # type: ignore[no-untyped-def]
    """The sort's column, and how a key's value is compared with it. SQLite
    holds received times as text in the business zone (the writer's
    format), which sorts as the times do, and is compared as text."""
    if by == "received":
        if conn.dialect.name == "sqlite":
            # A key's time comes from a row, with the offset it was stored with.
            return (type_coerce(D.received_at, String),
                    lambda key: literal(key.value.isoformat(" "), String))
        return D.received_at, lambda key: literal(key.value, D.received_at.type)
    column = {"code": D.code, "due": D.due_date, "applicant": D.applicant_key}[by]
    return column, lambda key: literal(key.value, column.type)


def _matching(conn: Connection, commune: str, wanted: DossierFilter, today: date) -> list:  # type: ignore[type-arg]
    found = [D.commune == commune, *_conditions(wanted, today)]
    if text := search.searched(wanted.search):
        found.append(search.matches(conn, DOSSIERS, "search_text", text))
    if wanted.field:
        found.append(D.procedure_code.in_(
            select(PR.code).where(PR.commune == commune, PR.field == wanted.field)))
    return found


def _conditions(wanted: DossierFilter, today: date) -> list:  # type: ignore[type-arg]
    found = []
    if wanted.status:
        found.append(D.status == wanted.status)
    if wanted.channel:
        found.append(D.channel == wanted.channel)
    if wanted.overdue:
        found += [D.status == IN_PROGRESS, D.due_date < today]
    if wanted.overdue_on:
        found.append(_overdue_on(wanted.overdue_on, wanted.overdue_on))
    if wanted.due_by:
        found += [D.status == IN_PROGRESS, D.due_date.between(today, wanted.due_by)]
    if wanted.received_in:
        found.append(_between(D.received_on, wanted.received_in))
    return found


def recent_dossiers(conn: Connection, commune: str, search: str = "",
                    limit: int = 50) -> Sequence[DossierListing]:
    return find_dossiers(conn, commune, DossierFilter(search=search), date.today(), limit)


def overdue_and_due_soon(conn: Connection, commune: str, today: date, soon: date | None,
                         limit: int = 20, judged_on: date | None = None,
                         ) -> tuple[list[DossierListing], list[DossierListing]]:
    """The dashboard's panel: dossiers overdue at the end of ``judged_on``
    (today unless a period ended before it), counted as the period's
    "trong đó quá hạn" counts them, and those due from today up to ``soon``;
    each list the ``limit`` first by due date."""
    day = judged_on or today
    late = sorted((row for row in open_at(conn, commune, day)
                   if standing.is_overdue(open_facts(row), day)),
                  key=lambda row: (row.due_date, row.code))[:limit]
    coming = find_dossiers(conn, commune, DossierFilter(due_by=soon), today, 1000) \
        if soon else []
    return ([DossierListing(*(getattr(row, c) for c in _LISTED)) for row in late],
            sorted(coming, key=lambda d: (d.due_date, d.code))[:limit])


_LISTED = ("code", "procedure_code", "applicant", "channel", "status", "received_at",
           "due_date", "resolved_on", "returned_on")
WINDOW = timedelta(days=14)


def open_at(conn: Connection, commune: str, day: date) -> list[Any]:
    """The dossiers open at the end of ``day`` (``standing.is_open``, as
    ``_open_on`` says it in SQL), with the list's columns and the ``FACTS``,
    read through indexes rather than over the commune's whole history: those
    still open now, received by that day (the status index); then, back from
    that day by the day of receipt in windows that double, those ended
    since, until as many are found as the kept tallies say were open then.
    Most were received in the weeks before the day, so a window or two
    suffices."""
    expected = _held_on(conn, [commune], day, tallies.OPEN)
    columns = [D[c] for c in _LISTED if c not in FACT_COLUMNS] + list(FACTS)
    found: list[Any] = []

    # Still open now: through the status index (a term on the day of receipt
    # would lead SQLite to the receipts' index, over the whole commune).
    found.extend(row for row in conn.execute(
        select(D.id, *columns).where(D.commune == commune, D.status.in_(OPEN)))
        if standing.is_open(open_facts(row), day))
    upto, span = day, WINDOW
    while len(found) < expected and upto >= EARLIEST_DAY:
        found.extend(conn.execute(select(D.id, *columns).where(
            D.commune == commune, D.status.not_in(OPEN), D.received_on > upto - span,
            D.received_on <= upto, _open_on(day))))
        upto, span = upto - span, span * 2
    return found


# Where ``open_at``'s rows hold the FACTS: after the id and the listed columns.
_OPEN_FACTS = slice(1 + len([c for c in _LISTED if c not in FACT_COLUMNS]), None)


def open_facts(row: Any) -> standing.Facts:
    """The facts of a row of ``open_at`` (by position, as ``book_facts``)."""
    return standing.Facts._make(row[_OPEN_FACTS])


def _held_on(conn: Connection, communes: Sequence[str], day: date, figure: str) -> int:
    """A held figure (open, overdue) at the end of ``day``, from the tallies."""
    total = cast(func.sum(T.count), BigInteger)
    parts = [select(total).where(T.commune.in_(communes), T.metric == figure + suffix,
                                 T.day <= upto if after is None else T.day.between(after, upto))
             for suffix, after, upto in tallies.held_spans(day)]
    return sum(n or 0 for n in conn.execute(union_all(*parts)).scalars())


FACTS = tuple(D[name] for name in FACT_COLUMNS)


_FACT_VALUES = attrgetter(*FACT_COLUMNS)


def facts_of(row: Any) -> standing.Facts:
    """A row selected with the ``FACTS`` columns, as the pure rule takes it."""
    return standing.Facts(*_FACT_VALUES(row))


class _Moment(TypeDecorator[datetime]):
    """A stored moment read for printing only: as the driver gives it (an
    aware datetime on PostgreSQL), or parsed from SQLite's ISO text, which
    holds its offset, in one call: the general type's conversion costs as
    much as the rest of a book's row."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) else value


def received_in(conn: Connection, commune: str, period: Period) -> Iterator[Any]:
    """Dossiers received in the period, in the order they were received: the
    tracking book's lines, with the ``FACTS`` (``book_facts``) to judge them
    as of its end; fetched a thousand at a time (through a server-side
    cursor on PostgreSQL), so that a long period streams."""
    query = (select(D.code, D.procedure_code, D.applicant,
                    type_coerce(D.received_at, _Moment()), D.appointment_date,
                    D.status, *FACTS)
             .where(D.commune == commune, D.received_on.between(period.start, period.end))
             .order_by(D.received_at, D.code).execution_options(yield_per=1000))
    if conn.dialect.name == "postgresql":
        # A cursor is planned for its first rows (cursor_tuple_fraction 0.1):
        # the list's index in order, over the commune's whole history. The
        # book reads every row of its period: plan for all of them.
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1")
    for rows in conn.execute(query).partitions():  # a thousand at a time: cheaper than one by one
        yield from rows


_BOOK_FACTS = slice(6, None)  # where ``received_in``'s rows hold the FACTS


def book_facts(row: Any) -> standing.Facts:
    """The facts of a row of ``received_in`` (by position: a month's book
    reads thousands, and a row's attributes cost more)."""
    return standing.Facts._make(row[_BOOK_FACTS])


def recorded_facts(conn: Connection, commune: str) -> Sequence[Any]:
    """What is recorded of every dossier of a commune, for an import to tell
    new facts from known and contradicting ones."""
    return conn.execute(
        select(D.code, D.procedure_code, D.applicant, D.channel, D.online_mode,
               D.received_at, D.original_due_date, D.resolved_on, D.digitised,
               D.e_certified, D.returned_on, D.refused_on, D.withdrawn_on, D.stopped_on)
        .where(D.commune == commune)).all()


def open_dossier_codes(conn: Connection, commune: str) -> list[str]:
    """The codes of the commune's dossiers still in the counter's hands."""
    query = select(D.code).where(D.commune == commune, D.status.in_(OPEN))
    return list(conn.execute(query).scalars())


NATIONAL_CODE = re.compile(r"^(?P<unit>.+)-\d{6}-(?P<n>\d{4,})$")


def suggested_dossier_code(conn: Connection, commune: str, day: date) -> str:
    """The next code in the national form (DOMAIN.md: unit code, yyMMdd,
    daily sequence, "000.00.12.H23-230213-0007") for a dossier received on
    ``day``: the unit code the commune's latest such codes use (its own code
    if none has), and one more than the day's highest sequence, through the
    index on (commune, code)."""
    recent = conn.execute(select(D.code).where(D.commune == commune)
                          .order_by(D.received_at.desc()).limit(20)).scalars()
    unit = next((m["unit"] for code in recent if (m := NATIONAL_CODE.match(code))), commune)
    prefix = f"{unit}-{day:%y%m%d}-"
    taken = conn.execute(select(D.code).where(D.commune == commune, D.code >= prefix,
                                              D.code < prefix + "\uffff")).scalars()
    highest = max((int(m["n"]) for code in taken
                   if (m := NATIONAL_CODE.match(code)) and code.startswith(prefix)), default=0)
    return f"{prefix}{highest + 1:04d}"


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
    full_name: str = ""

    @property
    def shown_name(self) -> str:
        """The full name where one is set, else the log-in name."""
        return self.full_name or self.name

    @property
    def communes(self) -> tuple[str, ...]:
        """The communes this user may read: their own and, for a reader, any
        assigned (a scope a commune admin gave before only the province
        could is ignored)."""
        if not set(self.roles) & set(SCOPED_ROLES):
            return (self.commune,)
        return (self.commune, *[c for c in self.scope if c != self.commune])

    @property
    def province_level(self) -> bool:
        """Managed by the province, not by the commune's admin: taking the
        account over would reach other communes."""
        return PROVINCE_ADMIN in self.roles or len(self.communes) > 1


_ACCOUNT = (U.id, U.name, U.roles, U.commune, U.scope, U.disabled, U.session_epoch,
            U.full_name)


def _account(row) -> Account | None:  # type: ignore[no-untyped-def]
    if row is None:
        return None
    return Account(row.id, row.name, tuple(row.roles.split()), row.commune,
                   tuple(row.scope.split()), row.disabled, row.session_epoch, row.full_name)


def account_by_name(conn: Connection, name: str) -> Account | None:
    return _account(conn.execute(select(*_ACCOUNT).where(U.name == name)).first())


def account_by_id(conn: Connection, user_id: str) -> Account | None:
    return _account(conn.execute(select(*_ACCOUNT).where(U.id == user_id)).first())


def accounts(conn: Connection, communes: Sequence[str]) -> list[Account]:
    rows = conn.execute(select(*_ACCOUNT).where(U.commune.in_(communes)).order_by(U.name))
    return [a for a in map(_account, rows) if a]


def readers(conn: Connection) -> list[Account]:
    """Every commune's inspectors and auditors, and whoever holds a scope:
    the accounts a province admin grants communes to (or revokes them)."""
    rows = conn.execute(select(*_ACCOUNT).order_by(U.commune, U.name))
    return [a for a in map(_account, rows)
            if a and (a.scope or set(a.roles) & set(SCOPED_ROLES))]


def admin_names(conn: Connection, commune: str) -> list[str]:
    """The commune's enabled admins."""
    query = select(U.name, U.roles).where(U.commune == commune, U.disabled.is_(False))
    return [row.name for row in conn.execute(query) if "admin" in row.roles.split()]


def colleagues(conn: Connection, commune: str) -> list[tuple[str, str]]:
    """Who may receive a dossier of the commune (``Ledger.hand_over``'s rule:
    enabled, of the commune, with a role that acts on dossiers), as (log-in
    name, "full name (log-in name)"), by name."""
    found = [a for a in accounts(conn, [commune])
             if not a.disabled and set(a.roles) & set(DOSSIER_ROLES)]
    return sorted(((a.name, f"{a.full_name} ({a.name})" if a.full_name else a.name)
                   for a in found), key=lambda pair: (fold(pair[1]), pair[0]))


def staff_names(conn: Connection, names: Iterable[str]) -> dict[str, str]:
    """Log-in name → the name to show for it: the full name where one is
    set, else the log-in name itself (also for names no user has); the
    system's own actor as "Hệ thống"."""
    wanted = set(names)
    shown = {name: SYSTEM_NAME if name == SYSTEM_ACTOR else name for name in wanted}
    if wanted:
        query = select(U.name, U.full_name).where(U.name.in_(wanted), U.full_name != "")
        shown.update({row.name: row.full_name for row in conn.execute(query)})
    return shown


def communes(conn: Connection) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in conn.execute(select(C.code, C.name).order_by(C.code))]


def commune_name(conn: Connection, code: str) -> str | None:
    return conn.execute(select(C.name).where(C.code == code)).scalar()


# -- the procedure catalogue ---------------------------------------------------

_COLUMNS = (PR.code, PR.name, PR.field, PR.authority, PR.inter_agency, PR.working_days,
            PR.fee, PR.online_address, PR.abolished, PR.listed_at)


@dataclass(frozen=True)
class ProcedureListing:
    code: str
    name: str
    field: str
    authority: str
    inter_agency: bool
    working_days: int
    fee: int
    online_address: str
    abolished: bool
    listed_at: datetime

    @property
    def terms(self) -> dict[str, object]:
        return {"name": self.name, "field": self.field, "authority": self.authority,
                "inter_agency": self.inter_agency, "working_days": self.working_days,
                "fee": self.fee, "online_address": self.online_address}


def procedure(conn: Connection, commune: str, code: str) -> ProcedureListing | None:
    """One procedure of the commune by its code, abolished or not."""
    row = conn.execute(select(*_COLUMNS).where(PR.commune == commune, PR.code == code)).first()
    return ProcedureListing(*row) if row else None


def procedure_code_as_listed(conn: Connection, commune: str, typed: str) -> str:
    """The catalogue's code for what a clerk typed: the code in another case
    ("demo.01" for "DEMO.01"), or the name of a procedure in force, whole
    or in part, without regard to case or diacritics ("khai sinh" for
    "Đăng ký khai sinh"), when exactly one matches; else the typed text
    itself, which the ledger then refuses as no code of the catalogue."""
    query = select(PR.code).where(PR.commune == commune,
                                  func.lower(PR.code) == typed.strip().lower())
    found = list(conn.execute(query).scalars())
    if len(found) == 1:
        return found[0]
    if found:
        return typed
    chosen = procedures_named(conn, commune, typed)
    return chosen[0].code if len(chosen) == 1 else typed


def procedures_named(conn: Connection, commune: str, typed: str) -> list[ProcedureListing]:
    """The procedures in force whose name is the typed text, or else holds
    it, without regard to case or diacritics (three characters at least)."""
    wanted = search.searched(typed)
    if len(wanted) < search.SHORTEST_INDEXED:
        return []
    by_name = [p for p in procedures(conn, commune) if wanted in search.searched(p.name)]
    return [p for p in by_name if search.searched(p.name) == wanted] or by_name


def catalogue(conn: Connection, commune: str) -> dict[str, ProcedureListing]:
    """Every procedure ever listed in the commune, abolished ones too, by code."""
    rows = conn.execute(select(*_COLUMNS).where(PR.commune == commune))
    return {row.code: ProcedureListing(*row) for row in rows}


def procedures(conn: Connection, commune: str, search: str = "",
               with_qr: bool = False) -> list[ProcedureListing]:
    """Procedures in force, by field then code; ``search`` matches code, name
    or field, ignoring case and Vietnamese diacritics ("ho tich" finds "Hộ tịch")."""
    condition = and_(PR.commune == commune, PR.abolished.is_(False))
    if with_qr:
        condition = and_(condition, PR.online_address != "")
    rows = [ProcedureListing(*r) for r in conn.execute(select(*_COLUMNS).where(condition))]
    terms = fold(search).split()
    found = [r for r in rows if all(t in fold(f"{r.code} {r.name} {r.field}") for t in terms)]
    return sorted(found, key=lambda r: (fold(r.field), r.field, r.code))


def procedures_by_field(conn: Connection, commune: str, search: str = "",
                        with_qr: bool = False) -> list[tuple[str, list[ProcedureListing]]]:
    listed = procedures(conn, commune, search, with_qr)
    return [(field, list(group)) for field, group in groupby(listed, key=lambda r: r.field)]


def known_fields(conn: Connection, commune: str) -> list[str]:
    query = select(PR.field).distinct().where(PR.commune == commune, PR.abolished.is_(False))
    return sorted(conn.execute(query).scalars(), key=lambda f: (fold(f), f))


def procedure_counts(conn: Connection, commune: str) -> dict[str, int]:
    """The report's "procedures" section, over the procedures in force."""
    row = conn.execute(select(
        _count(PR.authority == "xa"), _count(PR.authority == "quan_su"),
        _count(PR.authority == "cong_an"), _count(PR.inter_agency.is_(True)),
        _count(PR.online_address != ""), func.count(distinct(PR.field)),
    ).where(PR.commune == commune, PR.abolished.is_(False))).one()
    keys = ("commune", "military", "police", "inter_agency", "with_qr", "fields")
    return dict(zip(keys, (int(n) for n in row), strict=True))


fold = search.fold



# The document register's queries live in their own module; pages read them here.
from projections.document_queries import (  # noqa: E402, F401
    DocumentFilter,
    decisions,
    DocumentKey,
    DocumentPage,
    awaiting_signature,
    document,
    document_counts,
    document_facts,
    document_numbered,
    document_page,
    document_totals,
    every_document,
    in_force,
    next_number,
    replaced_by_this,
    signing_cutoff,
)



# -- targets ---------------------------------------------------------------------------

TG = TargetRow


@dataclass(frozen=True)
class JudgedTarget:
    """A target and where its indicator stands: the actual over the period
    judged (the target's own, or the one a page or the report shows) and
    whether that meets the threshold (``events.targets.met``)."""

    id: str
    indicator: str
    start: date
    end: date
    threshold: float
    document: str
    document_date: date
    issuer: str
    withdrawn: bool
    actual: float | int | None
    met: bool | None


_TARGET_COLUMNS = (TG.id, TG.indicator, TG.start, TG.end, TG.threshold, TG.document,
                   TG.document_date, TG.issuer, TG.withdrawn)
_INDICATOR_ORDER = {code: n for n, code in enumerate(INDICATORS)}


DOSSIER_INDICATORS = {"online_rate", "digitised_rate", "on_time_rate", "online_payment_rate"}


def dossier_actuals(c: DossierCounts) -> dict[str, float | None]:
    """The indicators the counter's figures give (``DOSSIER_INDICATORS``)."""
    return {"online_rate": c.online_rate, "digitised_rate": c.digitised_rate,
            "on_time_rate": rate(c.early + c.on_time, c.resolved),
            "online_payment_rate": c.online_payment_rate}


def shown_threshold(indicator: str, threshold: float) -> float | int:
    """A target's threshold as pages and the report show it: a count whole."""
    return int(threshold) if INDICATORS[indicator].kind == COUNT else threshold


def indicator_actuals(conn: Connection, commune: str, period: Period, today: date,
                      wanted: Iterable[str]) -> dict[str, float | int | None]:
    """Each wanted indicator's actual over the period, as of its end (today
    if it has not ended), from the read models that keep its figures; None
    for one no read model keeps yet."""
    wanted = set(wanted)
    found: dict[str, float | int | None] = {}
    if wanted & DOSSIER_INDICATORS:
        found |= dossier_actuals(dossier_counts(conn, commune, period, today))
    if "signed_rate" in wanted:
        found["signed_rate"] = document_counts(conn, commune, period)["signed_rate"]
    if "citizen_accounts" in wanted:
        found["citizen_accounts"] = accounts_opened(conn, commune, period)
    if "new_violations" in wanted:
        found["new_violations"] = new_violations(conn, commune, Period(
            period.start, min(period.end, max(today, period.start))))
    if "sorting_rate" in wanted:
        from projections.household_queries import sorting_rate
        found["sorting_rate"] = sorting_rate(conn, commune, min(period.end, max(today,
                                                                           period.start)))
    return {code: found.get(code) for code in wanted}


def targets_in_force(conn: Connection, commune: str, period: Period, today: date
                     ) -> list[JudgedTarget]:
    """The targets whose period holds ``period`` (a year's target on the
    dashboard of its first half, say), not withdrawn, each judged by its
    indicator's actual over ``period``."""
    rows = conn.execute(select(*_TARGET_COLUMNS).where(
        TG.commune == commune, TG.withdrawn.is_(False), TG.start <= period.start,
        TG.end >= period.end)).all()
    actuals = indicator_actuals(conn, commune, period, today, {r.indicator for r in rows})
    return sorted((_judged(r, actuals[r.indicator]) for r in rows),
                  key=lambda t: (_INDICATOR_ORDER[t.indicator], t.start, t.end))


def targets(conn: Connection, commune: str, today: date) -> list[JudgedTarget]:
    """Every target of the commune, withdrawn ones too, the latest periods
    first, each judged over its own period (as of today if it has not
    ended)."""
    rows = conn.execute(select(*_TARGET_COLUMNS).where(TG.commune == commune)
                        .order_by(TG.end.desc(), TG.start.desc())).all()
    return [_judged(r, indicator_actuals(conn, commune, Period(r.start, r.end), today,
                                         [r.indicator])[r.indicator]) for r in rows]


def target(conn: Connection, commune: str, target_id: str, today: date) -> JudgedTarget | None:
    row = conn.execute(select(*_TARGET_COLUMNS).where(TG.commune == commune,
                                                      TG.id == target_id)).first()
    if row is None:
        return None
    actual = indicator_actuals(conn, commune, Period(row.start, row.end), today,
                               [row.indicator])[row.indicator]
    return _judged(row, actual)


def _judged(row: Any, actual: float | int | None) -> JudgedTarget:
    threshold = shown_threshold(row.indicator, row.threshold)
    return JudgedTarget(**(dict(row._mapping) | {"threshold": threshold}), actual=actual,
                        met=met(row.indicator, actual, threshold))
# -- citizens: portal accounts opened with help, and feedback -------------------------

from projections.citizens import (  # noqa: E402  (the citizens' section of this door)
    ANSWERED,
    ANSWERED_LATE,
    FEEDBACK_DAILY,
    OPENED,
    RECEIVED,
    FeedbackRow,
    FeedbackTallyRow,
    PortalAccountRow,
    PortalAccountTallyRow,
)

PA = PortalAccountRow.__table__.c  # type: ignore[attr-defined]
PAT = PortalAccountTallyRow.__table__.c  # type: ignore[attr-defined]
FB = FeedbackRow.__table__.c  # type: ignore[attr-defined]
FBT = FeedbackTallyRow.__table__.c  # type: ignore[attr-defined]


def _communes(commune: str | Sequence[str]) -> list[str]:
    return [commune] if isinstance(commune, str) else list(commune)


def accounts_opened(conn: Connection, commune: str | Sequence[str], period: Period) -> int:
    """Portal accounts opened with help in the period, from the counts kept by day."""
    query = select(cast(func.coalesce(func.sum(PAT.count), 0), BigInteger)).where(
        PAT.commune.in_(_communes(commune)), PAT.metric == OPENED,
        PAT.day.between(period.start, period.end))
    return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class FeedbackCounts:
    """``answering.counts`` for one period (CONTRACT.md's ``feedback``)."""

    received: int
    answered: int
    overdue: int

    def as_json(self) -> dict[str, int]:
        return {"received": self.received, "answered": self.answered, "overdue": self.overdue}


def feedback_counts(conn: Connection, commune: str | Sequence[str], period: Period,
                    today: date) -> FeedbackCounts:
    """``answering.counts`` from the counts the feedback read model keeps by
    day: the day figures summed over the period, and the open-and-late
    figure at the end of the day judged (the period's end, or today if it
    has not ended), from at most a row a year of history plus 42."""
    communes = _communes(commune)
    judged_on = min(period.end, today)
    total = cast(func.sum(FBT.count), BigInteger)
    mine = FBT.commune.in_(communes)
    parts = [select(FBT.metric, total).where(
        mine, FBT.metric.in_(FEEDBACK_DAILY), FBT.day.between(period.start, period.end))
        .group_by(FBT.metric)]
    for suffix, after, upto in tallies.held_spans(judged_on):
        span = FBT.day <= upto if after is None else FBT.day.between(after, upto)
        parts.append(select(FBT.metric, total).where(
            mine, FBT.metric == tallies.OVERDUE + suffix, span).group_by(FBT.metric))
    sums: dict[str, int] = {}
    for metric, n in conn.execute(union_all(*parts)):
        key = metric.partition(":")[0]
        sums[key] = sums.get(key, 0) + int(n)
    return FeedbackCounts(sums.get(RECEIVED, 0), sums.get(ANSWERED, 0),
                          sums.get(tallies.OVERDUE, 0) + sums.get(ANSWERED_LATE, 0))


@dataclass(frozen=True)
class DayKey:
    """A row's place in a list sorted by a day, newest first, then by a
    text that tells rows of one day apart: the next (or previous) page's
    "after" (or "before")."""

    day: date
    tie: str

    def __str__(self) -> str:
        return f"{self.day.isoformat()}~{self.tie}"

    @classmethod
    def parse(cls, text: str) -> DayKey | None:
        shown, sep, tie = text.partition("~")
        if not sep or not tie:
            return None
        try:
            return cls(date.fromisoformat(shown), tie)
        except ValueError:
            return None


@dataclass(frozen=True)
class KeyedPage:
    rows: list[Any]
    after: DayKey | None
    before: DayKey | None


def _keyed_page(conn: Connection, columns: Sequence[Any], day: Any, tie: Any,
                conditions: Sequence[Any], after: DayKey | None, before: DayKey | None,
                size: int, listing: Any) -> KeyedPage:
    """One page newest first, read through the (commune, day, tie) index
    from the key on, one row more than the page to know whether another
    follows; backwards from ``before``, then turned round."""
    query = select(*columns, day, tie).where(*conditions).limit(size + 1)
    place = before or after
    if place is not None:
        at = tuple_(literal(place.day, day.type), literal(place.tie, String))
        query = query.where(tuple_(day, tie) > at if before else tuple_(day, tie) < at)
    order = (day, tie) if before else (day.desc(), tie.desc())
    rows = [(listing(*row[:-2]), DayKey(_as_day(row[-2]), row[-1]))
            for row in conn.execute(query.order_by(*order))]
    if before is not None:
        rows.reverse()
        more_before, rows = len(rows) > size, rows[-size:]
        more_after = True
    else:
        more_after, rows = len(rows) > size, rows[:size]
        more_before = after is not None
    if not rows:
        return KeyedPage([], None, None)
    return KeyedPage([r for r, _ in rows], rows[-1][1] if more_after else None,
                     rows[0][1] if more_before else None)


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class AccountListing:
    citizen_name: str
    id_last_four: str
    opened_on: date
    clerk: str


_ACCOUNT_COLUMNS = (PA.citizen_name, PA.id_last_four, PA.opened_on, PA.clerk)


def _accounts_where(commune: str, period: Period | None) -> list[Any]:
    found = [PA.commune == commune]
    if period is not None:
        found.append(PA.opened_on.between(period.start, period.end))
    return found


def account_page(conn: Connection, commune: str, period: Period | None,
                 after: DayKey | None = None, before: DayKey | None = None,
                 size: int = PAGE_SIZE) -> KeyedPage:
    """The accounts opened (in the period), newest first, a page at a time."""
    return _keyed_page(conn, _ACCOUNT_COLUMNS, PA.opened_on, PA.id,
                       _accounts_where(commune, period), after, before, size, AccountListing)


def count_accounts(conn: Connection, commune: str, period: Period | None) -> int:
    query = select(func.count()).select_from(PA.id.table).where(
        *_accounts_where(commune, period))
    return int(conn.execute(query).scalar_one())


def every_account(conn: Connection, commune: str, period: Period | None
                  ) -> Iterator[AccountListing]:
    query = (select(*_ACCOUNT_COLUMNS).where(*_accounts_where(commune, period))
             .order_by(PA.opened_on.desc(), PA.id.desc()).execution_options(yield_per=1000))
    for row in conn.execute(query):
        yield AccountListing(*row)


@dataclass(frozen=True)
class FeedbackListing:
    code: str
    received_on: date
    channel: str
    subject: str
    dossier_code: str
    procedure_code: str
    due_date: date
    answered_on: date | None
    document: str
    corrections: int = 0

    def overdue(self, today: date) -> bool:
        """Open past its deadline today, or answered after it."""
        return (self.answered_on is None and self.due_date < today) or \
            (self.answered_on is not None and self.answered_on > self.due_date)


FEEDBACK_STATES = ("open", "answered", "overdue")


@dataclass(frozen=True)
class FeedbackFilter:
    state: str = ""  # one of FEEDBACK_STATES, or every feedback
    received_in: Period | None = None


_FEEDBACK_COLUMNS = (FB.code, FB.received_on, FB.channel, FB.subject, FB.dossier_code,
                     FB.procedure_code, FB.due_date, FB.answered_on, FB.document,
                     FB.corrections)


def _feedback_where(commune: str, wanted: FeedbackFilter, today: date) -> list[Any]:
    found = [FB.commune == commune]
    if wanted.state == "open":
        found.append(FB.answered_on.is_(None))
    elif wanted.state == "answered":
        found.append(FB.answered_on.is_not(None))
    elif wanted.state == "overdue":
        found.append(or_(and_(FB.answered_on.is_(None), FB.due_date < today),
                         FB.answered_on > FB.due_date))
    if wanted.received_in is not None:
        found.append(FB.received_on.between(wanted.received_in.start, wanted.received_in.end))
    return found


def feedback_page(conn: Connection, commune: str, wanted: FeedbackFilter, today: date,
                  after: DayKey | None = None, before: DayKey | None = None,
                  size: int = PAGE_SIZE) -> KeyedPage:
    return _keyed_page(conn, _FEEDBACK_COLUMNS, FB.received_on,
                       FB.code, _feedback_where(commune, wanted, today), after, before, size,
                       FeedbackListing)


def count_feedback(conn: Connection, commune: str, wanted: FeedbackFilter, today: date) -> int:
    query = select(func.count()).select_from(FB.id.table).where(
        *_feedback_where(commune, wanted, today))
    return int(conn.execute(query).scalar_one())


def every_feedback(conn: Connection, commune: str, wanted: FeedbackFilter, today: date
                   ) -> Iterator[FeedbackListing]:
    query = (select(*_FEEDBACK_COLUMNS).where(*_feedback_where(commune, wanted, today))
             .order_by(FB.received_on.desc(), FB.code.desc()).execution_options(yield_per=1000))
    for row in conn.execute(query):
        yield FeedbackListing(*row)


def feedback_listing(conn: Connection, communes: Sequence[str], code: str
                     ) -> tuple[str, FeedbackListing] | None:
    """The feedback with this code in one of these communes, with its commune."""
    row = conn.execute(select(FB.commune, *_FEEDBACK_COLUMNS).where(
        FB.commune.in_(list(communes)), FB.code == code)).first()
    return None if row is None else (row[0], FeedbackListing(*row[1:]))


def suggested_feedback_code(conn: Connection, commune: str, year: int) -> str:
    """The next free ``PA-<year>-<n>``, for the receipt form to offer."""
    prefix = f"PA-{year}-"
    codes = conn.execute(select(FB.code).where(
        FB.commune == commune, FB.code.like(f"{prefix}%"))).scalars()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


# -- violations: the register's queries live in their own module; pages read them here --

from projections import violation_queries as _violations  # noqa: E402

ViolationFilter, ViolationKey = _violations.ViolationFilter, _violations.ViolationKey
new_violations = _violations.new_violations
overdue_violations = _violations.overdue_violations
suggested_violation_code = _violations.suggested_violation_code
violation_codes = _violations.violation_codes
violation_coded = _violations.violation_coded
violation_evidence = _violations.violation_evidence
violation_figures = _violations.violation_figures
violation_page = _violations.violation_page
violation_row = _violations.violation_row
violation_total = _violations.violation_total
