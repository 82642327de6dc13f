"""Tallies as of the period's end: what happens after a period never changes
its figures, and the read model's SQL agrees with the pure rule
(``events.dossiers.standing``) on random dossiers, on both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.base import acting_as
from events.dossiers import standing
from events.errors import DomainError
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE, ZONE, vn
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


# -- the SQL against the pure rule -------------------------------------------------

START = datetime(2024, 1, 2, 7, tzinfo=ZONE)
PERIODS = ("2024-01", "2024-02", "2024-Q1", "2024-02-12..2024-03-08", "2024-H1")
moments = st.integers(min_value=0, max_value=120 * 24 - 1).map(
    lambda hours: START + timedelta(hours=hours))
gaps = st.integers(min_value=0, max_value=30 * 24).map(lambda h: timedelta(hours=h))
plans = st.fixed_dictionaries({
    "at": moments, "procedure": st.sampled_from(("1.0", "2.000894")),
    "channel": st.sampled_from((("truc_tiep", ""), ("truc_tuyen", "toan_trinh"),
                                ("truc_tuyen", "mot_phan"), ("buu_chinh", ""))),
    "supplement": st.none() | st.tuples(gaps, st.none() | gaps),
    "end": st.sampled_from(("", "resolve", "withdraw", "stop", "refuse")),
    "end_gap": gaps, "returned": st.none() | gaps, "apology": st.booleans(),
    "digitised": st.booleans(), "e_certified": st.booleans()})


def play(service, code: str, plan: dict) -> None:  # type: ignore[no-untyped-def]
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
    if plan["end"] == "resolve" and plan["returned"] is not None:
        steps.append(("return_dossier", (at + plan["returned"],)))
    for command, args in steps:
        try:
            getattr(ledger, command)(COMMUNE, code, *args)
        except DomainError:
            if command == "receive_dossier":
                return


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(plans, min_size=1, max_size=25), today=moments)
def test_the_sql_tallies_equal_the_pure_rule(service, batch, today):
    prefix = f"H{service.engine.head()}-"
    codes = [f"{prefix}{n}" for n in range(len(batch))]
    with acting_as("canbo"):
        for code, plan in zip(codes, batch, strict=True):
            play(service, code, plan)
    service.catch_up()
    facts = [service.ledger.dossier_facts(COMMUNE, c) for c in _received(service, codes)]
    for text in PERIODS:
        period = Period.parse(text)
        with service.read() as conn:
            found = queries.dossier_counts(conn, COMMUNE, period, today.date())
        # Earlier examples' dossiers share the commune: count them in the rule too.
        expected = standing.counts(facts + _earlier(service, codes), period.start, period.end,
                                   today.date())
        ours = {key: getattr(found, key) for key in expected}
        assert ours == expected, text


def _received(service, codes):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        known = {r.code for r in queries.recorded_facts(conn, COMMUNE)}
    return [c for c in codes if c in known]


def _earlier(service, codes):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        known = {r.code for r in queries.recorded_facts(conn, COMMUNE)}
    return [service.ledger.dossier_facts(COMMUNE, c) for c in sorted(known - set(codes))]
