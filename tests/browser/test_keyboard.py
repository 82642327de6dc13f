"""The counter with the keyboard alone: Tab, typing and Enter, no click, from
an empty receipt form to the printed receipt; and the skip link that takes a
keyboard past the menu on every page."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot_path
from tests.browser.test_live_dashboard import log_in
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def focused_name(page: Page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def test_a_dossier_received_with_the_keyboard_alone(page: Page, live_server: LiveServer):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/")
    code = f"000.00.12.H23-{date.today():%y%m%d}-{uuid.uuid4().int % 10000:04d}"
    keys = page.keyboard
    expect(page.locator('#receive-form [name="code"]')).to_be_focused()  # the first field
    keys.press("Control+A")
    keys.type(code)
    keys.press("Tab")
    keys.type("khai sinh")  # the procedure by (part of) its name
    keys.press("Tab")
    assert focused_name(page) == "applicant"
    keys.type("Trần Thị Bình")
    keys.press("Tab")
    keys.type("0912 345 678")
    keys.press("Tab")
    keys.type("Thôn Mạc, xã Quảng Nghiệp")
    keys.press("Tab")
    assert focused_name(page) == "papers"
    keys.type("Tờ khai đăng ký khai sinh")
    keys.press("Enter")  # a new line in the list of papers, not a submit
    keys.type("Giấy chứng sinh; bản sao; 1")
    keys.press("Shift+Tab")
    keys.press("Enter")  # from a field, Enter submits the form

    form = page.locator("#receive-form")
    expect(form).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    receipt_link = page.get_by_role("link", name="In giấy tiếp nhận và hẹn trả")
    expect(receipt_link).to_be_focused()
    with page.expect_popup() as opened:
        keys.press("Enter")
    receipt = opened.value
    expect(receipt.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
           ).to_be_visible()
    expect(receipt.locator('[data-field="code"]')).to_have_text(code)
    expect(receipt.locator('[data-field="phone"]')).to_have_text("0912345678")
    expect(receipt.locator('[data-field="papers"] tbody td')).to_have_text(
        ["1", "Tờ khai đăng ký khai sinh", "Bản chính", "1",
         "2", "Giấy chứng sinh", "Bản sao", "1"])
    receipt.locator(".sheet").screenshot(path=str(screenshot_path("form-01-papers.png")))


def test_a_refused_submit_puts_the_cursor_on_the_field_in_error(page: Page,
                                                                 live_server: LiveServer):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/")
    keys = page.keyboard
    expect(page.locator('#receive-form [name="code"]')).to_be_focused()
    for _ in range(3):
        keys.press("Tab")
    keys.type("12345")  # the phone: too short
    keys.press("Enter")
    procedure = page.locator('#receive-form [name="procedure_code"]')
    expect(procedure).to_be_focused()  # the first field in error: no procedure was typed
    expect(page.locator("#procedure_code-error")).to_have_text(
        "Hãy nhập mã hoặc tên thủ tục hành chính.")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page,
                                                                   live_server: LiveServer):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/dossiers")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # seen while it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, past the menu
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
