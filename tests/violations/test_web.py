"""The register's pages over HTTP: a detection recorded through its form,
bad input refused at the field with nothing recorded, the steps as forms in
order, overdue penalties, evidence files (checked by content, flagged when
altered on disk, not found from another commune), the filters, and the
dashboard's live figures."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest

from events.base import acting_as
from tests.conftest import COMMUNE, OTHER_COMMUNE, csrf_token, log_in

HX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = date.today()


@pytest.fixture
def app(app, tmp_path):  # type: ignore[no-untyped-def]
    app.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
    svc = app.extensions["ledger"]
    with acting_as("system"):
        for commune in (COMMUNE, OTHER_COMMUNE):
            for name in ("Mỹ Đức", "Mạc"):
                svc.record(svc.ledger.add_village, commune, name)
    return app


def as_user(app, name: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def post(client, url: str, data: dict, headers=HX):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    return client.post(url, data=data | {"csrf_token": token}, headers=headers)


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def detect_form(**overrides: str) -> dict[str, str]:
    return {"code": "VP-2023-0001", "kind": "dat_dai", "village": "mac",
            "place": "Cánh đồng Bàu", "offender": "Nguyễn Văn A", "description": "",
            "began": "2023", "detected_by": "Địa chính xã", "detected_on": "2023-03-15",
            "lat": "", "lon": ""} | overrides


def violation_id(app, code: str, commune: str = COMMUNE) -> str:  # type: ignore[no-untyped-def]
    return str(app.extensions["ledger"].ledger.violation(commune, code).id)


def test_an_officer_records_a_detection_and_bad_input_is_refused_at_its_field(app):
    officer = as_user(app, "officer")
    form = officer.get("/violations/new")
    assert form.status_code == 200 and f'value="VP-{TODAY.year}-0001"' in form.text
    for changes, field, message in [
            ({"village": "khong-co"}, "village", "Không có thôn"),
            ({"kind": "xay_dung"}, "kind", "không hợp lệ"),
            ({"began": "2024"}, "began", "Năm phát sinh"),
            ({"detected_on": str(TODAY + timedelta(days=2))}, "detected_on", "tương lai"),
            ({"place": ""}, "place", "địa điểm"),
            ({"lat": "95", "lon": "108"}, "lat", "Tọa độ"),
            ({"lat": "15.1"}, "lon", "cả vĩ độ và kinh độ"),
            ({"code": "VP 1"}, "code", "Mã vụ việc")]:
        before = head(app)
        answer = post(officer, "/violations", detect_form(**changes))
        assert answer.status_code == 422, changes
        error = re.search(rf'id="{field}-error">([^<]*)<', answer.text)
        assert error and message.lower() in error.group(1).lower(), (changes, answer.text[-3000:])
        assert head(app) == before
    done = post(officer, "/violations", detect_form(lat="15.12", lon="108.8"))
    assert done.status_code == 200 and "Đã ghi nhận vụ việc VP-2023-0001" in done.text
    again = post(officer, "/violations", detect_form())
    assert again.status_code == 422 and "đã được sử dụng" in again.text


def test_steps_are_forms_in_order_and_a_missed_deadline_shows_as_overdue(app):
    officer = as_user(app, "officer")
    post(officer, "/violations", detect_form(began="2021"))
    vid = violation_id(app, "VP-2023-0001")
    page = officer.get(f"/violations/{vid}")
    assert "tồn đọng" in page.text and f"/violations/{vid}/record" in page.text
    assert f"/violations/{vid}/penalise" not in page.text  # not offered before the record
    before = head(app)
    early = post(officer, f"/violations/{vid}/penalise",
                 {"penalise-decided_on": "2023-03-20", "penalise-amount": "1000"})
    assert early.status_code == 422 and "lập biên bản" in early.text and head(app) == before
    before_detected = post(officer, f"/violations/{vid}/record",
                           {"record-recorded_on": "2023-03-01"})
    assert before_detected.status_code == 422 and head(app) == before
    assert "không được trước bước trước đó" in before_detected.text
    assert post(officer, f"/violations/{vid}/record", {"record-recorded_on": "2023-03-16",
                                                       "record-record_number": "05/BB"}
                ).status_code == 200
    negative = post(officer, f"/violations/{vid}/penalise",
                    {"penalise-decided_on": "2023-03-20", "penalise-amount": "-5"})
    assert negative.status_code == 422 and 'id="penalise-amount-error"' in negative.text
    done = post(officer, f"/violations/{vid}/penalise",
                {"penalise-decided_on": "2023-03-20", "penalise-amount": "2500000",
                 "penalise-decision_number": "12/QĐ-XPHC", "penalise-deadline": "2023-04-20"})
    assert done.status_code == 200 and 'data-fact="overdue"' in done.text
    assert "2.500.000 đồng" in done.text
    listed = officer.get("/violations?overdue=1", headers=HX)
    assert "VP-2023-0001" in listed.text
    post(officer, f"/violations/{vid}/comply", {"comply-complied_on": "2023-04-25"})
    assert 'data-fact="overdue"' not in officer.get(f"/violations/{vid}").text
    assert "VP-2023-0001" not in officer.get("/violations?overdue=1", headers=HX).text
    closed = post(officer, f"/violations/{vid}/close", {"close-closed_on": "2023-04-26",
                                                        "close-remedy": "Đã tháo dỡ"})
    assert closed.status_code == 200 and "đã khắc phục, kết thúc" in closed.text


def test_readers_read_and_only_officers_record(app):
    as_user(app, "officer")
    post(as_user(app, "officer"), "/violations", detect_form())
    vid = violation_id(app, "VP-2023-0001")
    for role in ("leader", "auditor", "inspector"):
        reader = as_user(app, role)
        page = reader.get(f"/violations/{vid}")
        assert page.status_code == 200 and "/record" not in page.text, role
        token = csrf_token(reader.get("/").text)
        assert reader.post(f"/violations/{vid}/record", data={
            "csrf_token": token, "record-recorded_on": "2023-03-16"}).status_code == 403
    assert as_user(app, "canbo").get("/violations").status_code == 403


def test_evidence_is_checked_by_content_kept_by_hash_and_flagged_when_altered(app, tmp_path):
    officer = as_user(app, "officer")
    post(officer, "/violations", detect_form())
    vid = violation_id(app, "VP-2023-0001")
    before = head(app)
    token = csrf_token(officer.get("/").text)
    fake = officer.post(f"/violations/{vid}/attach", headers=HX, data={
        "csrf_token": token, "attach-step": "1",
        "attach-file": (io.BytesIO(b"<html><script>alert(1)</script>"), "anh.png")},
        content_type="multipart/form-data")
    assert fake.status_code == 422 and "không phải ảnh hay PDF" in fake.text
    assert head(app) == before
    good = officer.post(f"/violations/{vid}/attach", headers=HX, data={
        "csrf_token": token, "attach-step": "1", "attach-file": (io.BytesIO(PNG), "hien-truong.png")},
        content_type="multipart/form-data")
    assert good.status_code == 200 and "<img" in good.text and 'data-flag="altered"' not in good.text
    import hashlib
    sha = hashlib.sha256(PNG).hexdigest()
    stored = tmp_path / "evidence" / sha[:2] / sha
    assert stored.read_bytes() == PNG
    image = officer.get(f"/violations/{vid}/evidence/{sha}")
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Type"] == "image/png"
    # Another commune's reader finds nothing there.
    other = as_user(app, "other-clerk")
    assert other.get(f"/violations/{vid}/evidence/{sha}").status_code in (403, 404)
    stored.write_bytes(PNG + b"tampered")
    flagged = officer.get(f"/violations/{vid}")
    assert 'data-flag="altered"' in flagged.text and "không còn khớp" in flagged.text


def test_another_communes_violation_and_file_are_not_found(app):
    svc = app.extensions["ledger"]
    with acting_as("system"):
        svc.record(svc.ledger.detect_violation, OTHER_COMMUNE, "VP-9", "dat_dai", "mac",
                   "Nơi", "Người", "", 2023, "Tổ", date(2023, 3, 1))
        svc.record(svc.ledger.attach_violation_evidence, OTHER_COMMUNE, "VP-9", 1, "ab" * 32,
                   10, "image/png", "a.png")
    vid = violation_id(app, "VP-9", OTHER_COMMUNE)
    officer = as_user(app, "officer")
    assert officer.get(f"/violations/{vid}").status_code == 404
    assert officer.get(f"/violations/{vid}/evidence/{'ab' * 32}").status_code == 404


def test_the_register_filters_and_the_dashboard_shows_zero_with_its_period(app):
    officer = as_user(app, "officer")
    panel = officer.get("/dashboard/violations?period=2023-H1", headers=HX)
    assert panel.status_code == 200 and "01/01/2023 – 30/06/2023" in panel.text
    assert re.search(r'data-figure="new">0<', panel.text)
    post(officer, "/violations", detect_form())
    post(officer, "/violations", detect_form(code="VP-2", began="2020", kind="moi_truong",
                                             village="my-duc"))
    panel = officer.get("/dashboard/violations?period=2023-H1", headers=HX)
    assert re.search(r'data-figure="new">1<', panel.text)
    assert re.search(r'data-figure="legacy_open">1<', panel.text)
    for query, shown, hidden in [("kind=moi_truong", "VP-2", "VP-2023-0001"),
                                 ("new=1", "VP-2023-0001", "VP-2<"),
                                 ("new=0", "VP-2", "VP-2023-0001"),
                                 ("village=mac", "VP-2023-0001", "VP-2<"),
                                 ("closed=1", "Không có vụ việc nào", "VP-2")]:
        listed = officer.get(f"/violations?{query}", headers=HX)
        assert shown in listed.text and hidden not in listed.text, query
