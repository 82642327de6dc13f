"""The dossier page: each lifecycle step through its form, the list's filters
and the dashboard's deadline panel."""

from __future__ import annotations

import re

from datetime import date

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn

HX = {"HX-Request": "true"}
CODE = "000.00.12.H23-230109-0001"


def receive(app, code: str = CODE, at=vn(2023, 1, 9, 9)) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, "2.000894", "Vũ Văn Nam",
                   "truc_tuyen", "toan_trinh", at)


def client_for(app, name: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def step(client, name: str, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/dossiers/{CODE}")
    data = {"csrf_token": csrf_token(page.text)} | {f"{name}-{k}": v for k, v in fields.items()}
    return client.post(f"/dossiers/{CODE}/{name.replace('_', '-')}", data=data, headers=HX)


def test_the_page_shows_due_date_and_days_late(app):
    receive(app)
    page = client_for(app, "canbo").get(f"/dossiers/{CODE}")
    assert page.status_code == 200 and "12/01/2023" in page.text
    assert "quá hạn" in page.text and "ngày làm việc" in page.text  # long past, still open


def test_a_clerk_sees_only_the_steps_a_clerk_may_take(app):
    receive(app)
    page = client_for(app, "canbo").get(f"/dossiers/{CODE}").text
    for label in ("Chuyển xử lý", "Yêu cầu bổ sung", "Từ chối tiếp nhận", "Nộp phí, lệ phí",
                  "Sửa một sự kiện đã ghi"):
        assert label in page, label
    assert "Ghi nhận có kết quả" not in page and "Dừng giải quyết" not in page
    officer = client_for(app, "officer").get(f"/dossiers/{CODE}").text
    assert "Ghi nhận có kết quả" in officer and "Từ chối tiếp nhận" not in officer


def test_a_supplement_round_trip_through_the_forms(app):
    receive(app)
    clerk = client_for(app, "canbo")
    empty = step(clerk, "request_supplement", occurred_at="2023-01-10T09:00", reason="")
    assert empty.status_code == 422 and "Hãy nêu lý do." in empty.text
    asked = step(clerk, "request_supplement", occurred_at="2023-01-10T09:00",
                 reason="Thiếu giấy chứng sinh")
    assert asked.status_code == 200 and asked.headers["HX-Trigger"] == "ledger-changed"
    assert "chờ bổ sung" in asked.text and "Nhận đủ bổ sung" in asked.text
    # Due 12/01; asked on 10/01 with two working days left: the clock stands still.
    assert "tạm dừng" in asked.text and "còn 2 ngày làm việc" in asked.text
    again = step(clerk, "request_supplement", occurred_at="2023-01-10T10:00", reason="Thêm")
    assert again.status_code == 422 and "Yêu cầu bổ sung" not in again.text.split("Thao tác")[-1]
    done = step(clerk, "receive_supplement", occurred_at="2023-01-16T09:00")
    assert done.status_code == 200 and "18/01/2023" in done.text  # the two days continue
    assert "hạn ban đầu 12/01/2023" in done.text


def test_a_hand_over_and_a_correction_appear_in_the_timeline(app):
    receive(app)
    clerk = client_for(app, "canbo")
    handed = step(clerk, "hand_over", occurred_at="2023-01-09T10:00", to_user="chuyenvien",
                  step="Thẩm định", step_due="2023-01-10")
    assert handed.status_code == 200 and "canbo → chuyenvien: Thẩm định" in handed.text
    wrong = step(clerk, "correct", version="1", field="digitised", value="1", reason="Nhầm")
    assert wrong.status_code == 422 and "chỉ sửa được" in wrong.text
    fixed = step(clerk, "correct", version="1", field="applicant", value="Vũ Văn Nam Anh",
                 reason="Gõ thiếu tên")
    assert fixed.status_code == 200 and "sửa sự kiện #1: Tên người nộp: Vũ Văn Nam Anh" in fixed.text
    channel = step(clerk, "correct", version="1", field="channel",
                   value="truc_tuyen toan_trinh", reason="Nhầm kênh")
    assert "Kênh tiếp nhận: Trực tuyến (Toàn trình)" in channel.text
    moment = step(clerk, "correct", version="1", field="occurred_at", value="2023-01-09 08:15",
                  reason="Nhầm giờ")
    assert "Thời điểm: 09/01/2023 08:15" in moment.text
    timeline = moment.text.split('class="timeline"')[1].split("</table>")[0]
    assert "applicant" not in timeline and "occurred_at" not in timeline
    options = re.findall(r"<option[^>]*>([^<]*)</option>", moment.text)
    assert "Tên người nộp" in options and not [o for o in options if "applicant" in o]


def test_impossible_steps_are_refused_with_a_message(app):
    receive(app)
    officer, clerk = client_for(app, "officer"), client_for(app, "canbo")
    step(clerk, "refuse", occurred_at="2023-01-09T09:30", reason="Không thuộc thẩm quyền")
    late = step(officer, "resolve", occurred_at="2023-01-10T09:00")
    assert late.status_code == 422 and "từ chối tiếp nhận" in late.text
    assert "Ghi nhận có kết quả" not in officer.get(f"/dossiers/{CODE}").text


def test_the_list_filters_by_status_channel_and_overdue(app):
    receive(app)
    receive(app, "OTHER-1", vn(2023, 1, 9, 10))
    svc = app.extensions["ledger"]
    with acting_as("officer"):
        svc.record(svc.ledger.resolve_dossier, COMMUNE, "OTHER-1", vn(2023, 1, 10, 9), True,
                   False)
    clerk = client_for(app, "canbo")
    overdue = clerk.get("/dossiers?overdue=1", headers=HX).text
    assert CODE in overdue and "OTHER-1" not in overdue
    resolved = clerk.get("/dossiers?status=da_co_ket_qua", headers=HX).text
    assert "OTHER-1" in resolved and CODE not in resolved
    assert "Chưa có hồ sơ" in clerk.get("/dossiers?channel=buu_chinh", headers=HX).text
    assert CODE in clerk.get("/dossiers?field=Hộ tịch", headers=HX).text
    assert "Chưa có hồ sơ" in clerk.get("/dossiers?field=Chứng thực", headers=HX).text


def test_the_dashboard_lists_overdue_dossiers(app):
    receive(app)
    page = client_for(app, "canbo").get("/")
    assert "Quá hạn (1)" in page.text and CODE in page.text


def test_the_receipt_form_computes_the_due_date_from_the_procedure(app):
    clerk = client_for(app, "canbo")
    token = csrf_token(clerk.get("/").text)
    response = clerk.post("/dossiers", headers=HX, data={
        "csrf_token": token, "code": "NEW-1", "procedure_code": "2.000894",
        "applicant": "Hà Văn Sơn", "channel": "truc_tiep", "online_mode": "",
        "received_at": "2023-01-19T10:00", "due_date": ""})
    assert response.status_code == 200, response.text
    dossier = app.extensions["ledger"].ledger.dossier(COMMUNE, "NEW-1")
    assert dossier.due_date == date(2023, 1, 31)
    unknown = clerk.post("/dossiers", headers=HX, data={
        "csrf_token": token, "code": "NEW-2", "procedure_code": "9.999",
        "applicant": "Hà Văn Sơn", "channel": "truc_tiep", "online_mode": "",
        "received_at": "2023-01-19T10:00", "due_date": ""})
    assert unknown.status_code == 422 and "chưa có trong danh mục" in unknown.text


def test_a_step_that_no_longer_applies_says_why(app):
    receive(app)
    clerk = client_for(app, "canbo")
    response = step(clerk, "receive_supplement", occurred_at="2023-01-10T09:00")
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "không đang chờ bổ sung" in response.text


def test_impossible_dates_and_control_characters_are_refused(app):
    clerk = client_for(app, "canbo")
    token = csrf_token(clerk.get("/").text)
    base = {"csrf_token": token, "code": "Y-1", "procedure_code": "2.000894",
            "applicant": "Hà Văn Sơn", "channel": "truc_tiep", "online_mode": "",
            "received_at": "2023-01-19T10:00", "due_date": ""}
    head = app.extensions["ledger"].engine.head()
    for change, message in (({"received_at": "0001-01-01T00:00"}, "trước năm 1990"),
                            ({"received_at": "2999-01-01T00:00"}, "tương lai"),
                            ({"applicant": "Ng\x00uyen"}, "ký tự điều khiển"),
                            ({"due_date": "9999-01-01"}, "1990–2100")):
        response = clerk.post("/dossiers", data=base | change, headers=HX)
        assert response.status_code == 422 and message in response.text, change
    assert app.extensions["ledger"].engine.head() == head
    assert clerk.get("/dossiers?q=a%00b").status_code == 200
    assert app.extensions["ledger"].engine.status()[0].error is None


def test_an_admin_declares_a_make_up_day_and_due_dates_follow(app):
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/calendar").text)
    empty = admin.post("/admin/calendar/make-up-day", data={
        "csrf_token": token, "make_up-day": "2024-05-04", "make_up-reason": ""})
    assert empty.status_code == 422 and "Hãy nêu lý do." in empty.text
    done = admin.post("/admin/calendar/make-up-day", data={
        "csrf_token": token, "make_up-day": "2024-05-04",
        "make_up-reason": "Làm bù ngày 29/4 theo thông báo của tỉnh"})
    assert done.status_code == 303 and "04/05/2024" in admin.get("/admin/calendar").text
    again = admin.post("/admin/calendar/make-up-day", data={
        "csrf_token": token, "make_up-day": "2024-05-04", "make_up-reason": "Lần nữa"})
    assert again.status_code == 422 and "đã là ngày làm bù" in again.text
    receive(app, "MAY-1", vn(2024, 4, 26, 9))  # Friday, 3 working days
    assert app.extensions["ledger"].ledger.dossier(COMMUNE, "MAY-1").due_date == date(2024, 5, 4)
    assert client_for(app, "canbo").get("/admin/calendar").status_code == 403


def test_the_overdue_panel_of_a_past_period_agrees_with_its_count(app):
    """A dossier overdue at the end of January 2023 but resolved since: the
    January dashboard still counts it and lists it; today's does not."""
    receive(app)  # due 12/01/2023
    svc = app.extensions["ledger"]
    with acting_as("officer"):
        svc.record(svc.ledger.resolve_dossier, COMMUNE, CODE, vn(2023, 2, 6, 9), True, False)
    clerk = client_for(app, "canbo")
    january = clerk.get("/?period=2023-01").text
    assert 'data-count="in_progress_overdue">1<' in january
    assert "Quá hạn (1)" in january and CODE in january.split("panel-overdue")[1]
    today = clerk.get("/").text
    assert "Quá hạn (" not in today


def test_a_hand_over_goes_only_to_a_colleague_offered_by_name(app):
    """The field lists the commune's enabled colleagues who act on dossiers;
    another commune's log-in name and an unknown name get the same refusal
    at the field, and nothing is recorded."""
    import re
    receive(app)
    clerk = client_for(app, "canbo")
    page = clerk.get(f"/dossiers/{CODE}").text
    select = re.search(r'<select[^>]*name="hand_over-to_user".*?</select>', page, re.S)
    assert select, "the hand-over field is a list to pick from"
    offered = set(re.findall(r'<option[^>]*value="([^"]*)"', select.group(0)))
    assert {"chuyenvien", "canbo", "officer", "leader"} <= offered
    assert not offered & {"auditor", "inspector", "admin", "other-clerk"}
    svc = app.extensions["ledger"]
    head = svc.engine.head()
    answers = [step(clerk, "hand_over", occurred_at="2023-01-09T10:00", to_user=name,
                    step="Thẩm định", step_due="2023-01-10") for name in ("other-clerk", "ai-do")]
    for answer in answers:
        assert answer.status_code == 422 and 'id="hand_over-to_user-error"' in answer.text
    assert answers[0].text.count("other-clerk") == answers[1].text.count("other-clerk") == 0
    assert svc.engine.head() == head


def test_nobody_holds_a_dossier_whose_result_was_returned(app):
    receive(app)
    svc = app.extensions["ledger"]
    clerk = client_for(app, "canbo")
    assert "Đang giữ" in clerk.get(f"/dossiers/{CODE}").text
    with acting_as("officer"):
        svc.record(svc.ledger.resolve_dossier, COMMUNE, CODE, vn(2023, 1, 10, 9), True, False)
        svc.record(svc.ledger.return_dossier, COMMUNE, CODE, vn(2023, 1, 10, 10))
    assert "Đang giữ" not in clerk.get(f"/dossiers/{CODE}").text


def test_the_page_names_the_procedure_and_the_system(app):
    """The procedure by its name and field, and what the command line
    recorded as "Hệ thống", not as the code "system"."""
    svc = app.extensions["ledger"]
    with acting_as("system"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, CODE, "2.000894", "Vũ Văn Nam",
                   "truc_tiep", "", vn(2023, 1, 9, 9))
    page = client_for(app, "canbo").get(f"/dossiers/{CODE}").text
    assert re.search(r"<dt>Thủ tục</dt><dd>Đăng ký khai sinh <span[^>]*>\(2\.000894, Hộ tịch\)",
                     page)
    timeline = page.split('class="timeline"')[1].split("</table>")[0]
    assert "<td>Hệ thống</td>" in timeline and "system" not in timeline
