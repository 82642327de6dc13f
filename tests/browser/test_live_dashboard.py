"""The live dashboard in a real browser (acceptance of the foundation).

A clerk logs in and opens the dashboard in two tabs of one browser session.
Receiving a dossier in one tab updates that tab's counts at once, without a
page load; the other tab, polling, picks the change up within one poll,
and until the change its polls were answered ``304 Not Modified``. Another
browser, with a session of its own, sees the change within 5 s too; a page
whose session has ended goes to the log-in screen as a whole.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from tests.browser.conftest import TAB_HEADER, receive_at_the_counter, screenshot_path, sign_in
from tests.live import PASSWORD, USER, LiveServer, wait_until

pytestmark = pytest.mark.browser

COUNTS = "/dashboard/counts"
POLL_WAIT = 10.0  # seconds: more than three polls at LIVE_POLL_SECONDS = 3


def log_in(page: Page, server: LiveServer) -> None:
    sign_in(page, server, USER)


def open_dashboard(page: Page, server: LiveServer, tab: str) -> list[str]:
    """Open "/" in ``page``, its requests tagged with ``tab`` in the access
    log; return the list that collects every page load from then on."""
    page.set_extra_http_headers({TAB_HEADER: tab})
    page.goto(f"{server.url}/")
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ")).to_be_visible()
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.evaluate("window.__marker = 1")
    return loads


def assert_not_reloaded(page: Page, url: str, loads: list[str]) -> None:
    assert page.url == url, f"the page navigated to {page.url}"
    assert loads == [], f"the page was loaded again: {loads}"
    assert page.evaluate("window.__marker") == 1, "the page was replaced by a new document"


def test_form_error_shows_next_to_field_without_reload(page: Page, live_server: LiveServer
                                                       ) -> None:
    log_in(page, live_server)
    loads = open_dashboard(page, live_server, "A")
    received = page.locator('[data-count="received"]')
    # This test comes first in the module, on a fresh ledger; the other test
    # is the only one that records a dossier.
    expect(received).to_have_text("0")
    url = page.url

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    form = page.locator("#receive-form")
    procedure = form.locator('[name="procedure_code"]')
    form.locator('[name="code"]').fill(f"LOI-{uuid.uuid4().hex[:8]}")
    form.locator('[name="applicant"]').fill("Nguyễn Văn A")
    submit = page.get_by_role("button", name="Tiếp nhận", exact=True)

    # The form leaves validation to the server (novalidate), so the message a
    # clerk sees is the Vietnamese one, swapped in next to the field by htmx.
    procedure.fill("")
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.endswith("/dossiers")) as answer:
        submit.click()
    assert answer.value.status == 422
    assert posts == [f"{live_server.url}/dossiers"], posts

    field = page.locator("#receive-form .field", has=page.locator('[name="procedure_code"]'))
    expect(field.locator("p.error")).to_have_text("Hãy nhập mã hoặc tên thủ tục hành chính.")
    expect(page.locator('#receive-form [name="procedure_code"]')).to_have_attribute(
        "aria-invalid", "true")
    assert_not_reloaded(page, url, loads)

    # Let one more poll come back: the tally must still be 0, nothing was recorded.
    with page.expect_response(lambda r: COUNTS in r.url, timeout=POLL_WAIT * 1000):
        pass
    expect(received).to_have_text("0")


def test_receipt_updates_both_tabs_live(context: BrowserContext, page: Page,
                                        live_server: LiveServer) -> None:
    page_a = page
    log_in(page_a, live_server)
    loads_a = open_dashboard(page_a, live_server, "A")
    url_a = page_a.url

    page_b = context.new_page()
    b_responses: list[tuple[int, str]] = []

    def seen(response: Response) -> None:
        if COUNTS in response.url:
            b_responses.append((response.status, response.url))
    page_b.on("response", seen)
    log_start = len(live_server.access_lines())
    loads_b = open_dashboard(page_b, live_server, "B")
    url_b = page_b.url

    received_a = page_a.locator('[data-count="received"]')
    received_b = page_b.locator('[data-count="received"]')
    expect(received_a).to_have_text("0")
    expect(received_b).to_have_text("0")

    # Before changing anything, page B's polls must be revalidated: the
    # server answers 304 (the browser then serves its cached copy).
    wait_until(lambda: any(status == 304 for _, status in
                           live_server.requests(COUNTS, "B", since=log_start)),
               POLL_WAIT, "a 304 answer to one of page B's polls")
    log_submit = len(live_server.access_lines())
    before_change = live_server.requests(COUNTS, "B", since=log_start, until=log_submit)
    assert before_change, "page B did not poll"
    assert all(status == 304 for _, status in before_change[1:]), before_change

    code = f"HS-{uuid.uuid4().hex[:8].upper()}"
    form = page_a.locator("#receive-form")
    form.locator('[name="code"]').fill(code)
    form.locator('[name="procedure_code"]').fill("1.001234")
    form.locator('[name="applicant"]').fill("Trần Thị Bình")
    # Received now by default; the due date is left for the procedure to give.
    assert form.locator('[name="received_at"]').input_value()
    assert form.locator('[name="due_date"]').input_value() == ""
    page_a.get_by_role("button", name="Tiếp nhận", exact=True).click()

    expect(page_a.locator("#receive-form")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}")
    expect(received_a).to_have_text("1")
    assert_not_reloaded(page_a, url_a, loads_a)

    # Page B, untouched, picks the change up by polling. Both tabs share one
    # HTTP cache, so once page A has fetched the new counts page B's
    # revalidation may itself be answered 304, with the new body from cache.
    expect(received_b).to_have_text("1", timeout=5000)
    assert_not_reloaded(page_b, url_b, loads_b)
    # Playwright reports a revalidated response as the cached 200, which is
    # why the 304s above are read from the server's access log.
    assert b_responses, "page B saw no responses to its polls"

    page_a.screenshot(path=str(screenshot_path("dashboard.png")), full_page=True)


def test_a_session_ended_elsewhere_sends_the_polling_page_to_the_log_in(
        context: BrowserContext, page: Page, live_server: LiveServer) -> None:
    """Logged out in one tab, the other tab's next poll takes it to the
    log-in screen, which brings it back to the dashboard, instead of
    filling the counts panel with the log-in page."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/?period=2026")
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ")).to_be_visible()
    other = context.new_page()
    other.goto(f"{live_server.url}/")
    other.get_by_role("button", name="Đăng xuất").click()
    expect(other).to_have_url(f"{live_server.url}/login")
    expect(page).to_have_url(f"{live_server.url}/login?next=/?period%3D2026",
                             timeout=POLL_WAIT * 1000)
    expect(page.locator('input[name="password"]')).to_have_count(1)
    page.locator('input[name="name"]').fill(USER)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/?period=2026")


def test_another_browser_sees_the_count_change_within_5_s(
        browser: Browser, browser_context_args: dict, live_server: LiveServer) -> None:  # type: ignore[type-arg]
    """Two browsers, two sessions, no shared cache: the second one's
    dashboard shows a dossier received in the first within 5 seconds."""
    counter, office = (browser.new_context(**browser_context_args) for _ in range(2))
    try:
        clerk, reader = counter.new_page(), office.new_page()
        log_in(clerk, live_server)
        log_in(reader, live_server)
        received = reader.locator('[data-count="received"]')
        before = int(received.inner_text())
        code = receive_at_the_counter(clerk, live_server)
        expect(received).to_have_text(str(before + 1), timeout=5000)

        clerk.goto(f"{live_server.url}/dossiers/{code}")
        expect(clerk.get_by_role("heading", name=re.compile(re.escape(code)))).to_be_visible()
        clerk.screenshot(path=str(screenshot_path("dossier.png")), full_page=True)
    finally:
        counter.close()
        office.close()


def test_a_page_whose_session_expired_goes_whole_to_the_log_in(
        browser: Browser, browser_context_args: dict, live_server: LiveServer) -> None:  # type: ignore[type-arg]
    """The session cookie gone, as when it expires: the counts panel's next
    poll loads the log-in screen as the page, not into the panel."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        log_in(page, live_server)
        expect(page.locator("#counts")).to_contain_text("Tiếp nhận trong kỳ")
        context.clear_cookies()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/login(\?|$)"),
                                 timeout=POLL_WAIT * 1000)
        expect(page.locator('input[name="password"]')).to_have_count(1)
        expect(page.locator("#counts")).to_have_count(0)
        expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    finally:
        context.close()
