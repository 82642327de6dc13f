"""The tallies kept by day (``projections.tallies``) against the pure rule
(``standing.counts``), without a database: any dossiers' changes, summed
over a period's days and up to its ends, give the rule's figures for any
period and any today. The facts here need not be in the order the ledger
keeps (a due date before receipt, a supplement back before it was asked
for): the decomposition holds for any."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events.dossiers import standing
from events.dossiers.values import CHANNELS, ONLINE
from projections import tallies

FIRST = date(2024, 1, 1)
days = st.integers(min_value=0, max_value=70).map(lambda n: FIRST + timedelta(days=n))
maybe = st.none() | days


@st.composite
def facts(draw: st.DrawFn) -> standing.Facts:
    channel = draw(st.sampled_from(CHANNELS))
    mode = draw(st.sampled_from(("mot_phan", "toan_trinh"))) if channel == ONLINE else ""
    return standing.Facts(
        draw(days), channel, mode, draw(days), draw(days), draw(maybe), draw(maybe),
        draw(st.none() | st.none() | days), draw(maybe), draw(maybe), draw(maybe), draw(maybe),
        draw(st.booleans()), draw(st.booleans()), draw(maybe), draw(maybe), draw(st.booleans()))


def kept(dossiers: Sequence[standing.Facts], start: date, end: date,
         today: date) -> dict[str, object]:
    """What ``queries.dossier_counts`` does, over the changes in memory."""
    changes = [c for f in dossiers for c in tallies.changes(f)]
    sums = Counter[str]()
    for (metric, day), n in changes:
        if start <= day <= end:
            sums[metric] += n

    def held(metric: str, upto: date) -> int:
        return sum(n for (m, day), n in changes if m == metric and day <= upto)
    judged_on = min(end, today)
    overdue = held(tallies.OVERDUE, end)
    if judged_on < end:  # every dossier offered as moving: the others change nothing
        overdue = tallies.overdue_judged_before_end(held(tallies.OVERDUE, judged_on),
                                                    dossiers, judged_on, end)
    return tallies.figures(sums, held(tallies.OPEN, start - timedelta(days=1)),
                           held(tallies.OPEN, end), overdue)


@settings(max_examples=400, deadline=None)
@given(dossiers=st.lists(facts(), max_size=12), start=days, length=st.integers(0, 40),
       today=days)
def test_the_kept_changes_give_the_rule_s_figures(dossiers, start, length, today):
    end = start + timedelta(days=length)
    assert kept(dossiers, start, end, today) == standing.counts(dossiers, start, end, today)


@settings(max_examples=300, deadline=None)
@given(f=facts())
def test_a_held_figure_is_the_rule_on_every_day(f):
    """Open and overdue, summed up to any day, are the rule's on that day."""
    changes = tallies.changes(f)
    for offset in range(-1, 73):
        day = FIRST + timedelta(days=offset)
        upto = [(m, n) for (m, d), n in changes if d <= day]
        assert sum(n for m, n in upto if m == tallies.OPEN) == standing.is_open(f, day)
        assert sum(n for m, n in upto if m == tallies.OVERDUE) == standing.is_overdue(f, day)


def test_month_and_year_rows_carry_the_held_changes_only():
    deltas = {(tallies.OPEN, date(2024, 3, 5)): 1, (tallies.OPEN, date(2024, 3, 9)): -1,
              (tallies.OVERDUE, date(2024, 4, 2)): 1, ("returned", date(2024, 4, 2)): 1,
              ("refused", date(2024, 4, 3)): 0}
    assert tallies.with_levels(deltas) == {
        (tallies.OPEN, date(2024, 3, 5)): 1, (tallies.OPEN, date(2024, 3, 9)): -1,
        (tallies.OVERDUE, date(2024, 4, 2)): 1, ("returned", date(2024, 4, 2)): 1,
        ("overdue:month", date(2024, 4, 1)): 1, ("overdue:year", date(2024, 1, 1)): 1}


@settings(max_examples=200, deadline=None)
@given(dossiers=st.lists(facts(), max_size=8),
       day=st.integers(min_value=-40, max_value=900).map(lambda n: FIRST + timedelta(days=n)))
def test_the_month_and_year_rows_sum_to_the_day_rows(dossiers, day):
    """A held figure read from the rows ``held_spans`` names is the sum of
    every day's change up to the day."""
    deltas: dict[tuple[str, date], int] = {}
    for i, f in enumerate(dossiers):
        for (metric, on), n in tallies.changes(f):  # spread over three years
            moved = (metric, on + timedelta(days=397 * (i % 3)))
            deltas[moved] = deltas.get(moved, 0) + n
    rows = tallies.with_levels(deltas)
    for held in tallies.HELD:
        by_day = sum(n for (m, on), n in deltas.items() if m == held and on <= day)
        spans = tallies.held_spans(day)
        kept = sum(n for (m, on), n in rows.items() for suffix, after, upto in spans
                   if m == held + suffix and (after is None or after <= on) and on <= upto)
        assert kept == by_day
