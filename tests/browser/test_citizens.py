"""The citizens' lists in a real Chromium, wide and narrow: a clerk records
an account and feedback with the forms, the lists show them and page; the
screenshots of both lists at 1280 and 390 px wide are kept to look at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.service import LedgerService
from events.base import acting_as
from tests.browser.conftest import screenshot_path
from tests.browser.test_printables import browser_log_in
from tests.live import COMMUNE, USER, LiveServer

pytestmark = pytest.mark.browser
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng", "Vũ Thị Én")


@pytest.fixture(scope="module")
def many(live_server: LiveServer) -> None:
    """Sixty accounts and sixty feedback items, a third answered, some late."""
    url = f"sqlite:///{live_server.access_log.parent / 'ledger.sqlite3'}"
    svc = LedgerService(url, id_hash_key=b"browser-test-id-hash-key")
    try:
        with acting_as(USER):
            for n in range(60):
                day = date(2024, 1, 2) + timedelta(days=n)
                svc.ledger.record_portal_account(COMMUNE, f"{NAMES[n % 5]} {n}",
                                                 f"0011{n:08d}", day, USER)
                svc.ledger.receive_feedback(
                    COMMUNE, f"PA-2024-{n:04d}", day, "dien_thoai",
                    f"Phản ánh số {n}: đèn đường thôn Mạc không sáng từ nhiều ngày nay, "
                    "đề nghị xã kiểm tra và sửa chữa sớm", procedure_code="1.001234")
                if n % 3 == 0:
                    svc.ledger.answer_feedback(COMMUNE, f"PA-2024-{n:04d}",
                                               day + timedelta(days=n % 20), f"{n}/UBND-VP")
        svc.engine.catch_up()
    finally:
        svc.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_both_lists_record_show_and_page_wide_and_narrow(page: Page, live_server: LiveServer,
                                                         many: None, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    browser_log_in(page, live_server)
    page.goto(f"{live_server.url}/citizens/accounts")
    form = page.locator("#account-form")
    form.locator('[name="citizen_name"]').fill(f"Đỗ Thị Hạnh {width}")
    form.locator('[name="id_number"]').fill("0012 3456 7890"[:4] + f"9{width:07d}")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(form).to_contain_text(f"Đã ghi nhận tài khoản của Đỗ Thị Hạnh {width}")
    expect(page.locator("#account-list")).to_contain_text(f"Đỗ Thị Hạnh {width}")
    form.locator('[name="citizen_name"]').fill("Ai Đó")
    form.locator('[name="id_number"]').fill("12345")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(form).to_contain_text("Số căn cước gồm đúng 12 chữ số.")
    page.screenshot(path=screenshot_path(f"citizens-accounts-{width}.png"), full_page=True)
    page.screenshot(path=screenshot_path(f"citizens-accounts-{width}-top.png"))
    page.get_by_role("link", name="Trang sau ›").click()
    expect(page.locator("#account-list")).to_contain_text("« Trang đầu")
    page.goto(f"{live_server.url}/citizens/feedback")
    page.locator("#feedback-filters select[name=state]").select_option("overdue")
    expect(page.locator("#feedback-list .list-count")).to_contain_text("(quá hạn)")
    page.screenshot(path=screenshot_path(f"citizens-feedback-{width}.png"), full_page=True)
    page.screenshot(path=screenshot_path(f"citizens-feedback-{width}-top.png"))
    page.locator("#feedback-list tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("Phản ánh PA-2024-")
    page.screenshot(path=screenshot_path(f"citizens-feedback-item-{width}.png"),
                    full_page=True)
    page.locator("h1").scroll_into_view_if_needed()
