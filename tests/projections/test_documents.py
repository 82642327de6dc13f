"""The register's read model on both backends: its tallies for any period
equal the pure rule (``events.documents.standing``) on random documents, a
rebuild gives the same rows, and the migration matches the tables."""

from __future__ import annotations

import random
from datetime import date, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from events.base import acting_as
from events.documents import TASKS, TYPES, standing
from events.documents.values import SYMBOLS
from events.workdays import WorkCalendar
from projections import queries
from projections.documents import DocumentRow, DocumentTallyRow
from projections.periods import Period
from tests.conftest import COMMUNE, vn

FIRST = date(2023, 1, 2)


def _random_register(ledger, rng: random.Random, n: int) -> None:  # type: ignore[no-untyped-def]
    numbers: dict[tuple[int, str], int] = {}
    for _ in range(n):
        issued = FIRST + timedelta(days=rng.randrange(500))
        doc_type = rng.choice(TYPES)
        key = (issued.year, SYMBOLS[doc_type])
        numbers[key] = numbers.get(key, 0) + 1
        number = f"{numbers[key]}/{SYMBOLS[doc_type]}"
        confidential = rng.random() < 0.15
        ledger.issue_document(COMMUNE, number, doc_type, f"Văn bản {number}", issued,
                              "Nguyễn Văn A", confidential, rng.choice(TASKS))
        signed = issued
        if not confidential and rng.random() < 0.7:
            signed = issued + timedelta(days=rng.randrange(40))
            ledger.sign_document(COMMUNE, issued.year, number,
                                 vn(signed.year, signed.month, signed.day, 9), "Chủ tịch", "0A1B")
            if rng.random() < 0.3:
                ledger.correct_document(COMMUNE, issued.year, number, vn(2024, 7, 1), 2,
                                        "Nhầm giờ", {"signed_at": vn(
                                            signed.year, signed.month, signed.day, 16
                                        ).isoformat()})
        if not confidential and rng.random() < 0.5:
            ledger.publish_document(COMMUNE, issued.year, number,
                                    signed + timedelta(days=rng.randrange(60)),
                                    f"https://xa.example/vb/{issued.year}/{numbers[key]}")
        if rng.random() < 0.1:
            ledger.correct_document(COMMUNE, issued.year, number, vn(2024, 7, 1), 1, "Nhầm",
                                    {"task": rng.choice(TASKS), "doc_type": rng.choice(TYPES)})
        if rng.random() < 0.1:
            try:
                ledger.revoke_document(COMMUNE, issued.year, number,
                                       issued + timedelta(days=90), "Hết hiệu lực")
            except Exception:  # noqa: BLE001  (a step dated before the last one)
                pass


def test_the_tallies_equal_the_rule_for_any_period(service) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    with acting_as("canbo"):
        _random_register(service.ledger, rng, 160)
    service.catch_up()
    with service.read() as conn:
        facts = queries.document_facts(conn, COMMUNE)
        assert len(facts) == 160
        periods = [Period(date(2023, 1, 1), date(2023, 6, 30)), Period(date(2023, 1, 1),
                   date(2024, 12, 31))]
        for _ in range(30):
            start = FIRST + timedelta(days=rng.randrange(-10, 520))
            periods.append(Period(start, start + timedelta(days=rng.randrange(0, 120))))
        for period in periods:
            assert queries.document_counts(conn, COMMUNE, period) == \
                standing.counts(facts, period.start, period.end), period


def test_the_warning_counts_as_the_rule_does_today(service) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    calendar = WorkCalendar()
    with acting_as("canbo"):
        for n, back in enumerate(range(0, 12), start=1):
            service.ledger.issue_document(COMMUNE, f"{n}/BC-UBND", "bao_cao", "Báo cáo",
                                          today - timedelta(days=back), "A", n == 3, "khac")
    service.catch_up()
    with service.read() as conn:
        facts = queries.document_facts(conn, COMMUNE)
        expected = sum(standing.awaiting_signature(f, today, calendar) for f in facts)
        assert expected > 0
        assert queries.awaiting_signature(conn, COMMUNE, today, calendar) == expected


def test_a_rebuild_gives_the_rows_caught_up(service) -> None:  # type: ignore[no-untyped-def]
    with acting_as("canbo"):
        _random_register(service.ledger, random.Random(5), 60)
    service.catch_up()
    tables = (DocumentRow.__table__, DocumentTallyRow.__table__)  # type: ignore[attr-defined]

    def rows() -> list[list[tuple]]:  # type: ignore[type-arg]
        with service.read() as conn:
            return [sorted(tuple(r) for r in conn.execute(select(t))) for t in tables]
    caught_up = rows()
    service.engine.rebuild("documents")
    assert rows() == caught_up


def test_the_migration_makes_the_tables_the_model_describes(service) -> None:  # type: ignore[no-untyped-def]
    own = MetaData()
    for table in (DocumentRow.__table__, DocumentTallyRow.__table__):  # type: ignore[attr-defined]
        table.to_metadata(own)
    only_ours = {"include_name": lambda name, kind, _parent: kind != "table" or
                 name in ("document", "document_tally"), "compare_type": True}
    with service.db.connect() as conn:
        context = MigrationContext.configure(conn, opts=only_ours)
        assert compare_metadata(context, own) == []
