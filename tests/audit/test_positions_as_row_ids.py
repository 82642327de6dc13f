"""The audit trail's and the seal's tables as the model describes them on
both backends, and on SQLite keyed by the row id itself (migration 0024),
with what a database at the revision before holds carried over."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

from app.service import LedgerService, downgrade, upgrade
from events.base import acting_as
from projections.audit_trail import TRAIL
from projections.seal import SEAL
from tests.conftest import COMMUNE

TABLES = ("audit_trail", "audit_seal")


def test_the_migrations_make_the_tables_the_model_describes(service):
    own = MetaData()
    for table in (TRAIL, SEAL):
        table.to_metadata(own)
    only_ours = {"include_name": lambda name, kind, _parent: kind != "table" or name in TABLES,
                 "compare_type": True}
    with service.db.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts=only_ours), own) == []


def keys(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Each table's position column type and the indexes SQLite made for
    its keys (none when the key is the row id)."""
    with sqlite3.connect(path) as db:
        return {table: (next(r[2] for r in db.execute(f"PRAGMA table_info({table})")
                             if r[1] == "position"),
                        [r[0] for r in db.execute(
                            "SELECT name FROM sqlite_master WHERE tbl_name = ? AND name LIKE "
                            "'sqlite_autoindex%'", (table,))])
                for table in TABLES}


def contents(path: Path) -> list[list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return [list(db.execute(f"SELECT * FROM {table} ORDER BY position")) for table in TABLES]


def test_on_sqlite_the_position_becomes_the_row_id_and_every_row_is_kept(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url, "0023")
    assert keys(path) == {t: ("BIGINT", [f"sqlite_autoindex_{t}_1"]) for t in TABLES}
    service = LedgerService(url)
    with acting_as("system"):
        service.record(service.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
        service.record(service.ledger.register_user, "canbo", "clerk", COMMUNE)
    service.engine.catch_up()
    service.close()
    before = contents(path)
    assert all(len(rows) == 2 for rows in before)

    upgrade(url)
    assert keys(path) == {t: ("INTEGER", []) for t in TABLES}
    assert contents(path) == before
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("SELECT rowid FROM audit_trail ORDER BY rowid")] == \
            [row[0] for row in before[0]]
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'index' AND tbl_name = 'audit_trail'")}
    assert indexes == {"ix_audit_trail_commune", "ix_audit_trail_actor", "ix_audit_trail_entity"}

    downgrade(url, "0023")
    assert keys(path) == {t: ("BIGINT", [f"sqlite_autoindex_{t}_1"]) for t in TABLES}
    assert contents(path) == before
