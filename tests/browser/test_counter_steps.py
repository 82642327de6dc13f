"""The counter's steps in a real browser: from a saved receipt one click to
its printed slip, and a question before each step that cannot be undone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import receive_at_the_counter
from tests.browser.test_live_dashboard import log_in
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_the_receipt_is_one_click_after_saving(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server)
    code = receive_at_the_counter(page, live_server)
    with page.expect_popup() as opened:
        page.get_by_role("link", name="In giấy tiếp nhận và hẹn trả").click()
    slip = opened.value
    expect(slip.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
           ).to_be_visible()
    expect(slip.locator('[data-field="code"]')).to_contain_text(code)


def test_a_step_that_cannot_be_undone_asks_first(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server)
    code = receive_at_the_counter(page, live_server)
    page.goto(f"{live_server.url}/dossiers/{code}")
    asked: list[str] = []

    def answer(accept: bool):  # type: ignore[no-untyped-def]
        def handle(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    page.locator("summary", has_text="Từ chối tiếp nhận").click()
    form = page.locator("form", has=page.get_by_role("button", name="Từ chối tiếp nhận"))
    form.locator("textarea, input[name$='reason']").first.fill("Hồ sơ không thuộc thẩm quyền")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.once("dialog", answer(False))
    form.get_by_role("button", name="Từ chối tiếp nhận").click()
    # htmx asks before it sends, in the click itself: declined, nothing went.
    assert asked == [f"{code}: Từ chối tiếp nhận hồ sơ này? Không thể hoàn tác sau khi ghi."]
    assert sent == []
    expect(page.locator("#dossier")).to_contain_text("đang giải quyết")
    page.once("dialog", answer(True))
    form.get_by_role("button", name="Từ chối tiếp nhận").click()
    expect(page.locator("#dossier")).to_contain_text("từ chối tiếp nhận")
    assert len(asked) == 2 and [url.rsplit("/", 1)[-1] for url in sent] == ["refuse"]


@pytest.mark.parametrize("width", [390, 768])
def test_the_counters_pages_fit_a_phone_and_a_tablet(page: Page, live_server: LiveServer,
                                                     width: int) -> None:
    """At 390 px (a phone) and 768 px (a tablet) wide nothing makes a page
    scroll sideways: wide tables scroll inside their card, the receipt
    form's fields stack."""
    log_in(page, live_server)
    code = receive_at_the_counter(page, live_server)
    page.set_viewport_size({"width": width, "height": 1024})
    for path in ("/", "/?period=2026", "/dossiers", f"/dossiers/{code}", "/procedures",
                 "/procedures/1.001234", "/imports", "/account/password"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
