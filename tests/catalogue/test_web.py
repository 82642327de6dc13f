"""The catalogue's pages over HTTP: whole pages for plain requests, fragments
for htmx, errors next to their field, QR codes and the printable board."""

from __future__ import annotations

import re
from pathlib import Path

import segno

from events.catalogue import Procedure
from projections import queries
from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in

HX = {"HX-Request": "true"}
ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma=1.000894"


def form(**overrides: str) -> dict[str, str]:
    return {"code": "1.000894", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
            "authority": "xa", "working_days": "3", "fee": "0",
            "online_address": ADDRESS} | overrides


def amend_form(**overrides: str) -> dict[str, str]:
    values = form(**overrides)
    del values["code"]
    return {f"amend-{k}": v for k, v in values.items()}


def admin(client):  # type: ignore[no-untyped-def]
    assert log_in(client, "admin").status_code == 302
    return client


def post(client, url: str, data: dict[str, str], htmx: bool = True):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/procedures").text)
    return client.post(url, data=data | {"csrf_token": token}, headers=HX if htmx else {})


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def count(html: str, key: str) -> str:
    match = re.search(rf'data-count="{key}">([^<]*)<', html)
    assert match, f"no count {key}"
    return match.group(1)


def test_listing_a_procedure_answers_htmx_with_the_form_and_a_refresh(client, app):
    client = admin(client)
    keys = ("commune", "inter_agency", "with_qr")
    before = client.get("/procedures/counts", headers=HX).text
    response = post(client, "/procedures", form(inter_agency="y"))
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "ledger-changed"
    assert "Đã đưa thủ tục 1.000894 vào danh mục." in response.text
    assert "<html" not in response.text and 'id="list-form"' in response.text
    counts = client.get("/procedures/counts", headers=HX).text
    assert [int(count(counts, k)) - int(count(before, k)) for k in keys] == [1, 1, 1]
    with app.extensions["ledger"].read() as conn:
        listed = queries.procedure(conn, COMMUNE, "1.000894")
    assert listed is not None and listed.inter_agency and listed.online_address == ADDRESS


def test_a_plain_post_is_sent_to_the_procedure_page(client):
    client = admin(client)
    response = post(client, "/procedures", form(), htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == "/procedures/1.000894"
    page = client.get("/procedures/1.000894")
    assert page.status_code == 200 and "<html" in page.text
    assert "Đăng ký khai sinh" in page.text and "Đưa vào danh mục" in page.text


def test_bad_input_shows_next_to_its_field_and_records_nothing(client, app):
    client = admin(client)
    post(client, "/procedures", form())
    before = head(app)
    cases = [({"working_days": "-1"}, "working_days", "Thời hạn giải quyết không được âm."),
             ({"fee": "năm nghìn"}, "fee", "Cần một số nguyên."),
             ({"authority": "huyen"}, "authority", "Lựa chọn không hợp lệ."),
             ({"online_address": "www.dichvucong.gov.vn"}, "online_address",
              "bắt đầu bằng http:// hoặc https://"),
             ({"code": "1.000/1"}, "code", "Mã thủ tục chỉ gồm"),
             ({"name": ""}, "name", "Hãy nhập tên thủ tục."),
             ({"name": "Khác"}, "code", "Mã thủ tục 1.000894 đã có trong danh mục.")]
    for overrides, field, message in cases:
        response = post(client, "/procedures", form(**overrides))
        assert response.status_code == 422, field
        assert f'id="{field}-error"' in response.text and message in response.text, field
        assert "<html" not in response.text
    plain = post(client, "/procedures", form(fee="-1"), htmx=False)
    assert plain.status_code == 422 and "<html" in plain.text and 'id="fee-error"' in plain.text
    assert head(app) == before


def test_the_list_is_grouped_by_field_and_filtered_live(client):
    client = admin(client)
    post(client, "/procedures", form())
    post(client, "/procedures", form(code="1.004222", name="Chứng thực bản sao",
                                     field="Chứng thực", online_address=""))
    page = client.get("/procedures")
    assert "<html" in page.text and 'id="procedure-rows"' in page.text
    assert page.text.index("Chứng thực (1)") < page.text.index("Hộ tịch (1)")
    rows = client.get("/procedures?q=ho tich", headers=HX).text
    assert "<html" not in rows and "1.000894" in rows and "1.004222" not in rows
    assert "Chưa có thủ tục nào khớp với «zzz»" in client.get("/procedures?q=zzz",
                                                               headers=HX).text


def test_amending_and_abolishing_from_the_procedure_page(client, app):
    client = admin(client)
    post(client, "/procedures", form())
    url = "/procedures/1.000894"
    same = post(client, f"{url}/amend", amend_form())
    assert same.status_code == 422 and "không có gì để sửa" in same.text
    bad = post(client, f"{url}/amend", amend_form(working_days="-2"))
    assert bad.status_code == 422 and 'id="amend-working_days-error"' in bad.text
    amended = post(client, f"{url}/amend", amend_form(fee="8000", online_address=""))
    assert amended.status_code == 200 and amended.headers["HX-Trigger"] == "ledger-changed"
    assert "Sửa đổi" in amended.text and "Lệ phí: 8.000 đồng" in amended.text
    assert client.get(f"{url}/qr.svg").status_code == 404  # no address any more
    no_reason = post(client, f"{url}/abolish", {"abolish-reason": ""})
    assert no_reason.status_code == 422 and 'id="abolish-reason-error"' in no_reason.text
    abolished = post(client, f"{url}/abolish", {"abolish-reason": "QĐ 12/QĐ-UBND"})
    assert abolished.status_code == 200 and "Thủ tục này đã bị bãi bỏ." in abolished.text
    assert "Ghi nhận sửa đổi" not in abolished.text
    again = post(client, f"{url}/abolish", {"abolish-reason": "Lần nữa"})
    assert again.status_code == 422 and "đã bị bãi bỏ nên không thể bãi bỏ" in again.text
    events = app.extensions["ledger"].ledger.events.get(Procedure.id_for(COMMUNE, "1.000894"))
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("Listed", "admin"), ("Amended", "admin"), ("Abolished", "admin")]
    # The history names who acted by their full name, not their log-in.
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        svc.record(svc.ledger.set_full_name, "admin", "Lê Văn Quản")
    page = client.get(url).text
    assert page.count("<td>Lê Văn Quản</td>") == 3 and "<td>admin</td>" not in page
    assert "1.000894" not in client.get("/procedures", headers=HX).text


def test_an_unknown_procedure_is_404(client):
    client = admin(client)
    assert client.get("/procedures/KHONG-CO").status_code == 404
    assert client.get("/procedures/KHONG-CO/qr.svg").status_code == 404
    assert post(client, "/procedures/KHONG-CO/amend", amend_form()).status_code == 404


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The (row, column) of every dark module segno's path draws, border
    included: it draws each run of dark modules as one horizontal line."""
    path = re.search(r'<path[^>]*class="qrline"[^>]*\bd="([^"]+)"', svg)
    assert path, "no dark path in the SVG"
    x = y = 0.0
    dark = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark |= {(int(y), int(x) + i) for i in range(int(a))}
            x += float(a)
    return dark


def test_the_qr_code_encodes_the_online_address(client):
    client = admin(client)
    post(client, "/procedures", form())
    response = client.get("/procedures/1.000894/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.text.startswith("<?xml") and "<title>1.000894 Đăng ký khai sinh</title>" \
        in response.text
    expected = segno.make_qr(ADDRESS, error="m")
    assert not expected.is_micro
    border = 4
    wanted = {(r + border, c + border) for r, row in enumerate(expected.matrix)
              for c, bit in enumerate(row) if bit}
    assert dark_modules(response.text) == wanted
    tag = response.headers["ETag"]
    assert client.get("/procedures/1.000894/qr.svg",
                      headers={"If-None-Match": tag}).status_code == 304


def test_the_board_prints_qr_codes_by_field_without_inline_styles_or_scripts(client):
    client = admin(client)
    post(client, "/procedures", form())
    post(client, "/procedures", form(code="1.001193", name="Đăng ký kết hôn",
                                     online_address=ADDRESS + "3"))
    post(client, "/procedures", form(code="2.000815", name="Đăng ký nghĩa vụ quân sự",
                                     field="Nghĩa vụ quân sự", authority="quan_su",
                                     online_address=ADDRESS + "5"))
    post(client, "/procedures", form(code="1.004222", name="Chứng thực bản sao",
                                     field="Chứng thực", online_address=""))
    board = client.get("/procedures/board").text
    assert board.count('<section class="sheet">') == 2  # fields with a QR code only
    assert board.count('<svg viewBox=') == 3 and "1.004222" not in board
    assert board.index("Lĩnh vực Hộ tịch") < board.index("1.001193") \
        < board.index("Lĩnh vực Nghĩa vụ quân sự") < board.index("2.000815")
    assert "Quảng Nghiệp" in board
    assert not re.search(r"\sstyle=|<style|<script(?![^>]*\bsrc=)|\son\w+=", board)
    assert 'href="/static/catalogue.css"' in board
    css = (ROOT / "static" / "catalogue.css").read_text()
    assert "size: A4" in css and "break-before: page" in css and "@media print" in css
    assert client.get("/static/catalogue.css").status_code == 200


def test_the_list_pages_have_no_inline_styles(client):
    client = admin(client)
    post(client, "/procedures", form())
    for url in ("/procedures", "/procedures/1.000894"):
        assert not re.search(r"\sstyle=|<style", client.get(url).text), url


def test_those_who_may_not_change_the_catalogue_see_no_forms(client, app, monkeypatch):
    from app.people.permissions import ENDPOINTS, P
    for endpoint in ("list_procedure", "amend", "abolish"):
        monkeypatch.setitem(ENDPOINTS, f"catalogue.{endpoint}", P.MANAGE_USERS)
    post(admin(client), "/procedures", form())
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/procedures").text)})
    assert log_in(client, "canbo").status_code == 302
    assert 'id="list-form"' not in client.get("/procedures").text
    page = client.get("/procedures/1.000894").text
    assert "Đăng ký khai sinh" in page and "Ghi nhận sửa đổi" not in page
    before = head(app)
    assert post(client, "/procedures", form(code="1.000895")).status_code == 403
    assert head(app) == before
