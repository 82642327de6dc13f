"""The log-in throttle behind an office's reverse proxy: an account is locked
after five failures against it, an address only when it fails against several
accounts; guesses racing each other check no more than five passwords; and a
wrong current password on the password page counts as a failed log-in."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import create_app
from app.people import credentials
from app.service import LedgerService
from app.throttle import UNAVAILABLE
from events.people import Access
from projections.access import AccessProjection
from tests.conftest import PASSWORD, csrf_token, log_in
from tests.live import USER, serve
from tests.web.test_workers import attempt as live_attempt

OFFICE = "10.0.0.1"  # every computer of the office, as the app sees it without ProxyFix
PROXY = "10.0.0.254"


def failures(app, name: str) -> list:  # type: ignore[no-untyped-def]
    events = app.extensions["ledger"].ledger.events.get(Access.id_for(name))
    return [e for e in events if isinstance(e, Access.LoginFailed)]


@pytest.fixture
def proxied_app(template_database: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app behind one trusted reverse proxy."""
    path = tmp_path / "proxied.sqlite3"
    shutil.copyfile(template_database, path)
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret",
                            "TESTING": True, "TRUSTED_PROXIES": 1})
    yield flask_app
    flask_app.extensions["ledger"].close()


@pytest.fixture(params=["app", "postgres_app"])
def any_app(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


def through_proxy(client, name: str, password: str, forwarded: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password},
                       environ_base={"REMOTE_ADDR": PROXY},
                       headers={"X-Forwarded-For": forwarded})


def test_a_trusted_proxy_passes_on_the_clients_address(proxied_app, app):
    through_proxy(proxied_app.test_client(), "canbo", "sai-mat-khau", "192.168.1.20")
    # A client's own X-Forwarded-For comes first; the proxy appends the real address.
    through_proxy(proxied_app.test_client(), "canbo", "sai-mat-khau", "1.2.3.4, 192.168.1.21")
    assert [e.address for e in failures(proxied_app, "canbo")] == ["192.168.1.20",
                                                                   "192.168.1.21"]
    through_proxy(app.test_client(), "canbo", "sai-mat-khau", "192.168.1.20")  # not trusted
    assert [e.address for e in failures(app, "canbo")] == [PROXY]


@pytest.mark.parametrize("value", ["x", "-1", "1.5"])
def test_a_bad_number_of_trusted_proxies_stops_the_start(monkeypatch, tmp_path, value):
    monkeypatch.setenv("LEDGER_TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="LEDGER_TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    "SECRET_KEY": "test-secret", "TESTING": True})


def test_the_number_of_trusted_proxies_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEDGER_TRUSTED_PROXIES", "2")
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                            "SECRET_KEY": "test-secret", "TESTING": True})
    assert flask_app.config["TRUSTED_PROXIES"] == 2
    flask_app.extensions["ledger"].close()


def test_an_attacker_in_the_office_locks_the_account_not_the_office(proxied_app):
    """Behind one address: six failures against one account lock it, and a
    colleague at the next desk still logs in."""
    answers = [through_proxy(proxied_app.test_client(), "canbo", f"sai-{n}-mat-khau", OFFICE)
               for n in range(6)]
    assert [a.status_code for a in answers] == [422] * 4 + [429] * 2
    assert "tạm khóa" in answers[-1].text
    assert through_proxy(proxied_app.test_client(), "officer", PASSWORD,
                         OFFICE).status_code == 302
    assert through_proxy(proxied_app.test_client(), "canbo", PASSWORD,
                         OFFICE).status_code == 429


def test_the_same_holds_without_a_proxy(app):
    for n in range(6):
        log_in(app.test_client(), "canbo", f"sai-{n}-mat-khau")
    assert log_in(app.test_client(), "officer").status_code == 302
    assert log_in(app.test_client(), "canbo").status_code == 429


def test_failures_against_two_accounts_do_not_lock_the_address(app):
    for name in ("canbo",) * 4 + ("officer",) * 2:
        assert log_in(app.test_client(), name, "sai-mat-khau").status_code == 422
    assert log_in(app.test_client(), "leader").status_code == 302


def test_failures_against_several_accounts_lock_the_address(app):
    """Credential stuffing: one address trying name after name."""
    answers = [log_in(app.test_client(), name, "sai-mat-khau").status_code
               for name in ("canbo", "officer", "leader", "auditor", "admin")]
    assert answers == [422] * 4 + [429]
    assert log_in(app.test_client(), "inspector").status_code == 429  # from that address
    elsewhere = app.test_client()
    token = csrf_token(elsewhere.get("/login").text)
    other = elsewhere.post("/login", data={"csrf_token": token, "name": "inspector",
                                           "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 302


def test_twelve_guesses_at_once_check_at_most_five_passwords(any_app, monkeypatch):
    checked: list[str] = []
    hasher = credentials._hasher

    class Counting:
        hash = hasher.hash

        def verify(self, stored: str, password: str) -> bool:
            checked.append(password)
            time.sleep(0.1)  # as a slower hash would: the guesses overlap
            return hasher.verify(stored, password)

    monkeypatch.setattr(credentials, "_hasher", Counting())
    clients = [any_app.test_client() for _ in range(12)]
    tokens = [csrf_token(c.get("/login").text) for c in clients]
    start = threading.Barrier(12)

    def guess(n: int) -> int:
        start.wait()
        return clients[n].post("/login", data={
            "csrf_token": tokens[n], "name": "canbo", "password": f"doan-{n}-mat-khau"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(guess, range(12)))
    assert len(checked) <= 5, checked
    assert sorted(set(statuses)) == [422, 429] and statuses.count(422) <= 5
    assert len(failures(any_app, "canbo")) <= 5


def change_password(client, current: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/account/password").text)
    return client.post("/account/password", data={
        "csrf_token": token, "current": current, "new": "mat-khau-moi-hon",
        "confirm": "mat-khau-moi-hon"})


def test_wrong_current_passwords_count_as_failed_log_ins(app):
    client = app.test_client()
    assert log_in(client).status_code == 302
    answers = [change_password(client, f"sai-{n}-mat-khau") for n in range(5)]
    assert [a.status_code for a in answers] == [422] * 4 + [429]
    assert "tạm khóa" in answers[-1].text
    assert [e.reason for e in failures(app, "canbo")] == ["bad_current_password"] * 5
    assert change_password(client, PASSWORD).status_code == 429  # no more guesses
    assert log_in(app.test_client()).status_code == 429
    assert log_in(app.test_client(), "officer").status_code == 302


def test_the_password_page_fails_closed_too(app, monkeypatch):
    client = app.test_client()
    assert log_in(client).status_code == 302

    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setitem(AccessProjection.handlers, AccessProjection.failed.handled_topic,
                        broken)
    assert change_password(client, "sai-mat-khau").status_code == 422
    refused = change_password(client, PASSWORD)
    assert refused.status_code == 503 and UNAVAILABLE in refused.text
    assert len(failures(app, "canbo")) == 1


def test_twelve_guesses_at_once_across_four_workers_check_at_most_five(tmp_path: Path):
    """The same on gunicorn, where no lock in one process could help."""
    with serve(tmp_path, '%(r)s %(s)s', workers=4) as server:
        with ThreadPoolExecutor(12) as pool:
            statuses = [status for status, _ in pool.map(
                lambda n: live_attempt(server.url, f"doan-{n}-mat-khau", n), range(12))]
    svc = LedgerService(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    try:
        checked = [e for e in svc.ledger.events.get(Access.id_for(USER))
                   if isinstance(e, Access.LoginFailed)]
    finally:
        svc.close()
    assert len(checked) <= 5 and sorted(set(statuses)) == [422, 429], (checked, statuses)
