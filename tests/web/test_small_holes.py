"""The audit's small holes: a ``next`` that is no path of this site, periods
no ledger can mean, HSTS, pages kept out of caches, private files, and the
security headers on every answer, error pages included."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app import _secret_key, create_app
from app.people.permissions import OPEN
from app.people.sessions import SESSIONS
from app.security import HEADERS
from app.service import upgrade
from events.base import acting_as
from events.people import ROLE_NAMES
from projections.access import AccessProjection
from tests.conftest import COMMUNE, OTHER_COMMUNE, PASSWORD, csrf_token, log_in
from tests.web.test_access import client_for, routes, with_dossiers

HSTS = "Strict-Transport-Security"


def sessions_and_events(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with svc.read() as conn:
        return conn.execute(select(func.count()).select_from(SESSIONS)).scalar_one(), \
            svc.engine.head()


def log_in_to(client, target: str):  # type: ignore[no-untyped-def]
    url = "/login?" + urlencode({"next": target})
    token = csrf_token(client.get("/login").text)
    return client.post(url, data={"csrf_token": token, "name": "canbo", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"})


# -- next= ------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/dossiers\nSet-Cookie: x=1", "/a\r\nb", "/a\tb", "/a\x00b", "/a\x7fb", "/a\u2028b",
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "http:/evil.example", "javascript:alert(1)", "dossiers"])
def test_a_next_that_is_no_path_of_this_site_is_refused_before_any_session(app, target):
    before = sessions_and_events(app)
    client = app.test_client()
    response = log_in_to(client, target)
    assert response.status_code == 400 and "Location" not in response.headers
    assert sessions_and_events(app) == before
    assert client.get("/").status_code == 302  # not logged in
    assert client.get("/login?" + urlencode({"next": target})).status_code == 400


def test_a_next_within_the_site_is_followed(app):
    client = app.test_client()
    asked = client.get("/dossiers?q=Lê Văn&page=2")
    assert asked.status_code == 302
    token = csrf_token(client.get(asked.headers["Location"]).text)
    response = client.post(asked.headers["Location"], data={
        "csrf_token": token, "name": "canbo", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dossiers?q=L")
    assert response.headers["Location"].endswith("&page=2")
    assert log_in_to(app.test_client(), "/dossiers/A-1").headers["Location"] == "/dossiers/A-1"


# -- periods ------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["0001", "0001-01-01..9999-12-31", "9999", "1989-12"])
def test_a_period_outside_1990_to_2100_is_a_message_not_an_error(logged_in, period):
    page = logged_in.get("/?" + urlencode({"period": period}))
    assert page.status_code == 200 and "từ năm 1990 đến năm 2100" in page.text
    assert logged_in.get("/dashboard/counts?" + urlencode({"period": period})).status_code == 200
    book = logged_in.get("/print/book?" + urlencode({"period": period}))
    assert book.status_code == 400 and "từ năm 1990 đến năm 2100" in book.text


def test_the_report_command_refuses_such_a_period(runner):
    result = runner.invoke(args=["report", "0001-01-01..9999-12-31", "--commune", "10921"])
    assert result.exit_code == 1 and "từ năm 1990 đến năm 2100" in result.output


# -- headers ------------------------------------------------------------------------

@pytest.fixture
def proxied_app(template_database: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "proxied.sqlite3"
    shutil.copyfile(template_database, path)
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret",
                            "TESTING": True, "TRUSTED_PROXIES": 1})
    yield flask_app
    flask_app.extensions["ledger"].close()


def test_hsts_is_sent_over_https_only(app, proxied_app):
    client = app.test_client()
    assert HSTS not in client.get("/login").headers
    assert client.get("/login", base_url="https://localhost").headers[HSTS] == \
        "max-age=31536000"
    forwarded = {"X-Forwarded-Proto": "https"}
    assert HSTS not in client.get("/login", headers=forwarded).headers  # no proxy trusted
    assert proxied_app.test_client().get("/login", headers=forwarded).headers[HSTS] == \
        "max-age=31536000"


@pytest.mark.parametrize("name", ["admin", "canbo"])
def test_no_page_a_user_sees_is_stored_by_the_browser(app, name):
    """Every page after log-in says ``no-store``, but the dashboard's polled
    counts, which revalidate by their ETag (and hold no personal data)."""
    with_dossiers(app)
    client = client_for(app, name)
    seen = 0
    for endpoint, _method, url in routes(app, {"GET"}):
        if endpoint in OPEN:
            continue
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
        if endpoint == "dashboard.counts":
            assert response.headers["Cache-Control"] == "private, no-cache"
            assert response.headers["ETag"]
        elif response.mimetype == "text/html":
            assert response.headers["Cache-Control"] == "no-store", (url, response.status_code)
            seen += response.status_code == 200
    assert seen >= 5


def test_the_polled_counts_still_answer_304(logged_in):
    first = logged_in.get("/dashboard/counts?period=2026", headers={"HX-Request": "true"})
    again = logged_in.get("/dashboard/counts?period=2026", headers={
        "HX-Request": "true", "If-None-Match": first.headers["ETag"].strip('"')})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "private, no-cache"


def assert_guarded(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name)
    assert response.headers["Cache-Control"] == "no-store"


def test_error_answers_carry_the_security_headers(app):
    client = app.test_client()
    assert_guarded(client.get("/no-such-page"))  # 404
    assert_guarded(client.get("/logout"))  # 405
    assert_guarded(client.post("/login", data={"name": "x"}))  # 400: no CSRF token
    too_large = client.post("/login", data=b"x" * (21 * 1024 * 1024),
                            content_type="application/x-www-form-urlencoded")
    assert too_large.status_code == 413
    assert_guarded(too_large)
    forbidden = client_for(app, "canbo").get("/admin/users")
    assert forbidden.status_code == 403
    assert_guarded(forbidden)


def test_even_an_error_page_that_fails_carries_them(template_database, tmp_path):
    """A failure Flask does not catch (its own error page failing, say while
    the database is gone) reaches the server: answered here, not by gunicorn's
    bare page."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(template_database, path)
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret",
                            "TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    def fails(*_args):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database is gone")

    flask_app.view_functions["health.healthz"] = fails
    flask_app.register_error_handler(500, fails)
    response = flask_app.test_client().get("/healthz")
    assert response.status_code == 500 and "Hệ thống gặp lỗi" in response.text
    assert_guarded(response)
    flask_app.extensions["ledger"].close()


# -- files ------------------------------------------------------------------------

@pytest.fixture
def permissive_umask():  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_and_its_companions_are_private(tmp_path, permissive_umask):
    folder = tmp_path / "data"
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    upgrade(url)
    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "TESTING": True})
    svc = flask_app.extensions["ledger"]
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, "10921", "Quảng Nghiệp")
    log_in(flask_app.test_client(), "khong-co-ai", "sai-mat-khau")
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == ["ledger.sqlite3", "ledger.sqlite3-login.lock",
                                       "ledger.sqlite3-shm", "ledger.sqlite3-wal"]
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    svc.close()


def test_the_secret_key_is_private_and_made_once(tmp_path, permissive_umask):
    key = _secret_key(tmp_path)
    assert _secret_key(tmp_path) == key and len(key) == 64
    assert [f.name for f in tmp_path.iterdir()] == ["secret_key"]
    assert mode(tmp_path / "secret_key") == 0o600


def test_private_files_are_never_readable_by_others(tmp_path, permissive_umask):
    from app.security import write_private
    path = tmp_path / "demo-logins.txt"
    write_private(path, "motcua  mat-khau\n")
    assert mode(path) == 0o600 and path.read_text() == "motcua  mat-khau\n"
    path.chmod(0o644)
    write_private(path, "mới\n")
    assert mode(path) == 0o600 and path.read_text(encoding="utf-8") == "mới\n"
    assert not write_private(path, "other", replace=False)
    assert path.read_text(encoding="utf-8") == "mới\n"
    assert [f.name for f in tmp_path.iterdir()] == ["demo-logins.txt"]


# -- health ------------------------------------------------------------------------

def test_health_says_degraded_and_names_no_commune(app, monkeypatch):
    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setitem(AccessProjection.handlers, AccessProjection.failed.handled_topic,
                        broken)
    log_in(app.test_client(), "canbo", "sai-mat-khau")
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "degraded", "events": health.json["events"],
                           "behind": health.json["behind"], "failing": ["access"]}
    assert isinstance(health.json["events"], int) and isinstance(health.json["behind"], int)
    assert COMMUNE not in health.text and OTHER_COMMUNE not in health.text
    assert_guarded(health)


def test_the_icon_is_there_without_a_log_in(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg")
    named = client.get("/login").text
    assert 'rel="icon" href="/static/favicon.svg"' in named
    assert client.get("/static/favicon.svg").status_code == 200


ROLE_CODES = re.compile(r"\b(clerk|officer|leader|auditor|inspector|admin|province_admin)\b")


def test_roles_and_the_commune_are_named_not_coded(app):
    """The header names the user's roles and commune; the users' page, its
    role column and the role picker too (DOMAIN.md's names, not codes)."""
    client = app.test_client()
    log_in(client, "admin")
    page = client.get("/admin/users").text
    header = re.search(r'class="who">(.*?)</form>', page, re.S)
    assert header and "Quảng Nghiệp" in header.group(1) and COMMUNE not in header.group(1)
    assert ROLE_NAMES["admin"] in header.group(1)
    assert "<h1>Người dùng của Quảng Nghiệp</h1>" in page
    rows = re.findall(r'<tr id="user-[^"]*">(.*?)</tr>', page, re.S)
    roles = [re.findall(r"<td>([^<]*)</td>", row)[2] for row in rows]
    assert ROLE_NAMES["clerk"] in roles and ROLE_NAMES["inspector"] in roles
    assert not any(ROLE_CODES.search(cell) for cell in roles), roles
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert options and set(options) <= set(ROLE_NAMES.values())
