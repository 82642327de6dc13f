"""The header's "English / Tiếng Việt" switch in a real browser: the whole
page changes language and comes back, on a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot_path
from tests.browser.test_live_dashboard import log_in
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def switch_to(page: Page, name: str) -> None:
    page.locator("form.languages").get_by_role("button", name=name, exact=True).click()


def test_switch_to_english_and_back(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server)
    nav = page.locator("header nav")
    expect(nav).to_contain_text("Tổng quan")
    expect(page.locator("form.languages button[lang=vi]")).to_be_disabled()
    page.goto(f"{live_server.url}/dossiers")
    switch_to(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/dossiers")  # back where it was pressed
    page.goto(f"{live_server.url}/")
    expect(nav).to_contain_text("Overview")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("#counts")).to_contain_text("Received in the period")
    page.screenshot(path=screenshot_path("language-en-1280.png"), full_page=True)
    switch_to(page, "Tiếng Việt")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(nav).to_contain_text("Tổng quan")
    expect(page.locator("#counts")).to_contain_text("Tiếp nhận trong kỳ")
    page.screenshot(path=screenshot_path("language-vi-1280.png"), full_page=True)


def test_on_a_phone_the_switch_shows_and_english_fits(page: Page,
                                                      live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server)
    switch_to(page, "English")
    expect(page.locator("header nav")).to_contain_text("Overview")
    for path in ("/", "/account/password"):
        page.goto(f"{live_server.url}{path}")
        # The dashboard puts the cursor in the receipt form, which scrolls a
        # phone down to it: the switch is looked for at the top of the page.
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.locator("form.languages")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(f"{live_server.url}/")
    page.screenshot(path=screenshot_path("language-en-390.png"), full_page=True)
    switch_to(page, "Tiếng Việt")
    expect(page.locator("header nav")).to_contain_text("Tổng quan")
    page.screenshot(path=screenshot_path("language-vi-390.png"), full_page=True)
