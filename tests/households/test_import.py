"""``import households FILE.csv``: all-or-nothing with line errors, through
the same commands as the forms, incremental; 5,000 households over three
villages give the same per-village tallies as recorded one by one."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.importing import households as importer
from events.base import acting_as
from projections import household_queries as hq
from projections.periods import Period
from tests.conftest import COMMUNE, OTHER_COMMUNE

HEADER = "ma_ho,thon,chu_ho,ngay_dang_ky,ngay_phan_loai,ngay_dung\n"
VILLAGES = ("Mỹ Đức", "Mạc", "Kiêm Tân")
YEAR = Period(date(2023, 1, 1), date(2023, 12, 31))


@pytest.fixture
def villages(service):  # type: ignore[no-untyped-def]
    with acting_as("system"):
        for name in VILLAGES:
            service.record(service.ledger.add_village, COMMUNE, name)
    return service


def imported(service, text: str):  # type: ignore[no-untyped-def]
    checked = importer.check_file(service, COMMUNE, text.encode(), "ho.csv")
    if checked.problems:
        return checked.problems, None
    return [], importer.record_rows(service, checked)


def recorded(service) -> int:  # type: ignore[no-untyped-def]
    return service.ledger.recorder.max_notification_id() or 0


def test_a_bad_file_names_its_lines_and_records_nothing(villages):
    service = villages
    before = recorded(service)
    problems, _ = imported(service, HEADER + "\n".join([
        "H1,Mỹ Đức,Nguyễn Văn A,2023-01-02,2023-01-05,",
        "H2,Thôn Lạ,Nguyễn Văn B,2023-01-02,,",
        "H3,kiem tan,Nguyễn Văn C,2023-02-30,,",
        "H4,Mạc,Nguyễn Văn D,2023-01-02,2023-01-10,2023-01-08",
        "H5,MAC,Nguyễn Văn E,2023-01-02,,2023-01-08"]) + "\n")
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6"]
    assert "cột thon" in problems[0] and "cột ngay_dang_ky" in problems[1]
    assert "cột ngay_dung" in problems[2] and "cột ngay_dung" in problems[3]
    assert recorded(service) == before


def test_a_newer_list_adds_enrolments_and_stops_and_reports_contradictions(villages):
    service = villages
    problems, outcome = imported(service, HEADER + "H1,Mỹ Đức,A,2023-01-02,,\n"
                                 "H2,Mạc,B,2023-01-02,2023-01-03,\n")
    assert not problems and outcome.registered == 2
    problems, outcome = imported(service, HEADER + "H1,my duc,A,2023-01-02,2023-02-01,\n"
                                 "H2,Mạc,B,2023-01-02,2023-01-04,\n"
                                 "H3,Kiêm Tân,C,2023-01-02,2023-01-03,2023-03-01\n")
    assert not problems
    assert (outcome.registered, outcome.enrolled, outcome.stopped) == (1, 2, 1)
    assert len(outcome.conflicts) == 1 and outcome.conflicts[0].startswith("line 3: xung đột")
    assert service.ledger.household(COMMUNE, "H2").spells == [(date(2023, 1, 3), None)]
    again = recorded(service)
    _, outcome = imported(service, HEADER + "H1,Mỹ Đức,A,2023-01-02,2023-02-01,\n")
    assert outcome.unchanged == 1 and recorded(service) == again


def generated(n: int, rng: random.Random) -> list[tuple[str, str, str, date, date | None,
                                                         date | None]]:
    rows = []
    for i in range(n):
        registered = date(2023, 1, 1) + timedelta(days=rng.randrange(150))
        enrolled = registered + timedelta(days=rng.randrange(30)) if rng.random() < .85 \
            else None
        stopped = enrolled + timedelta(days=rng.randrange(1, 60)) \
            if enrolled and rng.random() < .1 else None
        rows.append((f"HO{i:05d}", rng.choice(VILLAGES), f"Chủ hộ {i}", registered, enrolled,
                     stopped))
    return rows


def test_five_thousand_households_tally_as_if_recorded_one_by_one(villages):
    """Imported in one commune, recorded one command at a time in another."""
    service, ledger = villages, villages.ledger
    rows = generated(5000, random.Random(5000))
    text = HEADER + "".join(f"{c},{v},{h},{r},{e or ''},{s or ''}\n"
                            for c, v, h, r, e, s in rows)
    problems, outcome = imported(service, text)
    assert not problems and outcome.registered == 5000
    with acting_as("system"):
        ledger.register_commune(OTHER_COMMUNE, "Ngọc Kỳ")
        for name in VILLAGES:
            ledger.add_village(OTHER_COMMUNE, name)
        named = ledger.villages(OTHER_COMMUNE).named
        with ledger.batch() as batch:  # the same commands, saved together to go faster
            for c, v, h, r, e, s in rows:
                ledger.register_household(OTHER_COMMUNE, c, named(v), h, "", r)
                if e:
                    ledger.enrol_household(OTHER_COMMUNE, c, e)
                if s:
                    ledger.stop_household(OTHER_COMMUNE, c, s, "Dừng")
        batch.save()
    service.catch_up()
    with service.read() as conn:
        by_import = hq.household_figures(conn, COMMUNE, YEAR)
        assert hq.household_figures(conn, OTHER_COMMUNE, YEAR) == by_import
        for day in (date(2023, 1, 31), date(2023, 3, 15), date(2023, 6, 30)):
            assert hq.held_at(conn, OTHER_COMMUNE, day) == hq.held_at(conn, COMMUNE, day)
    assert by_import.registered == 5000
    assert by_import.sorting == sum(1 for *_, e, s in rows if e and not s)
    assert [v.name for v in by_import.by_village] == ["Kiêm Tân", "Mạc", "Mỹ Đức"]
