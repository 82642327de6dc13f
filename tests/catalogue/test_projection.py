"""The catalogue's projection and read functions, and the migration that
creates its table, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from events.base import acting_as
from projections import queries
from projections.catalogue import ProcedureRow
from tests.conftest import COMMUNE

TABLE = ProcedureRow.__table__  # type: ignore[attr-defined]
QR = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="

# code, name, field, authority, inter-agency, working days, fee, with a QR code
CATALOGUE = [
    ("1.000894", "Đăng ký khai sinh", "Hộ tịch", "xa", True, 3, 0, True),
    ("1.001193", "Đăng ký kết hôn", "Hộ tịch", "xa", False, 3, 0, True),
    ("1.004222", "Chứng thực bản sao từ bản chính", "Chứng thực", "xa", False, 1, 2000, False),
    ("2.000815", "Đăng ký nghĩa vụ quân sự lần đầu", "Nghĩa vụ quân sự", "quan_su", False,
     1, 0, True),
    ("1.003011", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", "cong_an", True, 7, 0,
     True),
    ("1.009999", "Thủ tục sắp bãi bỏ", "Lĩnh vực chỉ có thủ tục bãi bỏ", "cong_an", True, 5,
     0, True),
]


def fill(service) -> None:  # type: ignore[no-untyped-def]
    with acting_as("quantri"):
        for code, name, field, authority, inter, days, fee, qr in CATALOGUE:
            service.ledger.list_procedure(COMMUNE, code, name, field, authority, inter, days,
                                          fee, QR + code if qr else "")
        service.ledger.abolish_procedure(COMMUNE, "1.009999", "Bãi bỏ theo quyết định")
    service.engine.catch_up()


def rows(service) -> list[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return [tuple(r) for r in conn.execute(select(TABLE).order_by(TABLE.c.id))]


def test_counts_are_over_the_procedures_in_force(service):
    fill(service)
    with service.read() as conn:
        counts = queries.procedure_counts(conn, COMMUNE)
        assert queries.procedure_counts(conn, "10922") == dict.fromkeys(counts, 0)
    assert counts == {"commune": 3, "military": 1, "police": 1, "inter_agency": 2,
                      "with_qr": 4, "fields": 4}


def test_an_amendment_moves_the_counts(service):
    fill(service)
    with acting_as("quantri"):
        service.record(service.ledger.amend_procedure, COMMUNE, "1.004222",
                       "Chứng thực bản sao từ bản chính", "Chứng thực", "cong_an", True, 1,
                       2000, QR + "1.004222")
    with service.read() as conn:
        counts = queries.procedure_counts(conn, COMMUNE)
        row = queries.procedure(conn, COMMUNE, "1.004222")
    assert (counts["commune"], counts["police"], counts["inter_agency"],
            counts["with_qr"]) == (2, 2, 3, 5)
    assert row is not None and row.online_address == QR + "1.004222" and not row.abolished


def test_procedures_are_grouped_by_field_and_searchable_without_diacritics(service):
    fill(service)
    with service.read() as conn:
        groups = queries.procedures_by_field(conn, COMMUNE)
        assert [f for f, _ in groups] == ["Chứng thực", "Đăng ký, quản lý cư trú", "Hộ tịch",
                                          "Nghĩa vụ quân sự"]
        assert [p.code for p in dict(groups)["Hộ tịch"]] == ["1.000894", "1.001193"]
        found = queries.procedures_by_field(conn, COMMUNE, "ho tich KET")
        assert [(f, [p.code for p in ps]) for f, ps in found] == [("Hộ tịch", ["1.001193"])]
        assert queries.procedures(conn, COMMUNE, "2.000815")[0].authority == "quan_su"
        assert queries.procedures(conn, COMMUNE, "sắp bãi bỏ") == []
        with_qr = queries.procedures(conn, COMMUNE, with_qr=True)
        assert {p.code for p in with_qr} == {"1.000894", "1.001193", "2.000815", "1.003011"}
        abolished = queries.procedure(conn, COMMUNE, "1.009999")
        assert abolished is not None and abolished.abolished


def test_rebuild_gives_the_same_rows(service):
    fill(service)
    before = rows(service)
    assert len(before) == len(CATALOGUE)
    service.engine.rebuild("procedures")
    assert rows(service) == before


def test_the_migration_creates_the_table_the_model_describes(service):
    own = MetaData()
    TABLE.to_metadata(own)
    only_ours = {"include_name": lambda name, kind, _parent: kind != "table" or
                 name == "procedure", "compare_type": True}
    with service.db.connect() as conn:
        context = MigrationContext.configure(conn, opts=only_ours)
        assert compare_metadata(context, own) == []
