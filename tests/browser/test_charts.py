"""The month-by-month charts in a real Chromium, on the demo commune's first
half of 2023: on the dashboard at a desk's and a phone's width, drawn and
fitting without a sideways scroll; in the printed report, on A4 sheets.
Screenshots go under test-results/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app import create_app
from app.people.cli import create_user
from app.service import upgrade
from tests.browser.conftest import ACCESS_FORMAT, screenshot_path, sign_in
from tests.browser.test_accessibility import fail_on, violations
from tests.browser.test_printables import csp_errors, is_a4, pdf_pages
from tests.live import PASSWORD, LiveServer, serve

pytestmark = pytest.mark.browser
LEADER = "lanhdao2"


def _demo(url: str) -> None:
    """The demo commune in place of the served ledger (it loads into an empty one)."""
    Path(url.removeprefix("sqlite:///")).unlink()
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "charts", "TESTING": True})
    done = app.test_cli_runner().invoke(args=["demo", "load"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        create_user(LEADER, "leader", "DEMO-QN", PASSWORD, full_name="Phạm Quốc Hùng")
    app.extensions["ledger"].close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("charts"), ACCESS_FORMAT, prepare=_demo) as live:
        yield live


def log_in(page: Page, server: LiveServer) -> None:
    sign_in(page, server, LEADER)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_draws_each_month_and_fits_a_phone(page: Page, server: LiveServer,
                                                          width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, server)
    page.goto(f"{server.url}/?period=2023-H1")
    received = page.get_by_role("img", name="Hồ sơ tiếp nhận theo kênh, từng tháng")
    resolved = page.get_by_role("img", name="Hồ sơ đã giải quyết theo thời hạn, từng tháng")
    expect(received).to_be_visible()
    expect(resolved).to_be_visible()
    assert received.locator(".category").count() == 6
    box = received.bounding_box()
    assert box is not None and box["width"] <= width and box["height"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#charts").screenshot(path=str(screenshot_path(f"dashboard-charts-{width}.png")))


def test_the_report_prints_its_charts_on_a4(page: Page, server: LiveServer) -> None:
    log_in(page, server)
    errors = csp_errors(page)
    page.goto(f"{server.url}/reports/2023-H1.html")
    for name in ("Hồ sơ tiếp nhận theo kênh, từng tháng",
                 "Hồ sơ đã giải quyết theo thời hạn, từng tháng",
                 "Tỷ lệ hộ phân loại rác tại nguồn theo thôn, cuối mỗi tháng"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    page.locator(".charts").screenshot(path=str(screenshot_path("report-charts-2023-H1.png")))
    sheets = pdf_pages(page)
    assert len(sheets) >= 2 and all(is_a4(size) for size in sheets)
    assert errors == []


def test_the_drawn_charts_pass_axe(browser: Browser, server: LiveServer,
                                   browser_context_args: dict) -> None:  # type: ignore[type-arg]
    """The dashboard once its charts are in, and the report with its own."""
    # The pages' Content-Security-Policy would refuse the injected script.
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    page = context.new_page()
    log_in(page, server)
    found = []
    for path, chart in (("/?period=2023-H1", "#chart-resolved svg"),
                        ("/reports/2023-H1.html", "#report-sorting svg")):
        page.goto(server.url + path)
        expect(page.locator(chart)).to_be_visible()
        found += violations(page, path)
    context.close()
    fail_on(found)
