"""The dossier list sorted by each of its columns, each way, on both backends:
pages read from the last row's key follow each other without a gap or a
repeat even where many rows share the sorted value, and the previous page is
the page before."""

from __future__ import annotations

from datetime import date

import pytest

from events.base import acting_as
from projections import queries
from projections.dossiers import applicant_key
from projections.periods import Period
from projections.queries import DossierFilter, ListKey, ListSort
from tests.conftest import COMMUNE, vn

TODAY = date(2026, 3, 2)
NAMES = ("Đặng Văn Đức", "Anh Thư", "Ánh Dương", "Bình", "Zoe", "ánh dương", "Ân")
ORDERS = [ListSort(by, descending) for by in queries.SORTS for descending in (True, False)]


@pytest.fixture
def tied(service):  # type: ignore[no-untyped-def]
    """50 dossiers received at five moments on five days (ten at each, so
    their due dates tie too), their applicants among seven names, their codes
    in no order of receipt."""
    with acting_as("cb"):
        for n in range(50):
            code = f"T-{(n * 37) % 50:03d}"
            at = vn(2026, 2, 2 + n % 5, 8)
            service.record(service.ledger.receive_dossier, COMMUNE, code, "2.000894",
                           NAMES[n % len(NAMES)], "truc_tiep", "", at)
    service.engine.catch_up()
    return service


def _expected(service, order: ListSort, wanted: DossierFilter) -> list[str]:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, wanted, TODAY, None)
    value = {"received": lambda r: r.received_at, "code": lambda r: "",
             "due": lambda r: r.due_date, "applicant": lambda r: applicant_key(r.applicant)}
    ordered = sorted(rows, key=lambda r: (value[order.by](r), r.code), reverse=order.descending)
    return [r.code for r in ordered]


def _walk(service, order: ListSort, wanted: DossierFilter, size: int):  # type: ignore[no-untyped-def]
    pages, after = [], None
    with service.read() as conn:
        while True:
            page = queries.dossier_page(conn, COMMUNE, wanted, TODAY, after=after, size=size,
                                        order=order)
            pages.append(page)
            if page.after is None:
                return pages
            after = ListKey.parse(str(page.after), order.by)  # as a link carries it


@pytest.mark.parametrize("order", ORDERS,
                         ids=lambda o: f"{o.by}-{'desc' if o.descending else 'asc'}")
def test_pages_under_every_sort_have_each_dossier_once_in_order(tied, order):
    pages = _walk(tied, order, DossierFilter(), 7)
    shown = [r.code for page in pages for r in page.rows]
    assert shown == _expected(tied, order, DossierFilter())
    assert len(shown) == len(set(shown)) == 50
    assert [len(p.rows) for p in pages] == [7] * 7 + [1]
    # Back from the last page by each page's "before": the same pages again.
    with tied.read() as conn:
        back, before = [pages[-1].rows], pages[-1].before
        while before is not None:
            page = queries.dossier_page(conn, COMMUNE, DossierFilter(), TODAY, size=7,
                                        before=ListKey.parse(str(before), order.by), order=order)
            back.insert(0, page.rows)
            before = page.before
    assert [[r.code for r in rows] for rows in back] == [[r.code for r in p.rows] for p in pages]


@pytest.mark.parametrize("order", [ListSort("due", False), ListSort("applicant", True)],
                         ids=["due-asc", "applicant-desc"])
def test_a_sort_keeps_the_filters(tied, order):
    wanted = DossierFilter(search="anh", received_in=Period(date(2026, 2, 3), date(2026, 2, 5)))
    shown = [r.code for p in _walk(tied, order, wanted, 4) for r in p.rows]
    assert shown == _expected(tied, order, wanted) and 0 < len(shown) < 50
    with tied.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, wanted, TODAY, None)
        assert queries.count_dossiers(conn, COMMUNE, wanted, TODAY) == len(rows) == len(shown)
    assert all(date(2026, 2, 3) <= r.received_at.date() <= date(2026, 2, 5) for r in rows)
    assert all("anh" in applicant_key(r.applicant) for r in rows)


def test_names_sort_as_a_reader_expects_not_by_their_bytes(tied):
    with tied.read() as conn:
        rows = queries.find_dossiers(conn, COMMUNE, DossierFilter(), TODAY, None,
                                     order=ListSort("applicant", False))
    names = [r.applicant for r in rows]
    firsts = list(dict.fromkeys(name.casefold() for name in names))
    # Accents and case aside: "Ánh" beside "Anh", "Đặng" among the D's, not after "Zoe".
    assert firsts == ["ân", "ánh dương", "anh thư", "bình", "đặng văn đức", "zoe"]
    assert names.index("Zoe") > max(i for i, n in enumerate(names) if n.startswith("Đ"))


def test_due_dates_and_receipts_sort_by_their_days(tied):
    with tied.read() as conn:
        due = queries.find_dossiers(conn, COMMUNE, DossierFilter(), TODAY, None,
                                    order=ListSort("due", True))
        oldest = queries.find_dossiers(conn, COMMUNE, DossierFilter(), TODAY, 1,
                                       order=ListSort("received", False))
    assert [r.due_date for r in due] == sorted((r.due_date for r in due), reverse=True)
    assert oldest[0].received_at == vn(2026, 2, 2, 8)
    assert due[0].due_date > due[-1].due_date


@pytest.mark.parametrize(("text", "by"), [("2026-02-02~T-001", "due"), ("anh~T-001", "applicant"),
                                          ("T-001~T-001", "code")])
def test_a_key_reads_back_by_its_sort(text, by):
    key = ListKey.parse(text, by)
    assert key is not None and str(key) == text


@pytest.mark.parametrize(("text", "by"), [("2026-02-30~T-1", "due"), ("x~T-1", "received"),
                                          ("anh~", "applicant"), ("a~b", "price")])
def test_a_key_that_does_not_fit_its_sort_starts_from_the_beginning(text, by):
    assert ListKey.parse(text, by) is None


def test_a_key_past_the_last_row_gives_an_empty_page(tied):
    with tied.read() as conn:
        page = queries.dossier_page(conn, COMMUNE, DossierFilter(), TODAY, size=7,
                                    after=ListKey("zzz", "zzz"), order=ListSort("applicant", False))
    assert page.rows == [] and page.after is None and page.before is None
