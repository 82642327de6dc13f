"""The dashboard and the counter's forms over HTTP: whole pages for plain
requests, fragments for htmx, live counts with ETag revalidation."""

from __future__ import annotations

import re

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in

HX = {"HX-Request": "true"}


def count(html: str, key: str) -> str:
    match = re.search(rf'data-count="{key}">([^<]*)<', html)
    assert match, f"no count {key}"
    return match.group(1)


def receive_form(**overrides: str) -> dict[str, str]:
    return {"code": "000.00.12.H23-260105-0001", "procedure_code": "2.000894",
            "applicant": "Nguyễn Văn An", "channel": "truc_tuyen", "online_mode": "toan_trinh",
            "received_at": "2026-01-05T09:30", "due_date": "2026-01-08"} | overrides


def post_receipt(client, **overrides: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    return client.post("/dossiers", data=receive_form(**overrides) | {"csrf_token": token},
                       headers=HX)


def test_pages_need_a_log_in_but_health_does_not(client):
    assert client.get("/").status_code == 302
    assert client.get("/dashboard/counts").headers["Location"].startswith("/login")
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"
    assert health.json["behind"] == 0 and health.json["events"] >= 2


def test_a_wrong_password_is_refused_in_vietnamese(client):
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "name": "canbo",
                                           "password": "sai-mat-khau"})
    assert response.status_code == 422
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text


def test_receiving_a_dossier_updates_the_counts_and_triggers_a_refresh(logged_in):
    response = post_receipt(logged_in)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "ledger-changed"
    assert "Đã tiếp nhận hồ sơ 000.00.12.H23-260105-0001" in response.text
    assert "<html" not in response.text  # a fragment, not a page
    counts = logged_in.get("/dashboard/counts?period=2026-01", headers=HX).text
    assert count(counts, "received") == "1" and count(counts, "online_rate") == "100,0%"


def test_live_counts_answer_304_until_something_changes(logged_in):
    first = logged_in.get("/dashboard/counts?period=2026", headers=HX)
    tag = first.headers["ETag"]
    again = logged_in.get("/dashboard/counts?period=2026", headers=HX | {"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    post_receipt(logged_in)
    after = logged_in.get("/dashboard/counts?period=2026", headers=HX | {"If-None-Match": tag})
    assert after.status_code == 200 and count(after.text, "received") == "1"


def test_plain_requests_get_whole_pages(logged_in):
    page = logged_in.get("/dashboard/counts?period=2026")
    assert "<html" in page.text and 'id="receive-form"' in page.text
    assert "<html" not in logged_in.get("/dashboard/counts?period=2026", headers=HX).text


def test_bad_input_shows_next_to_the_field_and_records_nothing(logged_in, app):
    head = app.extensions["ledger"].engine.head()
    cases = [({"procedure_code": ""}, "procedure_code", "Hãy nhập mã hoặc tên thủ tục hành chính."),
             ({"due_date": "2026-01-04"}, "due_date", "Hạn trả không được trước ngày tiếp nhận."),
             ({"channel": "fax"}, "channel", "Lựa chọn không hợp lệ."),
             ({"received_at": "hôm qua"}, "received_at", "Thời điểm không hợp lệ.")]
    for overrides, field, message in cases:
        response = post_receipt(logged_in, **overrides)
        assert response.status_code == 422, field
        assert f'id="{field}-error"' in response.text
        assert message in response.text
    assert app.extensions["ledger"].engine.head() == head


def test_a_code_already_used_is_refused(logged_in, app):
    post_receipt(logged_in)
    head = app.extensions["ledger"].engine.head()
    response = post_receipt(logged_in, applicant="Người khác")
    assert response.status_code == 422
    assert "Mã hồ sơ 000.00.12.H23-260105-0001 đã được sử dụng." in response.text
    assert app.extensions["ledger"].engine.head() == head


def test_a_post_without_csrf_token_records_nothing(logged_in, app):
    head = app.extensions["ledger"].engine.head()
    response = logged_in.post("/dossiers", data=receive_form(), headers=HX)
    assert response.status_code == 400
    assert app.extensions["ledger"].engine.head() == head


def test_resolution_and_return_from_the_dossier_page(logged_in, app):
    code = "000.00.12.H23-260105-0001"
    post_receipt(logged_in)
    officer = app.test_client()
    log_in(officer, "officer")
    page = officer.get(f"/dossiers/{code}")
    assert page.status_code == 200 and "Tiếp nhận" in page.text
    assert "Ghi nhận có kết quả" in page.text
    token = csrf_token(page.text)
    early = officer.post(f"/dossiers/{code}/resolve", headers=HX, data={
        "csrf_token": token, "resolve-occurred_at": "2026-01-04T10:00"})
    assert early.status_code == 422 and "trước bước trước đó" in early.text
    resolved = officer.post(f"/dossiers/{code}/resolve", headers=HX, data={
        "csrf_token": token, "resolve-occurred_at": "2026-01-07T10:00", "resolve-digitised": "y"})
    assert resolved.status_code == 200 and resolved.headers["HX-Trigger"] == "ledger-changed"
    assert "Có kết quả" in resolved.text
    page = logged_in.get(f"/dossiers/{code}")
    assert "Trả kết quả" in page.text
    token = csrf_token(page.text)
    returned = logged_in.post(f"/dossiers/{code}/return-result", data={
        "csrf_token": token, "return_result-occurred_at": "2026-01-07T11:00"})
    assert returned.status_code == 303
    counts = logged_in.get("/dashboard/counts?period=2026-01", headers=HX).text
    assert count(counts, "resolved") == "1" and count(counts, "returned") == "1"
    assert count(counts, "digitised_rate") == "100,0%"


def test_an_unknown_dossier_is_404(logged_in, app):
    assert logged_in.get("/dossiers/KHONG-CO").status_code == 404
    officer = app.test_client()
    log_in(officer, "officer")
    token = csrf_token(officer.get("/").text)
    response = officer.post("/dossiers/KHONG-CO/resolve", data={
        "csrf_token": token, "resolve-occurred_at": "2026-01-07T10:00"})
    assert response.status_code == 404


def test_search_answers_htmx_with_rows_only(logged_in):
    post_receipt(logged_in)
    rows = logged_in.get("/dossiers?q=Văn An", headers=HX).text
    assert "<html" not in rows and "000.00.12.H23-260105-0001" in rows
    assert "Chưa có hồ sơ nào khớp" in logged_in.get("/dossiers?q=zzz", headers=HX).text


def test_a_code_is_an_identifier_at_the_form(logged_in, app):
    """A dossier code with "/", "..", a space or a control character is
    refused at its field: every URL built from a code points where it says."""
    head = app.extensions["ledger"].engine.head()
    for code in ("a/b", "..", "HS..1", "HS 1", "HS\x01", "x" * 65, "hồ-sơ"):
        response = post_receipt(logged_in, code=code)
        assert response.status_code == 422, code
        assert 'id="code-error"' in response.text, code
    assert app.extensions["ledger"].engine.head() == head
    assert post_receipt(logged_in, code="000.00.12.H23-260105_0001").status_code == 200


def test_a_procedure_code_is_found_whatever_its_case(logged_in, app):
    """The catalogue lists "2.000894"; codes with letters are typed in any case."""
    svc = app.extensions["ledger"]
    from events.base import acting_as
    with acting_as("system"):
        svc.record(svc.ledger.list_procedure, "10921", "DEMO.01", "Chứng thực chữ ký",
                   "Chứng thực", "xa", False, 1, 0, "")
    assert post_receipt(logged_in, code="HS-CASE-1", procedure_code="demo.01").status_code == 200
    assert svc.ledger.dossier("10921", "HS-CASE-1").procedure_code == "DEMO.01"


def test_an_htmx_request_after_the_session_ended_is_sent_to_the_log_in(logged_in):
    token = csrf_token(logged_in.get("/").text)
    logged_in.post("/logout", data={"csrf_token": token})
    where = {"HX-Current-URL": "http://localhost/dossiers?q=an&status=da_tra"}
    polled = logged_in.get("/dashboard/counts?period=2026", headers=HX | where)
    assert polled.status_code == 401 and "<form" not in polled.text
    assert polled.headers["HX-Redirect"] == "/login?next=/dossiers?q%3Dan%26status%3Dda_tra"
    sent = logged_in.post("/dossiers", data=receive_form() | {"csrf_token": token},
                          headers=HX | where)
    assert sent.status_code == 401 and sent.headers["HX-Redirect"].startswith("/login?next=")
    elsewhere = {"HX-Current-URL": "http://localhost//example.org/steal"}
    polled = logged_in.get("/dashboard/counts", headers=HX | elsewhere)
    assert polled.headers["HX-Redirect"] == "/login"


def test_the_receipt_form_offers_the_next_code(logged_in):
    def offered(html: str) -> str:
        match = re.search(r'<input[^>]*name="code"[^>]*value="([^"]*)"', html) or \
            re.search(r'<input[^>]*value="([^"]*)"[^>]*name="code"', html)
        assert match, "no code field"
        return match.group(1)

    page = logged_in.get("/").text
    first = offered(page)
    assert re.fullmatch(r"10921-\d{6}-0001", first)
    day = first.split("-")[1]
    moment = re.search(r'name="received_at"[^>]*value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert moment[2:10].replace("-", "") == day  # the code's day is the receipt's
    done = post_receipt(logged_in, code=f"000.00.12.H23-{day}-0041", received_at=moment,
                        due_date="")
    assert done.status_code == 200, done.text
    assert offered(done.text) == f"000.00.12.H23-{day}-0042"
    assert 'href="/print/dossiers/000.00.12.H23-' in done.text


def test_a_procedure_is_picked_by_its_name_or_the_list(logged_in, app):
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        svc.record(svc.ledger.list_procedure, COMMUNE, "2.001023", "Đăng ký khai sinh lưu động",
                   "Hộ tịch", "xa", False, 5, 0, "")
    page = logged_in.get("/").text
    assert '<option value="2.001023">Đăng ký khai sinh lưu động</option>' in page
    assert 'list="procedure-list"' in page
    exact = post_receipt(logged_in, code="HS-TEN-1", procedure_code="dang ky KHAI SINH")
    assert exact.status_code == 200
    assert svc.ledger.dossier(COMMUNE, "HS-TEN-1").procedure_code == "2.000894"
    part = post_receipt(logged_in, code="HS-TEN-2", procedure_code="lưu động")
    assert part.status_code == 200
    assert svc.ledger.dossier(COMMUNE, "HS-TEN-2").procedure_code == "2.001023"
    several = post_receipt(logged_in, code="HS-TEN-3", procedure_code="khai sinh")
    assert several.status_code == 422
    assert "Có 2 thủ tục có tên khớp «khai sinh»" in several.text
    unknown = post_receipt(logged_in, code="HS-TEN-4", procedure_code="kết hôn")
    assert unknown.status_code == 422
    assert "Không có thủ tục nào có mã hoặc tên «kết hôn» trong danh mục" in unknown.text
    code = post_receipt(logged_in, code="HS-TEN-5", procedure_code="9.999")
    assert code.status_code == 422 and "Thủ tục mã 9.999 chưa có trong danh mục." in code.text


def test_the_dashboard_offers_the_usual_periods_and_says_when_it_counted(logged_in):
    page = logged_in.get("/?period=2026").text
    links = re.findall(r'<a href="/\?period=([^"&]+)[^"]*"( aria-current="true")?>([^<]+)</a>',
                       page)
    assert [label for _p, _c, label in links][:2] == ["Tháng này", "Tháng trước"]
    assert len(links) == 8 and [label for _p, current, label in links if current] == \
        (["Năm nay"] if links[6][0] == "2026" else ["Năm trước"] if links[7][0] == "2026" else [])
    assert re.search(r"Cập nhật lúc \d{2}:\d{2}:\d{2}", page)
    fragment = logged_in.get("/dashboard/counts?period=2026", headers=HX).text
    assert re.search(r"Cập nhật lúc \d{2}:\d{2}:\d{2}", fragment)


def test_the_dashboard_splits_resolved_by_timeliness_and_counts_by_field(logged_in, app):
    """Leaders see early / on time / late beside the resolved count, and each
    field's figures in a panel fetched once the page is up: the figures of
    the rule, for the dossiers the period holds."""
    post_receipt(logged_in)  # Hộ tịch, due 08/01
    post_receipt(logged_in, code="000.00.12.H23-260105-0002", procedure_code="1.0",
                 due_date="2026-01-06")
    post_receipt(logged_in, code="000.00.12.H23-260105-0003", procedure_code="1.0",
                 due_date="2026-01-06")
    officer = app.test_client()
    log_in(officer, "officer")
    for code, day in (("000.00.12.H23-260105-0001", "2026-01-09"),  # late
                      ("000.00.12.H23-260105-0002", "2026-01-06")):  # on time
        token = csrf_token(officer.get(f"/dossiers/{code}").text)
        assert officer.post(f"/dossiers/{code}/resolve", headers=HX, data={
            "csrf_token": token, "resolve-occurred_at": f"{day}T10:00"}).status_code == 200
    counts = logged_in.get("/dashboard/counts?period=2026-01", headers=HX).text
    assert [count(counts, k) for k in ("resolved", "early", "on_time", "late")] == \
        ["2", "0", "1", "1"]
    assert "Trước hạn" in counts and "Đúng hạn" in counts and "Quá hạn" in counts
    page = logged_in.get("/?period=2026-01").text
    assert 'hx-get="/dashboard/fields?period=2026-01' in page
    fields = logged_in.get("/dashboard/fields?period=2026-01", headers=HX)
    assert fields.status_code == 200 and "<html" not in fields.text
    rows = dict(re.findall(r'<tr data-field="([^"]+)">(.*?)</tr>', fields.text, re.S))
    assert set(rows) == {"Chứng thực", "Hộ tịch"}
    def figures(row: str) -> list[str]:
        return [re.search(rf'data-figure="{k}">([^<]*)<', row).group(1)  # type: ignore[union-attr]
                for k in ("received", "resolved", "late", "in_progress")]
    assert figures(rows["Hộ tịch"]) == ["1", "1", "1", "0"]
    assert figures(rows["Chứng thực"]) == ["2", "1", "0", "1"]
    assert "/dossiers?field=" in rows["Hộ tịch"]
    tag = fields.headers["ETag"].strip('"')
    again = logged_in.get("/dashboard/fields?period=2026-01",
                          headers=HX | {"If-None-Match": tag})
    assert again.status_code == 304
    empty = logged_in.get("/dashboard/fields?period=2025-01", headers=HX).text
    assert "Không có hồ sơ nào" in empty
