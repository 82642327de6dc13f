"""The circular's slips (Mẫu số 02, 03, 04) and form 01 with its papers,
printed by Chromium: each slip on one A4 page, every word inside the page's
margins, even with the longest reason and address the ledger accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from events.base import acting_as
from tests.browser.conftest import screenshot_path
from tests.browser.test_printables import (  # noqa: F401  (worked is a fixture)
    is_a4,
    lay_out,
    pdf_pages,
    rendered,
    words_outside,
    worked,
)
from tests.conftest import COMMUNE, vn

pytestmark = pytest.mark.browser

SECOND, THIRD = "000.00.12.H23-260105-0002", "000.00.12.H23-260106-0001"
LONGEST = "000.00.12.H23-260107-0001"
MARGINS = (15, 15, 15, 25)  # print.css's @page, in mm: top, right, bottom, left
APPLICANT = ("Công ty Trách nhiệm hữu hạn Thương mại, Dịch vụ và Xây dựng "
             "Nông thôn mới Quảng Nghiệp")
SLIPS = (("supplement", SECOND, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
         ("refusal", THIRD, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
         ("apology", SECOND, "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"))


@pytest.fixture
def longest(worked):  # type: ignore[no-untyped-def]
    """A dossier from a company of a long name, with the longest address,
    thirty papers of long names, and a supplement request and an apology of
    the longest reason."""
    app, _first = worked
    svc = app.extensions["ledger"]
    papers = [{"name": f"Giấy tờ số {n} " + "có tên dài " * 8, "form": "ban_sao_chung_thuc",
               "copies": 99} for n in range(1, 31)]
    reason = ("Thiếu bản sao giấy tờ tùy thân có chứng thực và tờ khai chưa ký. " * 20)[:1000]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, LONGEST, "2.000894", APPLICANT,
                   "truc_tiep", "", vn(2026, 1, 7, 9), phone="+84 220 3123 456 78",
                   address=("Thôn Kiêm Tân, xã Quảng Nghiệp, tỉnh Hải Phòng " * 6)[:255],
                   papers=papers)
        svc.record(svc.ledger.request_supplement, COMMUNE, LONGEST, vn(2026, 1, 7, 10), reason)
        svc.record(svc.ledger.apologise, COMMUNE, LONGEST, vn(2026, 1, 7, 11),
                   date(2026, 2, 27), reason)
    return app


@pytest.mark.parametrize(("slip", "code", "number", "title"), SLIPS)
def test_each_slip_prints_on_one_a4_page_with_every_word_inside(
        page: Page, worked, tmp_path: Path, slip: str, code: str, number: str,  # noqa: F811
        title: str) -> None:
    app, _first = worked
    lay_out(page, rendered(app, f"/print/dossiers/{code}/{slip}"), "print.css")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".form-no")).to_have_text(f"Mẫu số {number}")
    page.locator(".sheet").screenshot(path=str(screenshot_path(f"form-{number}-{slip}.png")))
    assert [is_a4(size) for size in pdf_pages(page)] == [True]
    assert words_outside(page, MARGINS, tmp_path) == []


@pytest.mark.parametrize("slip", ["supplement", "apology"])
def test_the_longest_slip_still_fits_one_page(page: Page, longest, tmp_path: Path,
                                              slip: str) -> None:
    lay_out(page, rendered(longest, f"/print/dossiers/{LONGEST}/{slip}"), "print.css")
    assert [is_a4(size) for size in pdf_pages(page)] == [True]
    assert words_outside(page, MARGINS, tmp_path) == []


def test_a_receipt_of_thirty_papers_keeps_every_word_inside_its_pages(page: Page, longest,
                                                                     tmp_path: Path) -> None:
    lay_out(page, rendered(longest, f"/print/dossiers/{LONGEST}/receipt"), "print.css")
    expect(page.locator('[data-field="papers"] tbody tr')).to_have_count(30)
    assert all(is_a4(size) for size in pdf_pages(page))
    assert words_outside(page, MARGINS, tmp_path) == []
