"""The SQLAlchemy engine for projection tables, on the same database as the
event store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from events.store import LOCK_TIMEOUT_SECONDS, DatabaseURL, sqlite_pragmas

# Execution option: a transaction that will write takes SQLite's write lock at
# BEGIN, so the position it reads cannot change before it commits.
IMMEDIATE = {"ledger_immediate": True}
READ_MODEL_CACHE_KIB = 16 * 1024


def make_engine(url: DatabaseURL, **kwargs: Any) -> Engine:
    if url.is_sqlite:
        return _sqlite_engine(url, **kwargs)
    options = f"-csearch_path={url.schema} -clock_timeout={LOCK_TIMEOUT_SECONDS}s"
    return create_engine(url.sqlalchemy_url(), connect_args={"options": options},
                         pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: DatabaseURL, **kwargs: Any) -> Engine:
    url.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
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

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("ledger_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
