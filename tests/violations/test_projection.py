"""The violations register's read model against the pure rule, with random
data, on both backends: new, legacy open and resolved for any period, by
kind and village, as of its end (``events.violations.standing``); rows
rebuilt from the log equal those caught up; the migration makes the tables
the models describe."""

from __future__ import annotations

import random
from datetime import date, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from events.base import acting_as
from events.errors import DomainError
from events.violations import KINDS, standing
from projections import queries
from projections.periods import Period
from projections.violations import (
    ViolationEvidenceRow,
    ViolationRow,
    ViolationTallyRow,
    violation_projections,
)
from tests.conftest import COMMUNE

D = date(2022, 1, 1)
VILLAGES = ("Mỹ Đức", "Mạc", "Kiêm Tân")
HASH = "ab" * 32


def record_randomly(service, rng: random.Random, violations: int = 50) -> list[str]:  # type: ignore[no-untyped-def]
    ledger, codes = service.ledger, []
    with acting_as("chuyenvien"):
        for name in VILLAGES:
            service.record(ledger.add_village, COMMUNE, name)
        villages = list(ledger.villages(COMMUNE).names)
        for n in range(violations):
            code = f"VP-{n:03d}"
            day = D + timedelta(days=rng.randrange(700))
            ledger.detect_violation(COMMUNE, code, rng.choice(KINDS), rng.choice(villages),
                                    "Nơi", "Người", "", day.year - rng.choice((0, 0, 1, 3)),
                                    "Tổ", day)
            codes.append(code)
            for _ in range(rng.randrange(7)):
                day += timedelta(days=rng.randrange(0, 60))
                step = rng.choice(("record", "penalise", "comply", "enforce", "close",
                                   "correct"))
                try:
                    if step == "record":
                        ledger.record_violation(COMMUNE, code, day, "1/BB")
                    elif step == "penalise":
                        ledger.penalise_violation(COMMUNE, code, day, "1/QĐ", 1000,
                                                  day + timedelta(days=10))
                    elif step == "comply":
                        ledger.comply_violation(COMMUNE, code, day)
                    elif step == "enforce":
                        ledger.enforce_violation(COMMUNE, code, day)
                    elif step == "close":
                        ledger.close_violation(COMMUNE, code, day, "Khắc phục")
                    else:
                        v = ledger.violation(COMMUNE, code)
                        version, kind, _day = rng.choice(v.steps)
                        field = {"Detected": "detected_on", "RecordMade": "recorded_on",
                                 "PenaltyDecided": "decided_on", "Complied": "complied_on",
                                 "Enforced": "enforced_on", "Closed": "closed_on"}[kind]
                        changes = {field: (_day - timedelta(days=rng.randrange(5))).isoformat()}
                        if kind == "Detected":
                            changes |= {"began": rng.choice((2019, 2022)),
                                        "kind": rng.choice(KINDS),
                                        "village": rng.choice(villages)}
                        ledger.correct_violation(COMMUNE, code, version, "Nhập nhầm", changes)
                except DomainError:
                    pass
        ledger.attach_violation_evidence(COMMUNE, codes[0], 1, HASH, 10, "image/png", "a.png")
    service.catch_up()
    return codes


def expected(service, codes: list[str], period: Period) -> dict[str, object]:  # type: ignore[no-untyped-def]
    facts = [service.ledger.violation_facts(COMMUNE, code) for code in codes]
    out = standing.counts(facts, period.start, period.end)
    return {"new": out["new"], "legacy_open": out["legacy_open"], "resolved": out["resolved"],
            "by_kind": {k: {f: c.get(f, 0) for f in ("new", "legacy_open", "resolved")}
                        for k, c in out["by_kind"].items()},
            "by_village": {v: {f: c.get(f, 0) for f in ("new", "legacy_open", "resolved")}
                           for v, c in out["by_village"].items() if any(c.values())}}


def test_the_tallies_for_any_period_follow_the_rule(service):
    rng = random.Random(1313)
    codes = record_randomly(service, rng)
    with service.read() as conn:
        for _ in range(40):
            start = D + timedelta(days=rng.randrange(-40, 800))
            period = Period(start, start + timedelta(days=rng.randrange(0, 400)))
            got = queries.violation_figures(conn, COMMUNE, period)
            assert {"new": got.new, "legacy_open": got.legacy_open, "resolved": got.resolved,
                    "by_kind": got.by_kind, "by_village": got.by_village} == \
                expected(service, codes, period), period


def _rows(service):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()))
                for p in violation_projections() for t in p.tables()}


def test_rebuilt_rows_equal_caught_up_ones(service):
    record_randomly(service, random.Random(5), violations=30)
    before = _rows(service)
    assert all(before.values())
    service.engine.rebuild(*(p.name for p in violation_projections()))
    assert _rows(service) == before


def test_the_migration_creates_the_tables_the_models_describe(service):
    own = MetaData()
    models = (ViolationRow, ViolationTallyRow, ViolationEvidenceRow)
    names = {m.__tablename__ for m in models}
    for model in models:
        model.__table__.to_metadata(own)  # type: ignore[attr-defined]
    only_ours = {"include_name": lambda name, kind, _parent: kind != "table" or name in names,
                 "compare_type": True}
    with service.db.connect() as conn:
        context = MigrationContext.configure(conn, opts=only_ours)
        assert compare_metadata(context, own) == []
