"""Where the log lives: one database URL chooses SQLite or PostgreSQL.

The same URL serves the projections (see ``projections.db``), so the event
store and the read models always sit in one database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.sqlite import (
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteFactory,
)
from eventsourcing.utils import retry
from psycopg.errors import UndefinedFunction
from psycopg.sql import SQL, Composed, Identifier

LOCK_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed ``LEDGER_DATABASE_URL``. PostgreSQL URLs may carry
    ``?schema=NAME`` to keep the ledger in a schema of its own."""

    raw: str

    def __post_init__(self) -> None:
        if not (self.raw.startswith("sqlite:///") and len(self.raw) > len("sqlite:///")
                or self.raw.startswith(("postgresql://", "postgres://"))):
            raise ValueError("LEDGER_DATABASE_URL must be sqlite:///PATH or "
                             f"postgresql://USER:PASSWORD@HOST:PORT/DB, not {self.raw!r}")

    @property
    def is_sqlite(self) -> bool:
        return self.raw.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.raw.removeprefix("sqlite:///"))

    @property
    def parts(self):  # type: ignore[no-untyped-def]
        return urlsplit(self.raw)

    @property
    def schema(self) -> str:
        return parse_qs(self.parts.query).get("schema", ["public"])[0]

    def eventsourcing_env(self) -> dict[str, str]:
        if self.is_sqlite:
            return {"PERSISTENCE_MODULE": "events.store:DurableSQLiteFactory",
                    "SQLITE_DBNAME": str(self.sqlite_path),
                    "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS)}
        p = self.parts
        return {"PERSISTENCE_MODULE": "events.store:LedgerPostgresFactory",
                "POSTGRES_DBNAME": p.path.lstrip("/"), "POSTGRES_HOST": p.hostname or "",
                "POSTGRES_PORT": str(p.port or 5432), "POSTGRES_USER": unquote(p.username or ""),
                "POSTGRES_PASSWORD": unquote(p.password or ""), "POSTGRES_SCHEMA": self.schema,
                "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS)}

    def sqlalchemy_url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.sqlite_path}"
        p = self.parts
        return p._replace(scheme="postgresql+psycopg", query="").geturl()


# What the databases say when the disk will not take a write: the file or
# the file system read-only, the disk full, the disk failing (SQLite's words;
# PostgreSQL's SQLSTATEs for a read-only transaction and a full disk).
_REFUSALS = ("readonly database", "disk i/o error", "database or disk is full",
             "no space left on device")
_REFUSING_SQLSTATES = frozenset({"25006", "53100"})


def storage_refused(error: BaseException | None) -> bool:
    """Whether an error, or one it was raised from, is the disk refusing a
    write: nothing was recorded, and it will pass once the disk is fixed."""
    seen = 0
    while error is not None and seen < 8:
        if getattr(error, "sqlstate", None) in _REFUSING_SQLSTATES:
            return True
        if isinstance(error, sqlite3.Error) and any(
                words in str(error).lower() for words in _REFUSALS):
            return True
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
        seen += 1
    return False


def writable(path: Path) -> bool:
    """Whether a connection opened now could write the database: SQLite
    opens a file it may not write read-only, silently, and such a
    connection stays read-only for its whole life."""
    wal = path.with_name(path.name + "-wal")
    return os.access(path, os.W_OK) and (not wal.exists() or os.access(wal, os.W_OK))


class LedgerSQLiteConnection(SQLiteConnection):
    """A pooled connection that leaves the pool, rather than going back
    into it, once the disk has refused it a write: a connection SQLite
    opened read-only would refuse every write after the disk recovers."""

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        try:
            with super().transaction(commit=commit) as cursor:
                yield cursor
        except Exception as error:
            if storage_refused(error):
                self._closing.set()  # closed when given back, not pooled
            raise


class DurableSQLitePool(SQLiteConnectionPool):
    """The library's pool, with the durability the ledger promises stated
    explicitly rather than left to the build's default, and no connection
    kept that the disk would not let write (see ``LedgerSQLiteConnection``)."""

    def _create_connection(self) -> SQLiteConnection:
        opened = super()._create_connection()
        connection = LedgerSQLiteConnection(sqlite_conn=opened._sqlite_conn,
                                            max_age=self.max_age)
        if opened._max_age_timer is not None:
            opened._max_age_timer.cancel()
        connection._sqlite_conn.execute("PRAGMA synchronous=FULL")
        if not writable(Path(self.db_name)):
            connection._closing.set()  # read-only for life: used once, then closed
        return connection


def create_private(path: Path) -> None:
    """Create the SQLite database file if it is missing, readable and
    writable by its owner only: it holds every personal record the ledger
    has, and SQLite gives its ``-wal`` and ``-shm`` files the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


class DurableSQLiteFactory(SQLiteFactory):
    def __init__(self, env):  # type: ignore[no-untyped-def]
        super().__init__(env)
        pool = self.datastore.pool
        create_private(Path(pool.db_name))  # before the first connection creates it
        self.datastore.pool = DurableSQLitePool(db_name=pool.db_name,
                                                lock_timeout=pool.lock_timeout)
        pool.close()


def sqlite_pragmas(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_SECONDS * 1000}")


class OneTripPostgresRecorder(PostgresApplicationRecorder):
    """The library's recorder, appending in one round trip to the server.

    The library sends an append as BEGIN, ``SET LOCAL lock_timeout``,
    ``LOCK TABLE … IN EXCLUSIVE MODE``, ``NOTIFY``, the INSERT and COMMIT in a
    pipeline of two synchronisations. The same statements run here inside one
    server-side function, called as a single statement in its own implicit
    transaction: the table lock is still taken before the notification ids
    are drawn and held until the commit, so ids still become visible in
    commit order, which the projection engine relies on to never skip an
    event. The library's own function (``POSTGRES_ENABLE_DB_FUNCTIONS``)
    leaves the lock out, so it is not used.

    ``db upgrade`` creates the function with the tables (``CREATE OR REPLACE``,
    safe to repeat). It runs with its owner's rights (``SECURITY DEFINER``,
    every name in it qualified): the role the server runs as (README) may
    neither update nor delete stored events, and PostgreSQL grants the
    table lock only to a role that may.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema)
        id_type = self.datastore.originator_id_type
        self.pg_function_name_insert_events = f"ledger_append_events_{id_type}"
        self.append_one_function = f"ledger_append_event_{id_type}"
        many, one = (Identifier(self.pg_function_name_insert_events),
                     Identifier(self.append_one_function))
        self.sql_invoke_pg_function_insert_events = SQL(
            "SELECT notification_id FROM {schema}.{function}(%s, %s, %s, %s) "
            "AS appended(notification_id)").format(
                schema=schema, function=many)
        self.append_one_statement = SQL(
            "SELECT notification_id FROM {schema}.{function}(%s, %s, %s, %s) "
            "AS appended(notification_id)").format(
                schema=schema, function=one)
        # Most saves carry one event: plain arguments cost less to send and
        # to take apart than arrays, so that case has a function of its own.
        for function, arguments, rows in (
                (many, "ids {id_type}[], versions bigint[], topics text[], states bytea[]",
                 "SELECT * FROM unnest(ids, versions, topics, states)"),
                (one, "id {id_type}, version bigint, topic text, state bytea",
                 "VALUES (id, version, topic, state)")):
            self.sql_create_statements.append(SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}(" + arguments + ") "
                "RETURNS SETOF bigint LANGUAGE plpgsql "
                "SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $BODY$ "
                "BEGIN "
                "SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} AS t "
                "(originator_id, originator_version, topic, state) " + rows + " "
                "RETURNING notification_id; "
                "END; $BODY$").format(
                    schema=schema, function=function, id_type=Identifier(id_type),
                    lock_timeout=self.datastore.lock_timeout,
                    table=Identifier(self.events_table_name),
                    channel=Identifier(self.channel_name)))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        if len(stored_events) == 1:
            e = stored_events[0]
            statement: SQL | Composed = self.append_one_statement
            arguments: tuple[Any, ...] = (e.originator_id, e.originator_version, e.topic,
                                          e.state)
        else:
            statement = self.sql_invoke_pg_function_insert_events
            arguments = self.append_arguments(stored_events)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # The pool's connections are in autocommit mode: this one
            # statement is one transaction.
            try:
                curs.execute(statement, arguments, prepare=True)
            except UndefinedFunction as missing:
                raise ProgrammingError(
                    "the event store's append function is missing: run "
                    "`flask --app wsgi db upgrade` before starting the server") from missing
            return [row["notification_id"] for row in curs.fetchall()]

    @staticmethod
    def append_arguments(stored_events: Sequence[StoredEvent]) -> tuple[list[Any], ...]:
        """The four arrays of a several-event append, sent in binary: cheaper
        to send and to parse than the library's array of composite values
        in text."""
        return ([e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events], [e.state for e in stored_events])


class LedgerPostgresFactory(PostgresFactory):
    application_recorder_class = OneTripPostgresRecorder
