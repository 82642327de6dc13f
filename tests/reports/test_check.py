"""``report PERIOD --check`` (issue 14, item 6): every figure of the report
recomputed straight from the event log, with no read model
(``app.reports.from_log``), agrees with the projections' report on the demo
commune and on random logs of every command, on both databases; and a read
model altered behind the ledger's back is caught, the figure named."""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app import create_app
from app.reports.check import checked, compare, figures
from app.reports.from_log import log_report, read_log
from app.reports.period import period_report, report_text
from app.demo import COMMUNE as DEMO
from app.service import upgrade
from events.base import acting_as
from projections.periods import Period
from tests.conftest import COMMUNE, PROCEDURES, ZONE, vn
from tests.projections.test_random_commands import (  # noqa: F401  (a fixture)
    COMMUNES,
    Command,
    Run,
    assert_projected,
    fresh_service,
    ledger_database,
    prepare,
    sequences,
)

EXAMPLES = int(os.environ.get("LEDGER_REPORT_CHECK_EXAMPLES", "15"))


def today() -> date:
    return datetime.now(ZONE).date()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A fresh SQLite database with the demo commune loaded, and its CLI."""
    folder = tmp_path_factory.mktemp("demo-check")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "ID_HASH_KEY": "demo-test-key"})
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    yield app, runner
    app.extensions["ledger"].close()


@pytest.mark.parametrize("period", ["2023-H1", "2023-03", "2023-Q2", "2023",
                                    "2023-06-16..2023-07-31"])
def test_the_check_agrees_on_the_demo(demo, period):  # type: ignore[no-untyped-def]
    _app, runner = demo
    result = runner.invoke(args=["report", period, "--check"])
    assert result.exit_code == 0, result.output
    line, = result.output.splitlines()
    assert line.startswith("OK ") and "khớp với nhật ký sự kiện" in line
    assert int(line.split()[1]) > 100  # the figures compared


def test_the_log_alone_gives_the_seed_s_figures(demo):  # type: ignore[no-untyped-def]
    """Not the same numbers by the same mistake: the log's report states
    report 52/BC-UBND's figures by itself."""
    app, _runner = demo
    svc = app.extensions["ledger"]
    with svc.read() as conn:
        log = read_log(conn, svc.ledger)
    report = log_report(log, DEMO[0], Period.parse("2023-H1"), today(), svc.ledger.zone)
    d = report["dossiers"]
    assert (d["received"], d["resolved"], d["in_progress"], d["late"], d["returned"],
            d["by_channel"]["truc_tuyen"], d["e_certified"]) == (1049, 1047, 2, 0, 1047,
                                                                  1041, 369)
    p = report["procedures"]
    assert (p["commune"], p["inter_agency"], p["military"], p["police"], p["with_qr"],
            p["fields"]) == (167, 17, 14, 12, 141, 34)
    assert (report["citizen_accounts"], report["documents"]["signed"]) == (109, 498)
    h = report["households"]
    assert (h["registered"], h["sorting"]) == (1101, 901)
    lids = next(s for s in report["supplies"] if s["item"] == "nap_day")
    assert (lids["received"], lids["by_village"]) == (266, {"Mỹ Đức": 85, "Mạc": 91,
                                                            "Kiêm Tân": 80})
    assert report["violations"]["new"] == 0


def test_an_altered_read_model_is_caught_and_named(demo):  # type: ignore[no-untyped-def]
    """One online receipt too many in the tallies of 15 March 2023: the
    half-year's and March's received and online figures disagree, the
    second quarter's do not."""
    app, runner = demo
    svc = app.extensions["ledger"]
    row = {"commune": DEMO[0], "metric": "received/truc_tuyen", "day": date(2023, 3, 15)}
    with svc.write() as conn:
        conn.execute(text("UPDATE dossier_tally SET count = count + 1 WHERE commune = :commune "
                          "AND metric = :metric AND day = :day"), row)
    try:
        result = runner.invoke(args=["report", "2023-H1", "--check"])
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert "dossiers.received: bảng tổng hợp 1050, nhật ký sự kiện 1049" in lines
        assert "dossiers.by_channel.truc_tuyen: bảng tổng hợp 1042, nhật ký sự kiện 1041" in lines
        assert any(line.startswith("dossiers.online_rate: ") for line in lines)
        assert "dossiers.by_field." not in result.output  # read elsewhere: still agree
        assert lines[-1].startswith("LỆCH ") and "số liệu của báo cáo 2023-01-01..2023-06-30" \
            in lines[-1]
        assert runner.invoke(args=["report", "2023-03", "--check"]).exit_code == 1
        assert runner.invoke(args=["report", "2023-Q2", "--check"]).exit_code == 0
    finally:
        with svc.write() as conn:
            conn.execute(text("UPDATE dossier_tally SET count = count - 1 WHERE commune = "
                              ":commune AND metric = :metric AND day = :day"), row)
    assert runner.invoke(args=["report", "2023-H1", "--check"]).exit_code == 0


def test_a_figure_one_side_lacks_is_a_disagreement():
    period = Period.parse("2024-03")
    ours = {"supplies": [{"item": "nap_day", "issued": 3}], "rate": 1.0, "n": 1}
    theirs = {"supplies": [], "rate": 1, "n": 1}
    found = compare(ours, theirs, period, 9)
    assert [(d.path, d.line()) for d in found.disagreements] == [
        ("supplies[nap_day].item", "supplies[nap_day].item: bảng tổng hợp \"nap_day\", "
                                   "nhật ký sự kiện (không có)"),
        ("supplies[nap_day].issued", "supplies[nap_day].issued: bảng tổng hợp 3, "
                                     "nhật ký sự kiện (không có)"),
        ("rate", "rate: bảng tổng hợp 1.0, nhật ký sự kiện 1")]
    assert found.compared == 4 and not found.ok
    assert dict(figures({"targets": [{"indicator": "online_rate", "from": "2024-01-01",
                                      "to": "2024-12-31", "met": True}]})) == {
        "targets[online_rate 2024-01-01..2024-12-31].indicator": "online_rate",
        "targets[online_rate 2024-01-01..2024-12-31].from": "2024-01-01",
        "targets[online_rate 2024-01-01..2024-12-31].to": "2024-12-31",
        "targets[online_rate 2024-01-01..2024-12-31].met": True}


def test_the_log_is_read_up_to_a_position(counter):  # type: ignore[no-untyped-def]
    """What the log said when it stood at an earlier event: the oracle of
    a report "as known at" a moment."""
    service, code = counter, PROCEDURES[0][0]
    with acting_as("cb"):
        service.record(service.ledger.receive_dossier, COMMUNE, "HS-1", code, "Lê Văn Tâm",
                       "truc_tiep", "", vn(2024, 3, 4, 9))
        service.record(service.ledger.resolve_dossier, COMMUNE, "HS-1", vn(2024, 3, 5, 9),
                       True, False)
        before = service.ledger.recorder.max_notification_id()
        service.record(service.ledger.receive_dossier, COMMUNE, "HS-2", code, "Trần Thị Mai",
                       "truc_tuyen", "toan_trinh", vn(2024, 3, 6, 9))
    period = Period.parse("2024-03")
    with service.read() as conn:
        then, now = read_log(conn, service.ledger, before), read_log(conn, service.ledger)
    assert then.position == before and now.position == before + 1
    figures_then = log_report(then, COMMUNE, period, today(), service.ledger.zone)["dossiers"]
    figures_now = log_report(now, COMMUNE, period, today(), service.ledger.zone)["dossiers"]
    assert (figures_then["received"], figures_then["resolved"]) == (1, 1)
    assert (figures_now["received"], figures_now["by_channel"]["truc_tuyen"]) == (2, 1)


def test_the_log_s_report_is_the_read_models_byte_for_byte(counter):  # type: ignore[no-untyped-def]
    """Whatever order things happened in, the JSON's objects list their
    keys in one order on both sides: online modes in the domain's order,
    supplies by village in the order of the villages' names (not of their
    codes, nor of the first issue). A report as known at a moment is held to
    its hash, so its bytes, not only its figures, must not depend on how a
    read model's rows happen to come back."""
    service, code = counter, PROCEDURES[0][0]
    ledger, day = service.ledger, date(2024, 3, 4)
    with acting_as("system"):
        ledger.add_village(COMMUNE, "Bình Minh", code="a1")
        ledger.add_village(COMMUNE, "An Bình", code="z9")
    with acting_as("cb"):
        for n, mode in enumerate(("toan_trinh", "mot_phan", "toan_trinh")):
            service.record(ledger.receive_dossier, COMMUNE, f"HS-{n}", code, "Lê Văn Tâm",
                           "truc_tuyen", mode, vn(2024, 3, 4, 9 + n))
        ledger.receive_supplies(COMMUNE, "nap_day", 10, "UBND huyện", "12/QĐ-UBND", day)
        for village, quantity in (("z9", 3), ("a1", 2)):
            service.record(ledger.issue_supplies, COMMUNE, "nap_day", quantity, day,
                           village=village, receiver="Trưởng thôn")
    period = Period.parse("2024-03")
    with service.read() as conn:
        projected = period_report(conn, COMMUNE, period, date(2024, 3, 20))
        log = read_log(conn, ledger)
    from_log = log_report(log, COMMUNE, period, date(2024, 3, 20), ledger.zone)
    assert list(projected["dossiers"]["online_modes"]) == ["mot_phan", "toan_trinh"]
    lids = next(s for s in projected["supplies"] if s["item"] == "nap_day")
    assert list(lids["by_village"].items()) == [("An Bình", 3), ("Bình Minh", 2)]
    assert report_text(from_log) == report_text(projected)


# Periods around the random sequences' business clock (from Monday 4 March
# 2024, a few hours to days a command), before it and over it; and the
# month of today, which has not ended.
PERIODS = ["2024-03", "2024-Q1", "2024-H1", "2024", "2023", "2024-03-04..2024-03-04",
           "2024-03-05..2024-04-30", "2024-02-01..2024-03-10", today().strftime("%Y-%m")]


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(sequence=sequences(), periods=st.lists(st.sampled_from(PERIODS), min_size=2,
                                              max_size=3, unique=True))
def test_the_check_agrees_on_random_logs(ledger_database: str, sequence: list[Command],
                                         periods: list[str]) -> None:
    with fresh_service(ledger_database) as service:
        prepare(service)
        run = Run(service)
        for command in sequence:
            run.call(command)
        for commune in COMMUNES:
            for period in periods:
                outcome = checked(service, commune, Period.parse(period), today())
                assert_projected(service, "before the check")
                assert outcome.ok, "\n".join(outcome.lines())
