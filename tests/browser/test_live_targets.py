"""A target on the live dashboard, in a real browser: the panel judges the
online rate against its threshold and, polling, turns from "not met" to
"met" when receipts recorded elsewhere (another process, as another worker
or an import would) carry the actual across it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app.service import LedgerService
from events.base import acting_as
from tests.browser.conftest import ACCESS_FORMAT, receive_at_the_counter, screenshot_path
from tests.live import COMMUNE, PASSWORD, USER, LiveServer, serve

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.now(ZONE).date()
YEAR = (date(TODAY.year, 1, 1), date(TODAY.year, 12, 31))


def _target(url: str) -> None:
    svc = LedgerService(url)
    with acting_as("system"):
        svc.record(svc.ledger.set_target, COMMUNE, "online_rate", *YEAR, 0.5, "59/QĐ-UBND",
                   TODAY, "UBND huyện Tứ Kỳ")
    svc.close()


@pytest.fixture(scope="module")
def commune(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    folder = tmp_path_factory.mktemp("targets")
    with serve(folder, ACCESS_FORMAT, prepare=_target) as server:
        yield server, f"sqlite:///{folder / 'ledger.sqlite3'}"


def test_the_target_turns_met_as_online_receipts_arrive(page: Page,
                                                       commune: tuple[LiveServer, str]) -> None:
    server, url = commune
    page.goto(f"{server.url}/login")
    page.locator('input[name="name"]').fill(USER)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")
    verdict = page.locator('#targets [data-indicator="online_rate"] [data-figure="met"]')
    expect(verdict).to_have_text("Chưa có số liệu")

    receive_at_the_counter(page, server)  # at the counter: not online
    expect(verdict).to_have_text("Chưa đạt")
    expect(page.locator('#targets [data-figure="actual"]')).to_have_text("0,0%")

    svc = LedgerService(url)
    try:
        with acting_as(USER):
            for n in (1, 2):
                svc.record(svc.ledger.receive_dossier, COMMUNE, f"TT-{n}", "1.001234",
                           "Lê Thị Hoa", "truc_tuyen", "toan_trinh",
                           datetime.now(ZONE) - timedelta(minutes=n))
    finally:
        svc.close()
    expect(verdict).to_have_text("Đạt", timeout=5000)  # within a poll or two
    expect(page.locator('#targets [data-figure="actual"]')).to_have_text("66,7%")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_path(f"targets-{width}.png")), full_page=True)
    page.goto(f"{server.url}/targets")
    row = page.locator('#target-list [data-indicator="online_rate"]')
    expect(row.locator('[data-figure="met"]')).to_have_text("Đạt")
    expect(row.locator('[data-figure="threshold"]')).to_have_text("50,0%")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshot_path(f"targets-list-{width}.png")), full_page=True)
