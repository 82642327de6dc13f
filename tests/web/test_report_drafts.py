"""The leader's narrative for a period's report, and its issue: the draft is
kept as written, issuing registers the report once with the hash of the
very JSON `report --format json` prints, and nobody else may do either."""

from __future__ import annotations

import hashlib
from datetime import date

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn

URL = "/reports/2023-H1/draft"


def leader(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, "leader").status_code == 302
    return client


def received(app, code: str) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, "2.000894", "Hà Văn Sơn",
                   "truc_tuyen", "toan_trinh", vn(2023, 3, 6, 9))


def test_the_leader_saves_a_draft_and_finds_it_as_written(app):
    client = leader(app)
    page = client.get(URL)
    assert page.status_code == 200 and "Lưu bản nháp" in page.text
    saved = client.post(URL, data={"csrf_token": csrf_token(page.text),
                                   "draft-han_che": "Thu phí trực tuyến còn ít.",
                                   "draft-de_xuat": "Giảm bớt sổ ghi chép."})
    assert saved.status_code == 303
    again = client.get(saved.headers["Location"]).text
    assert "Đã lưu bản nháp." in again
    assert ">\r\nThu phí trực tuyến còn ít.</textarea>" in again
    assert ">\r\nGiảm bớt sổ ghi chép.</textarea>" in again
    printed = client.get("/reports/2023-H1.html").text  # the report carries the draft
    assert "Thu phí trực tuyến còn ít." in printed and "Giảm bớt sổ ghi chép." in printed
    assert "data-draft-link" in client.get("/reports?period=2023-H1").text
    too_long = client.post(URL, data={"csrf_token": csrf_token(page.text),
                                      "draft-bai_hoc": "x" * 20_001})
    assert too_long.status_code == 422 and "quá dài" in too_long.text


def test_issuing_keeps_the_hash_of_the_printed_json_and_registers_the_report(app):
    received(app, "HS-1")
    client = leader(app)
    page = client.get(URL).text
    printed = app.test_cli_runner().invoke(args=["report", "2023-H1", "--commune", COMMUNE])
    assert printed.exit_code == 0, printed.output
    issued = client.post("/reports/2023-H1/issue", data={
        "csrf_token": csrf_token(page), "issue-number_symbol": "52/BC-UBND",
        "issue-issued_on": "2023-06-16", "issue-signer": "Phạm Quốc Hùng",
        "issue-title": "Báo cáo 6 tháng đầu năm 2023", "issue-task": "cai_cach_hanh_chinh"})
    assert issued.status_code == 303, issued.text
    digest = hashlib.sha256(printed.output.encode()).hexdigest()
    shown = client.get(URL).text
    assert "Đã ban hành" in shown and f"<code data-sha256>{digest}</code>" in shown
    assert "Lưu bản nháp" not in shown  # issued: nothing left to edit
    # Today's report now counts the report itself among the period's documents.
    after = app.test_cli_runner().invoke(args=["report", "2023-H1", "--commune", COMMUNE])
    assert hashlib.sha256(after.output.encode()).hexdigest() != digest
    svc = app.extensions["ledger"]
    document = svc.ledger.document(COMMUNE, 2023, "52/BC-UBND")
    assert (document.doc_type, document.issued_on) == ("bao_cao", date(2023, 6, 16))
    report = svc.ledger.period_report_record(COMMUNE, date(2023, 1, 1), date(2023, 6, 30))
    # The figures stood before the report's own events: begun, issued, and its register entry.
    assert report.issued.position == svc.engine.head() - 3
    twice = client.post("/reports/2023-H1/issue", data={
        "csrf_token": csrf_token(page), "issue-number_symbol": "53/BC-UBND",
        "issue-issued_on": "2023-06-17", "issue-signer": "Phạm Quốc Hùng",
        "issue-title": "Lần hai", "issue-task": "khac"})
    assert twice.status_code == 422 and "đã ban hành" in twice.text


def test_a_taken_number_is_refused_and_nothing_is_issued(app):
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.issue_document, COMMUNE, "52/BC-UBND", "bao_cao", "Khác",
                   date(2023, 6, 1), "Phạm Quốc Hùng", False, "khac")
    client = leader(app)
    head = svc.engine.head()
    refused = client.post("/reports/2023-H1/issue", data={
        "csrf_token": csrf_token(client.get(URL).text), "issue-number_symbol": "52/BC-UBND",
        "issue-issued_on": "2023-06-16", "issue-signer": "Phạm Quốc Hùng",
        "issue-title": "Báo cáo", "issue-task": "khac"})
    assert refused.status_code == 422 and "đã được dùng" in refused.text
    assert svc.engine.head() == head


def test_only_the_leader_drafts_and_issues_and_a_bad_period_is_not_found(app):
    for role in ("canbo", "auditor", "admin"):
        client = app.test_client()
        assert log_in(client, role).status_code == 302
        assert client.get(URL).status_code == 403
    assert leader(app).get("/reports/2023-H7/draft").status_code == 404
