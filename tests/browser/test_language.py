"""The header's "English / Tiếng Việt" switch in a real browser: the whole
page changes language and comes back, on a desk and on a phone; the dossier
list and a dossier's page, with its forms and questions, in English too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import receive_at_the_counter, screenshot_path
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
        # The cursor in the receiving form's first field does not scroll the
        # page down to it: the header shows as the page opens.
        expect(page.locator("form.languages")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(f"{live_server.url}/")
    page.screenshot(path=screenshot_path("language-en-390.png"), full_page=True)
    switch_to(page, "Tiếng Việt")
    expect(page.locator("header nav")).to_contain_text("Tổng quan")
    page.screenshot(path=screenshot_path("language-vi-390.png"), full_page=True)


def test_the_procedure_catalogue_in_english(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server)
    page.goto(f"{live_server.url}/procedures")
    switch_to(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Catalogue of administrative procedures")
    rows = page.locator("#procedure-rows")
    expect(rows).to_contain_text("Commune People’s Committee")
    expect(rows).to_contain_text("3 working days")
    expect(rows).to_contain_text("None charged")
    page.get_by_label("Search procedures").fill("khai sinh")
    expect(page.locator("#procedure-list .list-count")).to_have_text(
        "1 procedure matches “khai sinh”; showing 1–1.")
    page.get_by_role("link", name="1.001234").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Procedure 1.001234")
    expect(page.locator("#procedure")).to_contain_text("Handled by")
    expect(page.locator("#procedure")).to_contain_text("Listed in the catalogue")
    page.screenshot(path=screenshot_path("catalogue-en-1280.png"), full_page=True)
    switch_to(page, "Tiếng Việt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục 1.001234")


def test_the_dossier_list_and_a_dossier_in_english(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server)
    code = receive_at_the_counter(page, live_server)
    page.goto(f"{live_server.url}/dossiers")
    switch_to(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Dossiers", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Filter", exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Dossier code")).to_be_visible()
    expect(page.locator(".list-count")).to_contain_text("newest first")
    # Sorted by a header, the list says so in English, without reloading the page.
    page.get_by_role("link", name="Applicant").click()
    expect(page.locator(".list-count")).to_contain_text("by applicant's name from A to Z")
    page.get_by_role("link", name=code).click()
    dossier = page.locator("#dossier")
    expect(dossier.get_by_role("heading", name=f"Dossier {code}")).to_be_visible()
    expect(dossier).to_contain_text("working days left")
    expect(dossier.get_by_role("link", name="Print the receipt (form 01)")).to_be_visible()
    expect(dossier.get_by_role("heading", name="Timeline")).to_be_visible()
    page.screenshot(path=screenshot_path("dossier-en-1280.png"), full_page=True)
    # A step's form and the question before a step that cannot be undone.
    asked: list[str] = []

    def decline(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.locator("summary", has_text="Refuse to accept").click()
    form = page.locator("form", has=page.get_by_role("button", name="Refuse to accept"))
    form.get_by_label("Reason", exact=True).fill("Hồ sơ không thuộc thẩm quyền")
    page.once("dialog", decline)
    form.get_by_role("button", name="Refuse to accept").click()
    assert asked == [f"{code}: Refuse to accept this dossier? This cannot be undone once "
                     "recorded."]
    form.get_by_label("Reason", exact=True).fill("")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Refuse to accept").click()
    expect(page.locator("#dossier")).to_contain_text("Give the reason.")
    switch_to(page, "Tiếng Việt")
    expect(page.locator("#dossier h1")).to_have_text(f"Hồ sơ {code}")
