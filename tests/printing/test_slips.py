"""The circular's slips over HTTP, each printed from the dossier's own events
and offered only when its facts call for it: the supplement request (Mẫu số
02), the refusal (03), the apology with a new appointment (04)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import csrf_token, log_in, vn
from tests.printing.test_pages import CODE, act, field, receive, text

SLIPS = ("supplement", "refusal", "apology")


def offered(client, code: str = CODE) -> list[str]:  # type: ignore[no-untyped-def]
    """The slips the dossier page links to."""
    return re.findall(r'data-slip="([^"]+)"', client.get(f"/dossiers/{code}").text)


@pytest.fixture
def clerk(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client


def test_a_dossier_received_and_running_offers_no_slip(app, clerk):
    receive(app)
    assert offered(clerk) == []
    for slip in SLIPS:
        page = clerk.get(f"/print/dossiers/{CODE}/{slip}")
        assert page.status_code == 404, slip
    assert (f"Hồ sơ {CODE} chưa được yêu cầu bổ sung nên không có phiếu yêu cầu bổ sung."
            in text(clerk.get(f"/print/dossiers/{CODE}/supplement").text))
    assert (f"Hồ sơ {CODE} không bị từ chối tiếp nhận nên không có phiếu từ chối."
            in text(clerk.get(f"/print/dossiers/{CODE}/refusal").text))


def test_in_english_the_bar_and_a_missing_slip_are_english_and_the_sheet_vietnamese(app, clerk):
    receive(app)
    token = csrf_token(clerk.get("/").text)
    clerk.post("/account/language", data={"csrf_token": token, "language": "en"})
    missing = clerk.get(f"/print/dossiers/{CODE}/refusal")
    assert missing.status_code == 404
    assert (f"Dossier {CODE} was not refused at the counter, so it has no refusal slip."
            in text(missing.text))
    receipt = clerk.get(f"/print/dossiers/{CODE}/receipt").text
    bar = re.search(r'<nav class="screen-only" lang="en">(.*?)</nav>', receipt, re.S)
    assert bar and f"← Dossier {CODE}" in text(bar.group(1))
    assert "or use the browser’s Print command" in text(bar.group(1))
    assert '<html lang="vi">' in receipt and "Giấy tiếp nhận hồ sơ" in text(receipt)


def test_the_supplement_request_says_what_is_asked_and_the_days_left(app, clerk):
    receive(app, phone="0912345678", address="Thôn Mạc")  # due 08/01/2026, 3 working days
    act(app, "dc-officer", "request_supplement", vn(2026, 1, 6, 9),
        "Bản sao giấy chứng sinh có chứng thực; tờ khai ký đủ tên")
    assert offered(clerk) == ["supplement"]
    html = clerk.get(f"/print/dossiers/{CODE}/supplement").text
    assert "Mẫu số 02" in html and "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in text(html)
    assert field(html, "applicant") == "Nguyễn Văn An" and field(html, "phone") == "0912345678"
    assert field(html, "address") == "Thôn Mạc"
    assert field(html, "procedure") == "Đăng ký khai sinh" and field(html, "code") == CODE
    assert field(html, "reason") == "Bản sao giấy chứng sinh có chứng thực; tờ khai ký đủ tên"
    assert field(html, "days_left") == "2 ngày làm việc"  # 07 and 08/01 not yet used
    assert "ngày 06 tháng 01 năm 2026" in html  # dated the day it was asked
    # Still printable once the supplement came in: it records what was asked.
    act(app, "canbo", "receive_supplement", vn(2026, 1, 9, 8))
    assert offered(clerk) == ["supplement"]
    assert clerk.get(f"/print/dossiers/{CODE}/supplement").status_code == 200


def test_the_refusal_slip_gives_the_reason_and_who_refused(app, clerk):
    receive(app)
    act(app, "canbo", "refuse_dossier", vn(2026, 1, 5, 9, 45), "Không thuộc thẩm quyền của xã")
    assert offered(clerk) == ["refusal"]
    html = clerk.get(f"/print/dossiers/{CODE}/refusal").text
    assert "Mẫu số 03" in html and "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in text(html)
    assert field(html, "refusal_reason") == "Không thuộc thẩm quyền của xã"
    assert field(html, "refused_at") == "09 giờ 45 phút, ngày 05 tháng 01 năm 2026"
    assert field(html, "by") == "canbo"  # no full name set: the log-in name stands in
    assert "phone" not in re.findall(r'data-field="(\w+)"', html)  # none was recorded


def test_the_apology_gives_the_missed_date_the_reason_and_the_new_one(app, clerk):
    receive(app)
    act(app, "dc-officer", "apologise", vn(2026, 1, 8, 16), date(2026, 1, 12),
        "Chờ đối chiếu sổ gốc")
    assert offered(clerk) == ["apology"]
    html = clerk.get(f"/print/dossiers/{CODE}/apology").text
    assert "Mẫu số 04" in html and "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in text(html)
    assert field(html, "due_date") == "ngày 08 tháng 01 năm 2026"
    assert field(html, "reason") == "Chờ đối chiếu sổ gốc"
    assert field(html, "new_appointment") == "ngày 12 tháng 01 năm 2026"
    # A second apology: the slip gives the latest.
    act(app, "dc-officer", "apologise", vn(2026, 1, 12, 16), date(2026, 1, 14), "Chờ ký")
    html = clerk.get(f"/print/dossiers/{CODE}/apology").text
    assert field(html, "new_appointment") == "ngày 14 tháng 01 năm 2026"
    assert field(html, "reason") == "Chờ ký"

