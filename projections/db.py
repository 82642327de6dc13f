"""The SQLAlchemy engine for projection tables, on the same database as the
event store, and the schema changes a rebuild makes to swap a read model in."""

from __future__ import annotations

import os
import re
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, Integer, create_engine, event, exc

from events.store import (
    LOCK_TIMEOUT_SECONDS,
    DatabaseURL,
    create_private,
    sqlite_pragmas,
    storage_refused,
    writable,
)

# Execution option: a transaction that will write takes SQLite's write lock at
# BEGIN, so the position it reads cannot change before it commits.
IMMEDIATE = {"ledger_immediate": True}
READ_MODEL_CACHE_KIB = 16 * 1024
SORT_THREADS = min(os.cpu_count() or 1, 4) - 1

# The key of a table with a row per event of the log (its notification id):
# on SQLite the table's own row id (a column of type INTEGER that is the
# primary key), so the table is one B-tree and not two (migration 0024).
ROW_POSITION = BigInteger().with_variant(Integer(), "sqlite")


def make_engine(url: DatabaseURL, **kwargs: Any) -> Engine:
    if url.is_sqlite:
        return _sqlite_engine(url, **kwargs)
    options = f"-csearch_path={url.schema} -clock_timeout={LOCK_TIMEOUT_SECONDS}s"
    return create_engine(url.sqlalchemy_url(), connect_args={"options": options},
                         pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: DatabaseURL, **kwargs: Any) -> Engine:
    create_private(url.sqlite_path)
    engine = create_engine(url.sqlalchemy_url(), **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        sqlite_pragmas(dbapi_connection)
        # Up to 16 MB of pages per connection, against SQLite's 2 MB: a page
        # of rebuilt rows lands all over the tables' indexes, and with the
        # smaller cache those index pages are read back again and again
        # (a rebuild is about a tenth faster with it). Pages are taken only
        # as they are used.
        dbapi_connection.execute(f"PRAGMA cache_size=-{READ_MODEL_CACHE_KIB}")
        # A large sort (building an index as a rebuild swaps a table in) may
        # share its work with helper threads, one per further core.
        dbapi_connection.execute(f"PRAGMA threads={SORT_THREADS}")
        # SQLite opens a file it may not write read-only, for the
        # connection's whole life: such a connection serves reads while the
        # disk is read-only, and is replaced once it is writable again.
        _record.info["read_only"] = not writable(url.sqlite_path)

    @event.listens_for(engine, "checkout")
    def _checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("read_only") and writable(url.sqlite_path):
            raise exc.DisconnectionError("opened read-only; the disk is writable again")

    @event.listens_for(engine, "handle_error")
    def _refused(context: Any) -> None:
        # The disk refused a write: this connection goes, the pool's others
        # stay (they recover with the disk, or leave the same way).
        if storage_refused(context.original_exception):
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("ledger_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# -- a read model built beside the live one ---------------------------------------
#
# A rebuild fills a new table shaped as the live one is in the database (its
# columns, keys, indexes and constraints as the migrations left them, not as
# the model says they should be) and then, in one transaction, drops the live
# table and renames the new one in its place, giving its indexes and
# constraints the live ones' names. Both databases change their schema inside
# a transaction: a reader sees the old table or the new, never neither.

SHADOW_SUFFIX = "__rebuild"
# How long the swap on PostgreSQL waits for readers to let go of a table
# before it gives up and tries again: shorter than the server's deadlock check
# (1 s), so that a reader holding one table and waiting for another is never
# the one made to fail.
SWAP_LOCK_TIMEOUT_MS = 500
_CREATE_TABLE = re.compile(r'^\s*CREATE\s+TABLE\s+("[^"]*"|`[^`]*`|\[[^\]]*\]|[^\s(]+)',
                           re.IGNORECASE)


def clone_table(conn: Connection, live: str, shadow: str) -> None:
    """Create ``shadow`` empty, shaped as ``live``. On SQLite the secondary
    indexes come at the swap (SQLite cannot rename an index, and building one
    over a finished table is faster than keeping it up row by row); keys and
    inline UNIQUE constraints are part of the table and come at once."""
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(shadow)}")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE TABLE {quote(shadow)} (LIKE {quote(live)} INCLUDING ALL)")
        return
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (live,)).scalar_one()
    conn.exec_driver_sql(_CREATE_TABLE.sub(f"CREATE TABLE {quote(shadow)}", sql, count=1))


def prepare_swap(conn: Connection, shadow: str) -> None:
    """Before the swap, outside its transaction: on PostgreSQL, statistics for
    the filled table, so that the first queries after the swap plan well."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(shadow)}")


def swap_table(conn: Connection, live: str, shadow: str) -> None:
    """Put ``shadow`` in the place of ``live``, in the caller's transaction."""
    if conn.dialect.name == "postgresql":
        _swap_postgres(conn, live, shadow)
    else:
        _swap_sqlite(conn, live, shadow)


def drop_table(conn: Connection, name: str) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {conn.dialect.identifier_preparer.quote(name)}")


def _swap_sqlite(conn: Connection, live: str, shadow: str) -> None:
    quote = conn.dialect.identifier_preparer.quote
    # The live table's own statements name it, so they apply to the renamed one.
    extras = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type, name", (live,)).scalars().all()
    conn.exec_driver_sql(f"DROP TABLE {quote(live)}")
    conn.exec_driver_sql(f"ALTER TABLE {quote(shadow)} RENAME TO {quote(live)}")
    for sql in extras:
        conn.exec_driver_sql(sql)


def _swap_postgres(conn: Connection, live: str, shadow: str) -> None:
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT_MS}ms'")
    conn.exec_driver_sql(f"LOCK TABLE {quote(live)}, {quote(shadow)} IN ACCESS EXCLUSIVE MODE")
    names = _postgres_indexes(conn, live)
    renames = [(old, names[shape].pop(0)) for shape, olds in
               _postgres_indexes(conn, shadow).items() for old in olds if names.get(shape)]
    conn.exec_driver_sql(f"DROP TABLE {quote(live)}")
    conn.exec_driver_sql(f"ALTER TABLE {quote(shadow)} RENAME TO {quote(live)}")
    for (index, constraint), (live_index, live_constraint) in renames:
        if constraint and live_constraint:  # renames its index as well
            conn.exec_driver_sql(f"ALTER TABLE {quote(live)} RENAME CONSTRAINT "
                                 f"{quote(constraint)} TO {quote(live_constraint)}")
        else:
            conn.exec_driver_sql(f"ALTER INDEX {quote(index)} RENAME TO {quote(live_index)}")


IndexName = tuple[str, str | None]  # the index, and the constraint it backs if any


def _postgres_indexes(conn: Connection, table: str) -> dict[tuple[Any, ...], list[IndexName]]:
    """A table's indexes by their shape (unique, primary, the definition after
    its name and table), each with its name and its constraint's."""
    rows = conn.exec_driver_sql(
        "SELECT i.indisunique, i.indisprimary,"
        " regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', ''),"
        " c.relname, con.conname"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid"
        " AND con.conrelid = i.indrelid"
        " WHERE i.indrelid = to_regclass(%s) ORDER BY c.relname",
        (conn.dialect.identifier_preparer.quote_identifier(table),)).all()
    shapes: dict[tuple[Any, ...], list[IndexName]] = {}
    for unique, primary, definition, index, constraint in rows:
        shapes.setdefault((unique, primary, definition), []).append((index, constraint))
    return shapes
