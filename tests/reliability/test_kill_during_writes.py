"""``kill -9`` during a write loop, 25 times on each backend: a clerk's
process receiving and resolving dossiers one by one is killed after a random
number of acknowledged commands, wherever it then is (in a command's
transaction, in the projections' catch-up, between the two). After each kill
no acknowledged event is missing, every dossier's versions run without a
gap, the hash chain verifies, and the projections, once caught up, count
each stored event exactly once."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from app.service import LedgerService
from events.base import acting_as
from events.dossiers import Dossier
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE, add_staff, list_procedures
from tests.reliability.killing import (
    SIGNING_SEED,
    Forks,
    assert_caught_up_once,
    assert_verified,
    assert_versions_contiguous,
    auditor,
    count_rows,
    stored,
)

RUNS = 25
MOST_ACKNOWLEDGED = 8  # commands acknowledged before a kill: 0 to this


def test_a_killed_writer_loses_no_acknowledged_event(database_url, monkeypatch):
    monkeypatch.setenv("LEDGER_SIGNING_KEY", SIGNING_SEED)
    svc = LedgerService(database_url)
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
        list_procedures(svc, COMMUNE)
        add_staff(svc, COMMUNE)
    app = auditor(database_url)
    rng = random.Random()
    forks = Forks(database_url)
    acknowledged: set[tuple[str, str]] = set()
    killed = 0
    try:
        for run in range(RUNS):
            pid, seen = forks.start("write", str(run)), []
            for _ in range(rng.randint(0, MOST_ACKNOWLEDGED)):
                forks.must("ack ", seen)
            killed += forks.kill(pid, seen)
            acknowledged |= {(kind, code) for _ack, kind, code in
                             (line.split() for line in seen if line.startswith("ack "))}
            events = stored(svc)
            assert_versions_contiguous(events)
            assert_acknowledged_stored(events, acknowledged)
            assert_caught_up_once(svc, len(events))
            assert_counted_once(svc, events)
            assert_verified(app, len(events))
    finally:
        forks.close()
        app.extensions["ledger"].close()
        svc.close()
    assert killed == RUNS, "a writer ended before it was killed"
    assert len(acknowledged) >= RUNS  # some runs were killed mid-way, most were not at once


def kinds_by_dossier(events: list[Any]) -> dict[Any, list[str]]:
    """The kinds of each dossier's stored events, in version order."""
    kinds: dict[Any, list[str]] = defaultdict(list)
    for event in events:
        if ":Dossier." in event.topic:
            kinds[event.originator_id].append(event.topic.rsplit(".", 1)[-1])
    return kinds


def assert_acknowledged_stored(events: list[Any], acknowledged: set[tuple[str, str]]) -> None:
    kinds = kinds_by_dossier(events)
    for kind, code in acknowledged:
        expected = ["Received"] if kind == "received" else ["Received", "Resolved"]
        assert kinds[Dossier.id_for(COMMUNE, code)][:len(expected)] == expected, (kind, code)


def assert_counted_once(svc: LedgerService, events: list[Any]) -> None:
    """The dossier table and the kept tallies: as many dossiers received
    and resolved as the log holds."""
    kinds = [kind for each in kinds_by_dossier(events).values() for kind in each]
    received, resolved = kinds.count("Received"), kinds.count("Resolved")
    assert count_rows(svc, "dossier") == received
    with svc.read() as conn:
        counts = queries.dossier_counts(conn, COMMUNE, Period.parse("2023-03"), date.today())
    assert (counts.received, counts.resolved) == (received, resolved)
