"""The report as known at a moment: a report is issued, then a late entry
dated inside its period and a correction change today's figures; the
report as known at the issue's moment is, byte for byte, the one sent."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn

H1 = (COMMUNE, date(2023, 1, 1), date(2023, 6, 30))


@pytest.fixture(params=["app", "postgres_app"])
def any_app(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


def receive(svc, code: str, at, channel: str = "truc_tiep") -> None:  # type: ignore[no-untyped-def]
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, COMMUNE, code, "2.000894", "Hà Văn Sơn",
                   channel, "toan_trinh" if channel == "truc_tuyen" else "", at)


def report(app, *options: str) -> str:  # type: ignore[no-untyped-def]
    printed = app.test_cli_runner().invoke(args=["report", "2023-H1", "--commune", COMMUNE,
                                                 *options])
    assert printed.exit_code == 0, printed.output
    return printed.output


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_report_as_known_at_its_issue_is_the_one_sent(any_app):
    app, svc = any_app, any_app.extensions["ledger"]
    receive(svc, "HS-1", vn(2023, 2, 6, 9))
    receive(svc, "HS-2", vn(2023, 3, 7, 10), "truc_tuyen")
    with acting_as("canbo"):
        svc.record(svc.ledger.resolve_dossier, COMMUNE, "HS-1", vn(2023, 2, 8, 15), True,
                   False)
    sent = report(app)
    leader = app.test_client()
    assert log_in(leader, "leader").status_code == 302
    issued = leader.post("/reports/2023-H1/issue", data={
        "csrf_token": csrf_token(leader.get("/reports/2023-H1/draft").text),
        "issue-number_symbol": "52/BC-UBND", "issue-issued_on": "2023-06-16",
        "issue-signer": "Phạm Quốc Hùng", "issue-title": "Báo cáo 6 tháng",
        "issue-task": "cai_cach_hanh_chinh"})
    assert issued.status_code == 303, issued.text
    kept = svc.ledger.period_report_record(*H1).issued
    assert kept.sha256 == digest(sent)

    # After the issue: a dossier received in March entered late, and a correction.
    receive(svc, "HS-3", vn(2023, 3, 20, 8))
    with acting_as("canbo"):
        svc.record(svc.ledger.correct_dossier, COMMUNE, "HS-2", vn(2023, 6, 20, 9), 1,
                   "Nhập nhầm kênh", {"channel": "truc_tiep", "online_mode": ""})
    today = report(app)
    assert digest(today) != kept.sha256
    assert '"received": 3' in today and '"received": 2' in sent

    again = report(app, "--as-known-at", kept.recorded_at.isoformat())
    assert again == sent  # byte for byte: the same hash
    assert report(app, "--check").startswith("OK ")
    page = leader.get("/reports/2023-H1/draft").text
    link = page.split('data-as-sent')[0].rsplit('href="', 1)[1].split('"')[0]
    json_link = link.replace("&amp;", "&").replace("2023-H1.html", "2023-H1.json")
    assert leader.get(json_link).text == sent
    assert leader.get("/reports/2023-H1.json?as_known_at=hôm+qua").status_code == 400
    before = report(app, "--as-known-at", "2020-01-01T00:00:00")
    assert '"received": 0' in before


def test_a_moment_that_is_not_one_is_refused(app):
    printed = app.test_cli_runner().invoke(args=["report", "2023-H1", "--as-known-at",
                                                 "16/06/2023"])
    assert printed.exit_code == 1 and "ISO 8601" in printed.output
