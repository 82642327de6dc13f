"""The printed forms in a real Chromium: what comes out of the printer is an
A4 sheet, and a phone reading its QR code gets back exactly what was meant.

The receipt is received and printed on the live server, as a clerk would.
The control slip, the book and the procedures' QR board need data the live
server's one clerk cannot record (hand-overs, an admin's catalogue), so they
are rendered by the app in-process and laid into the browser with the same
stylesheet. Each form's screenshot is written under test-results/screenshots/
(ignored), never over the copies kept in docs/screenshots/."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from events.base import acting_as
from tests.browser.conftest import receive_at_the_counter, screenshot_path
from tests.conftest import COMMUNE, log_in, vn
from tests.live import PASSWORD, USER, LiveServer
from tests.printing.qr import decode_png

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
A4 = (595.28, 841.89)  # points
ADDRESSES = {
    "1.0": "https://dichvucong.example/1.0",
    "2.000894": "https://dichvucong.example/2.000894",
    "1.001193": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
                "?ma_thu_tuc=1.001193",
}


def pdf_pages(page: Page) -> list[tuple[float, float]]:
    """The size of each page Chromium prints, in points."""
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    page.emulate_media(media="screen")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def is_a4(size: tuple[float, float], landscape: bool = False) -> bool:
    width, height = A4[::-1] if landscape else A4
    return abs(size[0] - width) < 2 and abs(size[1] - height) < 2


def csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return errors


def browser_log_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    page.locator('input[name="name"]').fill(USER)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")


def test_the_printed_receipt_carries_a_qr_code_of_the_dossier_code(page: Page,
                                                                   live_server: LiveServer):
    browser_log_in(page, live_server)
    code = receive_at_the_counter(page, live_server)

    errors = csp_errors(page)
    response = page.goto(f"{live_server.url}/print/dossiers/{code}/receipt")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
           ).to_be_visible()
    expect(page.locator('[data-field="applicant"]')).to_have_text("Trần Thị Bình")
    expect(page.locator('[data-field="clerk"]')).to_have_text(USER)
    shot = screenshot_path("form-01-receipt.png")
    page.locator(".sheet").screenshot(path=str(shot))
    assert decode_png(shot) == [code]

    assert [is_a4(size) for size in pdf_pages(page)] == [True]  # one A4 sheet
    assert errors == []


@pytest.fixture
def worked(app):  # type: ignore[no-untyped-def]
    """Dossiers in January 2026: one through three steps (one of them late),
    one with a supplement and an apology, one refused at the counter."""
    svc = app.extensions["ledger"]
    ledger = svc.ledger

    def act(actor: str, command, *args) -> None:  # type: ignore[no-untyped-def]
        with acting_as(actor):
            svc.record(command, COMMUNE, *args)

    first, second, third = (f"000.00.12.H23-2601{d:02d}-000{n}" for d, n in
                            ((5, 1), (5, 2), (6, 1)))
    act("canbo", ledger.receive_dossier, first, "2.000894", "Nguyễn Văn An", "truc_tuyen",
        "toan_trinh", vn(2026, 1, 5, 9, 30))
    act("canbo", ledger.hand_over, first, vn(2026, 1, 5, 10), "dc-officer",
        "Thẩm định hồ sơ", date(2026, 1, 6))
    act("dc-officer", ledger.hand_over, first, vn(2026, 1, 7, 8), "pho-chu-tich",
        "Ký duyệt kết quả", date(2026, 1, 8))
    act("pho-chu-tich", ledger.hand_over, first, vn(2026, 1, 7, 14), "canbo",
        "Trả về Bộ phận Một cửa", date(2026, 1, 8))
    act("canbo", ledger.resolve_dossier, first, vn(2026, 1, 7, 15), True, True)
    act("canbo", ledger.return_dossier, first, vn(2026, 1, 8, 9))
    act("canbo", ledger.receive_dossier, second, "1.0", "Lê Thị Hoa", "truc_tiep", "",
        vn(2026, 1, 5, 14, 5))
    act("canbo", ledger.hand_over, second, vn(2026, 1, 5, 15), "tp-officer", "Chứng thực",
        date(2026, 1, 6))
    act("tp-officer", ledger.request_supplement, second, vn(2026, 1, 6, 9),
        "Bản chính không rõ nét")
    act("canbo", ledger.receive_supplement, second, vn(2026, 1, 7, 8))
    act("tp-officer", ledger.apologise, second, vn(2026, 1, 8, 16), date(2026, 1, 12),
        "Chờ đối chiếu sổ gốc")
    act("canbo", ledger.receive_dossier, third, "2.000894", "Phạm Văn Cường", "buu_chinh",
        "", vn(2026, 1, 6, 8, 15))
    act("canbo", ledger.refuse_dossier, third, vn(2026, 1, 6, 8, 30),
        "Không thuộc thẩm quyền của xã")
    with acting_as("admin"):
        svc.record(ledger.list_procedure, COMMUNE, "1.001193", "Đăng ký kết hôn", "Hộ tịch",
                   "xa", False, 3, 0, ADDRESSES["1.001193"])
    return app, first


def rendered(app, url: str, user: str = "canbo") -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, user).status_code == 302
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def lay_out(page: Page, html: str, stylesheet: str) -> None:
    """The page as the server sent it, with its stylesheet from the tree."""
    page.set_content(html)
    page.add_style_tag(path=str(ROOT / "static" / stylesheet))


def test_the_control_slip_and_the_book_print_on_a4(page: Page, worked):  # type: ignore[no-untyped-def]
    app, first = worked
    lay_out(page, rendered(app, f"/print/dossiers/{first}/control"), "print.css")
    expect(page.locator(".late [data-field=outcome]")).to_have_text(["Quá hạn"])
    expect(page.locator('[data-field="verdict"]')).to_have_text("Trước hạn")
    page.locator(".sheet").screenshot(path=str(screenshot_path("form-06-control.png")))
    assert [is_a4(size) for size in pdf_pages(page)] == [True]

    lay_out(page, rendered(app, "/print/book?period=2026-01"), "print.css")
    expect(page.locator("tr[data-code]")).to_have_count(3)
    page.locator(".sheet").screenshot(path=str(screenshot_path("form-07-book.png")))
    assert [is_a4(size, landscape=True) for size in pdf_pages(page)] == [True]


def test_the_qr_board_reads_back_as_the_procedures_addresses(page: Page, worked):  # type: ignore[no-untyped-def]
    app, _first = worked
    lay_out(page, rendered(app, "/procedures/board"), "catalogue.css")
    expect(page.locator("svg.qr")).to_have_count(len(ADDRESSES))
    shot = screenshot_path("qr-board.png")
    page.screenshot(path=str(shot), full_page=True)
    found = decode_png(shot)
    assert ADDRESSES["1.001193"] in found  # the one the admin listed just now
    assert sorted(found) == sorted(ADDRESSES.values())  # and every tile reads back


MM = 72 / 25.4  # points


def words_outside(page: Page, margins_mm: tuple[float, float, float, float],
                  tmp_path: Path) -> list[tuple[int, str]]:
    """Every word Chromium prints outside the page's content box (the page
    less its @page margins: top, right, bottom, left), as (page, word); and
    the words found at all, to know the check saw the text."""
    page.emulate_media(media="print")
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    page.emulate_media(media="screen")
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    top, right, bottom, left = (m * MM for m in margins_mm)
    outside, seen = [], 0
    for n, sheet in enumerate(re.findall(r"<page (.*?)</page>", boxes, re.S), start=1):
        width, height = map(float, re.findall(r'(?:width|height)="([\d.]+)"', sheet)[:2])
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>", sheet):
            seen += 1
            if (float(x0) < left - 1 or float(y0) < top - 1 or float(x1) > width - right + 1
                    or float(y1) > height - bottom + 1):
                outside.append((n, html.unescape(word)))
    assert seen, "no text found in the printed pages"
    return outside


def test_every_printed_word_stays_inside_the_page(page: Page, worked, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The form's number in the corner ("Mẫu số 06", "Mẫu số 07") is printed
    whole, inside the page's margins, not cut off above them."""
    app, first = worked
    lay_out(page, rendered(app, f"/print/dossiers/{first}/control"), "print.css")
    assert words_outside(page, (15, 15, 15, 25), tmp_path) == []
    assert "Mẫu số 06" in page.locator(".form-no").inner_text()
    lay_out(page, rendered(app, "/print/book?period=2026-01"), "print.css")
    assert words_outside(page, (12, 12, 12, 15), tmp_path) == []


def test_a_qr_board_of_many_pages_keeps_each_tile_on_one_page(page: Page, worked,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path):
    """Thirty procedures of one field run over two pages: no tile is cut,
    so no letter of one page shows at the foot of the one before."""
    app, _first = worked
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        for n in range(30):
            svc.record(svc.ledger.list_procedure, COMMUNE, f"9.{n:03d}",
                       f"Thủ tục thử số {n} có tên dài đủ để xuống dòng hai lần trên tấm",
                       "Tư pháp", "xa", False, 3, 0, f"https://dichvucong.example/9.{n:03d}")
    lay_out(page, rendered(app, "/procedures/board"), "catalogue.css")
    assert words_outside(page, (12, 12, 12, 12), tmp_path) == []
