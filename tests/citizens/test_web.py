"""The citizens' pages over HTTP: each form records what it should, or
refuses at the field and records nothing; the lists page, filter and export."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in

NUMBER = "001089012345"


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


@pytest.fixture
def clerk(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client


def _post(client, url: str, **data):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/citizens/accounts").text)
    return client.post(url, data={"csrf_token": token, **data},
                       headers={"HX-Request": "true"})


def account(**changes):  # type: ignore[no-untyped-def]
    return {"citizen_name": "Trần Thị Bình", "id_number": NUMBER,
            "opened_on": "2024-03-04", "clerk": "canbo", **changes}


def test_an_account_is_recorded_listed_and_exported_with_its_last_four_digits(app, clerk):
    response = _post(clerk, "/citizens/accounts", **account())
    assert response.status_code == 200 and "Đã ghi nhận tài khoản của Trần Thị Bình" in \
        response.text
    assert response.headers["HX-Trigger"] == "ledger-changed"
    page = clerk.get("/citizens/accounts?period=2024-03").text
    assert "Trần Thị Bình" in page and "2345" in page and NUMBER not in page
    assert "1 tài khoản" in page
    assert "0 tài khoản" in clerk.get("/citizens/accounts?period=2024-04").text
    book = load_workbook(io.BytesIO(clerk.get("/citizens/accounts/export.xlsx").data))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "Trần Thị Bình" in cells and not any(NUMBER in str(c) for c in cells)
    again = _post(clerk, "/citizens/accounts", **account(citizen_name="Trần T. Bình"))
    assert again.status_code == 422 and "đã được ghi nhận mở tài khoản" in again.text


@pytest.mark.parametrize("changes, message", [
    ({"id_number": "12345"}, "Số căn cước gồm đúng 12 chữ số."),
    ({"id_number": "999089012345"}, "ba chữ số đầu không phải mã tỉnh"),
    ({"id_number": ""}, "Hãy nhập số căn cước."),
    ({"citizen_name": "  "}, "Hãy nhập họ và tên công dân."),
    ({"opened_on": (date.today() + timedelta(days=3)).isoformat()}, "không được ở tương lai"),
    ({"opened_on": "04/03/2024"}, "Ngày không hợp lệ"),
    ({"clerk": "leader"}, "hỗ trợ mở tài khoản")])
def test_a_bad_account_is_refused_at_its_field_and_records_nothing(app, clerk, changes,
                                                                    message):
    before = head(app)
    response = _post(clerk, "/citizens/accounts", **account(**changes))
    assert response.status_code == 422 and message in response.text
    assert 'class="field has-error"' in response.text or "has-error" in response.text
    assert head(app) == before
    assert NUMBER not in response.text  # the number typed is not sent back


def feedback(**changes):  # type: ignore[no-untyped-def]
    return {"code": "PA-2024-0001", "received_on": "2024-03-04", "channel": "dien_thoai",
            "subject": "Đèn đường thôn Mạc hỏng", "dossier_code": "", "procedure_code": "1.0",
            "working_days": "10", **changes}


def test_feedback_is_received_answered_and_corrected_with_its_timeline(app, clerk):
    received = _post(clerk, "/citizens/feedback", **feedback())
    assert received.status_code == 200 and "Đã tiếp nhận phản ánh PA-2024-0001" in received.text
    page = clerk.get("/citizens/feedback/PA-2024-0001").text
    assert "18/03/2024" in page  # ten working days after Monday 4/3/2024
    early = _post(clerk, "/citizens/feedback/PA-2024-0001/answer",
                  **{"answer-answered_on": "2024-03-01", "answer-document": "5/UBND"})
    assert early.status_code == 422 and "không được trước ngày tiếp nhận" in early.text
    answered = _post(clerk, "/citizens/feedback/PA-2024-0001/answer",
                     **{"answer-answered_on": "2024-03-20", "answer-document": "5/UBND-VP"})
    assert answered.status_code == 200 and "5/UBND-VP" in answered.text
    before = head(app)
    twice = _post(clerk, "/citizens/feedback/PA-2024-0001/answer",
                  **{"answer-answered_on": "2024-03-21", "answer-document": "6/UBND"})
    assert twice.status_code == 422 and "đã được trả lời" in twice.text
    assert head(app) == before
    corrected = _post(clerk, "/citizens/feedback/PA-2024-0001/correct", **{
        "correct-received_on": "2024-03-05", "correct-channel": "dien_thoai",
        "correct-subject": "Đèn đường thôn Mạc hỏng", "correct-dossier_code": "",
        "correct-procedure_code": "1.0", "correct-answered_on": "2024-03-20",
        "correct-document": "5/UBND-VP", "correct-reason": "Nhập sai ngày"})
    assert corrected.status_code == 200, corrected.text
    assert "Sửa sự kiện số 1" in corrected.text and "19/03/2024" in corrected.text
    listed = clerk.get("/citizens/feedback?state=overdue").text
    assert "PA-2024-0001" in listed and "quá hạn" in listed  # answered after its deadline
    assert "PA-2024-0001" not in clerk.get("/citizens/feedback?state=open").text
    csv = clerk.get("/citizens/feedback/export.csv?state=answered").data.decode("utf-8-sig")
    assert "PA-2024-0001" in csv and "5/UBND-VP" in csv


@pytest.mark.parametrize("changes, field, message", [
    ({"subject": ""}, "subject", "Hãy nhập nội dung phản ánh."),
    ({"received_on": (date.today() + timedelta(days=2)).isoformat()}, "received_on",
     "không được ở tương lai"),
    ({"dossier_code": "HS-KHONG-CO"}, "dossier_code", "Không có hồ sơ mã HS-KHONG-CO."),
    ({"procedure_code": "9.9"}, "procedure_code", "chưa có trong danh mục"),
    ({"channel": "fax"}, "channel", "Lựa chọn không hợp lệ."),
    ({"working_days": "0"}, "working_days", "từ 1 đến 90"),
    ({"code": "PA 1"}, "code", "chỉ gồm chữ cái không dấu")])
def test_bad_feedback_is_refused_at_its_field_and_records_nothing(app, clerk, changes, field,
                                                                  message):
    before = head(app)
    response = _post(clerk, "/citizens/feedback", **feedback(**changes))
    assert response.status_code == 422 and message in response.text, response.text
    assert f'id="{field}-error"' in response.text
    assert head(app) == before


def test_the_dashboard_counts_accounts_and_feedback_live(app, clerk):
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_feedback, COMMUNE, "PA-1", date(2024, 1, 2), "truc_tiep",
                   "Rác thải")
    page = clerk.get("/?period=2024-01").text
    assert 'data-count="feedback_received">1<' in page
    assert 'data-count="feedback_overdue">1<' in page  # open past its deadline at the end
    assert 'data-count="citizen_accounts">0<' in page
    _post(clerk, "/citizens/accounts", **account(opened_on="2024-01-05"))
    fragment = clerk.get("/citizens/counts?period=2024-01", headers={"HX-Request": "true"})
    assert 'data-count="citizen_accounts">1<' in fragment.text
    tag = fragment.headers["ETag"].strip('"')
    again = clerk.get("/citizens/counts?period=2024-01",
                      headers={"HX-Request": "true", "If-None-Match": f'"{tag}"'})
    assert again.status_code == 304


def test_readers_see_the_lists_without_the_forms(app):
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    for url in ("/citizens/accounts", "/citizens/feedback"):
        page = auditor.get(url)
        assert page.status_code == 200 and "<form id=\"account-form\"" not in page.text
        assert 'id="feedback-form"' not in page.text


def test_the_report_counts_accounts_and_feedback_as_of_the_periods_end(app):
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.record_portal_account, COMMUNE, "Lê Văn Tâm", NUMBER,
                   date(2024, 1, 10), "canbo")
        svc.record(svc.ledger.receive_feedback, COMMUNE, "PA-1", date(2024, 1, 2), "truc_tiep",
                   "Rác thải")
        svc.record(svc.ledger.receive_feedback, COMMUNE, "PA-2", date(2024, 1, 3), "thu_don",
                   "Đường")
        svc.record(svc.ledger.answer_feedback, COMMUNE, "PA-2", date(2024, 1, 5), "1/UBND")
        svc.record(svc.ledger.answer_feedback, COMMUNE, "PA-1", date(2024, 2, 20), "2/UBND")
    runner = app.test_cli_runner()
    january = json.loads(runner.invoke(args=["report", "2024-01", "--commune", COMMUNE]).output)
    assert january["citizen_accounts"] == 1
    assert january["feedback"] == {"received": 2, "answered": 1, "overdue": 1}
    february = json.loads(runner.invoke(args=["report", "2024-02", "--commune", COMMUNE]).output)
    assert february["citizen_accounts"] == 0
    # Answered in February after its deadline: overdue in that period too.
    assert february["feedback"] == {"received": 0, "answered": 1, "overdue": 1}


@pytest.mark.parametrize("changes, message", [
    ({"correct-reason": ""}, "Hãy nêu lý do sửa."),
    ({}, "Chưa có thông tin nào khác với thông tin đang có."),
    ({"correct-received_on": "2024-03-21"}, "không được trước ngày tiếp nhận"),
    ({"correct-received_on": "2024-03-05", "correct-document": "9/UBND"},
     "chỉ sửa thông tin tiếp nhận hoặc thông tin trả lời"),
    ({"correct-dossier_code": "HS-KHONG-CO"}, "Không có hồ sơ mã HS-KHONG-CO.")])
def test_a_bad_correction_is_refused_and_records_nothing(app, clerk, changes, message):
    _post(clerk, "/citizens/feedback", **feedback())
    _post(clerk, "/citizens/feedback/PA-2024-0001/answer",
          **{"answer-answered_on": "2024-03-20", "answer-document": "5/UBND-VP"})
    before = head(app)
    as_recorded = {"correct-received_on": "2024-03-04", "correct-channel": "dien_thoai",
                   "correct-subject": "Đèn đường thôn Mạc hỏng", "correct-dossier_code": "",
                   "correct-procedure_code": "1.0", "correct-answered_on": "2024-03-20",
                   "correct-document": "5/UBND-VP", "correct-reason": "Nhập sai"}
    response = _post(clerk, "/citizens/feedback/PA-2024-0001/correct",
                     **(as_recorded | changes))
    assert response.status_code == 422 and message in response.text, response.text
    assert head(app) == before
