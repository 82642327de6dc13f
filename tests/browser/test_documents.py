"""The document register in a real browser, on a desk (1280 px) and on a
phone (390 px): the list with its totals, the form with its suggested
number, a document's page with its timeline; nothing wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app.service import LedgerService
from events.base import acting_as
from tests.browser.conftest import ACCESS_FORMAT, screenshot_path
from tests.browser.test_live_dashboard import log_in
from tests.live import COMMUNE, LiveServer, serve

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _register(url: str) -> None:
    """A month of the register: plans, reports and a confidential decision;
    some signed and published, one replaced."""
    service = LedgerService(url)
    ledger = service.ledger
    try:
        with acting_as("system"):
            for n in range(1, 13):
                doc_type = ("ke_hoach", "bao_cao", "thong_bao")[n % 3]
                symbol = {"ke_hoach": "KH-UBND", "bao_cao": "BC-UBND", "thong_bao": "TB-UBND"}
                number = f"{n}/{symbol[doc_type]}"
                ledger.issue_document(COMMUNE, number, doc_type,
                                      f"Kế hoạch thực hiện nhiệm vụ đột phá về phân loại rác thải "
                                      f"hữu cơ tại nguồn năm 2023, đợt {n}", date(2023, 6, n),
                                      "Nguyễn Văn Thành", False,
                                      ("cai_cach_hanh_chinh", "phan_loai_rac")[n % 2])
                if n % 4:
                    ledger.sign_document(COMMUNE, 2023, number,
                                         datetime(2023, 6, n, 15, 30, tzinfo=ZONE),
                                         "Nguyễn Văn Thành", "54:01:0A:FF:3C")
                if n % 3 == 1:
                    ledger.publish_document(COMMUNE, 2023, number, date(2023, 6, n + 1),
                                            f"https://quangnghiep.tuky.haiduong.gov.vn/vb/{n}")
            ledger.issue_document(COMMUNE, "3/QĐ-UBND", "quyet_dinh", "Quyết định khen thưởng",
                                  date(2023, 6, 14), "Nguyễn Văn Thành", True, "khac")
            ledger.replace_document(COMMUNE, 2023, "2/TB-UBND", 2023, "5/TB-UBND",
                                    "Điều chỉnh lịch")
        service.catch_up()
    finally:
        service.close()


@pytest.fixture(scope="module")
def register_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("documents"), ACCESS_FORMAT, prepare=_register) as server:
        yield server


@pytest.mark.parametrize("width", [1280, 390])
def test_the_register_and_a_document_fit_the_screen(page: Page, register_server: LiveServer,
                                                    width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, register_server)
    page.goto(f"{register_server.url}/documents?month=2023-06")
    expect(page.locator("[data-totals]")).to_contain_text("13 văn bản")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshot_path(f"documents-{width}.png"), full_page=True)
    page.get_by_role("link", name="2/TB-UBND", exact=True).click()
    expect(page.locator("#document h1")).to_contain_text("Văn bản 2/TB-UBND")
    expect(page.locator('[data-fact="replaced-by"]')).to_contain_text("5/TB-UBND")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshot_path(f"document-{width}.png"), full_page=True)


def test_the_form_suggests_the_next_number_when_the_type_changes(
        page: Page, register_server: LiveServer) -> None:
    log_in(page, register_server)
    page.goto(f"{register_server.url}/documents/new")
    page.locator("#doc_type").select_option("ke_hoach")
    expect(page.locator("#number_symbol")).to_have_value("1/KH-UBND")  # none this year yet
    page.locator("#title").fill("Kế hoạch cải cách hành chính")
    page.locator("#signer").fill("Nguyễn Văn Thành")
    page.get_by_role("button", name="Vào sổ", exact=True).click()
    expect(page.locator("#issue-form")).to_contain_text("Đã vào sổ văn bản 1/KH-UBND")
    expect(page.locator("#number_symbol")).to_have_value("2/KH-UBND")
    page.screenshot(path=screenshot_path("document-form-1280.png"), full_page=True)
