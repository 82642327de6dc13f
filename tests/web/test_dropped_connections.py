"""Connections the PostgreSQL server drops (a restart, a fail-over, an
administrator's ``pg_terminate_backend``) are replaced: the next pages are
read on new ones, not answered with 500."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg

from tests.conftest import POSTGRES_URL, log_in


def drop_connections(database: str) -> int:
    """Every connection the server holds to ``database`` but this one ended,
    as a server restart ends them; how many."""
    with psycopg.connect(POSTGRES_URL.split("?")[0], autocommit=True) as admin:
        return len(admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchall())


def test_pages_are_read_on_new_connections_after_the_server_dropped_them(postgres_app):
    client = postgres_app.test_client()
    assert log_in(client).status_code == 302
    database = urlsplit(postgres_app.config["DATABASE_URL"]).path.lstrip("/")
    for path in ("/", "/dossiers"):
        assert client.get(path).status_code == 200
    for _ in range(3):  # again and again, as repeated fail-overs would
        assert drop_connections(database) > 0
        for path in ("/", "/dossiers", "/healthz"):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
    for _ in range(3):  # logging in records the attempt: through the event store's own pool
        anonymous = postgres_app.test_client()
        assert anonymous.get("/login").status_code == 200
        assert drop_connections(database) > 0
        assert log_in(anonymous).status_code == 302
        assert anonymous.get("/").status_code == 200
