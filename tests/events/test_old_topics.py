"""A log recorded before the streams moved out of ``events.domain`` reads as
before: its events resolve to the moved classes, the aggregates load, and
every read model replays it without an error, on both backends.

``data/log-before-streams-moved.json`` was recorded by the code of that time
(every kind of event its projections read), stored rows as they were."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from events.dossiers import RETURNED, Dossier
from events.people import User
from projections.dossiers import DossierRow
from tests.conftest import COMMUNE

LOG = Path(__file__).parent / "data" / "log-before-streams-moved.json"
D = DossierRow.__table__.c  # type: ignore[attr-defined]


def load_old_log(service) -> list[StoredEvent]:  # type: ignore[no-untyped-def]
    stored = [StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"],
                          r["state"].encode()) for r in json.loads(LOG.read_text())]
    service.ledger.recorder.insert_events(stored)
    return stored


def test_the_old_topics_are_those_of_events_domain():
    topics = {r["topic"] for r in json.loads(LOG.read_text())}
    assert "events.domain:Dossier.Received" in topics
    assert not any(t.startswith("events.dossiers") for t in topics)


def test_a_log_recorded_before_the_move_reads_and_replays(database_url):
    from tests.conftest import open_service
    service = open_service(database_url)
    try:
        stored = load_old_log(service)
        service.engine.rebuild(*service.engine.projections)
        assert all(not s.error and not s.behind for s in service.engine.status())
        dossier = service.ledger.dossier(COMMUNE, "D-9")
        assert isinstance(dossier, Dossier) and dossier.status == RETURNED
        # Received before form 01 listed them: no phone, address or papers.
        assert (dossier.phone, dossier.address, dossier.papers) == ("", "", ())
        assert service.ledger.user("lan").full_name == "Phạm Thị Lan"
        assert isinstance(service.ledger.user("lan"), User)
        with service.read() as conn:
            rows = {r.code: r for r in conn.execute(select(DossierRow.__table__))}
        assert rows["D-9"].status == RETURNED and rows["D-9"].fee_paid == 8000
        assert rows["D-9"].resolved_on == date(2023, 3, 7) and rows["D-9"].corrections == 1
        assert rows["D-0"].channel == "truc_tuyen"  # corrected, in the old log
        assert len(rows) == 6 and service.engine.head() == len(stored)
    finally:
        service.close()
