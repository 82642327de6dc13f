"""On PostgreSQL a long catch-up leaves the planner statistics of the tables
it filled, as autovacuum would: pages read through their indexes at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from events.base import acting_as
from app.service import upgrade
from tests.conftest import COMMUNE, vn


@pytest.fixture
def database_url(postgres_templates):  # type: ignore[no-untyped-def]
    """PostgreSQL alone: SQLite plans from the indexes' shape, not statistics."""
    yield from postgres_templates.copy("migrated", upgrade)


def test_a_long_catch_up_leaves_the_filled_tables_analysed(service):
    with acting_as("cb"), service.ledger.batch() as batch:
        for n in range(3000):
            service.ledger.receive_dossier(COMMUNE, f"A-{n:05d}", "2.000894", f"Người {n}",
                                           "truc_tiep", "", vn(2026, 1, 5, 7) +
                                           timedelta(minutes=n))
        batch.save()
    service.engine.catch_up()
    with service.read() as conn:
        counted = conn.execute(text(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass('dossier')")).scalar()
    assert counted >= 3000
