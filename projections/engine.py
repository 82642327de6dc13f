"""The projection engine.

Each projection owns its tables and has one handler per event type. The
engine reads the log from the projection's saved position one page at a
time, applies the page's events to the rows the page touches, and writes
those rows *and* the new position in one transaction. A projection may also
keep a table of counts beside its rows (``Projection.counts``): after the
handlers, the rows the page created or changed, as they stood before it and
after, give the amounts by which the counts move, written in the same
transaction as one batched upsert. A crash or a rerun therefore never counts
an event twice nor skips one; two processes catching up at once serialise on
the position rows. Projections that stand at the same position share each
page: it is read and decoded once, and all their rows and positions are
committed together (after a command, one write transaction brings every
projection up to date). A handler that fails rolls its page back, is
recorded against its projection and raised: that projection stops at that
event until the cause is fixed, the others go on.

A failed projection is not retried by every request: catch-ups that ask to
``backoff`` (the web's) leave it alone for a while after each failure, five
seconds at first and twice as long after every further one, up to five
minutes. The waits are this process's own; the error stays on the position
row, so status pages still say it failed, and once a page of it commits (in
any process, or a rebuild clears the error) the waiting ends.

A rebuild never empties a live table: it replays the log into a new table
beside it (beside each, for a projection with counts), with a position row
of its own, while requests go on reading and catching up the live one; once
the new table has reached the head, one transaction applies what was
recorded meanwhile, puts the new table in the live one's place and gives it
the new position (``projections.db`` says how each database swaps a table).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from copy import copy as shallow_copy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, ClassVar

import orjson
from eventsourcing.application import Application
from eventsourcing.domain import CanInitAggregate
from eventsourcing.utils import get_topic
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    MetaData,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy import Engine as Database
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Field, SQLModel

from events import topics
from events.log import (
    EventDecoder,
    LogRow,
    count_statement,
    head_statement,
    page_statement,
    uuid_ids,
)
from projections.db import (
    IMMEDIATE,
    SHADOW_SUFFIX,
    clone_table,
    drop_table,
    prepare_swap,
    swap_table,
)

log = logging.getLogger(__name__)

Handler = Callable[[Any, "Rows", Any], None]
# What a page's work for one projection writes, in the page's write
# transaction; returns the events it applied.
Write = Callable[[Connection], int]


class ProjectionPosition(SQLModel, table=True):
    __tablename__ = "projection_position"

    name: str = Field(primary_key=True, max_length=64)
    position: int = Field(default=0, sa_type=BigInteger)
    events_applied: int = Field(default=0, sa_type=BigInteger)
    error: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime | None = None


POSITIONS: Table = ProjectionPosition.__table__  # type: ignore[attr-defined]


class ProjectionFailed(RuntimeError):
    def __init__(self, name: str, position: int, cause: BaseException) -> None:
        super().__init__(f"projection {name} stopped before event {position}: {cause!r}")
        self.name, self.position = name, position


class _PageFailed(Exception):
    def __init__(self, name: str, position: int, cause: BaseException) -> None:
        self.name, self.position, self.cause = name, position, cause


class MissingRow(LookupError):
    pass


class DuplicateRow(LookupError):
    pass


def handles(event_class: type) -> Callable[[Handler], Handler]:
    """Marks a projection method as the handler of one event type. The
    handler of an aggregate's creation event inserts its row: no row exists
    to fetch for it (and if one did, the insert fails loudly)."""
    def mark(method: Handler) -> Handler:
        method.handled_topic = get_topic(event_class)  # type: ignore[attr-defined]
        method.creates = issubclass(event_class, CanInitAggregate)  # type: ignore[attr-defined]
        return method
    return mark


class Projection:
    """A read model: ``table`` holds one row per aggregate, keyed by ``id``;
    ``counts``, if any, counts kept from those rows: its key columns, then
    one integer column, moved by what ``recount`` says of each page."""

    name: ClassVar[str]
    table: ClassVar[Table]
    counts: ClassVar[Table | None] = None
    # A projection of every event in order, whatever its type (the seal, the
    # audit trail):
    # it is given each page whole (``apply_page``) and decodes nothing.
    every_event: ClassVar[bool] = False
    # Each event it handles makes rows of its own, keyed by the event, that
    # no later event changes (a check, a movement of stock, a log-in): the
    # read models brought back to an earlier position (``projections.rewind``)
    # then only drop the rows later events made, without the records'
    # earlier history.
    one_row_per_event: ClassVar[bool] = False
    # What a rebuild spends on it, about, relative to the others (microseconds
    # an event of a log mixing every stream): how ``Engine.rebuild`` shares
    # the projections among its processes.
    rebuild_cost: ClassVar[float] = 0.3
    # With ``every_event``, its rows each made by one event alone and keyed
    # by its position (``write_rows``): a rebuild works every row out again
    # and compares it with the live table's, page by page, rewriting only
    # those that differ, and those no event makes (``_reconcile``), instead
    # of filling a new table to swap in. The table ends as a replay into an
    # empty one would leave it, and what is already right is not written
    # again: for a row per event, with its indexes, that is most of the cost.
    reconciled: ClassVar[bool] = False
    reconciling = False  # a rebuild's copy (``Engine._shadow``), reconciling the live table
    handlers: ClassVar[dict[str, Handler]]
    creating: ClassVar[frozenset[str]]

    def __init_subclass__(cls) -> None:
        cls.handlers = {m.handled_topic: m for m in vars(cls).values()
                        if hasattr(m, "handled_topic")}
        # An event class that moved is stored under its old topic too.
        cls.handlers |= {old: m for t, m in list(cls.handlers.items())
                         for old in topics.aliases(t)}
        cls.creating = frozenset(t for t, m in cls.handlers.items() if m.creates)

    def apply_page(self, conn: Connection, page: Sequence[LogRow]) -> int:
        """With ``every_event``: write what the page's events make, in the
        page's transaction; returns the events applied."""
        return self.prepare_page(conn, page)(conn)

    def prepare_page(self, conn: Connection, page: Sequence[LogRow]) -> Write:
        """With ``every_event``: work out what the page's events make, reading
        through ``conn`` if need be, and return what writes it (given the
        page's write transaction; returns the events applied). A rebuild in
        several processes works out a page outside the write lock."""
        raise NotImplementedError

    def write_rows(self, conn: Connection, page: Sequence[LogRow],
                   rows: list[tuple[Any, ...]]) -> Write:
        """With ``reconciled``: what writes the page's rows (tuples in the
        table's column order, the event's position first, each value as the
        driver takes it), inserted; or, while reconciling, compared with
        the stored ones and only the difference written."""
        if self.reconciling:
            return _reconcile(self, conn, page, rows)
        table = self.table

        def write(conn: Connection) -> int:
            if rows:
                _Writer(conn, table).insert_values(rows)
            return len(rows)
        return write

    def tables(self) -> list[Table]:
        return [self.table] if self.counts is None else [self.table, self.counts]

    def swapped_in(self, conn: Connection) -> None:
        """After a rebuild put this projection's new tables in place, in the
        same transaction: what the database keeps beside them by name and not
        as part of them (an SQLite FTS index) is made to follow."""

    def counted(self, row: dict[str, Any]) -> Any:
        """What of a row its counts depend on (with ``counts`` only): taken
        before a page first changes the row and after the page."""
        raise NotImplementedError

    def recount(self, changed: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, ...], int]:
        """By how much the page's ``changed`` rows move the counts, by key
        (``counts``'s key columns in order), given what ``counted`` said of
        each row before the page (None for a new row) and after it."""
        raise NotImplementedError


class Rows:
    """The rows of one table that one page of events touches: fetched in one
    query, changed in memory, written back in two batched statements. With
    ``counted``, it remembers what that says of each stored row before the
    page first changes it, for ``changed``."""

    def __init__(self, table: Table, counted: Callable[[dict[str, Any]], Any] | None = None
                 ) -> None:
        self.table, self.counted = table, counted
        self.loaded: dict[str, dict[str, Any]] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.dirty: dict[str, set[str]] = {}  # key → the columns changed
        self.before: dict[str, Any] = {}  # key → ``counted`` of the row as stored

    def load(self, conn: Connection, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys and conn.dialect.name == "postgresql":
            # Lookups by primary key: while a rebuild fills a new table its
            # statistics still say "empty", and the planner would scan it whole.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            result = conn.execute(select(self.table).where(self.table.c.id.in_(chunk)))
            self.loaded.update({row["id"]: dict(row) for row in result.mappings()})

    def insert(self, key: str, **values: Any) -> None:
        self.insert_row(key, values)

    def insert_row(self, key: str, row: dict[str, Any]) -> None:
        """Insert a row given as a dict, which the page then owns."""
        if key in self.loaded or key in self.new:
            raise DuplicateRow(f"{self.table.name}: {key} exists")
        row["id"] = key
        self.new[key] = row

    def update(self, key: str, **values: Any) -> None:
        row = self.get(key)
        if key in self.loaded:
            changed = self.dirty.get(key)
            if changed is None:
                changed = self.dirty[key] = set()
                if self.counted is not None:
                    self.before[key] = self.counted(row)
            changed.update(values)
        row.update(values)

    def get(self, key: str) -> dict[str, Any]:
        row = self.new.get(key) or self.loaded.get(key)
        if row is None:
            raise MissingRow(f"{self.table.name}: no row {key}")
        return row

    def flush(self, conn: Connection) -> None:
        """New rows in one INSERT, changed rows in one UPDATE per set of
        changed columns; both sent straight to the driver's executemany with
        the columns' own conversions, which is what makes a rebuild fast."""
        writer = _Writer(conn, self.table)
        if self.new:
            writer.insert(list(self.new.values()))
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, changed in self.dirty.items():
            by_columns.setdefault(tuple(sorted(changed)), []).append(self.loaded[key])
        for columns, rows in by_columns.items():
            writer.update(columns, rows)

    def changed(self) -> Iterator[tuple[Any, Any]]:
        """What ``counted`` says of each row the page created (None before)
        or changed, before the page and after; rows whose counted part did
        not change are left out."""
        counted = self.counted
        assert counted is not None
        for row in self.new.values():
            yield None, counted(row)
        for key, before in self.before.items():
            after = counted(self.loaded[key])
            if after != before:
                yield before, after


class _Writer:
    """Batched writes through the DB-API, converting values as SQLAlchemy's
    column types would (dates, times, booleans) but without its per-row
    statement machinery."""

    def __init__(self, conn: Connection, table: Table) -> None:
        self.conn, self.table = conn, table
        dialect = conn.dialect
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.convert = {c.name: _conversion(c, dialect) for c in table.columns}
        self.quote = dialect.identifier_preparer.quote

    def insert(self, rows: list[dict[str, Any]]) -> None:
        """New rows mostly start with many columns empty (no resolution
        yet, no fee paid): those go into the statement as constants rather
        than as a parameter per row, which the database binds at a cost."""
        names = [c.name for c in self.table.columns]
        first = rows[0]
        blank = [n for n in names if first[n] is None or first[n] is False
                 or (first[n] == 0 and first[n].__class__ is int)]
        if len(blank) < 2:
            self._insert(rows, names, {})
            return
        pick = itemgetter(*blank)
        blanks = pick(first)
        alike: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for row in rows:
            (alike if pick(row) == blanks else others).append(row)
        if others:
            self._insert(others, names, {})
        self._insert(alike, names, dict(zip(blank, map(_literal, blanks), strict=True)))

    def _insert(self, rows: list[dict[str, Any]], names: list[str],
                constants: dict[str, str]) -> None:
        bound = [n for n in names if n not in constants]
        values = ", ".join(constants.get(n, self.mark) for n in names)
        sql = (f"INSERT INTO {self.quote(self.table.name)} "
               f"({', '.join(map(self.quote, names))}) VALUES ({values})")
        self.conn.exec_driver_sql(sql, self._values(rows, bound))

    def insert_values(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows given as tuples in the table's column order, each value
        already as the driver takes it (``convert``)."""
        names = [c.name for c in self.table.columns]
        sql = (f"INSERT INTO {self.quote(self.table.name)} "
               f"({', '.join(map(self.quote, names))}) VALUES "
               f"({', '.join([self.mark] * len(names))})")
        self.conn.exec_driver_sql(sql, rows)

    def update(self, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        sets = ", ".join(f"{self.quote(c)} = {self.mark}" for c in columns)
        sql = f"UPDATE {self.quote(self.table.name)} SET {sets} WHERE id = {self.mark}"
        self.conn.exec_driver_sql(sql, self._values(rows, [*columns, "id"]))

    def add(self, deltas: dict[tuple[Any, ...], int]) -> None:
        """Add amounts to a table of counts (its key columns, then one
        integer column): one batched upsert, in key order; a row brought
        to 0 is deleted, so the table holds what a replay would write."""
        rows = sorted((*key, n) for key, n in deltas.items() if n)
        if not rows:
            return
        keys = [c.name for c in self.table.primary_key.columns]
        (total,) = [c.name for c in self.table.columns if not c.primary_key]
        table, quote, mark = self.quote(self.table.name), self.quote, self.mark
        names = [*keys, total]
        converters = [self.convert[n] for n in names]
        if any(converters):
            rows = [tuple(v if c is None or v is None else c(v)
                          for v, c in zip(row, converters, strict=True)) for row in rows]
        self.conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(map(quote, names))}) "
            f"VALUES ({', '.join([mark] * len(names))}) "
            f"ON CONFLICT ({', '.join(map(quote, keys))}) DO UPDATE SET "
            f"{quote(total)} = {table}.{quote(total)} + excluded.{quote(total)}", rows)
        # Counts may be negative (a change's end on a later day than its
        # start), so a row may reach 0 from either side.
        where = " AND ".join(f"{quote(k)} = {mark}" for k in keys)
        self.conn.exec_driver_sql(f"DELETE FROM {table} WHERE {where} AND {quote(total)} = 0",
                                  [row[:-1] for row in rows])

    def _values(self, rows: list[dict[str, Any]], names: list[str]) -> list[tuple[Any, ...]]:
        """Rows as tuples in ``names`` order, converted where a column needs it:
        the plain values are picked at C speed, only the rest in Python."""
        pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        converted = [(i, self.convert[n]) for i, n in enumerate(names) if self.convert[n]]
        if not converted:
            return [pick(row) for row in rows]
        values = []
        for row in rows:
            cells = list(pick(row))
            for i, convert in converted:
                if cells[i] is not None:
                    cells[i] = convert(cells[i])
            values.append(tuple(cells))
        return values


def _conversion(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a column's Python value is handed to the driver, if not as is."""
    if isinstance(column.type, Boolean):
        return None  # both drivers take Python's bool
    if dialect.name == "sqlite" and isinstance(column.type, DateTime):
        return _sqlite_datetime
    if dialect.name == "sqlite" and isinstance(column.type, Date):
        return date.isoformat
    return column.type.bind_processor(dialect)


def _sqlite_datetime(moment: datetime) -> str:
    """ISO 8601 with a space and the offset: the text the SQLite driver's
    own adapter gave, which Python 3.12 deprecates, so rows stored before
    and after read and compare alike."""
    return moment.isoformat(" ")


def _literal(value: None | bool | int) -> str:
    """SQL for an empty start value; False before 0, which it equals."""
    return "NULL" if value is None else "FALSE" if value is False else "0"


@dataclass(frozen=True)
class Status:
    name: str
    position: int
    head: int
    events_applied: int
    error: str | None

    @property
    def behind(self) -> int:
        return max(self.head - self.position, 0)


Progress = Callable[[int], None]


def rebuild_workers() -> int:
    """Processes a rebuild run by hand shares its replay among: one per
    processor core, up to four (beyond that the heaviest projection alone
    sets the pace)."""
    return max(1, min(os.cpu_count() or 1, 4))

# How long a rebuild keeps trying to swap its tables in while readers hold
# the live ones (PostgreSQL), before it gives up and leaves them as they were.
SWAP_PATIENCE_SECONDS = 120.0
# PostgreSQL's "lock not available" and "deadlock detected".
_LOCK_NOT_TAKEN = frozenset({"55P03", "40P01"})

BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 300.0


@dataclass(frozen=True)
class Backoff:
    """A failed projection's consecutive failures in this process, and the
    moment (on the engine's clock) before which it is not retried."""

    failures: int
    until: float

    def after_another(self, now: float) -> Backoff:
        failures = self.failures + 1
        wait = min(BACKOFF_FIRST_SECONDS * 2 ** (failures - 1), BACKOFF_MAX_SECONDS)
        return Backoff(failures, now + wait)


class Engine:
    def __init__(self, ledger: Application, db: Database, projections: Sequence[Projection],
                 page_size: int = 1000, rebuild_page_size: int = 50000,
                 long_page_size: int = 20000) -> None:
        self.ledger, self.db, self.page_size = ledger, db, page_size
        # A replay run by hand holds the write lock for longer pages: fewer
        # commits and queries per event; catching up keeps pages short so
        # writers wait less. A page of a replay touches rows all over the
        # tables' keys, and each commit writes every index page it touched:
        # 20,000 events a page (about a second of lock on SQLite) rebuilt a
        # 534,000-event commune 13-17 % faster than 5,000 (three runs
        # alternating on a busy machine). A rebuild works each page out
        # before it takes the lock (``_try_page_apart``), so its pages are
        # longer still: 50,000 events rebuilt the 201,466-event mixed log in
        # two processes 4-6 % faster than 20,000 (two runs of each,
        # alternating), holding the lock about as long as 20,000 did.
        self.long_page_size = max(long_page_size, page_size)
        self.rebuild_page_size = max(rebuild_page_size, page_size)
        self.projections = {p.name: p for p in projections}
        quote = db.dialect.identifier_preparer.quote
        self.page_statement = page_statement(ledger.recorder, quote)
        self.head_statement = head_statement(ledger.recorder, quote)
        self.bounded_page_statement = page_statement(ledger.recorder, quote, stop=True)
        self.count_statement = count_statement(ledger.recorder, quote)
        self.decoder = EventDecoder(ledger.mapper, uuid_ids(ledger.recorder))
        self._positions_ready = False
        self.clock: Callable[[], float] = time.monotonic
        self.backoff: dict[str, Backoff] = {}
        self._building: dict[str, Projection] = {}  # by position name, during a rebuild
        # Rebuild workers on SQLite take turns at the one write lock through
        # this (see ``_run_in_workers``); otherwise it takes nothing.
        self._write_turn: AbstractContextManager[Any] = nullcontext()

    # -- reading state ------------------------------------------------------
    def head(self) -> int:
        with self.db.connect() as conn:
            return conn.exec_driver_sql(self.head_statement).scalar() or 0

    def status(self) -> list[Status]:
        """Every projection's position beside the head of the log, read in
        one statement (it runs before every catch-up)."""
        self._ensure_positions()
        head = literal_column(f"({self.head_statement})").label("head")
        with self.db.connect() as conn:
            rows = {r.name: r for r in conn.execute(select(POSITIONS, head))}
        return [Status(n, rows[n].position, rows[n].head or 0, rows[n].events_applied,
                       rows[n].error) for n in self.projections]

    def token(self, conn: Connection | None = None) -> str:
        """Changes whenever any projection moves: the ETag of live pages.
        Given a connection, as that connection's transaction sees them."""
        self._ensure_positions()
        query = select(POSITIONS.c.name, POSITIONS.c.position).order_by(POSITIONS.c.name)
        if conn is not None:
            rows = conn.execute(query).all()
        else:
            with self.db.connect() as own:
                rows = own.execute(query).all()
        return ".".join(str(r.position) for r in rows if r.name in self.projections)

    # -- moving forward -------------------------------------------------------
    def catch_up(self, progress: Progress | None = None, *, long_pages: bool = False,
                 after_write: bool = False, budget: float | None = None,
                 backoff: bool = False) -> int:
        """Bring every projection up to the head of the log. Raises
        ``ProjectionFailed`` for the first that fails, after the others are
        up to date. ``long_pages``: a replay run by hand (after a migration)
        takes the rebuild's pages, as no request waits behind it.
        ``after_write``: the caller has just recorded an event, so every
        projection is behind; the read that would say so is skipped.
        ``budget``: seconds after which no further page is begun (the first
        always is), so that a request finding a long replay under way (a
        rebuild, say) leaves the rest of it to others instead of outlasting
        its worker's timeout.
        ``backoff``: a projection that failed is left out until its wait
        ends (see the module's docstring); callers that run by hand leave
        it False and retry at once."""
        self._ensure_positions()
        if after_write and not (backoff and self.backoff):
            behind = list(self.projections)
        else:
            behind = [s.name for s in self.status()
                      if s.behind and not (backoff and self.waiting(s))]
        page_size = self.long_page_size if long_pages else self.page_size
        deadline = None if budget is None else time.monotonic() + budget
        applied = self._advance(behind, page_size, progress, deadline) if behind else 0
        if applied >= ANALYZE_CHECK_AFTER:
            self._analyze(behind, every=applied >= ANALYZE_AFTER)
        return applied

    def advance(self, *names: str, progress: Progress | None = None) -> int:
        """Bring just these projections to the head of the log, in long pages
        (run by hand: ``audit verify`` brings the seal up before reading it)."""
        self._ensure_positions()
        return self._advance(list(names), self.long_page_size, progress)

    def _analyze(self, names: Sequence[str], every: bool) -> None:
        """On PostgreSQL, planner statistics for the tables a long catch-up
        (a replay after a migration, a large import) filled, as autovacuum
        would give them (it may be off, or not yet come round): without them
        the planner reads a table of 200,000 rows as the few it had, and
        passes over its indexes. ``every``: all these projections' tables;
        else those never analysed."""
        if self.db.dialect.name != "postgresql":
            return
        tables = [t.name for n in names for t in self.projections[n].tables()]
        with self.db.connect() as conn:
            if not every:
                tables = list(conn.execute(text(
                    "SELECT relname FROM pg_class"
                    " WHERE relnamespace = current_schema()::regnamespace"
                    " AND relname = ANY(:tables) AND reltuples < 0"),
                    {"tables": tables}).scalars())
            for table in tables:
                conn.exec_driver_sql(
                    f"ANALYZE {self.db.dialect.identifier_preparer.quote(table)}")
            conn.commit()

    def waiting(self, status: Status) -> bool:
        """Whether this failed projection is still in its back-off wait."""
        backoff = self.backoff.get(status.name)
        return status.error is not None and backoff is not None and \
            self.clock() < backoff.until

    def rebuild(self, *names: str, progress: Progress | None = None, workers: int = 1) -> int:
        """Replay the whole log into new tables beside the live ones, in one
        pass for all, and swap each in once it has caught up. Until then the
        live tables stay as they are and go on being caught up by whoever
        records, so pages, log-in and commands work throughout; the swap, in
        one transaction, first applies what was recorded meanwhile, so no
        event is missed. A projection whose replay fails keeps its live table
        and position; the others are swapped in, then the failure is raised.
        A ``reconciled`` projection (a row per event: the seal, the audit
        trail) is worked out again over its live table instead, and only
        what differs is written (``_reconcile``; should it fail, what it
        had put right stays). Without names, every projection. ``workers``:
        processes sharing the replay, each with some of the projections
        (``_share``), each page worked out outside the write lock, each
        swapping its own tables in as soon as they are built; this process
        is one of them."""
        names = names or tuple(self.projections)
        self._ensure_positions()
        for name in names:
            self.backoff.pop(name, None)
        shadows = self._open_shadows(names)
        try:
            groups = self._share(shadows, workers)
            if len(groups) > 1:
                applied, failures = self._run_in_workers(groups, progress)
            else:
                applied, failures = self._replay_and_swap(shadows, progress)
        finally:
            self._close_shadows(shadows)
        if failures:
            raise failures[0]
        return applied

    def _replay_and_swap(self, shadows: Sequence[str], progress: Progress | None
                         ) -> tuple[int, list[ProjectionFailed]]:
        """Replay these new tables from the start of the log, then swap in
        those whose replay did not fail."""
        applied, failures = self._run(shadows, self.rebuild_page_size, progress, apart=True)
        failed = {failure.name + SHADOW_SUFFIX for failure in failures}
        built = [shadow for shadow in shadows if shadow not in failed]
        if built:
            swapped, late = self._swap(built, progress)
            applied, failures = applied + swapped, failures + late
        return applied, failures

    def _share(self, shadows: Sequence[str], workers: int) -> list[list[str]]:
        """The tables being rebuilt shared among at most ``workers`` groups
        of about equal cost (``Projection.rebuild_cost``), heaviest first
        into the lightest group."""
        groups: list[list[str]] = [[] for _ in range(max(1, min(workers, len(shadows))))]
        costs = [0.0] * len(groups)
        for shadow in sorted(shadows, key=lambda n: -self._projection(n).rebuild_cost):
            lightest = costs.index(min(costs))
            groups[lightest].append(shadow)
            costs[lightest] += self._projection(shadow).rebuild_cost
        return [group for group in groups if group]

    def _run_in_workers(self, groups: Sequence[Sequence[str]], progress: Progress | None
                         ) -> tuple[int, list[ProjectionFailed]]:
        """The first group replayed here, each other in a process forked for
        it, all at once; each process swaps its group's tables in as soon as
        they are built (so one group's swap overlaps another's replay), and
        tells what it applied and where it failed through a pipe. Progress
        is told from this process's group, scaled as if it moved them all."""
        if self.db.dialect.name == "sqlite":
            # SQLite lets one connection write at a time, and one that finds
            # the lock taken polls for it, sleeping up to 100 ms between
            # tries: the workers would lose much of their time so, each
            # waiting for the others' pages. A lock they share wakes the next
            # one as soon as the last one commits.
            self._write_turn = multiprocessing.Lock()
        try:
            return self._share_out(groups, progress)
        finally:
            self._write_turn = nullcontext()

    def _share_out(self, groups: Sequence[Sequence[str]], progress: Progress | None
                   ) -> tuple[int, list[ProjectionFailed]]:
        """``_run_in_workers``'s forks, replays and reports."""
        children = []
        for group in groups[1:]:
            reading, writing = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: its own connections, its group, and out
                code = 1
                try:
                    os.close(reading)
                    self.db.dispose(close=False)
                    done, failed = self._replay_and_swap(group, None)
                    with os.fdopen(writing, "wb") as out:
                        out.write(orjson.dumps({"applied": done, "failures": [
                            [f.name, f.position, repr(f.__cause__)] for f in failed]}))
                    code = 0
                finally:
                    os._exit(code)
            os.close(writing)
            children.append((pid, reading))
        share = sum(map(len, groups)) / len(groups[0])
        told = (lambda n: progress(round(n * share))) if progress else None
        try:
            applied, failures = self._replay_and_swap(groups[0], told)
        finally:
            reports = []
            for pid, reading in children:
                with os.fdopen(reading, "rb") as inp:
                    reports.append(inp.read())
                os.waitpid(pid, 0)
        for shadow in (name for group in groups[1:] for name in group):
            self.backoff.pop(shadow.removesuffix(SHADOW_SUFFIX), None)
        dead = 0
        for report in reports:
            if not report:  # it died before it could tell
                dead += 1
                continue
            told_back = orjson.loads(report)
            applied += told_back["applied"]
            for name, position, cause_text in told_back["failures"]:
                cause = RuntimeError(cause_text)
                failure = ProjectionFailed(name, position, cause)
                failure.__cause__ = cause
                failures.append(failure)
        if dead:
            raise RuntimeError(f"{dead} rebuild worker(s) died before the end")
        return applied, failures

    def _open_shadows(self, names: Sequence[str]) -> list[str]:
        """For each projection empty tables shaped as its live ones, a
        position row at the start of the log, and a copy of the projection
        that writes there. Left over from a rebuild that died, they are
        replaced."""
        building = {name + SHADOW_SUFFIX: self._shadow(self.projections[name]) for name in names}
        with self.db.connect().execution_options(**IMMEDIATE) as conn, conn.begin():
            for shadow, copy in building.items():
                live = self.projections[shadow.removesuffix(SHADOW_SUFFIX)]
                if copy.reconciling:
                    continue
                for table, beside in zip(live.tables(), copy.tables(), strict=True):
                    clone_table(conn, table.name, beside.name)
            conn.execute(delete(POSITIONS).where(POSITIONS.c.name.in_(building)))
            conn.execute(insert(POSITIONS), [{"name": s, "position": 0, "events_applied": 0,
                                              "updated_at": _now()} for s in building])
        self._building.update(building)
        return list(building)

    @staticmethod
    def _shadow(projection: Projection) -> Projection:
        """The projection, writing to tables of its own beside the live ones."""
        copy = shallow_copy(projection)
        copy.name = projection.name + SHADOW_SUFFIX  # type: ignore[misc]
        if projection.reconciled:  # it works on the live table (``_reconcile``)
            copy.reconciling = True
            return copy
        copy.table = _beside(projection.table)  # type: ignore[misc]
        if projection.counts is not None:
            copy.counts = _beside(projection.counts)  # type: ignore[misc]
        return copy

    @staticmethod
    def _beside_tables(copy: Projection) -> list[Table]:
        """The tables a rebuild's copy fills beside the live ones (none for
        one reconciling the live table)."""
        return [] if copy.reconciling else copy.tables()

    def _close_shadows(self, shadows: Sequence[str]) -> None:
        """Drop what a rebuild leaves beside the live tables (nothing, for
        those swapped in)."""
        with self.db.connect().execution_options(**IMMEDIATE) as conn, conn.begin():
            for shadow in shadows:
                for table in self._beside_tables(self._building.pop(shadow)):
                    drop_table(conn, table.name)
                self.backoff.pop(shadow, None)
            conn.execute(delete(POSITIONS).where(POSITIONS.c.name.in_(shadows)))

    def _swap(self, shadows: Sequence[str], progress: Progress | None
              ) -> tuple[int, list[ProjectionFailed]]:
        """Swap these built tables in, retrying while readers hold the live
        tables (PostgreSQL) and leaving out one that fails on the events
        recorded since it reached the head."""
        pending, failures = list(shadows), []
        with self.db.connect() as conn, conn.begin():
            for shadow in pending:
                for table in self._beside_tables(self._building[shadow]):
                    prepare_swap(conn, table.name)
        patience = self.clock() + SWAP_PATIENCE_SECONDS
        while pending:
            try:
                return self._swap_once(pending, progress), failures
            except _PageFailed as failed:
                failures.append(self._failed(failed))
                pending.remove(failed.name)
            except OperationalError as error:
                if _sqlstate(error) not in _LOCK_NOT_TAKEN or self.clock() > patience:
                    raise
                time.sleep(0.05)
        return 0, failures

    def _swap_once(self, shadows: Sequence[str], progress: Progress | None) -> int:
        """In one transaction: lock the live and new positions (so no
        catch-up writes to a live table meanwhile), bring the new tables
        over what was recorded since, put them in place of the live ones,
        and give the live positions theirs."""
        live = {shadow: shadow.removesuffix(SHADOW_SUFFIX) for shadow in shadows}
        applied = 0
        with self._write_turn, self.db.connect().execution_options(**IMMEDIATE) as conn, \
                conn.begin():
            self._lock(conn, [*shadows, *live.values()])
            at_head = False
            while not at_head:
                moved, at_head, _ = self._page(conn, shadows, self.long_page_size)
                applied += moved
            swapped = [s for s in shadows if not self._building[s].reconciling]
            for shadow in swapped:
                name = live[shadow]
                for table, beside in zip(self.projections[name].tables(),
                                         self._building[shadow].tables(), strict=True):
                    swap_table(conn, table.name, beside.name)
                self.projections[name].swapped_in(conn)
            for shadow in shadows:
                if self._building[shadow].reconciling:
                    self._reconciled(conn, live[shadow])
            built = conn.execute(select(POSITIONS.c.name, POSITIONS.c.position,
                                        POSITIONS.c.events_applied)
                                 .where(POSITIONS.c.name.in_(swapped))).all()
            if built:
                conn.execute(update(POSITIONS).where(POSITIONS.c.name == bindparam("live_name"))
                             .values(position=bindparam("built_position"), error=None,
                                     events_applied=bindparam("built_applied"),
                                     updated_at=_now()),
                             [{"live_name": live[row.name], "built_position": row.position,
                               "built_applied": row.events_applied} for row in built])
            conn.execute(delete(POSITIONS).where(POSITIONS.c.name.in_(shadows)))
        for name in live.values():
            self.backoff.pop(name, None)
        if progress and applied:
            progress(applied)
        return applied

    def _reconciled(self, conn: Connection, name: str) -> None:
        """The end of a reconciled projection's rebuild, in the swap's
        transaction (the live position locked, and at the head of the log
        with the rebuild's copy): rows past that position, which no event
        makes, are deleted, and a failure recorded against it is cleared."""
        table = self.projections[name].table
        live = conn.execute(select(POSITIONS.c.position)
                            .where(POSITIONS.c.name == name)).scalar_one()
        conn.execute(delete(table).where(table.c.position > live))
        conn.execute(update(POSITIONS).where(POSITIONS.c.name == name)
                     .values(error=None, updated_at=_now()))

    def _advance(self, names: Sequence[str], page_size: int, progress: Progress | None,
                 deadline: float | None = None) -> int:
        """Move these projections to the head of the log together; raise the
        first failure once the others are there. See ``_run``."""
        applied, failures = self._run(names, page_size, progress, deadline)
        if failures:
            raise failures[0]
        return applied

    def _run(self, names: Sequence[str], page_size: int, progress: Progress | None,
             deadline: float | None = None, apart: bool = False
             ) -> tuple[int, list[ProjectionFailed]]:
        """Move these projections to the head of the log together. Each page
        is read and decoded once, applied by every projection standing at its
        start, and their rows and positions are committed in one transaction.
        A projection whose handler fails takes the page down with it: it is
        marked failed and left where it was, and the others go on without
        it. Returns the events applied, counted once per projection, and the
        failures. ``apart``: tables being rebuilt, each page worked out
        before the write lock is taken (``_try_page_apart``)."""
        pending, failures, applied = sorted(names), [], 0
        one_page = self._try_page_apart if apart else self._try_page
        with _no_cycle_collection():
            while pending:
                try:
                    moved, at_head = one_page(pending, page_size)
                except _PageFailed as failed:
                    failures.append(self._failed(failed))
                    pending.remove(failed.name)
                    continue
                applied += moved
                if progress and moved:
                    progress(moved)
                if at_head or (deadline is not None and time.monotonic() >= deadline):
                    break
        return applied, failures

    def _failed(self, failed: _PageFailed) -> ProjectionFailed:
        """Record a page's failure against its projection (named as the live
        one, for a table being rebuilt)."""
        name = failed.name.removesuffix(SHADOW_SUFFIX)
        failure = ProjectionFailed(name, failed.position, failed.cause)
        failure.__cause__ = failed.cause
        self._record_failure(failed.name, failure, failed.cause)
        return failure

    def _try_page(self, names: Sequence[str], page_size: int) -> tuple[int, bool]:
        """One page in a transaction of its own; see ``_page``."""
        with self.db.connect().execution_options(**IMMEDIATE) as conn, conn.begin():
            moved, at_head, group = self._page(conn, names, page_size)
        for name in group:
            self.backoff.pop(name, None)
        return moved, at_head

    def _page(self, conn: Connection, names: Sequence[str], page_size: int
              ) -> tuple[int, bool, list[str]]:
        """One page for the projections furthest behind. A page stops where
        the next projection stands, so that the two then move as one. Returns
        the events moved over (once per projection), whether all of ``names``
        are now at the head of the log as it stood, and the projections
        moved."""
        positions = self._lock(conn, names)
        page, start, end, at_head = self._plan(conn, positions, page_size)
        if end == start:
            return 0, True, []
        group = [self._projection(n) for n in names if positions[n] == start]
        writes = self._prepare(conn, group, page)
        self._write(conn, group, writes, page, end)
        return len(page) * len(group), at_head, [p.name for p in group]

    def _plan(self, conn: Connection, positions: dict[str, int], page_size: int
              ) -> tuple[list[LogRow], int, int, bool]:
        """The page the projections furthest behind read next: its events,
        where they stand, where they will stand after it, and whether all
        will then be at the head of the log as it stood."""
        start = min(positions.values())
        ahead = min((p for p in positions.values() if p > start), default=None)
        page = self.read_page(conn, start + 1, page_size, stop=ahead)
        if len(page) < page_size:
            # Everything up to ``ahead`` (or the head) has been read: the
            # group can stand where the next one stands, even past a gap.
            end = ahead if ahead is not None else (page[-1][0] if page else start)
        else:
            end = page[-1][0]
        return page, start, end, ahead is None and len(page) < page_size

    def _try_page_apart(self, names: Sequence[str], page_size: int) -> tuple[int, bool]:
        """One page of tables being rebuilt, worked out in a read transaction
        and written in a short write transaction of its own, so that several
        processes rebuilding different projections take SQLite's one write
        lock only to write. Only tables a rebuild fills may be moved so: no
        other process writes them, so what was read still holds at the write
        (which checks their positions did not move meanwhile)."""
        with self.db.connect() as conn, conn.begin():
            positions = dict(conn.execute(select(POSITIONS.c.name, POSITIONS.c.position)
                                          .where(POSITIONS.c.name.in_(names))).all())
            page, start, end, at_head = self._plan(conn, positions, page_size)
            if end == start:
                return 0, True
            group = [self._projection(n) for n in names if positions[n] == start]
            writes = self._prepare(conn, group, page)
        with self._write_turn, self.db.connect().execution_options(**IMMEDIATE) as conn, \
                conn.begin():
            now = self._lock(conn, [p.name for p in group])
            if any(now[p.name] != start for p in group):
                raise RuntimeError(f"tables being rebuilt moved under their rebuild: {now}")
            self._write(conn, group, writes, page, end)
        for projection in group:
            self.backoff.pop(projection.name, None)
        return len(page) * len(group), at_head

    def _prepare(self, conn: Connection, group: Sequence[Projection], page: Sequence[LogRow]
                 ) -> list[Write | None]:
        """What each projection of the group makes of the page (None for an
        empty page), worked out through ``conn`` without writing."""
        if not page:
            return [None] * len(group)
        events = self._decode(page, group)
        by_topic = _by_topic(page)
        return [self._prepare_one(conn, projection, page, events, by_topic)
                for projection in group]

    def _write(self, conn: Connection, group: Sequence[Projection],
               writes: Sequence[Write | None], page: Sequence[LogRow], end: int) -> None:
        """The group's prepared rows written, and its positions moved to ``end``."""
        moved = []
        for projection, write in zip(group, writes, strict=True):
            applied = 0
            if write is not None:
                try:
                    applied = write(conn)
                except Exception as cause:
                    raise _PageFailed(projection.name, page[0][0], cause) from cause
            moved.append({"moved_name": projection.name, "applied": applied})
        conn.execute(update(POSITIONS).where(POSITIONS.c.name == bindparam("moved_name"))
                     .values(position=end, error=None, updated_at=_now(),
                             events_applied=POSITIONS.c.events_applied
                             + bindparam("applied")), moved)

    def _projection(self, name: str) -> Projection:
        return self.projections.get(name) or self._building[name]

    def read_page(self, conn: Connection, start: int, limit: int,
                  stop: int | None = None) -> list[LogRow]:
        """Up to ``limit`` stored events with notification ids from ``start``
        to ``stop`` (or the end), as plain rows. A page is read in the
        transaction that will write its rows and position: on SQLite that one
        holds the write lock, so no event can be appended in between."""
        if stop is None:
            return fetched(conn, self.page_statement, (start, limit))
        return fetched(conn, self.bounded_page_statement, (start, stop, limit))

    def _decode(self, page: Sequence[LogRow], group: Sequence[Projection]) -> list[Any]:
        """The page's events that any of the group handles, each decoded once
        (None in the place of the others)."""
        wanted = {topic for projection in group for topic in projection.handlers}
        decode, decoded = self.decoder.decode, []
        try:
            for row in page:
                decoded.append(decode(row[1], row[2], row[3], row[4])
                               if row[3] in wanted else None)
        except Exception as cause:
            failing = next(p for p in group if page[len(decoded)][3] in p.handlers)
            raise _PageFailed(failing.name, page[len(decoded)][0], cause) from cause
        return decoded

    def _prepare_one(self, conn: Connection, projection: Projection, page: Sequence[LogRow],
                     events: Sequence[Any], by_topic: dict[str, list[int]]) -> Write:
        """One projection's work on one page: its rows loaded and changed in
        memory by its handlers, and what they move its counts by; returns
        what writes them. A failure names the event it stopped at.
        ``by_topic``: where in the page each topic's events are, so that
        each projection visits its own events only."""
        if projection.every_event:
            try:
                return projection.prepare_page(conn, page)
            except Exception as cause:
                raise _PageFailed(projection.name, page[0][0], cause) from cause
        counts = projection.counts
        rows = Rows(projection.table, projection.counted if counts is not None else None)
        applied, handlers = 0, projection.handlers
        current = page[0][0]
        try:
            places = [i for topic in handlers for i in by_topic.get(topic, ())]
            places.sort()
            handled = [(page[i], events[i]) for i in places]
            # Rows this page creates need no lookup: they cannot be stored yet.
            creating, created, wanted = projection.creating, set(), set()
            for row, event in handled:
                key = str(event.originator_id)
                if row[3] in creating:
                    created.add(key)
                elif key not in created:
                    wanted.add(key)
            rows.load(conn, wanted)
            for row, event in handled:
                current = row[0]
                handlers[row[3]](projection, rows, event)
                applied += 1
            moved = projection.recount(rows.changed()) if counts is not None else None
        except Exception as cause:
            raise _PageFailed(projection.name, current, cause) from cause

        def write(conn: Connection) -> int:
            rows.flush(conn)
            if moved is not None:
                _Writer(conn, counts).add(moved)
            return applied
        return write

    def _lock(self, conn: Connection, names: Sequence[str]) -> dict[str, int]:
        """The positions of these projections, locked until the transaction
        ends; always in the order of their names, so two workers never hold
        one each while waiting for the other's."""
        query = (select(POSITIONS.c.name, POSITIONS.c.position)
                 .where(POSITIONS.c.name.in_(names)).order_by(POSITIONS.c.name)
                 .with_for_update())
        return {name: position for name, position in conn.execute(query)}

    def _record_failure(self, name: str, failure: ProjectionFailed,
                        cause: BaseException) -> None:
        log.error("%s", failure, exc_info=cause)
        self.backoff[name] = self.backoff.get(name, Backoff(0, 0.0)).after_another(self.clock())
        with self.db.begin() as conn:
            conn.execute(update(POSITIONS).where(POSITIONS.c.name == name)
                         .values(error=str(failure), updated_at=_now()))

    def _ensure_positions(self) -> None:
        if self._positions_ready:
            return
        insert = pg_insert if self.db.dialect.name == "postgresql" else sqlite_insert
        with self.db.begin() as conn:
            conn.execute(insert(POSITIONS).on_conflict_do_nothing(),
                         [{"name": n, "position": 0} for n in self.projections])
        self._positions_ready = True


# A catch-up that applied this many events analyses the tables never analysed;
# one that applied the second number, every table it moved.
ANALYZE_CHECK_AFTER, ANALYZE_AFTER = 1000, 20_000


def fetched(conn: Connection, statement: str, parameters: tuple[Any, ...]
            ) -> list[Any]:
    """Every row of a statement, as the database driver gives them (plain
    tuples, none of SQLAlchemy's per-row work), on ``conn``'s transaction."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


def _by_topic(page: Sequence[LogRow]) -> dict[str, list[int]]:
    """Where in the page each topic's events are, in order."""
    places: dict[str, list[int]] = {}
    for i, row in enumerate(page):
        found = places.get(row[3])
        if found is None:
            places[row[3]] = [i]
        else:
            found.append(i)
    return places


def _reconcile(projection: Projection, conn: Connection, page: Sequence[LogRow],
               rows: list[tuple[Any, ...]]) -> Write:
    """``Projection.write_rows`` for a rebuild's copy of a ``reconciled``
    projection: the live table's rows from where the copy stands to the
    page's last event, read as stored and compared with ``rows``; the write
    deletes those that differ or that no event of the page makes, and writes
    the page's rows that were not stored as made. The live projection,
    which goes on catching up meanwhile, is locked at the write: where it
    stands behind the page's end (it failed, or fell behind), the rebuild
    has just written its rows, and it is moved there, its failure cleared."""
    table, dialect = projection.table, conn.dialect
    quote, mark = dialect.identifier_preparer.quote, "?" if dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(quote(c.name) for c in table.columns)
    name = quote(table.name)
    start = conn.execute(select(POSITIONS.c.position)
                         .where(POSITIONS.c.name == projection.name)).scalar_one()
    last = page[-1][0] if page else start
    stored = {row[0]: tuple(row) for row in conn.exec_driver_sql(
        f"SELECT {names} FROM {name} WHERE position > {mark} AND position <= {mark}",
        (start, last))}
    made = {row[0]: row for row in rows}
    # Rows that differ or that no event makes go; the page's rows not stored
    # as made are written (their positions cleared first: the live
    # projection may have written some since they were read, from the same
    # events by the same code).
    gone = sorted({p for p, row in stored.items() if made.get(p) != row}
                  | {p for p, row in made.items() if stored.get(p) != row})
    fresh = [row for p, row in made.items() if stored.get(p) != row]
    live_name = projection.name.removesuffix(SHADOW_SUFFIX)

    def write(conn: Connection) -> int:
        live = conn.execute(select(POSITIONS.c.position).where(POSITIONS.c.name == live_name)
                            .with_for_update()).scalar_one()
        if gone:
            conn.exec_driver_sql(f"DELETE FROM {name} WHERE position = {mark}",
                                 [(p,) for p in gone])
        if fresh:
            _Writer(conn, table).insert_values(fresh)
        if last > live:
            conn.execute(update(POSITIONS).where(POSITIONS.c.name == live_name)
                         .values(position=last, error=None, updated_at=_now(),
                                 events_applied=POSITIONS.c.events_applied
                                 + sum(1 for p in made if p > live)))
        return len(rows)
    return write


def _beside(table: Table) -> Table:
    return table.to_metadata(MetaData(), name=table.name + SHADOW_SUFFIX)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while pages are applied. A page makes
    hundreds of thousands of short-lived objects, none of them in cycles
    (reference counting frees them); the collector would still scan them
    every few hundred allocations, which cost about a sixth of a rebuild's
    time. It runs again, with whatever it finds, once the run ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sqlstate(error: OperationalError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _now() -> datetime:
    return datetime.now(UTC)


def timed(progress: Callable[[int, float], None]) -> Progress:
    """Adapts a (count, events-per-second) callback to the engine's progress."""
    started, seen = time.perf_counter(), [0]

    def step(count: int) -> None:
        seen[0] += count
        progress(count, seen[0] / max(time.perf_counter() - started, 1e-9))
    return step
