"""``demo load`` records Quảng Nghiệp's first half of 2023 through the
Ledger's commands, and ``report 2023-H1`` then gives every figure report
52/BC-UBND states (DOMAIN.md's list, issue 14's first acceptance bullet)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app import create_app
from app.service import upgrade
from events.workdays import WorkCalendar
from projections.dossiers import DossierRow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A fresh SQLite database with the demo loaded, and its half-year report."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "ID_HASH_KEY": "demo-test-key"})
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    out = folder / "bao-cao.json"
    result = runner.invoke(args=["report", "2023-H1", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    yield app, runner, loaded.output, json.loads(out.read_text(encoding="utf-8"))
    app.extensions["ledger"].close()


@pytest.fixture(scope="module")
def report(demo):
    return demo[3]


def test_the_demo_prints_its_log_ins_and_loads_once(demo):
    _app, runner, output, _report = demo
    assert "motcua" in output and "chutich" in output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1 and "đã có dữ liệu" in again.output
    if_empty = runner.invoke(args=["demo", "load", "--if-empty"])
    assert if_empty.exit_code == 0 and "motcua" in if_empty.output
    assert runner.invoke(args=["report", "2023-H3"]).exit_code == 1


def test_the_dossiers_are_the_seed_s(report):
    d = report["dossiers"]
    assert report["period"] == {"from": "2023-01-01", "to": "2023-06-30"}
    assert (d["received"], d["resolved"], d["in_progress"], d["late"], d["returned"]) == (
        1049, 1047, 2, 0, 1047)
    assert d["by_channel"]["truc_tuyen"] == 1041
    assert d["online_rate"] == 1041 / 1049
    assert f"{d['digitised_rate'] * 100:.1f}" == "99.2"
    assert d["e_certified"] == 369
    assert d["early"] + d["on_time"] == 1047 and d["in_progress_overdue"] == 0


def test_fees_are_paid_mostly_online(report):
    d = report["dossiers"]
    assert d["fees_paid"] > 0 and d["paid_online"] > d["fees_paid"] / 2
    assert d["online_payment_rate"] == d["paid_online"] / d["fees_paid"]


def test_accounts_and_feedback(report):
    assert report["citizen_accounts"] == 109
    assert report["feedback"] == {"received": 0, "answered": 0, "overdue": 0}


def test_the_documents_signed_and_those_for_the_two_tasks(report):
    docs = report["documents"]
    assert (docs["signed"], docs["signed_rate"], docs["published"]) == (498, 1.0, 498)
    by_type = docs["by_type"]
    assert (by_type["nghi_quyet"], by_type["ke_hoach"], by_type["thong_bao"]) == (1, 29, 7)
    tasks = docs["by_task"]
    assert tasks["cai_cach_hanh_chinh"] + tasks["phan_loai_rac"] >= 1 + 29 + 7


def test_the_catalogue(report):
    assert report["procedures"] == {"commune": 167, "military": 14, "police": 12,
                                    "inter_agency": 17, "with_qr": 141, "fields": 34}


def test_the_households_and_supplies(report):
    h = report["households"]
    assert (h["registered"], h["sorting"]) == (1101, 901)
    assert f"{h['sorting_rate'] * 100:.1f}" == "81.8"
    assert {v["village"] for v in h["by_village"]} == {"Mỹ Đức", "Mạc", "Kiêm Tân"}
    supplies = {s["item"]: s for s in report["supplies"]}
    assert supplies["nap_day"]["received"] == 266
    assert supplies["men_vi_sinh"]["received"] == 1500
    assert supplies["nap_day"]["by_village"] == {"Mỹ Đức": 85, "Mạc": 91, "Kiêm Tân": 80}
    assert supplies["men_vi_sinh"]["by_village"] == {"Mỹ Đức": 380, "Mạc": 360,
                                                      "Kiêm Tân": 380}


def test_no_new_violation_but_legacy_ones_worked_on(report):
    v = report["violations"]
    assert v["new"] == 0
    assert v["resolved"] > 0 and v["legacy_open"] > 0


def test_the_targets_of_decision_59(report):
    targets = report["targets"]
    assert targets and {t["document"] for t in targets} == {"59/QĐ-UBND"}
    assert all(t["met"] for t in targets)


def test_every_dossier_step_falls_on_a_working_day(demo):
    """Tết 2023 (20–26 January), weekends and holidays: the counter and the
    officers work on working days; only online filings arrive on days off."""
    app = demo[0]
    calendar = WorkCalendar()
    with app.extensions["ledger"].read() as conn:
        rows = conn.execute(select(DossierRow.channel, DossierRow.received_on,
                                   DossierRow.resolved_on, DossierRow.returned_on)).all()
    assert len(rows) == 1049
    for channel, received, resolved, returned in rows:
        assert channel == "truc_tuyen" or calendar.is_working_day(received)
        assert not date(2023, 1, 20) <= received <= date(2023, 1, 26)
        for day in (resolved, returned):
            assert day is None or calendar.is_working_day(day)
