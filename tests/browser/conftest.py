"""Fixtures for the real-browser tests: Debian's Chromium driven by
pytest-playwright against the real app served by gunicorn.

The browser is the system one (``/usr/bin/chromium``); Playwright's own
browser builds are never downloaded. The server runs exactly as
``make run`` runs it: the ``flask --app wsgi`` commands set up a fresh
SQLite ledger, then gunicorn serves ``wsgi:app`` with two workers, its
access log written to a file so that tests can see what status the server
itself answered (the browser hides a ``304`` behind its cache).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from playwright.sync_api import Page, expect

from tests.live import LiveServer, serve

TAB_HEADER = "X-Ledger-Tab"
# Gunicorn's access-log atoms: time, request line, status, and the test-only
# tab header, so a test can tell which page a logged request came from.
ACCESS_FORMAT = '%(t)s "%(r)s" %(s)s tab=%({x-ledger-tab}i)s'
# Screenshots go to an ignored folder (pytest-playwright's own output folder,
# emptied at the start of each run): a test run never writes over a tracked
# file. The pictures in docs/screenshots/ are copied from here by hand.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("live"), ACCESS_FORMAT) as server:
        yield server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A clerk's browser: Vietnamese, on the commune's clock."""
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def receive_at_the_counter(page: Page, server: LiveServer) -> str:
    """Receive a dossier with the dashboard's form, as a clerk does; its code."""
    page.goto(f"{server.url}/")
    code = f"000.00.12.H23-{date.today():%y%m%d}-{uuid.uuid4().int % 10000:04d}"
    form = page.locator("#receive-form")
    form.locator('[name="code"]').fill(code)
    form.locator('[name="procedure_code"]').fill("1.001234")
    form.locator('[name="applicant"]').fill("Trần Thị Bình")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(form).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    return code


def sign_in(page: Page, server: LiveServer, name: str) -> None:
    """Log in through the form as ``name`` (with the live server's test
    password) and land on the dashboard."""
    from tests.live import PASSWORD
    page.goto(f"{server.url}/login")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")
