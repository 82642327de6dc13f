"""The report as known at a moment: a report is issued, then a late entry
dated inside its period and a correction change today's figures; the
report as known at the issue's moment is, byte for byte, the one sent. And
on random logs of every command, on both databases: the read models
brought back to any earlier position (``projections.rewind``) give, byte
for byte, the report they gave when the log stood there, as does the log
alone up to there (``from_log``), and are as they were once the
transaction is rolled back."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from app.reports.from_log import log_report, read_log
from app.reports.period import period_report, report_text
from app.service import LedgerService
from events.base import acting_as
from projections.audit_trail import TRAIL
from projections.db import IMMEDIATE
from projections.periods import Period
from projections.engine import POSITIONS, Backoff
from projections.rewind import CannotRewind, rewind
from tests.conftest import COMMUNE, csrf_token, log_in, vn
from tests.projections.test_random_commands import (  # noqa: F401  (a fixture)
    COMMUNES,
    Command,
    Run,
    assert_projected,
    fresh_service,
    ledger_database,
    prepare,
    read_models,
    sequences,
)

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
    # As known at the issue: the issued document, with its number and date,
    # in both formats. Today's figures are no longer those (the report itself
    # is now in the documents register, and the late entry): a draft,
    # unnumbered.
    as_sent = link.replace("&amp;", "&")
    assert number_and_date(leader.get(as_sent).text) == ("Số: 52/BC-UBND",
                                                         "ngày 16 tháng 6 năm 2023")
    assert "Số: 52/BC-UBND" in docx_text(
        leader.get(as_sent.replace("2023-H1.html", "2023-H1.docx")).data)
    number, _dated = number_and_date(leader.get("/reports/2023-H1.html").text)
    assert number.startswith("Số:") and "52/" not in number
    assert "Số: 52/BC-UBND" not in docx_text(leader.get("/reports/2023-H1.docx").data)
    assert leader.get("/reports/2023-H1.json?as_known_at=hôm+qua").status_code == 400
    before = report(app, "--as-known-at", "2020-01-01T00:00:00")
    assert '"received": 0' in before


def number_and_date(page: str) -> tuple[str, str]:
    """The report page's number line, and the date of its place-date line."""
    number = page.split('data-field="number">', 1)[1].split("<", 1)[0]
    dated = page.split('data-field="place-date">', 1)[1].split("<", 1)[0]
    return " ".join(number.split()), dated.split(", ", 1)[1]


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_moment_that_is_not_one_is_refused(app):
    printed = app.test_cli_runner().invoke(args=["report", "2023-H1", "--as-known-at",
                                                 "16/06/2023"])
    assert printed.exit_code == 1 and "ISO 8601" in printed.output


EXAMPLES = int(os.environ.get("LEDGER_REWIND_EXAMPLES", "8"))
# Periods around the random sequences' business clock (from Monday 4 March
# 2024), and the report's "today" inside them, so that some dossiers are
# still open and some overdue at it.
PERIODS = ["2024-03", "2024-Q1", "2024-03-05..2024-04-30"]
TODAY = date(2024, 3, 20)


def reports(service: LedgerService, periods: list[str]) -> dict[tuple[str, str], str]:
    with service.read() as conn:
        return {(commune, period): report_text(period_report(conn, commune,
                                                             Period.parse(period), TODAY))
                for commune in COMMUNES for period in periods}


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(sequence=sequences(), cuts=st.lists(st.integers(0, 40), min_size=1, max_size=3,
                                           unique=True),
       periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=2, unique=True))
def test_the_read_models_rewound_give_the_report_they_gave_then(
        ledger_database: str, sequence: list[Command], cuts: list[int],
        periods: list[str]) -> None:
    with fresh_service(ledger_database) as service:
        prepare(service)
        run = Run(service)
        then: dict[int, dict[tuple[str, str], str]] = {}
        for n, command in enumerate([None, *sequence]):
            if command is not None:
                run.call(command)
            if n in cuts:
                service.engine.catch_up()
                then[run.head()] = reports(service, periods)
        service.engine.catch_up()
        assert_projected(service, "catching up")
        now, stored = reports(service, periods), read_models(service)
        for position, expected in then.items():
            got = {}
            for only in (None, *COMMUNES):  # every commune's records, or one's
                with service.db.connect().execution_options(**IMMEDIATE) as conn:
                    transaction = conn.begin()
                    rewind(service.engine, conn, position, only)
                    got[only] = {(commune, period): report_text(period_report(
                        conn, commune, Period.parse(period), TODAY))
                        for commune, period in expected if only in (None, commune)}
                    transaction.rollback()
            assert got[None] == expected, f"as known at position {position}"
            for commune in COMMUNES:
                assert got[commune] == {k: v for k, v in expected.items() if k[0] == commune}, \
                    f"{commune}'s records only, as known at position {position}"
            with service.read() as conn:
                log = read_log(conn, service.ledger, position)
            from_log = {(commune, period): report_text(log_report(
                log, commune, Period.parse(period), TODAY, service.ledger.zone))
                for commune, period in expected}
            assert from_log == expected, f"the log alone, up to position {position}"
        assert reports(service, periods) == now and read_models(service) == stored


def test_a_report_as_known_at_a_moment_the_read_models_have_not_reached_is_refused(app):
    """A read model that has not read the log up to the moment (it failed,
    or a catch-up is under way) cannot be brought back to it: the report is
    refused with a message instead of figures from the wrong moment."""
    svc = app.extensions["ledger"]
    receive(svc, "HS-1", vn(2023, 2, 6, 9))
    with svc.write() as conn:  # as if the audit trail had failed on its first event
        conn.execute(delete(TRAIL))
        conn.execute(update(POSITIONS).where(POSITIONS.c.name == "audit_trail")
                     .values(position=0, error="failed"))
    svc.engine.backoff["audit_trail"] = Backoff(1, float("inf"))  # not retried meanwhile
    printed = app.test_cli_runner().invoke(args=["report", "2023-H1", "--commune", COMMUNE,
                                                 "--as-known-at", "2030-01-01T00:00:00"])
    assert printed.exit_code == 1 and "chưa theo kịp" in printed.output
    leader = app.test_client()
    assert log_in(leader, "leader").status_code == 302
    answer = leader.get("/reports/2023-H1.json?as_known_at=2030-01-01T00:00")
    assert answer.status_code == 503 and "chưa theo kịp" in answer.json["error"]

    with svc.write() as conn:
        conn.execute(update(POSITIONS).where(POSITIONS.c.name == "dossiers")
                     .values(position=0))
    with svc.db.connect().execution_options(**IMMEDIATE) as conn, conn.begin():
        with pytest.raises(CannotRewind, match="dossiers"):
            rewind(svc.engine, conn, 1)
