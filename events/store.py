"""Where the log lives: one database URL chooses SQLite or PostgreSQL.

The same URL serves the projections (see ``projections.db``), so the event
store and the read models always sit in one database.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteFactory

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
        return {"PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": p.path.lstrip("/"), "POSTGRES_HOST": p.hostname or "",
                "POSTGRES_PORT": str(p.port or 5432), "POSTGRES_USER": unquote(p.username or ""),
                "POSTGRES_PASSWORD": unquote(p.password or ""), "POSTGRES_SCHEMA": self.schema,
                "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS)}

    def sqlalchemy_url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.sqlite_path}"
        p = self.parts
        return p._replace(scheme="postgresql+psycopg", query="").geturl()


class DurableSQLitePool(SQLiteConnectionPool):
    """The library's pool, with the durability the ledger promises stated
    explicitly rather than left to the build's default."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=FULL")
        return connection


class DurableSQLiteFactory(SQLiteFactory):
    def __init__(self, env):  # type: ignore[no-untyped-def]
        super().__init__(env)
        pool = self.datastore.pool
        self.datastore.pool = DurableSQLitePool(db_name=pool.db_name,
                                                lock_timeout=pool.lock_timeout)
        pool.close()


def sqlite_pragmas(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_SECONDS * 1000}")
