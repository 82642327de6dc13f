"""The PostgreSQL role the README gives the server: it records events and
keeps the read models, but may neither update nor delete a stored event."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import psycopg
import pytest

from app.service import LedgerService, upgrade
from events.base import acting_as
from tests.conftest import COMMUNE, POSTGRES_URL, _postgres_schema


def grants(schema: str, role: str) -> list[str]:
    """The README's statements, for a schema other than ``public``."""
    return [
        f'GRANT USAGE ON SCHEMA "{schema}" TO {role}',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {role}',
        f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}',
        f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "{schema}".ledger_events FROM {role}',
        f'REVOKE UPDATE, DELETE, TRUNCATE ON "{schema}".audit_checkpoint FROM {role}',
    ]


def test_the_server_role_appends_but_cannot_change_the_log():
    for url in _postgres_schema():
        upgrade(url)
        schema = url.rsplit("schema=", 1)[1]
        role = f"ledger_app_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"CREATE ROLE {role} LOGIN")
            try:
                for statement in grants(schema, role):
                    admin.execute(statement)
                parts = urlsplit(url)
                as_app = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}").geturl()
                svc = LedgerService(as_app)
                try:
                    with acting_as("system"):
                        svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
                    assert svc.engine.head() == 1
                    assert all(s.behind == 0 and s.error is None for s in svc.engine.status())
                    for statement in ("UPDATE ledger_events SET topic = 'x'",
                                      "DELETE FROM ledger_events", "TRUNCATE ledger_events",
                                      "INSERT INTO ledger_events (originator_id, "
                                      "originator_version, topic, state) SELECT "
                                      "originator_id, 2, topic, state FROM ledger_events"):
                        with pytest.raises(Exception, match="permission denied"), \
                                svc.write() as conn:
                            conn.exec_driver_sql(statement)
                    assert svc.engine.head() == 1
                finally:
                    svc.close()
            finally:
                admin.execute(f'DROP OWNED BY {role}')
                admin.execute(f"DROP ROLE {role}")
