"""The dossier list at scale in a real Chromium: a clerk pages through a
thousand dossiers and sees each once, in the order the header chosen says,
and the Excel file the page offers holds what the page shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.service import LedgerService
from events.base import acting_as
from tests.browser.conftest import screenshot_path
from tests.browser.test_printables import browser_log_in
from tests.live import COMMUNE, USER, LiveServer

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIERS = 1000
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng", "Vũ Thị Én",
         "Đặng Văn Giang", "Ánh Hoa")


@pytest.fixture(scope="module")
def thousand(live_server: LiveServer) -> dict[str, tuple[str, datetime]]:
    """1,000 dossiers received through the ledger's command into the live
    server's database, four at each moment (so that the code decides their
    order), their read model brought up to date once at the end; by code,
    (applicant, received at)."""
    url = f"sqlite:///{live_server.access_log.parent / 'ledger.sqlite3'}"
    svc = LedgerService(url)
    made: dict[str, tuple[str, datetime]] = {}
    try:
        with acting_as(USER):
            for n in range(DOSSIERS):
                at = datetime(2023, 1, 3, 8, tzinfo=ZONE) + timedelta(hours=7 * (n // 4))
                code = f"000.00.12.H23-{at:%y%m%d}-{n:04d}"
                name = f"{NAMES[n % len(NAMES)]} {n}"
                svc.ledger.receive_dossier(COMMUNE, code, "1.001234", name, "truc_tuyen",
                                           "toan_trinh", at)
                made[code] = (name, at)
        svc.engine.catch_up()
    finally:
        svc.close()
    return made


def shown_codes(page: Page) -> list[str]:
    return page.locator("#dossier-rows tr td:first-child a").all_inner_texts()


def page_through(page: Page) -> list[str]:
    """The codes of every page, following "Trang sau" until there is none:
    each click waits for the new page's first row."""
    seen = shown_codes(page)
    while page.get_by_role("link", name="Trang sau ›").count():
        first = shown_codes(page)[0]
        page.get_by_role("link", name="Trang sau ›").click()
        expect(page.locator("#dossier-rows tr").first).not_to_contain_text(first)
        seen += shown_codes(page)
    return seen


def test_a_clerk_pages_through_a_thousand_dossiers_seeing_each_once(
        page: Page, live_server: LiveServer, thousand):  # type: ignore[no-untyped-def]
    browser_log_in(page, live_server)
    page.goto(f"{live_server.url}/dossiers")
    expect(page.get_by_role("status").filter(has_text="hồ sơ")).to_contain_text(
        "1.000 hồ sơ; đang xem 50 hồ sơ, mới nhất trước")
    newest = page_through(page)
    assert len(newest) == len(set(newest)) == DOSSIERS and set(newest) == set(thousand)
    assert newest == sorted(thousand, key=lambda c: (thousand[c][1], c), reverse=True)

    page.get_by_role("link", name="Người nộp").click()
    header = page.get_by_role("columnheader", name="Người nộp")
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert "sort=applicant" in page.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_path("dossier-list-by-applicant-1280.png"))
    by_name = page_through(page)
    assert len(by_name) == len(set(by_name)) == DOSSIERS
    names = [thousand[c][0] for c in by_name]
    assert names[0].startswith("Ánh Hoa") and names[-1].startswith("Vũ Thị Én")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_path("dossier-list-by-applicant-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_downloaded_excel_file_holds_what_the_page_shows(
        page: Page, live_server: LiveServer, thousand, tmp_path: Path):  # type: ignore[no-untyped-def]
    browser_log_in(page, live_server)
    page.goto(f"{live_server.url}/dossiers")
    page.get_by_role("link", name="Hạn trả").click()
    due = page.get_by_role("columnheader", name="Hạn trả")
    expect(due).to_have_attribute("aria-sort", "ascending")
    # The filters then change, and the order chosen stays.
    page.get_by_label("Kỳ tiếp nhận").fill("2023-02-01..2023-02-03")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("status").filter(has_text="hồ sơ")).to_contain_text(
        "tiếp nhận từ 01/02/2023 đến 03/02/2023")
    expect(due).to_have_attribute("aria-sort", "ascending")
    assert "sort=due" in page.url and "period=" in page.url
    rows = [row.locator("td").all_inner_texts() for row in page.locator("#dossier-rows tr").all()]
    assert 0 < len(rows) < 50  # one page: the whole list is in view

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == "ho-so-2023-02-01-den-2023-02-03.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    cells = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [[c[0], c[3], f"{c[5]:%d/%m/%Y %H:%M}", f"{c[6]:%d/%m/%Y}", c[9]] for c in cells] == \
        [[r[0], r[2], r[4], r[5], r[6]] for r in rows]
