"""The citizens' read models against the pure rule, on both backends: the
counts kept by day give ``answering.counts`` for any period and any day
judged, with random data; a rebuild gives the rows caught up."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select

from events.base import acting_as
from events.citizens import answering
from events.errors import DomainError
from projections import queries
from projections.citizens import (
    FeedbackRow,
    FeedbackTallyRow,
    PortalAccountRow,
    PortalAccountTallyRow,
)
from projections.periods import Period
from tests.conftest import COMMUNE

TABLES = (PortalAccountRow, PortalAccountTallyRow, FeedbackRow, FeedbackTallyRow)
FIRST = date(2023, 11, 1)


def _day(rng: random.Random, start: date = FIRST, span: int = 200) -> date:
    return start + timedelta(days=rng.randrange(span))


def _number(n: int) -> str:
    return f"001{n:09d}"


def _facts(svc, count: int) -> list[answering.Facts]:  # type: ignore[no-untyped-def]
    found = []
    for n in range(count):
        f = svc.ledger.feedback(COMMUNE, f"PA-{n}")
        found.append(answering.Facts(f.received_on, f.due_date, f.answered_on))
    return found


def _opened_days(svc) -> list[date]:  # type: ignore[no-untyped-def]
    table = PortalAccountRow.__table__  # type: ignore[attr-defined]
    with svc.read() as conn:
        return [r.opened_on for r in conn.execute(select(table))]


def _periods(rng: random.Random) -> list[Period]:
    periods = [Period(date(2024, 1, 1), date(2024, 3, 31)), Period(date(2023, 1, 1),
                                                                   date(2023, 12, 31))]
    for _ in range(12):
        start = _day(rng, FIRST - timedelta(days=30), 260)
        periods.append(Period(start, start + timedelta(days=rng.randrange(0, 120))))
    return periods


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_counts_give_the_rule_for_any_period(citizens, seed):
    rng = random.Random(seed)
    count = 60
    with acting_as("cb"):
        for n in range(count):
            _record_one(citizens, rng, n)
            if rng.random() < 0.2:
                citizens.catch_up()  # the counts moved page by page
    citizens.catch_up()
    facts = _facts(citizens, count)
    opened = _opened_days(citizens)
    with citizens.read() as conn:
        for period in _periods(rng):
            for today in (period.end + timedelta(days=40), period.start + timedelta(days=3),
                          period.end):
                found = queries.feedback_counts(conn, COMMUNE, period, today)
                assert found.as_json() == answering.counts(facts, period.start, period.end,
                                                           today), (period, today)
            assert queries.accounts_opened(conn, COMMUNE, period) == sum(
                period.start <= d <= period.end for d in opened)


def _record_one(svc, rng: random.Random, n: int) -> None:  # type: ignore[no-untyped-def]
    ledger = svc.ledger
    if rng.random() < 0.5:
        try:
            ledger.record_portal_account(COMMUNE, f"Công dân {n}", _number(rng.randrange(40)),
                                         _day(rng), "cb")
        except DomainError:
            pass  # the same citizen twice: refused
    code, received = f"PA-{n}", _day(rng)
    ledger.receive_feedback(COMMUNE, code, received, "truc_tiep", f"Việc {n}",
                            working_days=rng.choice([1, 5, 10]))
    if rng.random() < 0.6:
        ledger.answer_feedback(COMMUNE, code, min(received + timedelta(days=rng.randrange(30)),
                                                  date.today()), f"{n}/UBND")
    if rng.random() < 0.3:
        moved = (received + timedelta(days=rng.randrange(-20, 20))).isoformat()
        try:
            ledger.correct_feedback(COMMUNE, code, "Nhập sai", {"received_on": moved})
        except DomainError:
            pass  # after the answer: refused, nothing recorded
    if rng.random() < 0.2:
        try:
            ledger.correct_feedback(COMMUNE, code, "Nhập sai", {
                "answered_on": (received + timedelta(days=rng.randrange(25))).isoformat()})
        except DomainError:
            pass  # not answered: refused


def _rows(svc) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def,type-arg]
    with svc.read() as conn:
        return {m.__tablename__: sorted(tuple(map(repr, r)) for r in conn.execute(
            select(m.__table__))) for m in TABLES}  # type: ignore[attr-defined]


def test_a_rebuild_gives_the_rows_and_counts_caught_up_a_page_at_a_time(citizens):
    rng = random.Random(7)
    with acting_as("cb"):
        for n in range(40):
            _record_one(citizens, rng, n)
            if n % 7 == 0:
                citizens.catch_up()  # counts moved by several pages
    citizens.catch_up()
    caught_up = _rows(citizens)
    assert caught_up["feedback"] and caught_up["feedback_tally"]
    citizens.engine.rebuild("portal_accounts", "feedback")
    assert _rows(citizens) == caught_up


def test_the_migration_creates_the_tables_the_models_describe(service):
    own = MetaData()
    names = {m.__tablename__ for m in TABLES}
    for model in TABLES:
        model.__table__.to_metadata(own)  # type: ignore[attr-defined]
    only_ours = {"include_name": lambda name, kind, _parent: kind != "table" or name in names,
                 "compare_type": True}
    with service.db.connect() as conn:
        context = MigrationContext.configure(conn, opts=only_ours)
        assert compare_metadata(context, own) == []


def test_both_lists_page_forward_and_back_showing_each_row_once(citizens):
    with acting_as("cb"):
        for n in range(23):
            day = date(2024, 1, 1) + timedelta(days=n // 3)  # three a day: ties on the day
            citizens.ledger.record_portal_account(COMMUNE, f"Công dân {n}", _number(n), day,
                                                  "cb")
            citizens.ledger.receive_feedback(COMMUNE, f"PA-{n:02d}", day, "khac", f"Việc {n}")
    citizens.catch_up()
    period = Period(date(2024, 1, 1), date(2024, 1, 31))
    wanted = queries.FeedbackFilter("open", period)
    today = date(2024, 6, 1)
    with citizens.read() as conn:
        for read, total in (
                (lambda **k: queries.account_page(conn, COMMUNE, period, size=5, **k),
                 queries.count_accounts(conn, COMMUNE, period)),
                (lambda **k: queries.feedback_page(conn, COMMUNE, wanted, today, size=5, **k),
                 queries.count_feedback(conn, COMMUNE, wanted, today))):
            pages = [read()]
            while pages[-1].after:
                pages.append(read(after=pages[-1].after))
            rows = [r for p in pages for r in p.rows]
            assert total == 23 and len(rows) == 23 and len(set(rows)) == 23
            days = [getattr(r, "opened_on", None) or r.received_on for r in rows]
            assert days == sorted(days, reverse=True)
            back = read(before=pages[-1].before)
            assert back.rows == pages[-2].rows and back.after == pages[-2].after
