"""The register's pages over HTTP: the form with its suggested number, bad
input refused at the field with nothing recorded, the list's filters,
totals, paging and exports, and a replacement shown on both documents."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn

HX = {"HX-Request": "true"}


def issue_form(**overrides: str) -> dict[str, str]:
    return {"doc_type": "bao_cao", "number_symbol": "52/BC-UBND",
            "title": "Báo cáo kết quả 6 tháng", "issued_on": "2023-06-16",
            "signer": "Nguyễn Văn A", "task": "cai_cach_hanh_chinh"} | overrides


def post(client, url: str, data: dict[str, str], headers=HX):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    return client.post(url, data=data | {"csrf_token": token}, headers=headers)


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def document_id(app, number: str, year: int = 2023) -> str:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    return str(svc.ledger.document(COMMUNE, year, number).id)


def test_the_form_suggests_the_next_free_number_of_the_type(app, logged_in) -> None:  # type: ignore[no-untyped-def]
    svc, year = app.extensions["ledger"], date.today().year
    with acting_as("canbo"):
        for n in (51, 52):
            svc.record(svc.ledger.issue_document, COMMUNE, f"{n}/BC-UBND", "bao_cao", "Báo cáo",
                       date(year, 1, 2), "A", False, "khac")
    page = logged_in.get("/documents/new")
    assert 'value="53/BC-UBND"' in page.text
    plan = logged_in.get("/documents/new?doc_type=ke_hoach", headers=HX)
    assert 'value="1/KH-UBND"' in plan.text and "<html" not in plan.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"number_symbol": "52"}, "number_symbol", "không hợp lệ"),
    ({"doc_type": "bien_ban"}, "doc_type", "hợp lệ"),
    ({"title": " "}, "title", "trích yếu"),
    ({"issued_on": "2023-13-01"}, "issued_on", "Ngày không hợp lệ"),
    ({"issued_on": str(date.today() + timedelta(days=2))}, "issued_on", "tương lai"),
    ({"signer": ""}, "signer", "người ký"),
    ({"task": "moi"}, "task", "hợp lệ"),
    ({"title": "x" * 1001}, "title", "Quá dài"),
])
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_recorded(
        app, logged_in, changes, field, message) -> None:  # type: ignore[no-untyped-def]
    before = head(app)
    response = post(logged_in, "/documents", issue_form(**changes))
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">([^<]*)<', response.text)
    assert error and message.lower() in error.group(1).lower(), response.text[:3000]
    assert head(app) == before


def test_a_number_used_twice_in_a_year_is_refused_at_its_field(app, logged_in) -> None:  # type: ignore[no-untyped-def]
    assert post(logged_in, "/documents", issue_form()).status_code == 200
    before = head(app)
    again = post(logged_in, "/documents", issue_form(title="Khác"))
    assert again.status_code == 422 and 'id="number_symbol-error"' in again.text
    assert "đã được dùng" in again.text and head(app) == before
    next_year = post(logged_in, "/documents", issue_form(issued_on="2024-01-05"))
    assert next_year.status_code == 200 and "Đã vào sổ văn bản 52/BC-UBND" in next_year.text


def test_steps_refuse_bad_input_at_the_field_and_a_confidential_document_offers_no_signing(
        app, logged_in) -> None:  # type: ignore[no-untyped-def]
    post(logged_in, "/documents", issue_form())
    post(logged_in, "/documents", issue_form(number_symbol="3/QĐ-UBND", doc_type="quyet_dinh",
                                            confidential="y"))
    report, secret = document_id(app, "52/BC-UBND"), document_id(app, "3/QĐ-UBND")
    leader = app.test_client()
    log_in(leader, "leader")
    before = head(app)
    bad = post(logged_in, f"/documents/{report}/publish",
               {"publish-published_on": "2023-06-17", "publish-address": "ftp://x"})
    assert bad.status_code == 422 and 'id="publish-address-error"' in bad.text
    early = post(logged_in, f"/documents/{report}/revoke",
                 {"revoke-revoked_on": "2023-06-01", "revoke-reason": "Sai"})
    assert early.status_code == 422 and 'id="revoke-revoked_on-error"' in early.text
    assert head(app) == before
    page = logged_in.get(f"/documents/{secret}").text
    assert "publish-address" not in page  # no publication form for a confidential one
    refused = post(logged_in, f"/documents/{secret}/publish",
                   {"publish-published_on": "2023-06-17",
                    "publish-address": "https://xa.example/vb/3"})
    assert refused.status_code == 422 and "Văn bản mật" in refused.text
    signing = post(leader, f"/documents/{secret}/sign",
                   {"sign-signed_at": "2023-06-16T10:00", "sign-signer": "A",
                    "sign-certificate_serial": "01"})
    assert signing.status_code == 422 and "Văn bản mật" in signing.text
    assert head(app) == before


def test_a_replacement_shows_on_both_documents(app, logged_in) -> None:  # type: ignore[no-untyped-def]
    post(logged_in, "/documents", issue_form(number_symbol="10/KH-UBND", doc_type="ke_hoach",
                                            issued_on="2023-02-01"))
    post(logged_in, "/documents", issue_form(number_symbol="29/KH-UBND", doc_type="ke_hoach",
                                            issued_on="2023-05-02"))
    old, new = document_id(app, "10/KH-UBND"), document_id(app, "29/KH-UBND")
    response = post(logged_in, f"/documents/{old}/replace",
                    {"replace-by_number": "29/KH-UBND", "replace-by_year": "2023",
                     "replace-reason": "Điều chỉnh kế hoạch"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "ledger-changed"
    old_page, new_page = logged_in.get(f"/documents/{old}").text, \
        logged_in.get(f"/documents/{new}").text
    assert "Thay thế bởi" in old_page and f'/documents/{new}"' in old_page
    assert "Thay thế cho" in new_page and f'/documents/{old}"' in new_page
    listed = logged_in.get("/documents?type=ke_hoach").text
    assert "10/KH-UBND" in listed and "29/KH-UBND" in listed


def test_the_register_filters_counts_pages_and_exports(app, logged_in) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        for n in range(1, 61):
            svc.ledger.issue_document(COMMUNE, f"{n}/TB-UBND", "thong_bao", f"Thông báo {n}",
                                      date(2023, 6, 1 + n % 28), "A", n % 10 == 0,
                                      "phan_loai_rac" if n % 2 else "khac")
        svc.ledger.sign_document(COMMUNE, 2023, "1/TB-UBND", vn(2023, 6, 5, 9), "A", "01")
    svc.catch_up()
    page = logged_in.get("/documents?month=2023-06&type=thong_bao")
    assert "60 văn bản" in page.text and "1 đã ký số" in page.text and "6 văn bản mật" in page.text
    after = re.search(r'after=([^"&]+)', page.text)
    assert after is not None
    second = logged_in.get(f"/documents?month=2023-06&type=thong_bao&after={after.group(1)}",
                           headers=HX)
    assert second.text.count("/documents/") - second.text.count("/documents/export") >= 10
    assert "<html" not in second.text
    assert "30 văn bản" in logged_in.get("/documents?task=phan_loai_rac").text
    assert "1 văn bản" in logged_in.get("/documents?signed=1").text
    assert "6 văn bản" in logged_in.get("/documents?confidential=1").text
    bad = logged_in.get("/documents?month=2023-99")
    assert bad.status_code == 200 and "không hợp lệ" in bad.text
    csv = logged_in.get("/documents/export.csv?type=thong_bao")
    assert csv.status_code == 200 and csv.text.count("\r\n") == 61
    assert logged_in.get("/documents/export.xlsx").status_code == 200


def test_the_dashboard_warns_of_documents_unsigned_after_two_working_days(app, logged_in) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    today = date.today()
    with acting_as("canbo"):
        for n, back in ((1, 0), (2, 25), (3, 30)):
            svc.record(svc.ledger.issue_document, COMMUNE, f"{n}/CV-UBND", "cong_van", "Công văn",
                       today - timedelta(days=back), "A", n == 3, "khac")
    counts = logged_in.get("/dashboard/counts", headers=HX)
    assert "1 văn bản chưa ký số quá 2 ngày làm việc" in counts.text
    tag = counts.headers["ETag"]
    leader = app.test_client()
    log_in(leader, "leader")
    old = document_id(app, "2/CV-UBND", (today - timedelta(days=25)).year)
    signed = post(leader, f"/documents/{old}/sign",
                  {"sign-signed_at": f"{today}T00:01", "sign-signer": "A",
                   "sign-certificate_serial": "01"})
    assert signed.status_code == 200
    again = logged_in.get("/dashboard/counts", headers=HX | {"If-None-Match": tag})
    assert again.status_code == 200
    assert "Không có văn bản nào chưa ký số" in again.text


def test_the_report_json_has_the_documents_section(app, runner) -> None:  # type: ignore[no-untyped-def]
    import json
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        for n, secret in ((1, False), (2, False), (3, True)):
            svc.ledger.issue_document(COMMUNE, f"{n}/KH-UBND", "ke_hoach", "Kế hoạch",
                                      date(2023, 3, n), "A", secret, "phan_loai_rac")
        svc.ledger.sign_document(COMMUNE, 2023, "1/KH-UBND", vn(2023, 3, 1, 9), "A", "01")
        svc.ledger.sign_document(COMMUNE, 2023, "2/KH-UBND", vn(2023, 7, 1, 9), "A", "01")
    result = runner.invoke(args=["report", "2023-H1", "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    documents = json.loads(result.output)["documents"]
    assert {k: documents[k] for k in ("issued", "confidential", "signed", "signed_rate")} == \
        {"issued": 3, "confidential": 1, "signed": 1, "signed_rate": 0.5}
    assert documents["by_type"]["ke_hoach"] == 3 and documents["by_task"]["phan_loai_rac"] == 3
