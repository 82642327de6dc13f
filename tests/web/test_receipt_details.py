"""The counter's receipt form takes the applicant's phone and address and
the papers handed in; the dossier page and form 01 show them. The form puts
the cursor where the clerk types next, and every page opens on a skip link."""

from __future__ import annotations

import re

import pytest

from tests.web.test_counter import post_receipt

CODE = "000.00.12.H23-260105-0001"
PAPERS = "Tờ khai đăng ký khai sinh\nGiấy chứng sinh; bản sao chứng thực; 2\n"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def autofocused(html: str) -> list[str]:
    """The names (or texts) of the elements marked to take the focus."""
    return re.findall(r'<(?:input|textarea|select)[^>]*autofocus[^>]*name="([^"]+)"', html) + \
        re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"[^>]*autofocus', html) + \
        re.findall(r"<a [^>]*autofocus[^>]*>([^<]*)</a>", html)


def test_the_details_are_recorded_shown_and_printed(logged_in):
    response = post_receipt(logged_in, phone="0912 345 678", address="Thôn Mạc, xã Quảng Nghiệp",
                            papers=PAPERS)
    assert response.status_code == 200
    page = logged_in.get(f"/dossiers/{CODE}").text
    assert re.search(r'data-fact="phone">0912345678<', page)
    assert "Thôn Mạc, xã Quảng Nghiệp" in page
    papers = re.search(r'data-fact="papers">(.*?)</ol>', page, re.S)
    assert papers and text(papers.group(1)) == (
        "Tờ khai đăng ký khai sinh (bản chính, 1 bản) "
        "Giấy chứng sinh (bản sao chứng thực, 2 bản)")
    receipt = logged_in.get(f"/print/dossiers/{CODE}/receipt").text
    assert re.search(r'data-field="phone">0912345678<', receipt)
    assert re.search(r'data-field="address">Thôn Mạc, xã Quảng Nghiệp<', receipt)
    table = re.search(r'data-field="papers">(.*?)</table>', receipt, re.S)
    assert table and text(table.group(1)) == (
        "TT Tên giấy tờ Hình thức Số lượng 1 Tờ khai đăng ký khai sinh Bản chính 1 "
        "2 Giấy chứng sinh Bản sao chứng thực 2")


def test_without_details_neither_the_page_nor_the_receipt_shows_them(logged_in):
    post_receipt(logged_in)
    assert 'data-fact="papers"' not in logged_in.get(f"/dossiers/{CODE}").text
    receipt = logged_in.get(f"/print/dossiers/{CODE}/receipt").text
    assert 'data-field="papers"' not in receipt and 'data-field="phone"' not in receipt


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"phone": "0912 ABC 678"}, "phone", "Số điện thoại «0912 ABC 678» không hợp lệ: cần từ 8 "
                                         "đến 15 chữ số"),
    ({"phone": "12345"}, "phone", "cần từ 8 đến 15 chữ số"),
    ({"address": "x" * 256}, "address", "Địa chỉ quá dài (tối đa 255 ký tự)."),
    ({"papers": "Tờ khai\nGiấy chứng sinh; bản gốc"}, "papers",
     "Dòng 2: không hiểu «bản gốc»"),
    ({"papers": "Tờ khai; 0"}, "papers", "Giấy tờ thứ 1: số lượng phải từ 1 đến 99."),
    ({"papers": "Giấy\n" * 31}, "papers", "Tối đa 30 giấy tờ trong một hồ sơ (đã nhập 31)."),
    ({"papers": "Tờ khai\x07"}, "papers", "Không được chứa ký tự điều khiển."),
])
def test_bad_details_are_refused_at_their_field_and_record_nothing(logged_in, app, overrides,
                                                                   field, message):
    head = app.extensions["ledger"].engine.head()
    response = post_receipt(logged_in, **overrides)
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">([^<]*)<', response.text)
    assert error and message in error.group(1).replace("&lt;", "<")
    assert autofocused(response.text) == [field]  # the cursor goes to the field in error
    assert app.extensions["ledger"].engine.head() == head
    assert logged_in.get(f"/dossiers/{CODE}").status_code == 404


def test_the_cursor_starts_in_the_first_field_and_goes_to_the_receipt_after_saving(logged_in):
    assert autofocused(logged_in.get("/").text) == ["code"]
    saved = post_receipt(logged_in)
    assert autofocused(saved.text) == ["In giấy tiếp nhận và hẹn trả"]
    refused = post_receipt(logged_in, applicant="", procedure_code="")
    assert autofocused(refused.text) == ["procedure_code"]  # the first of two in error


def test_every_page_begins_with_a_link_to_its_main_content(logged_in):
    post_receipt(logged_in)
    for url in ("/", "/dossiers", f"/dossiers/{CODE}", "/account/password"):
        html = logged_in.get(url).text
        body = html[html.index("<body"):]
        first_link = re.search(r"<a [^>]*>[^<]*</a>", body)
        assert first_link and 'href="#main"' in first_link.group(0), url
        assert "Bỏ qua, đến nội dung chính" in first_link.group(0)
        assert re.search(r'<main id="main"', html)
