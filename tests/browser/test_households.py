"""The households' pages in a real browser: the per-village table follows,
within a poll, an enrolment another process records; an officer enrols the
households they tick in one form; the table, a household's page and the
supplies fit a desk (1280 px) and a phone (390 px)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.service import LedgerService
from events.base import acting_as
from tests.browser.conftest import ACCESS_FORMAT, screenshot_path, sign_in
from tests.live import COMMUNE, PASSWORD, LiveServer, _flask, serve

pytestmark = pytest.mark.browser
OFFICER = "chuyenvien-moi-truong"
DAY = date(2023, 1, 9)
HOUSEHOLDS = [(f"KT-{n:03d}", "kiem-tan", f"Nguyễn Văn Hộ {n}", f"xóm {n % 4 + 1}, thôn Kiêm Tân")
              for n in range(1, 13)] + [("MAC-001", "mac", "Phạm Thị Mai", "thôn Mạc")]


def _villages(url: str) -> None:
    """Two villages, thirteen households (four sorting), lids received and
    some issued; and an officer who records them."""
    service = LedgerService(url)
    ledger = service.ledger
    try:
        with acting_as("system"):
            ledger.add_village(COMMUNE, "Kiêm Tân")
            ledger.add_village(COMMUNE, "Mạc")
            for code, village, head, address in HOUSEHOLDS:
                ledger.register_household(COMMUNE, code, village, head, address, DAY)
            ledger.enrol_households(COMMUNE, ["KT-001", "KT-002", "KT-003", "MAC-001"], DAY)
            ledger.check_households(COMMUNE, [("KT-001", True, ""),
                                              ("KT-002", False, "Lẫn túi ni lông")],
                                    date(2023, 3, 2), "Trần Văn Tổ")
            ledger.receive_supplies(COMMUNE, "nap_day", 266, "UBND huyện Tứ Kỳ",
                                    "59/QĐ-UBND", DAY)
            ledger.issue_supplies(COMMUNE, "nap_day", 80, date(2023, 2, 1),
                                  village="kiem-tan", receiver="Trưởng thôn Kiêm Tân")
        service.catch_up()
    finally:
        service.close()
    _flask({**os.environ, "LEDGER_DATABASE_URL": url,
            "LEDGER_SECRET_KEY": "browser-test-secret-key",
            "LEDGER_ID_HASH_KEY": "browser-test-id-hash-key"},
           "users", "create", OFFICER, "--role", "officer", "--commune", COMMUNE,
           stdin=PASSWORD + "\n")


@pytest.fixture(scope="module")
def villages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    folder = tmp_path_factory.mktemp("households")
    with serve(folder, ACCESS_FORMAT, prepare=_villages) as server:
        yield server, f"sqlite:///{folder / 'ledger.sqlite3'}"


def log_in(page: Page, server: LiveServer) -> None:
    sign_in(page, server, OFFICER)


def kiem_tan(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#village-figures tr[data-village="kiem-tan"] [data-figure="{name}"]')


def test_the_village_table_follows_an_enrolment_recorded_elsewhere(
        page: Page, villages: tuple[LiveServer, str]) -> None:
    server, url = villages
    log_in(page, server)
    page.goto(f"{server.url}/households?period=2023")
    expect(kiem_tan(page, "registered")).to_have_text("12")
    before = kiem_tan(page, "sorting").inner_text()
    service = LedgerService(url)  # another process than the server's workers
    try:
        with acting_as("system"):
            service.ledger.enrol_household(COMMUNE, "KT-012", date(2023, 4, 1))
    finally:
        service.close()
    expect(kiem_tan(page, "sorting")).to_have_text(str(int(before) + 1), timeout=10_000)
    expect(page.locator("#household-list")).to_contain_text("KT-012")


def test_an_officer_enrols_the_ticked_households_in_one_form(
        page: Page, villages: tuple[LiveServer, str]) -> None:
    server, _url = villages
    log_in(page, server)
    page.goto(f"{server.url}/households/thon/kiem-tan")
    form = page.locator("#enrol-many")
    form.get_by_label("KT-004 ·").check()
    form.get_by_label("KT-005 ·").check()
    form.get_by_role("button", name="Ghi nhận tham gia").click()
    expect(page.locator("#village .ok")).to_contain_text(
        "Đã ghi 2 hộ tham gia phân loại.")
    expect(page.locator("#enrol-many").get_by_label("KT-004 ·")).to_have_count(0)
    page.goto(f"{server.url}/households/ho/KT-004")
    expect(page.locator('[data-fact="enrolled"]')).not_to_have_text("—")


def test_a_round_of_checks_is_recorded_from_one_form(
        page: Page, villages: tuple[LiveServer, str]) -> None:
    server, _url = villages
    log_in(page, server)
    page.goto(f"{server.url}/households/thon/kiem-tan")
    form = page.locator("#check-round")
    form.get_by_label("Kết quả của hộ KT-006").select_option("1")
    form.get_by_label("Kết quả của hộ KT-007").select_option("0")
    form.get_by_label("Ghi chú cho hộ KT-007").fill("Chưa có hố ủ")
    form.get_by_role("button", name="Ghi kết quả kiểm tra").click()
    expect(page.locator("#village .ok")).to_contain_text(
        "Đã ghi kết quả kiểm tra của 2 hộ.")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_table_a_household_and_the_supplies_fit_the_screen(
        page: Page, villages: tuple[LiveServer, str], width: int) -> None:
    server, _url = villages
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, server)
    for path, name, ready in (
            ("/households?period=2023", "households", "#village-figures tfoot"),
            ("/households/ho/KT-002", "household", "#household .timeline"),
            ("/households/supplies", "supplies", "#supplies .stock"),
            ("/households/thon/kiem-tan", "village", "#check-round")):
        page.goto(f"{server.url}{path}")
        expect(page.locator(ready)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(path=screenshot_path(f"{name}-{width}.png"), full_page=True)
