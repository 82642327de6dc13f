"""``import dossiers``: the rows become the events the counter records, the
whole file is checked first, and a newer export adds only what is new."""

from __future__ import annotations

from datetime import date, datetime, time

from app.importing.dossiers import import_dossier_file
from bench.import_bench import generate_rows, older_export
from events.base import acting_as
from events.dossiers import Dossier
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE, OTHER_COMMUNE, ZONE, list_procedures, open_service, vn
from tests.imports.rows import (
    BAD,
    HEADER,
    TODAY,
    history,
    record_one_by_one,
    row,
    write,
    write_lines,
)

PERIODS = ("2023-H1", "2023-Q1", "2023-02", "2023-03-15..2023-05-20")


def tallies(svc, commune: str) -> list[object]:  # type: ignore[no-untyped-def]
    with svc.read() as conn:
        return [(queries.dossier_counts(conn, commune, Period.parse(p), TODAY),
                 queries.tallies_by_procedure(conn, commune, Period.parse(p)))
                for p in PERIODS]


def events_of(svc, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [type(e).__name__ for e in svc.ledger.events.get(Dossier.id_for(COMMUNE, code))]


def test_an_import_tallies_and_records_as_the_counter_does_one_by_one(counter, tmp_path):
    rows = list(generate_rows(300, ("1.0", "2.000894")))
    assert {r["ket_thuc"] for r in rows} == {"", "tu_choi", "rut", "dung"}
    with acting_as("system"):
        counter.record(counter.ledger.register_commune, OTHER_COMMUNE, "Đại Hợp")
        list_procedures(counter, OTHER_COMMUNE)
        record_one_by_one(counter, OTHER_COMMUNE, rows, "ho-so.csv")
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, rows))
    assert checked.problems == [] and outcome is not None
    assert (outcome.received, outcome.updated, outcome.conflicts) == (300, 0, [])
    assert tallies(counter, COMMUNE) == tallies(counter, OTHER_COMMUNE)
    counts = tallies(counter, COMMUNE)[0][0]
    assert counts.received > 250 and counts.refused > 0 and counts.returned > 0  # type: ignore[attr-defined]
    for r in rows[:60]:
        code = r["ma_ho_so"]
        assert history(counter, COMMUNE, code) == history(counter, OTHER_COMMUNE, code)


def test_reimporting_the_same_file_records_nothing(counter, tmp_path):
    rows = list(generate_rows(120, ("1.0", "2.000894"), seed=7))
    path = write(tmp_path, rows)
    import_dossier_file(counter, COMMUNE, path)
    head, before = counter.engine.head(), tallies(counter, COMMUNE)
    _checked, again = import_dossier_file(counter, COMMUNE, path)
    assert again is not None
    assert (again.received, again.updated, again.unchanged, again.conflicts) == (0, 0, 120, [])
    assert counter.engine.head() == head and tallies(counter, COMMUNE) == before


def test_each_row_states_its_source_actor_business_time_and_computed_due_date(counter,
                                                                             tmp_path):
    path = write(tmp_path, [row("A-1"), row("A-2", han_tra="2023-02-20")], name="thang-2.csv")
    import_dossier_file(counter, COMMUNE, path, actor="canbo")
    received = next(iter(counter.ledger.events.get(Dossier.id_for(COMMUNE, "A-1"))))
    assert (received.source, received.actor) == ("thang-2.csv:2", "canbo")
    assert received.occurred_at == vn(2023, 2, 13, 8, 30)
    assert received.due_date == counter.ledger.due_after(COMMUNE, date(2023, 2, 13), 3)
    assert counter.ledger.dossier(COMMUNE, "A-2").due_date == date(2023, 2, 20)


def test_results_and_returns_fall_at_17_00_but_never_before_the_step_they_follow(counter,
                                                                              tmp_path):
    import_dossier_file(counter, COMMUNE, write(tmp_path, [
        row("B-1", ngay_co_ket_qua="2023-02-14", ngay_tra="2023-02-15", so_hoa_ket_qua="1"),
        row("B-2", ngay_tiep_nhan="2023-02-13 17:40", ngay_co_ket_qua="2023-02-13",
            ngay_tra="2023-02-13"),
        row("B-3", ket_thuc="rut"),
        row("B-4", ket_thuc="dung", ngay_co_ket_qua="2023-02-16"),
        row("B-5", ket_thuc="tu_choi")]))
    late = vn(2023, 2, 13, 17, 40)
    assert counter.ledger.dossier(COMMUNE, "B-1").resolved_at == vn(2023, 2, 14, 17, 0)
    assert counter.ledger.dossier(COMMUNE, "B-1").returned_at == vn(2023, 2, 15, 17, 0)
    assert counter.ledger.dossier(COMMUNE, "B-2").resolved_at == late
    assert counter.ledger.dossier(COMMUNE, "B-2").returned_at == late
    ends = {code: list(counter.ledger.events.get(Dossier.id_for(COMMUNE, code)))[-1]
            for code in ("B-3", "B-4", "B-5")}
    assert ends["B-3"].occurred_at == vn(2023, 2, 13, 8, 30)
    assert ends["B-4"].occurred_at == datetime.combine(date(2023, 2, 16), time(17), ZONE)
    assert type(ends["B-5"]).__name__ == "Refused"
    assert ends["B-5"].occurred_at == vn(2023, 2, 13, 8, 30)
    with counter.read() as conn:
        counts = queries.dossier_counts(conn, COMMUNE, Period.parse("2023-02"), TODAY)
    assert (counts.received, counts.refused, counts.withdrawn, counts.stopped) == (4, 1, 1, 1)
    assert (counts.resolved, counts.returned, counts.digitised) == (2, 2, 1)


def test_four_bad_rows_are_four_lines_and_nothing_is_recorded(counter, tmp_path):
    head = counter.engine.head()
    checked, outcome = import_dossier_file(counter, COMMUNE, write_lines(tmp_path, BAD))
    assert outcome is None and counter.engine.head() == head
    assert [p.split(":")[0] for p in checked.problems] == ["line 3", "line 4", "line 5",
                                                           "line 6"]
    date_, procedure, channel, duplicate = checked.problems
    assert "cột ngay_tiep_nhan" in date_ and "YYYY-MM-DD HH:MM" in date_
    assert "cột ma_thu_tuc" in procedure and "chưa có trong danh mục" in procedure
    assert "cột kenh" in channel and "qua_mang" in channel
    assert "cột ma_ho_so" in duplicate and "trùng với dòng 2" in duplicate


def test_every_rule_names_its_column_and_the_physical_line(counter, tmp_path):
    lines = [
        'D-1,2.000894,"Nguyễn Văn An',                                           # 2-3
        'thôn Mạc",truc_tiep,,2023-02-13 08:30,,,,,0,0',
        "D-2,2.000894,An,truc_tiep,toan_trinh,2023-02-13 08:30,,,,,0,0",         # 4
        "D-3,2.000894,An,truc_tuyen,muc_4,2023-02-13 08:30,,,,,0,0",             # 5
        "D-4,2.000894,An,truc_tiep,,2023-02-13 08:30,2023-02-10,,,,0,0",         # 6
        "D-5,2.000894,An,truc_tiep,,2023-02-13 08:30,,2023-02-12,,,0,0",         # 7
        "D-6,2.000894,An,truc_tiep,,2023-02-13 08:30,,,2023-02-14,,0,0",         # 8
        "D-7,2.000894,An,truc_tiep,,2023-02-13 08:30,,2023-02-15,2023-02-14,,0,0",  # 9
        "D-8,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,huy,0,0",                # 10
        "D-9,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,,có,0",                  # 11
        "D-10,2.000894,An,truc_tiep,,13/02/2023 08:30,,,,,0,0",                  # 12
        "D-11,2.000894,An,truc_tiep,,2023-02-13 08:30,,2023-02-14,,tu_choi,0,0",  # 13
        "D-12,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,,0,2",                  # 14
        "D-13,2.000894,,truc_tiep,,2023-02-13 08:30,,,,,0,0",                    # 15
        "D-14,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,,0",                    # 16
        "",                                                                     # 17: blank
        "D-15,2.000894,An,truc_tiep,,2023-02-13 08:30,2023-2-20,,,,0,0",         # 18
        "D-16,2.000894,A\x00n,truc_tiep,,2023-02-13 08:30,,,,,0,0",              # 19
    ]
    checked, outcome = import_dossier_file(counter, COMMUNE, write_lines(tmp_path, lines))
    assert outcome is None
    found = {int(p.split(":")[0].removeprefix("line ")): p for p in checked.problems}
    expected = {4: "cột muc_do", 5: "cột muc_do", 6: "cột han_tra", 7: "cột ngay_co_ket_qua",
                8: "cột ngay_tra", 9: "cột ngay_tra", 10: "cột ket_thuc",
                11: "cột so_hoa_ket_qua", 12: "cột ngay_tiep_nhan", 13: "cột ket_thuc",
                14: "cột chung_thuc_dien_tu", 15: "cột nguoi_nop", 16: "cần đúng 12 cột",
                18: "cột han_tra", 19: "cột nguoi_nop: có ký tự điều khiển"}
    assert sorted(found) == sorted(expected)
    for line, words in expected.items():
        assert words in found[line], found[line]


def test_file_level_problems_come_before_any_row(counter, tmp_path):
    header = tmp_path / "tieu-de.csv"
    header.write_text("ma_ho_so,ma_thu_tuc\nX,1.0\n", encoding="utf-8")
    checked, _ = import_dossier_file(counter, COMMUNE, header)
    assert checked.problems[0].startswith("line 1: dòng tiêu đề sai: thiếu cột nguoi_nop")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(write_lines(tmp_path, [
        "E-1,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,,0,0"]).read_bytes()
        + "E-2,2.000894,Đăng,truc_tiep,,2023-02-13 08:30,,,,,0,0\r\n".encode("cp1258"))
    checked, _ = import_dossier_file(counter, COMMUNE, latin)
    assert checked.problems == ["line 3: tệp không ở mã UTF-8 (hãy lưu lại tệp với mã UTF-8)."]
    trailing = tmp_path / "excel.csv"
    trailing.write_text(f"{HEADER},\nE-3,2.000894,An,truc_tiep,,2023-02-13 08:30,,,,,0,0,\n",
                        encoding="utf-8")
    checked, outcome = import_dossier_file(counter, COMMUNE, trailing)
    assert checked.problems == [] and outcome is not None and outcome.received == 1


def test_a_newer_export_adds_new_facts_and_reports_contradictions_as_conflicts(counter,
                                                                              tmp_path):
    older = [row("F-1"), row("F-2"), row("F-3", ngay_co_ket_qua="2023-02-14"), row("F-4"),
             row("F-5", ket_thuc="tu_choi"), row("F-6")]
    import_dossier_file(counter, COMMUNE, write(tmp_path, older, "cu.csv"))
    with acting_as("canbo"):
        counter.record(counter.ledger.request_supplement, COMMUNE, "F-6",
                       vn(2023, 2, 14, 9, 0), "Thiếu bản sao giấy tờ")
    head = counter.engine.head()
    newer = [row("F-1", ngay_co_ket_qua="2023-02-15", ngay_tra="2023-02-16",
                 so_hoa_ket_qua="1"),                                  # line 2: new facts
             row("F-2", nguoi_nop="Nguyễn Văn Anh", ngay_co_ket_qua="2023-02-15"),  # 3
             row("F-3", ngay_co_ket_qua="2023-02-17"),                  # 4: another result day
             row("F-4", ket_thuc="tu_choi"),                            # 5: refused vs received
             row("F-5", ket_thuc="tu_choi"),                            # 6: unchanged
             row("F-6", ngay_co_ket_qua="2023-02-16"),                  # 7: awaiting supplement
             row("F-7")]                                                # 8: new dossier
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, newer, "moi.csv"))
    assert checked.problems == [] and outcome is not None
    assert (outcome.received, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert [c.split(":")[0] for c in outcome.conflicts] == ["line 3", "line 4", "line 5",
                                                            "line 7"]
    applicant, result, refused, supplement = outcome.conflicts
    assert "xung đột: hồ sơ F-2: cột nguoi_nop: tệp ghi «Nguyễn Văn Anh», sổ cái ghi " \
        "«Nguyễn Văn An»" in applicant
    assert "cột ngay_co_ket_qua: tệp ghi «2023-02-17», sổ cái ghi «2023-02-14»" in result
    assert "từ chối tiếp nhận" in refused and "chờ bổ sung" in supplement
    assert counter.engine.head() == head + 3  # F-1 resolved and returned, F-7 received
    assert events_of(counter, "F-1") == ["Received", "Resolved", "Returned"]
    assert events_of(counter, "F-2") == ["Received"]
    assert events_of(counter, "F-3") == ["Received", "Resolved"]
    with counter.read() as conn:
        counts = queries.dossier_counts(conn, COMMUNE, Period.parse("2023-02"), TODAY)
    assert (counts.received, counts.resolved, counts.returned, counts.digitised) == (6, 2, 1, 1)


def test_an_older_export_after_a_newer_one_contradicts_nothing(counter, tmp_path):
    rows = list(generate_rows(80, ("1.0", "2.000894"), seed=3))
    import_dossier_file(counter, COMMUNE, write(tmp_path, rows, "moi.csv"))
    head = counter.engine.head()
    _checked, outcome = import_dossier_file(counter, COMMUNE,
                                            write(tmp_path, older_export(rows), "cu.csv"))
    assert outcome is not None and (outcome.conflicts, outcome.unchanged) == ([], 80)
    assert counter.engine.head() == head


def test_a_new_dossier_of_an_abolished_procedure_is_a_bad_row(counter, tmp_path):
    import_dossier_file(counter, COMMUNE, write(tmp_path, [row("G-1")]))
    with acting_as("quantri"):
        counter.record(counter.ledger.abolish_procedure, COMMUNE, "2.000894", "Chuyển cấp")
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, [
        row("G-1", ngay_co_ket_qua="2023-02-14"), row("G-2")]))
    assert outcome is None
    assert checked.problems == ["line 3: cột ma_thu_tuc: Thủ tục mã 2.000894 đã bị bãi bỏ; "
                                "không tiếp nhận hồ sơ mới của thủ tục này."]


def test_a_10000_row_file_tallies_as_the_same_dossiers_recorded_one_by_one(sqlite_url,
                                                                           tmp_path):
    """The acceptance's full size, on SQLite (the test above runs both backends)."""
    svc = open_service(sqlite_url)
    try:
        rows = list(generate_rows(10_000, ("1.0", "2.000894")))
        with acting_as("system"):
            for commune in (COMMUNE, OTHER_COMMUNE):
                svc.record(svc.ledger.register_commune, commune, f"Xã {commune}")
                list_procedures(svc, commune)
            record_one_by_one(svc, OTHER_COMMUNE, rows, "ho-so.csv")
        checked, outcome = import_dossier_file(svc, COMMUNE, write(tmp_path, rows))
        assert checked.problems == [] and outcome is not None and outcome.received == 10_000
        assert tallies(svc, COMMUNE) == tallies(svc, OTHER_COMMUNE)
        head = svc.engine.head()
        _checked, again = import_dossier_file(svc, COMMUNE, write(tmp_path, rows))
        assert again is not None and svc.engine.head() == head
    finally:
        svc.close()


def test_a_row_is_held_to_the_counters_rules(counter, tmp_path):
    """The import runs the counter's commands: a result dated before the
    receipt is refused by the order of steps, a refusal on the receipt's day
    is taken, and a receipt on a Sunday counts from the next working day, as
    at the counter."""
    from tests.imports.rows import row, write
    bad = [row("R-1", ngay_co_ket_qua="2023-02-10", so_hoa_ket_qua="1")]
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, bad, "bad.csv"))
    assert outcome is None
    assert len(checked.problems) == 1
    assert checked.problems[0].startswith("line 2: cột ngay_co_ket_qua: Thời điểm này không "
                                          "được trước bước trước đó")
    good = [row("R-2", ngay_tiep_nhan="2023-02-12 20:00", kenh="truc_tuyen",
                muc_do="toan_trinh"), row("R-3", ket_thuc="tu_choi")]
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, good))
    assert outcome is not None and outcome.received == 2 and not checked.problems
    # Sunday 12/02/2023 counts as Monday 13/02; 3 working days: Thursday 16/02.
    assert counter.ledger.dossier(COMMUNE, "R-2").due_date == date(2023, 2, 16)
    assert counter.ledger.dossier(COMMUNE, "R-3").status == "tu_choi"


def test_a_code_that_is_not_an_identifier_is_a_line_error(counter, tmp_path):
    from tests.imports.rows import row, write
    rows = [row("OK-1"), row("A/B"), row("X..Y"), row("C-1", ma_thu_tuc="../1.0")]
    checked, outcome = import_dossier_file(counter, COMMUNE, write(tmp_path, rows))
    assert outcome is None
    assert [p.split(":")[0:2] for p in checked.problems] == [
        ["line 3", " cột ma_ho_so"], ["line 4", " cột ma_ho_so"], ["line 5", " cột ma_thu_tuc"]]
