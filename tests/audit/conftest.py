"""A ledger of a few events, on SQLite and PostgreSQL, with its command line
and raw access to the event store's table for tampering with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Connection

from app import create_app
from app.service import LedgerService, upgrade
from events.base import acting_as

# A fixed Ed25519 seed, so that the tests never write a key into instance/.
SIGNING_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
OTHER_SEED = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"


class Ledger:
    """The app on one database, its CLI, and the stored events' table."""

    def __init__(self, url: str, upgraded: bool = True) -> None:
        if upgraded:
            upgrade(url)
        self.app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret",
                               "TESTING": True, "ID_HASH_KEY": "test-id-hash-key"})
        self.svc: LedgerService = self.app.extensions["ledger"]
        self.runner = self.app.test_cli_runner()
        self.sqlite = self.svc.url.is_sqlite
        self.table = "stored_events" if self.sqlite else "ledger_events"
        self.key = "rowid" if self.sqlite else "notification_id"

    def run(self, *args: str) -> Result:
        return self.runner.invoke(args=list(args))

    def record(self, count: int, start: int = 0) -> None:
        with acting_as("system"):
            for n in range(start, start + count):
                self.svc.record(self.svc.ledger.register_commune, f"1{n:04d}", f"Xã số {n}")

    def write(self) -> Any:
        return self.svc.write()

    def drop_triggers(self, conn: Connection, table: str | None = None) -> None:
        """What someone with the database in hand does first."""
        table = table or self.table
        if self.sqlite:
            conn.exec_driver_sql(f"DROP TRIGGER {table}_no_update")
            conn.exec_driver_sql(f"DROP TRIGGER {table}_no_delete")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER {table}_append_only ON {table}")
            conn.exec_driver_sql(f"DROP TRIGGER {table}_no_truncate ON {table}")

    def row(self, conn: Connection, position: int) -> tuple[Any, ...]:
        return tuple(conn.exec_driver_sql(
            f"SELECT originator_id, originator_version, topic, state FROM {self.table} "
            f"WHERE {self.key} = {position}").one())

    def put(self, conn: Connection, position: int, row: tuple[Any, ...]) -> None:
        """An event written at a position of one's choosing."""
        mark = "?" if self.sqlite else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO {self.table} ({self.key}, originator_id, originator_version, topic, "
            f"state) VALUES ({mark}, {mark}, {mark}, {mark}, {mark})", (position, *row))

    def delete(self, conn: Connection, where: str) -> None:
        conn.exec_driver_sql(f"DELETE FROM {self.table} WHERE {where}")

    def close(self) -> None:
        self.svc.close()


@pytest.fixture
def ledger(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    monkeypatch.setenv("LEDGER_SIGNING_KEY", SIGNING_SEED)
    ledger = Ledger(database_url)
    yield ledger
    ledger.close()
