"""Fixtures: a fresh ledger database per test, on SQLite and PostgreSQL.

Tests that take ``database_url`` run on both backends. PostgreSQL tests get a
database of their own on the server ``LEDGER_TEST_POSTGRES_URL`` names; when
it cannot be reached they fail in CI and are skipped, saying why, elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest

from app import create_app
from app.people.cli import create_user
from app.service import LedgerService, upgrade
from events.application import ROLES
from events.base import acting_as

POSTGRES_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE = "10921"
OTHER_COMMUNE = "10922"
PASSWORD = "mat-khau-du-dai"


# Real-browser tests drive Debian's Chromium; Playwright's own builds are
# never downloaded.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": CHROMIUM_ARGS, "headless": True}


def vn(*parts: int) -> datetime:
    """A business time in the commune's time zone."""
    return datetime(*parts, tzinfo=ZONE)  # type: ignore[misc]


def _postgres_admin() -> psycopg.Connection:
    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable in CI: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable: {error}")


def _postgres_schema() -> Iterator[str]:
    """An empty schema of its own in the test database, for tests that need
    a database with nothing in it (a restore, a replay)."""
    with _postgres_admin() as admin:
        schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{POSTGRES_URL}?schema={schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


# Migrating a database takes a second or more; tests start from a copy of one
# migrated once per run instead: a file copied on SQLite, a database created
# from a template on PostgreSQL (the ledger kept in its schema "ledger", so
# that the ``?schema=`` path of every test is the one a deployment takes).
TEMPLATE_SCHEMA = "ledger"


def _database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}", query=f"schema={TEMPLATE_SCHEMA}"))


class PostgresTemplates:
    """Template databases built on first use, dropped at the end of the run."""

    def __init__(self) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.built: dict[str, str] = {}

    def template(self, kind: str, build: Any) -> str:
        if kind not in self.built:
            name = f"ledger_tmpl_{self.run}_{kind}"
            with _postgres_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            with psycopg.connect(_database(POSTGRES_URL, name).split("?")[0],
                                 autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
            build(_database(POSTGRES_URL, name))
            with _postgres_admin() as admin:  # a template must have no session open
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            self.built[kind] = name
        return self.built[kind]

    def copy(self, kind: str, build: Any) -> Iterator[str]:
        template = self.template(kind, build)
        name = f"ledger_test_{uuid.uuid4().hex[:12]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            try:
                yield _database(POSTGRES_URL, name)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self) -> None:
        if self.built:
            with _postgres_admin() as admin:
                for name in self.built.values():
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[PostgresTemplates]:
    templates = PostgresTemplates()
    yield templates
    templates.drop()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "ledger.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with nothing recorded, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
    else:
        yield from request.getfixturevalue("postgres_templates").copy("migrated", upgrade)


@pytest.fixture
def counter(service: LedgerService) -> LedgerService:
    """A service whose commune lists the test procedures and has the staff
    dossiers are handed over to, for dossier tests."""
    with acting_as("system"):
        list_procedures(service, COMMUNE)
        add_staff(service, COMMUNE)
    return service


# Staff that tests hand dossiers over to: (log-in name, role). They exist in
# the log only (no password), as hand-overs require.
STAFF = (("chuyenvien", "officer"), ("chutich", "leader"), ("dc-officer", "officer"),
         ("tp-officer", "officer"), ("pho-chu-tich", "leader"), ("chu-tich", "leader"),
         ("cb", "clerk"))


def add_staff(svc: LedgerService, commune: str, suffix: str = "") -> None:
    for name, role in STAFF:
        svc.record(svc.ledger.register_user, name + suffix, role, commune)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


# Two procedures every test commune lists: (code, name, field, working days).
PROCEDURES = (("1.0", "Chứng thực bản sao từ bản chính", "Chứng thực", 1),
              ("2.000894", "Đăng ký khai sinh", "Hộ tịch", 3))


def list_procedures(svc: LedgerService, commune: str) -> None:
    for code, name, field, days in PROCEDURES:
        svc.record(svc.ledger.list_procedure, commune, code, name, field, "xa", False, days,
                   0, f"https://dichvucong.example/{code}")


def open_service(url: str, page_size: int = 1000) -> LedgerService:
    upgrade(url)
    return LedgerService(url, page_size=page_size)


@pytest.fixture
def service(database_url: str) -> Iterator[LedgerService]:
    svc = LedgerService(database_url, page_size=1000)  # migrated already
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
    yield svc
    svc.close()


# -- the web application ------------------------------------------------------

def _template(path: Path, with_procedures: bool) -> Path:
    """A database with two communes and one user per role, built once per
    run: hashing passwords with argon2 is slow on purpose, so tests copy it."""
    populated_app(f"sqlite:///{path}", with_procedures).extensions["ledger"].close()
    return path


def populated_app(url: str, with_procedures: bool = True):  # type: ignore[no-untyped-def]
    """The app on a new database at ``url``, with two communes, one user per
    role and (``with_procedures``) the test procedures in both catalogues."""
    upgrade(url)
    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True,
                       "ID_HASH_KEY": "test-id-hash-key"})
    with flask_app.app_context():
        svc = flask_app.extensions["ledger"]
        with acting_as("system"):
            svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
            svc.record(svc.ledger.register_commune, OTHER_COMMUNE, "Đại Hợp")
            if with_procedures:
                list_procedures(svc, COMMUNE)
                list_procedures(svc, OTHER_COMMUNE)
            add_staff(svc, COMMUNE)
        create_user("canbo", "clerk", COMMUNE, PASSWORD)
        for role in ROLES:
            create_user(role, role, COMMUNE, PASSWORD)
        create_user("other-clerk", "clerk", OTHER_COMMUNE, PASSWORD)
    return flask_app


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Communes, users, and the test procedures in both communes' catalogues."""
    return _template(tmp_path_factory.mktemp("template") / "ledger.sqlite3", True)


@pytest.fixture(scope="session")
def bare_template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Communes and users, with empty catalogues."""
    return _template(tmp_path_factory.mktemp("bare") / "ledger.sqlite3", False)


def app_on(template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(template, path)
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret",
                       "TESTING": True, "ID_HASH_KEY": "test-id-hash-key"})


@pytest.fixture
def app(template_database: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    flask_app = app_on(template_database, tmp_path)
    yield flask_app
    flask_app.extensions["ledger"].close()


@pytest.fixture
def postgres_app(postgres_templates: PostgresTemplates):  # type: ignore[no-untyped-def]
    """The app as ``app`` has it, on a PostgreSQL database of its own,
    created from one populated once per run."""
    def build(url: str) -> None:
        populated_app(url).extensions["ledger"].close()
    for url in postgres_templates.copy("populated", build):
        flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret",
                                "TESTING": True, "ID_HASH_KEY": "test-id-hash-key"})
        yield flask_app
        flask_app.extensions["ledger"].close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def log_in(client, name: str = "canbo", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"})


@pytest.fixture
def logged_in(client):  # type: ignore[no-untyped-def]
    assert log_in(client).status_code == 302
    return client


def pytest_sessionstart(session: pytest.Session) -> None:
    """The interface's catalogues compiled as ``make`` compiles them, so that
    the suite run without ``make`` (and the server it starts) reads the
    current translations."""
    if hasattr(session.config, "workerinput"):
        return  # a worker of ``pytest -n``: the controlling process compiled them
    root = Path(__file__).resolve().parents[1]
    for po in root.glob("translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([Path(sys.executable).parent / "pybabel", "-q", "compile",
                            "-i", po, "-o", mo], check=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The pure tests of the domain (tests/domain, an in-memory ledger) run
    first: they take a second and say the most when a rule breaks."""
    items.sort(key=lambda item: "tests/domain/" not in item.nodeid)
