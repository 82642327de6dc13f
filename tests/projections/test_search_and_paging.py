"""The dossier list as a clerk uses it, on both backends: a search that
ignores case and diacritics and goes through the trigram index, and pages
read from the last row's place, never by skipping rows."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from events.base import acting_as
from projections import queries
from projections.queries import DossierFilter, ListKey
from projections import search
from projections.search import fold, searched
from tests.conftest import COMMUNE, vn

TODAY = date(2026, 3, 2)
APPLICANTS = ("Vũ Văn An", "VŨ VĂN AN", "Vũ Văn Anh", "Nguyễn Thị Lan", "Đặng Đức Hải",
              "Trần 100% Lê_Ba", 'Lê "Bé" Na')


def receive(service, code: str, applicant: str, at) -> None:  # type: ignore[no-untyped-def]
    service.record(service.ledger.receive_dossier, COMMUNE, code, "2.000894", applicant,
                   "truc_tiep", "", at)


@pytest.fixture
def named(service):  # type: ignore[no-untyped-def]
    with acting_as("cb"):
        for n, name in enumerate(APPLICANTS):
            receive(service, f"HS-{n:03d}", name, vn(2026, 2, 2, 8) + timedelta(minutes=n))
    service.engine.catch_up()
    return service


def found(service, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, DossierFilter(search=text), TODAY)
        total = queries.count_dossiers(conn, COMMUNE, DossierFilter(search=text), TODAY)
    assert total == len(rows)
    return {r.applicant for r in rows}


def test_search_ignores_case_and_diacritics(named):
    expected = {"Vũ Văn An", "VŨ VĂN AN", "Vũ Văn Anh"}
    assert found(named, "vu van an") == expected
    assert found(named, "Vũ Văn An") == expected
    assert found(named, "  VU   van AN ") == expected
    assert found(named, "dang duc") == {"Đặng Đức Hải"}
    assert found(named, "hs-003") == {"Nguyễn Thị Lan"}
    assert found(named, "van anh") == {"Vũ Văn Anh"}


def test_short_and_odd_searches_are_taken_literally(named):
    assert found(named, "ai") == {"Đặng Đức Hải"}
    assert found(named, "NA") == {'Lê "Bé" Na'}
    assert found(named, "%") == {"Trần 100% Lê_Ba"}
    assert found(named, "_") == {"Trần 100% Lê_Ba"}
    assert found(named, "0% le_") == {"Trần 100% Lê_Ba"}
    assert found(named, '"be"') == {'Lê "Bé" Na'}
    assert found(named, "xyz") == set()


def test_a_corrected_applicant_is_found_by_the_new_name_only(named):
    with acting_as("cb"):
        named.ledger.correct_dossier(COMMUNE, "HS-003", vn(2026, 2, 3, 9), 1,
                                     "Ghi nhầm tên", {"applicant": "Phạm Thị Mai"})
    named.engine.catch_up()
    assert found(named, "pham thi mai") == {"Phạm Thị Mai"}
    assert found(named, "nguyen thi lan") == set()


def test_search_still_works_after_a_rebuild_and_a_receipt(named):
    named.engine.rebuild()
    assert found(named, "vu van an") == {"Vũ Văn An", "VŨ VĂN AN", "Vũ Văn Anh"}
    with acting_as("cb"):
        receive(named, "HS-100", "Vũ Văn Anh Tuấn", vn(2026, 2, 4, 8))
    named.engine.catch_up()
    assert "Vũ Văn Anh Tuấn" in found(named, "vu van an")


def test_a_search_reads_through_the_trigram_index(named):
    with named.read() as conn:
        condition = search.matches(conn, queries.DOSSIERS, "search_text", "vu van an")
        query = select(queries.D.code).where(condition)
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}"))
            assert "VIRTUAL TABLE INDEX" in plan, plan
        else:
            # A few rows: the planner would read the table whatever the index.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "ix_dossier_search_text" in plan, plan


def test_fold_agrees_with_unicode_decomposition():
    def slow(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    every = "".join(chr(c) for c in (*range(0x20, 0x250), *range(0x1E00, 0x1F00)))
    assert fold(every) == slow(every)
    assert fold("Ελληνικά Άλφα") == slow("Ελληνικά Άλφα")
    assert searched("  Vũ\tVăn  An ") == "vu van an"


@pytest.fixture
def many(service):  # type: ignore[no-untyped-def]
    """57 dossiers; three pairs share their receipt time, so the code
    orders them."""
    start = vn(2026, 1, 5, 7)
    with acting_as("cb"):
        for n in range(57):
            shared = n < 6 and n % 2 == 1  # received with the dossier before it
            receive(service, f"P-{n:03d}", f"Người nộp {n}",
                    start + timedelta(hours=n - 1 if shared else n))
            if n % 3 == 0:
                service.record(service.ledger.resolve_dossier, COMMUNE, f"P-{n:03d}",
                               start + timedelta(hours=n, minutes=30), False, False)
    service.engine.catch_up()
    return service


def walk(service, wanted: DossierFilter, size: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    pages, after = [], None
    with service.read() as conn:
        while True:
            page = queries.dossier_page(conn, COMMUNE, wanted, TODAY, after=after, size=size)
            pages.append([r.code for r in page.rows])
            if page.after is None:
                return pages
            after = ListKey.parse(str(page.after))


def newest_first(service, wanted: DossierFilter) -> list[str]:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, wanted, TODAY, limit=1000)
    return [r.code for r in sorted(rows, key=lambda r: (r.received_at, r.code), reverse=True)]


@pytest.mark.parametrize("wanted", [DossierFilter(), DossierFilter(status="dang_xu_ly"),
                                    DossierFilter(search="nguoi nop 1")])
def test_pages_follow_each_other_without_gap_or_repeat(many, wanted):
    every = newest_first(many, wanted)
    pages = walk(many, wanted, 10)
    assert [code for page in pages for code in page] == every
    assert all(len(page) == 10 for page in pages[:-1]) and 0 < len(pages[-1]) <= 10
    with many.read() as conn:
        assert queries.count_dossiers(conn, COMMUNE, wanted, TODAY) == len(every)


def test_the_previous_page_is_the_page_before(many):
    pages = walk(many, DossierFilter(), 10)
    with many.read() as conn:
        third = queries.dossier_page(conn, COMMUNE, DossierFilter(), TODAY,
                                     after=ListKey.parse(f"{_last(many, pages[1])}"), size=10)
        assert [r.code for r in third.rows] == pages[2]
        second = queries.dossier_page(conn, COMMUNE, DossierFilter(), TODAY,
                                      before=third.before, size=10)
        assert [r.code for r in second.rows] == pages[1]
        first = queries.dossier_page(conn, COMMUNE, DossierFilter(), TODAY,
                                     before=second.before, size=10)
        assert [r.code for r in first.rows] == pages[0] and first.before is None


def _last(service, codes: list[str]) -> ListKey:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, DossierFilter(search=codes[-1]), TODAY)
    (row,) = [r for r in rows if r.code == codes[-1]]
    return ListKey(row.received_at, row.code)


@pytest.mark.parametrize("text", ["", "x", "2026-01-05T07:00:00~", "~P-001",
                                  "2026-01-05T07:00:00~P-001", "nonsense~P"])
def test_a_key_edited_by_hand_starts_from_the_beginning(text):
    assert ListKey.parse(text) is None


def test_the_next_code_follows_the_national_form(service):
    day = date(2026, 2, 2)
    with service.read() as conn:
        assert queries.suggested_dossier_code(conn, COMMUNE, day) == f"{COMMUNE}-260202-0001"
    with acting_as("cb"):
        for code in ("000.00.12.H23-260202-0007", "000.00.12.H23-260202-0003",
                     "000.00.12.H23-260201-0042", "tu-nhap-tay"):
            receive(service, code, "Người nộp", vn(2026, 2, 2, 8))
    service.engine.catch_up()
    with service.read() as conn:
        assert queries.suggested_dossier_code(conn, COMMUNE, day) == "000.00.12.H23-260202-0008"
        assert queries.suggested_dossier_code(conn, COMMUNE, date(2026, 2, 3)) == \
            "000.00.12.H23-260203-0001"
