"""Tallies as of the period's end: what happens after a period never changes
its figures, and the tallies the read model keeps agree with the pure rule
(``events.dossiers.standing``) on random dossiers, calendars, corrections,
periods and days judged, on both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select

from events.base import acting_as
from events.dossiers import standing
from events.errors import DomainError
from projections import queries, tallies
from projections.dossiers import DossierRow
from projections.periods import Period, months_of
from projections.tallies import DossierTallyRow
from tests.conftest import COMMUNE, ZONE, list_procedures, vn
from tests.projections.test_lifecycle import Counter

Q1 = "2024-Q1"
LATER = date(2024, 12, 31)
KEYS = ("carried_over", "received", "by_channel", "resolved", "early", "on_time", "late",
        "in_progress", "in_progress_overdue", "refused", "withdrawn", "stopped", "returned",
        "e_certified", "apologies", "online_modes")


def sql_counts(service, period: str, today: date = LATER) -> dict:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        found = queries.dossier_counts(conn, COMMUNE, Period.parse(period), today)
    return {key: getattr(found, key) for key in KEYS} | {"digitised": found.digitised}


def test_later_steps_leave_the_first_quarter_as_it_was(service):
    waiting, resolved, stopped = (Counter(service, c) for c in ("S-1", "S-2", "S-3"))
    for d in (waiting, resolved, stopped):
        d.receive(at=vn(2024, 3, 20, 9))  # 3 working days: due Monday 25 March
    before = sql_counts(service, Q1)
    assert (before["in_progress"], before["in_progress_overdue"]) == (3, 3)
    waiting.do("request_supplement", vn(2024, 4, 2, 9), "Thiếu giấy tờ")
    resolved.do("resolve_dossier", vn(2024, 4, 3, 9), True, False)
    stopped.do("stop_dossier", vn(2024, 4, 4, 9), "Có tranh chấp")
    assert sql_counts(service, Q1) == before
    april = sql_counts(service, "2024-04")
    assert (april["carried_over"], april["resolved"], april["late"], april["stopped"]) == \
        (3, 1, 1, 1)
    assert (april["in_progress"], april["in_progress_overdue"]) == (1, 0)  # paused


def test_a_supplement_pauses_the_overdue_count_only_while_it_waits(service):
    d = Counter(service, "S-9")
    d.receive(at=vn(2024, 3, 4, 9))  # 3 working days: due 7 March
    d.do("request_supplement", vn(2024, 3, 6, 9), "Thiếu giấy tờ")  # one day left
    d.do("receive_supplement", vn(2024, 3, 18, 9))  # due 19 March
    assert d.due == date(2024, 3, 19)
    march_10 = sql_counts(service, "2024-03-01..2024-03-10")
    march_20 = sql_counts(service, "2024-03-01..2024-03-20")
    assert (march_10["in_progress"], march_10["in_progress_overdue"]) == (1, 0)
    assert (march_20["in_progress"], march_20["in_progress_overdue"]) == (1, 1)


# -- the kept tallies against the pure rule -----------------------------------------

START = datetime(2024, 1, 2, 7, tzinfo=ZONE)
PERIODS = ("2024-01", "2024-02", "2024-Q1", "2024-02-12..2024-03-08", "2024-H1")
moments = st.integers(min_value=0, max_value=120 * 24 - 1).map(
    lambda hours: START + timedelta(hours=hours))
gaps = st.integers(min_value=0, max_value=30 * 24).map(lambda h: timedelta(hours=h))
# A corrected time: some hours earlier or later than the one recorded.
retimed = st.none() | st.integers(min_value=-96, max_value=96).map(lambda h: timedelta(hours=h))
plans = st.fixed_dictionaries({
    "at": moments, "procedure": st.sampled_from(("1.0", "2.000894")),
    "channel": st.sampled_from((("truc_tiep", ""), ("truc_tuyen", "toan_trinh"),
                                ("truc_tuyen", "mot_phan"), ("buu_chinh", ""))),
    "supplement": st.none() | st.tuples(gaps, st.none() | gaps),
    "end": st.sampled_from(("", "", "resolve", "resolve", "withdraw", "stop", "refuse")),
    "end_gap": gaps, "returned": st.none() | gaps, "apology": st.booleans(),
    "digitised": st.booleans(), "e_certified": st.booleans(),
    "receipt_fix": retimed, "result_fix": retimed,
    # A fee paid some hours after the dossier's last step, in cash or online,
    # and perhaps its method corrected afterwards.
    "fee": st.none() | st.tuples(gaps, st.sampled_from(("tien_mat", "truc_tuyen")),
                                 st.booleans())})
days = st.integers(min_value=-40, max_value=240).map(lambda n: START.date() + timedelta(days=n))
periods = st.tuples(days, st.integers(min_value=0, max_value=200)).map(
    lambda p: Period(p[0], p[0] + timedelta(days=p[1])))
# Days off and make-up days declared between the two halves of the receipts,
# each some days after one of the first half's receipts: they move the due
# dates of the dossiers open then whose count they fall in.
declarations = st.lists(st.tuples(st.sampled_from((True, True, True, False)),
                                  st.integers(min_value=0, max_value=24),
                                  st.integers(min_value=1, max_value=3)), max_size=4)


def play(service, commune: str, code: str, plan: dict) -> None:  # type: ignore[no-untyped-def]
    """The plan's steps through the ledger's commands; a step the rules refuse
    (a time past today, a refusal on another day…) is simply not taken."""
    ledger, at = service.ledger, plan["at"]
    steps = [("receive_dossier", (plan["procedure"], "Lê Văn Tâm", *plan["channel"], at))]
    if plan["supplement"]:
        asked, back = plan["supplement"]
        at += asked
        steps.append(("request_supplement", (at, "Thiếu giấy tờ")))
        if back is not None:
            at += back
            steps.append(("receive_supplement", (at,)))
    if plan["apology"]:
        steps.append(("apologise", (at, date(2024, 12, 30), "Chậm do xác minh")))
    at += plan["end_gap"]
    ending = {"resolve": ("resolve_dossier", (at, plan["digitised"], plan["e_certified"])),
              "withdraw": ("withdraw_dossier", (at, "")), "stop": ("stop_dossier", (at, "Dừng")),
              "refuse": ("refuse_dossier", (plan["at"], "Không đủ điều kiện"))}
    if plan["end"]:
        steps.append(ending[plan["end"]])
    if plan["fee"]:
        at += plan["fee"][0]
        steps.append(("pay_fee", (at, 50_000, plan["fee"][1])))
    if plan["end"] == "resolve" and plan["returned"] is not None:
        steps.append(("return_dossier", (at + plan["returned"],)))
    for command, args in steps:
        try:
            getattr(ledger, command)(commune, code, *args)
        except DomainError:
            if command == "receive_dossier":
                return


def correct(service, commune: str, code: str, plan: dict) -> None:  # type: ignore[no-untyped-def]
    """Correct the receipt time and the result time by the plan's shifts;
    a correction the rules refuse (out of the steps' order) is not made."""
    ledger = service.ledger
    try:
        steps = ledger.dossier(commune, code).steps
    except DomainError:
        return  # never received
    for version, kind, at in steps:
        if kind == "FeePaid" and plan["fee"] and plan["fee"][2]:
            other = {"tien_mat": "truc_tuyen", "truc_tuyen": "tien_mat"}[plan["fee"][1]]
            try:
                ledger.correct_dossier(commune, code, datetime.now(ZONE), version,
                                       "Nhầm hình thức nộp", {"method": other})
            except DomainError:
                pass
        shift = {"Received": plan["receipt_fix"], "Resolved": plan["result_fix"]}.get(kind)
        if shift is not None:
            try:
                ledger.correct_dossier(commune, code, datetime.now(ZONE), version,
                                       "Nhập nhầm giờ", {"occurred_at": (at + shift).isoformat()})
            except DomainError:
                pass


def declare(service, commune: str, declared: list[tuple[bool, int, int]],  # type: ignore[no-untyped-def]
            received: list[dict]) -> None:
    for day_off, which, after in declared:
        day = received[which % len(received)]["at"].date() + timedelta(days=after)
        command = service.ledger.declare_day_off if day_off else \
            service.ledger.declare_make_up_day
        try:
            command(commune, day, "Theo quyết định của tỉnh")
        except DomainError:
            pass


def a_new_commune(service) -> str:  # type: ignore[no-untyped-def]
    """A commune of its own for each example: tallies of other communes
    beside its own must not count."""
    commune = f"2{service.engine.head():04d}"
    with acting_as("system"):
        service.record(service.ledger.register_commune, commune, "Xã thử")
        list_procedures(service, commune)
    return commune


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(plans, min_size=4, max_size=30), declared=declarations,
       chosen=st.lists(periods, min_size=4, max_size=8), today=moments,
       page=st.integers(min_value=1, max_value=12))
def test_the_kept_tallies_equal_the_pure_rule(service, batch, declared, chosen, today, page):
    """Receipts, a calendar's declarations, more receipts, then corrections,
    each caught up in pages of a random size (so a dossier's steps fall in
    one page or several): every figure for fixed and random periods, judged
    at a random today, is the rule's; and the kept table holds what a count
    from scratch of the ledger's dossiers gives, row for row."""
    commune, codes = a_new_commune(service), [f"D-{n}" for n in range(len(batch))]
    service.engine.page_size = page
    half = len(batch) // 2
    with acting_as("canbo"):
        for code, plan in zip(codes[:half], batch[:half], strict=True):
            play(service, commune, code, plan)
        service.engine.catch_up()
        declare(service, commune, declared, batch[:max(half, 1)])
        for code, plan in zip(codes[half:], batch[half:], strict=True):
            play(service, commune, code, plan)
        service.engine.catch_up()
        for code, plan in zip(codes, batch, strict=True):
            correct(service, commune, code, plan)
    service.engine.catch_up()
    received, procedures = _received(service, commune)
    facts = [service.ledger.dossier_facts(commune, c) for c in received]
    for period in [*map(Period.parse, PERIODS), *chosen]:
        with service.read() as conn:
            found = queries.dossier_counts(conn, commune, period, today.date())
            open_then = {row.code for row in queries.open_at(conn, commune, period.end)}
            judged = min(period.end, today.date())
            late, _ = queries.overdue_and_due_soon(conn, commune, today.date(), None,
                                                   limit=100, judged_on=judged)
            by_procedure = queries.tallies_by_procedure(conn, commune, period)
        expected = standing.counts(facts, period.start, period.end, today.date())
        assert {key: getattr(found, key) for key in expected} == expected, period
        assert open_then == {c for c, f in zip(received, facts, strict=True)
                             if standing.is_open(f, period.end)}, period
        assert {d.code for d in late} == {c for c, f in zip(received, facts, strict=True)
                                          if standing.is_overdue(f, judged)}, period
        assert {t.procedure_code: (t.received, t.resolved, t.late, t.in_progress)
                for t in by_procedure} == _by_procedure(procedures, facts, period, today.date())
        with service.read() as conn:  # month by month, as the charts draw them
            months = queries.monthly_tallies(conn, commune, months_of(period, most=24))
        for month in months:
            rule = standing.counts(facts, month.month.start, month.month.end, today.date())
            assert (month.by_channel, month.by_timeliness) == (rule["by_channel"], {
                key: rule[key] for key in ("early", "on_time", "late")}), month.month
    assert _kept_rows(service, commune) == _counted_afresh(facts, commune)


def test_the_migration_creates_the_tables_the_model_describes(service):
    own = MetaData()
    for table in (DossierRow.__table__, DossierTallyRow.__table__):  # type: ignore[attr-defined]
        table.to_metadata(own)
    # The search index is the database's own kind (``projections.search``):
    # an FTS5 table on SQLite, a pg_trgm GIN index on PostgreSQL.
    searching = ("dossier_search", "ix_dossier_search_text")
    only_ours = {"include_name": lambda name, kind, _parent: name not in searching and (
                 kind != "table" or name in ("dossier", "dossier_tally")), "compare_type": True}
    with service.db.connect() as conn:
        context = MigrationContext.configure(conn, opts=only_ours)
        assert compare_metadata(context, own) == []


def _received(service, commune: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Each dossier's code and procedure, read in one query: two reads could
    list dossiers received at the same moment in different orders."""
    with service.read() as conn:
        rows = list(queries.recorded_facts(conn, commune))
    return [r.code for r in rows], [r.procedure_code for r in rows]


def _by_procedure(procedures: list[str], facts: list[standing.Facts], period: Period,
                  today: date) -> dict[str, tuple[int, int, int, int]]:
    """Received, resolved, late and open at the end, per procedure, by the
    pure rule; procedures with none of the four left out."""
    out = {}
    for code in set(procedures):
        mine = [f for p, f in zip(procedures, facts, strict=True) if p == code]
        c = standing.counts(mine, period.start, period.end, today)
        figures = (c["received"], c["resolved"], c["late"], c["in_progress"])
        if any(figures):
            out[code] = figures
    return out


def _kept_rows(service, commune: str) -> dict[tuple[str, str, date], int]:  # type: ignore[no-untyped-def]
    table = DossierTallyRow.__table__  # type: ignore[attr-defined]
    with service.read() as conn:
        rows = conn.execute(select(table).where(table.c.commune == commune))
        return {(r.commune, r.metric, r.day): r.count for r in rows}


def _counted_afresh(facts: list[standing.Facts], commune: str) -> dict[tuple[str, str, date], int]:
    deltas: dict[tuple[str, date], int] = {}
    for f in facts:
        for key, n in tallies.changes(f):
            deltas[key] = deltas.get(key, 0) + n
    return {(commune, *key): n for key, n in tallies.with_levels(deltas).items()}
