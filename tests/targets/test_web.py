"""Targets over HTTP: a leader sets, revises and withdraws one with the
forms, every bad value answered at its field with nothing recorded; the
dashboard's panel judges each against the actual, and turns from "not met"
to "met" as receipts move the actual across the threshold; the report
carries them."""

from __future__ import annotations

import json
import re

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn

PANEL = "/dashboard/targets?period=2026"
HTMX = {"HX-Request": "true"}


def as_user(app, name):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def set_form(client, **values):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client.get("/targets").text), "indicator": "online_rate",
            "period": "2026", "threshold": "50", "document": "59/QĐ-UBND",
            "document_date": "2026-01-10", "issuer": "UBND huyện Tứ Kỳ"} | values
    return client.post("/targets", data=data)


def receive(app, code, channel):  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    mode = "toan_trinh" if channel == "truc_tuyen" else ""
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, "1.0", "Lê Thị Hoa", channel,
                   mode, vn(2026, 3, 2, 9))


def verdict(html: str) -> str:
    match = re.search(r'data-indicator="online_rate".*?data-figure="met">(.*?)</td>', html, re.S)
    assert match, html
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_a_leader_sets_a_target_and_every_role_sees_it(app):
    leader = as_user(app, "leader")
    answer = set_form(leader)
    assert answer.status_code == 303
    page = leader.get(answer.headers["Location"])
    assert page.status_code == 200
    assert "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in page.text and "50,0%" in page.text
    assert "59/QĐ-UBND" in page.text and "Giao chỉ tiêu" in page.text
    for role in ("clerk", "auditor", "inspector"):
        listing = as_user(app, role).get("/targets")
        assert "59/QĐ-UBND" in listing.text
        assert 'name="threshold"' not in listing.text  # no form they cannot use
    clerk = as_user(app, "clerk")
    assert set_form(clerk, period="2027").status_code == 403


def test_a_bad_value_is_shown_at_its_field_and_records_nothing(app):
    leader = as_user(app, "leader")
    head = app.extensions["ledger"].engine.head()
    for values, field, message in [
            ({"period": "2026-H3"}, "period", "Kỳ không hợp lệ"),
            ({"threshold": "chín mươi"}, "threshold", "Ngưỡng phải là một số."),
            ({"threshold": "120"}, "threshold", "Ngưỡng tỷ lệ phải từ 0% đến 100%."),
            ({"indicator": "citizen_accounts", "threshold": "10,5"}, "threshold",
             "số nguyên"),
            ({"document": ""}, "document", "Hãy nhập số, ký hiệu văn bản."),
            ({"document_date": "2099-01-01"}, "document_date", "tương lai")]:
        answer = set_form(leader, **values)
        assert answer.status_code == 422, values
        error = re.search(rf'id="{field}-error">([^<]*)<', answer.text)
        assert error and message in error.group(1), (values, answer.text[-2000:])
    assert app.extensions["ledger"].engine.head() == head
    set_form(leader)
    again = set_form(leader, threshold="60")
    assert again.status_code == 422 and "đã được giao cho kỳ này" in again.text


def test_met_turns_as_the_actual_crosses_the_threshold(app):
    leader = as_user(app, "leader")
    set_form(leader)
    clerk = as_user(app, "clerk")
    panel = clerk.get(PANEL, headers=HTMX)
    assert verdict(panel.text) == "Chưa có số liệu"  # nothing received: no rate
    receive(app, "HS-1", "truc_tiep")
    panel = clerk.get(PANEL, headers=HTMX)
    assert verdict(panel.text) == "Chưa đạt" and "0,0%" in panel.text
    tag = panel.headers["ETag"]
    assert clerk.get(PANEL, headers=HTMX | {"If-None-Match": tag}).status_code == 304
    receive(app, "HS-2", "truc_tuyen")
    panel = clerk.get(PANEL, headers=HTMX | {"If-None-Match": tag})
    assert panel.status_code == 200
    assert verdict(panel.text) == "Đạt" and "50,0%" in panel.text
    receive(app, "HS-3", "truc_tiep")
    assert verdict(clerk.get(PANEL, headers=HTMX).text) == "Chưa đạt"
    # The whole dashboard asks for the panel once it is up.
    assert 'hx-get="/dashboard/targets?period=2026' in clerk.get("/?period=2026").text


def test_a_revision_and_a_withdrawal_through_the_forms(app):
    leader = as_user(app, "leader")
    url = set_form(leader).headers["Location"]
    token = csrf_token(leader.get(url).text)
    bad = leader.post(f"{url}/revise", data={
        "csrf_token": token, "revise-threshold": "abc", "revise-document": "60/QĐ-UBND",
        "revise-document_date": "2026-02-01", "revise-reason": "Nâng chỉ tiêu"})
    assert bad.status_code == 422 and "Ngưỡng phải là một số." in bad.text
    ok = leader.post(f"{url}/revise", data={
        "csrf_token": token, "revise-threshold": "80", "revise-document": "60/QĐ-UBND",
        "revise-document_date": "2026-02-01", "revise-reason": "Nâng chỉ tiêu"})
    assert ok.status_code == 303
    page = leader.get(url).text
    assert "80,0%" in page and "Điều chỉnh" in page and "Nâng chỉ tiêu" in page
    receive(app, "HS-1", "truc_tuyen")
    assert verdict(leader.get(PANEL, headers=HTMX).text) == "Đạt"
    gone = leader.post(f"{url}/withdraw", data={"csrf_token": token,
                                                "withdraw-reason": "Huyện bãi bỏ"})
    assert gone.status_code == 303
    assert "Không có chỉ tiêu nào được giao cho kỳ này." in \
        leader.get(PANEL, headers=HTMX).text
    assert "Đã bãi bỏ" in leader.get("/targets").text


def test_the_report_carries_the_targets_in_force(app, runner):
    leader = as_user(app, "leader")
    set_form(leader)
    set_form(leader, indicator="citizen_accounts", threshold="100")
    receive(app, "HS-1", "truc_tuyen")
    svc = app.extensions["ledger"]
    with app.app_context(), acting_as("canbo"):
        svc.record(svc.ledger.record_portal_account, COMMUNE, "Lê Văn Tâm", "001089012345",
                   vn(2026, 3, 2, 9).date(), "canbo")
    result = runner.invoke(args=["report", "2026-H1", "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    found = {t["indicator"]: t for t in report["targets"]}
    assert found["online_rate"] | {} == found["online_rate"]
    assert (found["online_rate"]["threshold"], found["online_rate"]["actual"],
            found["online_rate"]["met"]) == (0.5, 1.0, True)
    assert (found["citizen_accounts"]["threshold"], found["citizen_accounts"]["actual"],
            found["citizen_accounts"]["met"]) == (100, 1, False)
    assert '"threshold": 100,' in result.output  # a count, whole, as CONTRACT.md's counts are
    assert found["online_rate"]["document"] == "59/QĐ-UBND"
