"""The event store's guarantees, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from events.domain import Dossier, acting_as
from events.errors import AlreadyExists, InvalidTransition, InvalidValue, NoActor, NotFound
from tests.conftest import COMMUNE, vn


def receive(svc, code="H-1", **overrides):  # type: ignore[no-untyped-def]
    fields = dict(commune=COMMUNE, code=code, procedure_code="2.000894", applicant="Trần Thị Bình",
                  channel="truc_tuyen", online_mode="toan_trinh", received_at=vn(2023, 1, 19, 9),
                  due_date=date(2023, 1, 31)) | overrides
    with acting_as("canbo"):
        svc.record(svc.ledger.receive_dossier, **fields)


def test_every_event_carries_commune_actor_business_and_system_time(service):
    receive(service)
    with acting_as("chuyenvien"):
        service.ledger.resolve_dossier(COMMUNE, "H-1", vn(2023, 1, 27, 15), True, False)
    events = list(service.ledger.events.get(Dossier.id_for(COMMUNE, "H-1")))
    assert [type(e).__name__ for e in events] == ["Received", "Resolved"]
    assert [e.actor for e in events] == ["canbo", "chuyenvien"]
    assert {e.commune for e in events} == {COMMUNE}
    assert events[0].occurred_at == vn(2023, 1, 19, 9)
    assert events[0].recorded_at.year >= 2026 > events[0].occurred_at.year


def test_an_event_without_an_actor_is_refused(service):
    head = service.engine.head()
    with pytest.raises(NoActor):
        service.ledger.receive_dossier(COMMUNE, "H-9", "1.0", "A", "truc_tiep", "",
                                       vn(2023, 1, 19, 9), date(2023, 1, 31))
    assert service.engine.head() == head


@pytest.mark.parametrize("overrides, error, field", [
    ({"procedure_code": "  "}, InvalidValue, "procedure_code"),
    ({"due_date": date(2023, 1, 18)}, InvalidValue, "due_date"),
    ({"channel": "fax"}, InvalidValue, "channel"),
    ({"channel": "truc_tiep", "online_mode": "toan_trinh"}, InvalidValue, "online_mode"),
    ({"commune": "99999"}, NotFound, "commune"),
])
def test_bad_receipts_record_nothing(service, overrides, error, field):
    head = service.engine.head()
    with pytest.raises(error) as raised:
        receive(service, **overrides)
    assert raised.value.field == field
    assert service.engine.head() == head


def test_a_dossier_code_already_used_is_refused(service):
    receive(service)
    head = service.engine.head()
    with pytest.raises(AlreadyExists, match="H-1 đã được sử dụng"):
        receive(service, applicant="Người khác")
    assert service.engine.head() == head


def test_impossible_transitions_record_nothing(service):
    receive(service)
    head = service.engine.head()
    with acting_as("canbo"), pytest.raises(NotFound, match="Không có hồ sơ mã H-404"):
        service.ledger.resolve_dossier(COMMUNE, "H-404", vn(2023, 1, 20, 9), True, False)
    with acting_as("canbo"), pytest.raises(InvalidTransition, match="chưa có kết quả"):
        service.ledger.return_dossier(COMMUNE, "H-1", vn(2023, 1, 20, 9))
    with acting_as("canbo"), pytest.raises(InvalidValue, match="trước lúc tiếp nhận"):
        service.ledger.resolve_dossier(COMMUNE, "H-1", vn(2023, 1, 18, 9), True, False)
    with acting_as("canbo"):
        service.ledger.resolve_dossier(COMMUNE, "H-1", vn(2023, 1, 20, 9), True, False)
    with acting_as("canbo"), pytest.raises(InvalidTransition, match="đã có kết quả"):
        service.ledger.resolve_dossier(COMMUNE, "H-1", vn(2023, 1, 21, 9), True, False)
    assert service.engine.head() == head + 1


def test_recorded_events_are_never_rewritten(service):
    """Later commands only append: every stored row stays byte for byte."""
    receive(service)
    before = _stored_rows(service)
    with acting_as("canbo"):
        service.record(service.ledger.resolve_dossier, COMMUNE, "H-1", vn(2023, 1, 20, 9),
                       True, False)
        service.record(service.ledger.return_dossier, COMMUNE, "H-1", vn(2023, 1, 21, 9))
    after = _stored_rows(service)
    assert after[:len(before)] == before
    assert len(after) == len(before) + 2


def _stored_rows(service):  # type: ignore[no-untyped-def]
    table = "stored_events" if service.url.is_sqlite else "ledger_events"
    order = "rowid" if service.url.is_sqlite else "notification_id"
    with service.read() as conn:
        rows = conn.execute(text(f"SELECT originator_id, originator_version, topic, state "
                                 f"FROM {table} ORDER BY {order}")).all()
    return [(str(a), b, c, bytes(d)) for a, b, c, d in rows]
