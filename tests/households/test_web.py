"""The households' pages over HTTP, as a commune's officer and admin use
them: the search without diacritics, the per-village table moving with a
new enrolment, stock refused beyond what is held, a round of checks as one
event per household, the monitoring group's size warning, and every bad
value refused at its field with nothing recorded."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from events.base import acting_as
from events.households import Household
from tests.conftest import COMMUNE, csrf_token, log_in

HX = {"HX-Request": "true"}
DAY = date(2023, 1, 2)


@pytest.fixture
def commune(app):  # type: ignore[no-untyped-def]
    """Two villages; three households in Kiêm Tân (one sorting), one in Mạc;
    lids received."""
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        svc.record(svc.ledger.add_village, COMMUNE, "Kiêm Tân")
        svc.record(svc.ledger.add_village, COMMUNE, "Mạc")
        for code, village, head, address in (
                ("KT-001", "kiem-tan", "Nguyễn Văn An", "xóm 1, thôn Kiêm Tân"),
                ("KT-002", "kiem-tan", "Trần Thị Bình", "xóm 2, thôn Kiêm Tân"),
                ("KT-003", "kiem-tan", "Lê Văn Cường", "xóm 3, thôn Kiêm Tân"),
                ("MAC-001", "mac", "Phạm Văn Dũng", "thôn Mạc")):
            svc.record(svc.ledger.register_household, COMMUNE, code, village, head, address, DAY)
        svc.record(svc.ledger.enrol_household, COMMUNE, "KT-001", DAY)
        svc.record(svc.ledger.receive_supplies, COMMUNE, "nap_day", 10, "UBND huyện",
                   "12/QĐ-UBND", DAY)
    return app


def client_for(app, name: str = "officer"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def post(client, url: str, data: dict[str, object], headers=HX):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    return client.post(url, data={**data, "csrf_token": token}, headers=headers)


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def figure(html: str, village: str, name: str) -> str:
    row = re.search(rf'<tr data-village="{village}">(.*?)</tr>', html, re.S)
    assert row, village
    found = re.search(rf'data-figure="{name}">([^<]*)<', row.group(1))
    assert found, name
    return found.group(1).strip()


def test_kiem_tan_without_diacritics_finds_the_kiem_tan_households(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    page = officer.get("/households?q=Kiem+Tan")
    assert page.status_code == 200
    assert all(code in page.text for code in ("KT-001", "KT-002", "KT-003"))
    assert "MAC-001" not in page.text
    fragment = officer.get("/households?q=binh", headers=HX)
    assert "KT-002" in fragment.text and "KT-001" not in fragment.text
    assert "<html" not in fragment.text


def test_the_list_filters_by_village_and_status_and_pages_by_key(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    sorting = officer.get("/households?status=sorting").text
    assert "KT-001" in sorting and "KT-002" not in sorting
    mac = officer.get("/households?village=mac").text
    assert "MAC-001" in mac and "KT-001" not in mac
    svc = commune.extensions["ledger"]
    with acting_as("officer"):
        for n in range(4, 60):
            svc.record(svc.ledger.register_household, COMMUNE, f"KT-{n:03d}", "kiem-tan",
                       "Hộ", "", DAY)
    first = officer.get("/households?village=kiem-tan").text
    assert "KT-050" in first and "KT-051" not in first
    following = re.search(r'rel="next" href="([^"]+)"', first)
    assert following
    second = officer.get(following.group(1).replace("&amp;", "&")).text
    assert "KT-051" in second and "KT-059" in second and "KT-050<" not in second


def test_the_village_table_moves_with_a_new_enrolment(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    before = officer.get("/households/figures?period=2023", headers=HX)
    assert figure(before.text, "kiem-tan", "registered") == "3"
    assert figure(before.text, "kiem-tan", "sorting") == "1"
    assert figure(before.text, "kiem-tan", "rate") == "33,3%"
    unchanged = officer.get("/households/figures?period=2023",
                            headers={**HX, "If-None-Match": before.headers["ETag"]})
    assert unchanged.status_code == 304
    response = post(officer, "/households/ho/KT-002/enrol", {"enrol-on": "2023-02-01"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "ledger-changed"
    after = officer.get("/households/figures?period=2023",
                        headers={**HX, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert figure(after.text, "kiem-tan", "sorting") == "2"
    assert figure(after.text, "kiem-tan", "rate") == "66,7%"
    # A plain request gets the whole page.
    assert "<html" in officer.get("/households/figures?period=2023").text


def test_the_household_page_shows_its_timeline_and_the_steps_it_may_take(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    page = officer.get("/households/ho/KT-001").text
    assert "Đăng ký" in page and "Tham gia phân loại" in page
    assert "/households/ho/KT-001/stop" in page and "/households/ho/KT-001/enrol" not in page
    checked = post(officer, "/households/ho/KT-001/check", {
        "check-on": "2023-03-01", "check-compliant": "0", "check-note": "Chưa ủ đúng cách",
        "check-checker": "Trần Văn Tổ"})
    assert checked.status_code == 200
    assert "Chưa ủ đúng cách" in checked.text and "không đạt" in checked.text
    assert "Hộ KT-001" in checked.text and "<html" not in checked.text
    # Readers see the timeline without the forms.
    leader = client_for(commune, "leader").get("/households/ho/KT-001").text
    assert "Chưa ủ đúng cách" in leader and "/households/ho/KT-001/check" not in leader


def test_a_step_the_household_cannot_take_is_refused_with_its_reason(commune) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    response = post(officer, "/households/ho/KT-001/enrol", {"enrol-on": "2023-02-01"})
    assert response.status_code == 422
    assert "đang phân loại rác" in response.text
    assert head(commune) == before


def test_an_issue_beyond_the_stock_is_refused_with_the_stock_shown(commune) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    response = post(officer, "/households/supplies/issue", {
        "issue-item": "nap_day", "issue-quantity": "11", "issue-on": "2023-02-01",
        "issue-village": "kiem-tan", "issue-receiver": "Trưởng thôn"})
    assert response.status_code == 422
    assert "Không đủ vật tư trong kho: còn 10, không thể cấp 11." in response.text
    assert 'id="issue-quantity-error"' in response.text
    assert head(commune) == before
    issued = post(officer, "/households/supplies/issue", {
        "issue-item": "nap_day", "issue-quantity": "10", "issue-on": "2023-02-01",
        "issue-village": "kiem-tan", "issue-receiver": "Trưởng thôn"})
    assert issued.status_code == 200
    assert re.search(r'data-item="nap_day">.*?data-figure="in_stock">0<', issued.text, re.S)
    table = officer.get("/households/figures?period=2023", headers=HX).text
    assert figure(table, "kiem-tan", "nap_day") == "10"


def test_supplies_received_add_to_the_stock(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    response = post(officer, "/households/supplies/receive", {
        "receive-item": "men_vi_sinh", "receive-quantity": "1500",
        "receive-supplier": "UBND huyện", "receive-document": "59/QĐ-UBND",
        "receive-on": "2023-01-10"})
    assert response.status_code == 200
    assert re.search(r'data-item="men_vi_sinh">.*?data-figure="in_stock">1.500<', response.text,
                     re.S)
    assert "59/QĐ-UBND" in response.text


def test_a_round_of_checks_records_one_event_per_household(commune) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    response = post(officer, "/households/thon/kiem-tan/check", {
        "round-on": "2023-03-01", "round-checker": "Trần Văn Tổ",
        "result-KT-001": "1", "result-KT-002": "0", "note-KT-002": "Lẫn rác vô cơ",
        "result-KT-003": ""})
    assert response.status_code == 200, response.text
    assert "Đã ghi kết quả kiểm tra của 2 hộ." in response.text
    assert head(commune) == before + 2
    ledger = commune.extensions["ledger"].ledger
    checks = {code: [e for e in ledger.events.get(Household.id_for(COMMUNE, code))
                     if type(e).__name__ == "Checked"] for code in ("KT-001", "KT-002", "KT-003")}
    assert [e.compliant for e in checks["KT-001"]] == [True]
    assert [(e.compliant, e.note) for e in checks["KT-002"]] == [(False, "Lẫn rác vô cơ")]
    assert checks["KT-003"] == []
    table = officer.get("/households/figures?period=2023", headers=HX).text
    assert figure(table, "kiem-tan", "non_compliant") == "1"
    assert figure(table, "kiem-tan", "last_check") == "01/03/2023"


def test_a_round_with_a_note_but_no_result_is_refused_at_its_row(commune) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    response = post(officer, "/households/thon/kiem-tan/check", {
        "round-on": "2023-03-01", "round-checker": "Trần Văn Tổ",
        "result-KT-001": "1", "note-KT-002": "Vắng nhà"})
    assert response.status_code == 422
    assert 'id="result-KT-002-error"' in response.text
    assert 'value="Vắng nhà"' in response.text
    assert head(commune) == before


def test_the_selected_households_are_enrolled_in_one_form(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    page = officer.get("/households/thon/kiem-tan").text
    assert 'value="KT-002"' in page and 'name="enrol-households" type="checkbox" value="KT-001"' \
        not in page
    none_chosen = post(officer, "/households/thon/kiem-tan/enrol", {"enrol-on": "2023-02-01"})
    assert none_chosen.status_code == 422
    assert 'id="enrol-households-error"' in none_chosen.text
    assert "Hãy chọn ít nhất một hộ." in none_chosen.text
    response = post(officer, "/households/thon/kiem-tan/enrol", {
        "enrol-on": "2023-02-01", "enrol-households": ["KT-002", "KT-003"]})
    assert response.status_code == 200
    assert "Đã ghi 2 hộ tham gia phân loại." in response.text
    assert "Mọi hộ của thôn đều đang phân loại rác." in response.text


def test_a_group_outside_30_to_60_households_is_warned_of_not_refused(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    response = post(officer, "/households/thon/kiem-tan/group", {
        "group-responsible": "Trần Văn Tổ", "group-households": ["KT-001", "KT-002"]})
    assert response.status_code == 200
    assert "Tổ trưởng: Trần Văn Tổ" in response.text
    assert 'data-warning="group-size"' in response.text and "ngoài khoảng 30–60" in response.text
    table = officer.get("/households/figures?period=2023", headers=HX).text
    assert figure(table, "kiem-tan", "group").startswith("2 hộ")
    svc = commune.extensions["ledger"]
    with acting_as("officer"):
        for n in range(4, 34):
            svc.record(svc.ledger.register_household, COMMUNE, f"KT-{n:03d}", "kiem-tan",
                       "Hộ", "", DAY)
    thirty = [f"KT-{n:03d}" for n in range(4, 34)]
    response = post(officer, "/households/thon/kiem-tan/group", {
        "group-responsible": "Trần Văn Tổ", "group-households": thirty})
    assert response.status_code == 200
    assert "30 hộ" in response.text and 'data-warning="group-size"' not in response.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"head": " "}, "head", "Hãy nhập họ tên chủ hộ."),
    ({"code": "KT 9"}, "code", "chỉ gồm chữ cái không dấu"),
    ({"code": "KT-001"}, "code", "đã được đăng ký"),
    ({"village": "khong-co"}, "village", "Lựa chọn không hợp lệ."),
    ({"registered_on": "2023-13-01"}, "registered_on", "Ngày không hợp lệ"),
    ({"registered_on": str(date.today() + timedelta(days=2))}, "registered_on", "tương lai"),
    ({"head": "x" * 256}, "head", "Quá dài"),
])
def test_a_bad_registration_is_refused_at_its_field_and_records_nothing(
        commune, changes, field, message) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    data = {"code": "KT-100", "village": "kiem-tan", "head": "Vũ Văn Em", "address": "",
            "registered_on": "2023-01-05"} | changes
    response = post(officer, "/households", data)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', response.text)
    assert error and message in error.group(1), response.text
    assert head(commune) == before


def test_a_registration_is_recorded_and_the_household_found(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    assert "Đăng ký hộ phân loại rác" in officer.get("/households/new").text
    response = post(officer, "/households", {
        "code": "KT-100", "village": "kiem-tan", "head": "Vũ Văn Em", "address": "xóm 4",
        "registered_on": "2023-01-05"}, headers={})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/households/ho/KT-100")
    assert "Vũ Văn Em" in officer.get("/households?q=vu+van+em").text


@pytest.mark.parametrize(("url", "data", "field"), [
    ("/households/supplies/receive", {"receive-quantity": "0"}, "receive-quantity"),
    ("/households/supplies/receive", {"receive-supplier": ""}, "receive-supplier"),
    ("/households/supplies/issue", {"issue-village": "", "issue-household": ""}, "issue-village"),
    ("/households/supplies/issue", {"issue-household": "KHONG-CO"}, "issue-household"),
    ("/households/ho/KT-001/stop", {"stop-reason": ""}, "stop-reason"),
    ("/households/ho/KT-001/move", {"move-village": "kiem-tan"}, "move-village"),
    ("/households/ho/KT-001/correct", {"correct-field": "on", "correct-value": "hôm qua"},
     "correct-value"),
])
def test_other_forms_refuse_bad_values_at_the_field(commune, url, data, field) -> None:  # type: ignore[no-untyped-def]
    officer, before = client_for(commune), head(commune)
    good = {"receive-item": "nap_day", "receive-quantity": "5", "receive-supplier": "Huyện",
            "receive-on": "2023-01-05", "issue-item": "nap_day", "issue-quantity": "1",
            "issue-on": "2023-01-05", "issue-village": "kiem-tan", "issue-receiver": "A",
            "stop-on": "2023-02-01", "stop-reason": "Chuyển đi", "move-on": "2023-02-01",
            "move-village": "mac", "correct-version": "2", "correct-field": "on",
            "correct-value": "2023-01-03", "correct-reason": "Nhập nhầm"}
    response = post(officer, url, good | data)
    assert response.status_code == 422, response.text
    assert f'id="{field}-error"' in response.text, response.text
    assert head(commune) == before


def test_the_admin_keeps_the_villages_and_the_items(commune) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(commune, "admin")
    added = post(admin, "/households/reference/villages", {"name": "Mỹ Đức", "code": ""})
    assert added.status_code == 200 and 'data-village="my-duc"' in added.text
    twice = post(admin, "/households/reference/villages", {"name": "my duc", "code": ""})
    assert twice.status_code == 422 and "Đã có thôn Mỹ Đức." in twice.text
    renamed = post(admin, "/households/reference/villages/mac/rename",
                   {"rename-mac-name": "Mạc Xá"})
    assert renamed.status_code == 200 and "Mạc Xá" in renamed.text
    merged = post(admin, "/households/reference/villages/mac/merge", {"merge-mac-into": "my-duc"})
    assert merged.status_code == 200 and "đã sáp nhập vào Mỹ Đức" in merged.text
    item = post(admin, "/households/reference/items",
                {"code": "thung-rac", "name": "Thùng rác", "unit": ""})
    assert item.status_code == 422 and 'id="unit-error"' in item.text
    item = post(admin, "/households/reference/items",
                {"code": "thung-rac", "name": "Thùng rác", "unit": "chiếc"})
    assert item.status_code == 200 and 'data-item="thung-rac"' in item.text
    officer = client_for(commune)
    assert 'value="thung-rac"' in officer.get("/households/supplies").text
    assert officer.get("/households/reference").status_code == 403


def test_the_dashboard_shows_the_communes_sorting_rate(commune) -> None:  # type: ignore[no-untyped-def]
    page = client_for(commune, "leader").get("/?period=2023").text
    assert re.search(r'data-count="sorting_rate">25,0%<', page)
    assert re.search(r'data-count="households_sorting">1 / 4<', page)


def test_a_merged_villages_households_are_listed_under_the_village_it_joined(commune) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(commune, "admin")
    assert post(admin, "/households/reference/villages/mac/merge",
                {"merge-mac-into": "kiem-tan"}).status_code == 200
    officer = client_for(commune)
    listed = officer.get("/households?village=kiem-tan").text
    assert "MAC-001" in listed and "KT-001" in listed
    table = officer.get("/households/figures?period=2023", headers=HX).text
    assert figure(table, "kiem-tan", "registered") == "4"
    assert 'data-village="mac"' not in table
    assert officer.get("/households/thon/mac").status_code == 404


def test_the_list_downloads_as_it_is_filtered(commune) -> None:  # type: ignore[no-untyped-def]
    auditor = client_for(commune, "auditor")
    page = auditor.get("/households?q=kiem+tan").text
    assert "/households/export.csv?q=kiem+tan" in page
    exported = auditor.get("/households/export.csv?q=kiem+tan")
    assert exported.status_code == 200
    lines = exported.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã hộ,Thôn,Chủ hộ")
    assert [line.split(",")[0] for line in lines[1:]] == ["KT-001", "KT-002", "KT-003"]
    assert "Kiêm Tân" in lines[1] and "Đang phân loại" in lines[1]


def test_the_bulk_forms_can_show_only_the_groups_households(commune) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(commune)
    assert post(officer, "/households/thon/kiem-tan/group", {
        "group-responsible": "Trần Văn Tổ", "group-households": ["KT-001", "KT-003"]}
    ).status_code == 200
    page = officer.get("/households/thon/kiem-tan?to=group").text
    assert 'name="result-KT-001"' in page and 'name="result-KT-002"' not in page
    assert 'value="KT-003"' in page and "KT-002 · " not in page.split('id="enrol-many"')[1]
    response = post(officer, "/households/thon/kiem-tan/check?to=group", {
        "round-on": "2023-03-01", "round-checker": "Trần Văn Tổ", "result-KT-003": "1"})
    assert response.status_code == 200 and 'name="result-KT-002"' not in response.text
