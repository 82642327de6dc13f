"""The audit trail page: auditors and inspectors see who recorded what, how
late, and from where; nobody else sees it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from events.base import acting_as
from projections.audit_trail import _moment, _sqlite_text
from projections.engine import _sqlite_datetime
from tests.audit.conftest import SIGNING_SEED
from tests.conftest import COMMUNE, ZONE, csrf_token, log_in


def entered_late(app) -> None:  # type: ignore[no-untyped-def]
    """A dossier from an import file, recorded 12 days after it was received."""
    svc = app.extensions["ledger"]
    received = datetime.now(ZONE).replace(second=0, microsecond=0) - timedelta(days=12, hours=1)
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, "TRE-12", "2.000894", "Lê Thị Muộn",
                   "truc_tiep", "", received, source="ho-so-thang-6.csv:12")


@pytest.fixture(params=["app", "postgres_app"])
def any_app(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


def test_an_auditor_sees_the_delay_actor_and_source_of_a_late_entry(any_app):
    app = any_app
    entered_late(app)
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    page = auditor.get("/audit")
    assert page.status_code == 200
    row = page.text.split('data-field="source">ho-so-thang-6.csv:12')[0].rsplit("<tr", 1)[1]
    assert "12 ngày 1 giờ" in row and "canbo" in row and "Dossier · Received" in row
    late = auditor.get("/audit?late=1", headers={"HX-Request": "true"})
    assert late.status_code == 200 and "<html" not in late.text
    assert late.text.count("<tr data-position") == 1 and "ho-so-thang-6.csv:12" in late.text
    assert "ho-so-thang-6.csv:12" not in auditor.get("/audit?actor=system").text
    bad = auditor.get("/audit?from=30-06-2023")
    assert bad.status_code == 200 and "NNNN-TT-NN" in bad.text


def test_the_trail_pages_back_to_the_first_event(app):
    svc = app.extensions["ledger"]
    with acting_as("system"):
        for n in range(45):
            svc.record(svc.ledger.register_user, f"nhan-vien-{n}", "clerk", COMMUNE)
    auditor = app.test_client()
    assert log_in(auditor, "inspector").status_code == 302
    seen, url = [], "/audit"
    while url:
        text = auditor.get(url).text
        seen += [int(p) for p in re.findall(r'<tr data-position="(\d+)"', text)]
        more = re.search(r'href="(/audit\?before=\d+[^"]*)"', text)
        url = more.group(1).replace("&amp;", "&") if more else ""
    with svc.read() as conn:
        mine = conn.exec_driver_sql("SELECT count(*) FROM audit_trail WHERE commune = ?",
                                    (COMMUNE,)).scalar_one()
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == mine > 50


def test_no_one_else_sees_the_trail(app):
    for role in ("canbo", "leader", "admin"):
        client = app.test_client()
        assert log_in(client, role).status_code == 302
        assert client.get("/audit").status_code == 403
        assert "/audit" not in client.get("/").text


def test_an_auditor_runs_a_verification_and_downloads_the_checkpoint(app, monkeypatch):
    monkeypatch.setenv("LEDGER_SIGNING_KEY", SIGNING_SEED)
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    page = auditor.get("/audit").text
    assert "Chưa kiểm tra chuỗi băm lần nào." in page
    assert auditor.get("/audit/checkpoint.txt").status_code == 404
    assert auditor.post("/audit/verify", data={"csrf_token": csrf_token(page)}).status_code == 303
    events = app.extensions["ledger"].engine.head()
    shown = auditor.get("/audit").text
    assert 'data-verified="ok"' in shown and f"{events} sự kiện" in shown
    signed = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert signed.exit_code == 0, signed.output
    download = auditor.get("/audit/checkpoint.txt")
    assert download.status_code == 200 and download.text == signed.output
    assert "attachment" in download.headers["Content-Disposition"]
    svc = app.extensions["ledger"]
    with svc.write() as conn:
        conn.exec_driver_sql("DROP TRIGGER stored_events_no_delete")
        conn.exec_driver_sql("DELETE FROM stored_events WHERE rowid = 3")
    assert auditor.post("/audit/verify", data={"csrf_token": csrf_token(shown)}).status_code == 303
    assert "bị hỏng ở vị trí 3" in auditor.get("/audit").text
    clerk = app.test_client()
    assert log_in(clerk).status_code == 302
    token = csrf_token(clerk.get("/").text)
    assert clerk.post("/audit/verify", data={"csrf_token": token}).status_code == 403
    assert clerk.get("/audit/checkpoint.txt").status_code == 403


def test_corrections_only_shows_each_correction_and_nothing_else(app):
    svc = app.extensions["ledger"]
    entered_late(app)
    with acting_as("canbo"):
        svc.record(svc.ledger.correct_dossier, COMMUNE, "TRE-12", datetime.now(ZONE), 1,
                   "Ghi nhầm tên người nộp", {"applicant": "Lê Thị Muộn Mằn"})
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    whole = auditor.get("/audit").text
    assert whole.count("Dossier · Corrected") == 1 and "Dossier · Received" in whole
    only = auditor.get("/audit?corrections=1").text
    assert only.count("<tr data-position") == 1 and "Dossier · Corrected" in only
    assert 'name="corrections" value="1" checked' in only


def test_every_record_page_links_to_its_own_entries_in_the_trail(app):
    from tests.web.test_access import ARGS, CODE, with_dossiers
    svc = app.extensions["ledger"]
    with_dossiers(app)
    with acting_as("canbo"):
        svc.record(svc.ledger.correct_dossier, COMMUNE, CODE, datetime.now(ZONE), 1,
                   "Ghi nhầm tên người nộp", {"applicant": "Ngô Văn Đ"})
    pages = (f"/dossiers/{CODE}", f"/documents/{ARGS['document_id']}",
             f"/households/ho/{ARGS['household']}", f"/violations/{ARGS['violation_id']}")
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    shown: dict[str, set[int]] = {}
    for page in pages:
        text = auditor.get(page).text
        link = re.search(r'<a href="([^"]+)" data-audit-link>', text)
        assert link, page
        trail = auditor.get(link.group(1).replace("&amp;", "&")).text
        entity = re.search(r"entity=([0-9a-f]{32})", link.group(1)).group(1)
        positions = {int(p) for p in re.findall(r'<tr data-position="(\d+)"', trail)}
        versions = len(re.findall(r'<tr[^>]* id="event-\d+"', text))
        assert len(positions) == versions >= 1, page  # every event of the record, no other
        with svc.read() as conn:
            stored = set(conn.exec_driver_sql(
                "SELECT position FROM audit_trail WHERE entity = ?", (entity,)).scalars())
        assert positions == stored, page
        assert "Xem toàn bộ nhật ký" in trail
        shown[page] = positions
    assert len(set().union(*shown.values())) == sum(len(p) for p in shown.values())
    assert len(shown[pages[0]]) == 2  # the receipt and its correction
    assert "Mã đối tượng không hợp lệ." in auditor.get("/audit?entity=not-an-id").text
    assert "<tr data-position" not in auditor.get("/audit?entity=not-an-id").text
    clerk = app.test_client()
    assert log_in(clerk).status_code == 302
    assert "data-audit-link" not in clerk.get(pages[0]).text


def test_a_dossier_uploaded_twelve_days_late_shows_delay_clerk_file_and_line(app):
    """Through the upload page as a clerk does it, not by a command."""
    from bench.import_bench import csv_text
    from tests.imports.rows import row
    from tests.imports.test_web import progress_url, upload, wait_until_done
    received = datetime.now(ZONE).replace(second=0, microsecond=0) - timedelta(
        days=12, hours=2, minutes=10)
    clerk = app.test_client()
    assert log_in(clerk).status_code == 302
    on_time = datetime.now(ZONE) - timedelta(hours=1)
    rows = [row("KIP-1", ngay_tiep_nhan=on_time.strftime("%Y-%m-%d %H:%M")),
            row("MUON-12", ngay_tiep_nhan=received.strftime("%Y-%m-%d %H:%M"))]
    started = upload(clerk, csv_text(rows).encode("utf-8"), "so-muon.csv")
    done, _ = wait_until_done(clerk, progress_url(started.text))
    assert "2 hồ sơ mới" in done
    auditor = app.test_client()
    assert log_in(auditor, "auditor").status_code == 302
    late = auditor.get("/audit?late=1").text
    assert late.count("<tr data-position") == 1
    entry = late.split("<tr data-position")[1]
    assert 'data-field="source">so-muon.csv:3<' in entry
    assert 'data-field="delay">12 ngày 2 giờ<' in entry
    assert "canbo" in entry and "Dossier · Received" in entry


@pytest.mark.parametrize("moment", [
    datetime(2023, 6, 16, 8, 30, tzinfo=UTC),
    datetime(2023, 6, 16, 8, 30, 0, 125000, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=-3, minutes=-30))),
])
def test_the_trail_keeps_a_stored_time_as_sqlite_keeps_any_other(moment):
    # The trail swaps the stored text's "T" instead of formatting the time again.
    parsed, text = _moment({"_type_": "datetime_iso", "_data_": moment.isoformat()})
    assert parsed == moment
    assert _sqlite_text(parsed, text) == _sqlite_datetime(moment)
