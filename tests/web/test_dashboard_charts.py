"""The dashboard's month-by-month charts: a part fetched once the page is
up, whose bars and the figures written on them are the counts' figures of
each month, and which answers ``304`` while nothing has moved."""

from __future__ import annotations

from tests.conftest import csrf_token, log_in
from tests.reports.test_charts import bars, drawn, totals
from tests.web.test_counter import HX, count, post_receipt


def test_the_dashboard_charts_each_month_with_the_counts_figures(logged_in, app):
    post_receipt(logged_in)  # online, due 08/01
    post_receipt(logged_in, code="000.00.12.H23-260105-0002", channel="truc_tiep",
                 online_mode="", due_date="2026-01-06")
    post_receipt(logged_in, code="000.00.12.H23-260105-0003", channel="truc_tiep",
                 online_mode="", received_at="2026-02-02T09:00", due_date="2026-02-05")
    officer = app.test_client()
    log_in(officer, "officer")
    for code, day in (("000.00.12.H23-260105-0001", "2026-01-09"),  # late
                      ("000.00.12.H23-260105-0002", "2026-01-06"),  # on time
                      ("000.00.12.H23-260105-0003", "2026-02-03")):  # early
        token = csrf_token(officer.get(f"/dossiers/{code}").text)
        assert officer.post(f"/dossiers/{code}/resolve", headers=HX, data={
            "csrf_token": token, "resolve-occurred_at": f"{day}T10:00"}).status_code == 200
    page = logged_in.get("/?period=2026-Q1").text
    assert 'hx-get="/dashboard/charts?period=2026-Q1' in page
    part = logged_in.get("/dashboard/charts?period=2026-Q1", headers=HX)
    assert part.status_code == 200 and "<html" not in part.text
    svgs = drawn(part.text)
    assert list(svgs) == ["chart-received", "chart-resolved"]
    received, resolved = bars(svgs["chart-received"]), bars(svgs["chart-resolved"])
    for month in ("2026-01", "2026-02", "2026-03"):
        counts = logged_in.get(f"/dashboard/counts?period={month}", headers=HX).text
        assert totals(svgs["chart-received"])[month] == count(counts, "received")
        assert totals(svgs["chart-resolved"])[month] == count(counts, "resolved")
        for key in ("early", "on_time", "late"):
            assert resolved[(month, key)][0] == count(counts, key)
    assert {k: v[0] for k, v in received.items() if k[0] != "2026-03"} == {
        ("2026-01", "truc_tiep"): "1", ("2026-01", "truc_tuyen"): "1",
        ("2026-01", "buu_chinh"): "0", ("2026-02", "truc_tiep"): "1",
        ("2026-02", "truc_tuyen"): "0", ("2026-02", "buu_chinh"): "0"}
    assert [resolved[("2026-01", k)][0] for k in ("early", "on_time", "late")] == ["0", "1", "1"]
    assert [resolved[("2026-02", k)][0] for k in ("early", "on_time", "late")] == ["1", "0", "0"]
    assert "Trực tiếp" in part.text and "Quá hạn" in part.text  # the legend's names
    tag = part.headers["ETag"].strip('"')
    again = logged_in.get("/dashboard/charts?period=2026-Q1", headers=HX | {"If-None-Match": tag})
    assert again.status_code == 304
    post_receipt(logged_in, code="000.00.12.H23-260105-0004", received_at="2026-03-02T09:00",
                 due_date="2026-03-05")
    moved = logged_in.get("/dashboard/charts?period=2026-Q1", headers=HX | {"If-None-Match": tag})
    assert moved.status_code == 200
    assert bars(drawn(moved.text)["chart-received"])[("2026-03", "truc_tuyen")][0] == "1"


def test_a_period_still_to_come_has_no_chart_and_a_plain_request_gets_the_page(logged_in):
    future = logged_in.get("/dashboard/charts?period=2099", headers=HX).text
    assert "<svg" not in future and "chưa bắt đầu" in future
    assert "<html" in logged_in.get("/dashboard/charts?period=2026").text
