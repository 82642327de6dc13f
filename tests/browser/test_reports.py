"""The period report's pages in a real Chromium: the chooser at a desk's and
a phone's width, its two forms swapping in the chosen period's formats (and
working without scripts too), and the report itself printing on A4 sheets
with its style sheet allowed by the pages' Content-Security-Policy.
Screenshots go under test-results/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app import create_app
from app.people.cli import create_user
from tests.browser.conftest import ACCESS_FORMAT, screenshot_path, sign_in
from tests.browser.test_printables import csp_errors, is_a4, pdf_pages
from tests.live import COMMUNE, PASSWORD, LiveServer, serve

pytestmark = pytest.mark.browser
LEADER = "chutich"


def _leader(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "reports", "TESTING": True})
    with app.app_context():
        create_user(LEADER, "leader", COMMUNE, PASSWORD, full_name="Phạm Quốc Hùng")
    app.extensions["ledger"].close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("reports"), ACCESS_FORMAT, prepare=_leader) as live:
        yield live


def log_in(page: Page, server: LiveServer) -> None:
    sign_in(page, server, LEADER)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_chooser_fits_and_swaps_in_the_chosen_period(page: Page, server: LiveServer,
                                                         width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, server)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Báo cáo định kỳ")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(screenshot_path(f"reports-chooser-{width}.png")), full_page=True)
    # A form sent through htmx changes the chosen period in place: the page stays.
    page.evaluate("window.stayed = true")
    page.locator("#from").fill("2023-01-01")
    page.locator("#to").fill("2023-06-30")
    page.locator("#to").press("Enter")
    choice = page.locator("#choice")
    expect(choice.get_by_role("heading")).to_contain_text("6 tháng đầu năm 2023")
    expect(page).to_have_url(f"{server.url}/reports?from=2023-01-01&to=2023-06-30")
    assert page.evaluate("window.stayed") is True
    docx = choice.get_by_role("link", name="Tải tệp Word (.docx)")
    expect(docx).to_have_attribute("href", "/reports/2023-01-01..2023-06-30.docx")
    page.locator("#period").fill("2023-H3")
    page.locator("#period").press("Enter")
    expect(choice.get_by_role("alert")).to_contain_text("Kỳ không hợp lệ: «2023-H3»")
    page.screenshot(path=str(screenshot_path(f"reports-chooser-error-{width}.png")),
                    full_page=True)
    page.get_by_role("link", name="Năm trước").click()
    expect(choice.get_by_role("heading")).to_contain_text("năm ")
    with page.expect_download() as download:
        choice.get_by_role("link", name="Tải tệp Word (.docx)").click()
    assert download.value.suggested_filename.startswith("bao-cao-")


def test_without_scripts_the_chooser_still_chooses(browser: Browser, server: LiveServer,
                                                   browser_context_args: dict) -> None:  # type: ignore[type-arg]
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    log_in(page, server)
    page.goto(f"{server.url}/reports")
    page.locator("#period").fill("2023-Q2")
    page.locator("#period").press("Enter")
    expect(page).to_have_url(f"{server.url}/reports?period=2023-Q2")
    expect(page.locator("#choice h2")).to_contain_text("quý II năm 2023")
    context.close()


def test_the_report_prints_on_a4_sheets(page: Page, server: LiveServer) -> None:
    log_in(page, server)
    errors = csp_errors(page)
    page.goto(f"{server.url}/reports?period=2023-H1")
    page.get_by_role("link", name="Xem và in (HTML, khổ A4)").click()
    expect(page.get_by_role("heading", name="BÁO CÁO")).to_be_visible()
    expect(page.locator('[data-field="summary"]')).to_have_text(
        "Kết quả thực hiện nhiệm vụ trọng tâm, đột phá 6 tháng đầu năm 2023")
    page.locator(".sheet").screenshot(path=str(screenshot_path("report-2023-H1.png")))
    sheets = pdf_pages(page)
    assert len(sheets) >= 2 and all(is_a4(size) for size in sheets)
    assert errors == []
