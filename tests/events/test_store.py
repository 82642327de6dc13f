"""The event store's guarantees, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from eventsourcing.persistence import IntegrityError, ProgrammingError
from sqlalchemy import text

from events.base import acting_as
from events.dossiers import Dossier
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


@pytest.mark.parametrize("overrides, field", [
    ({"code": "H-" + "9" * 63}, "code"),
    ({"applicant": "Trần " * 52}, "applicant"),
    ({"applicant": "Trần\x00Bình"}, "applicant"),
    ({"code": "H-\x07"}, "code"),
])
def test_text_the_read_models_cannot_hold_is_refused(service, overrides, field):
    """Whichever way a receipt comes (form, import, command line), a value
    longer than the dossier table holds, or with control characters, is
    refused before it is recorded: recorded, it would stop the projection
    (PostgreSQL enforces column lengths and takes no NUL)."""
    head = service.engine.head()
    with pytest.raises(InvalidValue) as raised:
        receive(service, **overrides)
    assert raised.value.field == field
    assert service.engine.head() == head
    assert all(s.error is None for s in service.engine.status())


@pytest.mark.parametrize("command, args, field", [
    ("hand_over", ("cb\x00", "Thẩm định", date(2023, 1, 20)), "to_user"),
    ("hand_over", ("cb", "T" * 256, date(2023, 1, 20)), "step"),
    ("correct_dossier", (1, "Sai tên", {"applicant": "Bình" * 64}), "applicant"),
    ("correct_dossier", (1, "Sai tên", {"applicant": "Bình\x1b"}), "applicant"),
    ("request_supplement", ("Thiếu\x00giấy",), "reason"),
])
def test_later_steps_refuse_text_the_read_models_cannot_hold(service, command, args, field):
    receive(service)
    head = service.engine.head()
    with acting_as("canbo"), pytest.raises(InvalidValue) as raised:
        service.record(getattr(service.ledger, command), COMMUNE, "H-1",
                       vn(2023, 1, 19, 10), *args)
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
    with acting_as("canbo"), pytest.raises(InvalidValue, match="trước bước trước đó"):
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


def _new_dossier(code: str) -> Dossier:
    return Dossier.receive(COMMUNE, code, "2.000894", "Trần Thị Bình", "truc_tiep", "",
                           vn(2023, 1, 19, 9), date(2023, 1, 31), date(2023, 1, 19))


def test_one_save_of_several_aggregates_is_all_or_nothing(service):
    receive(service)
    head, before = service.engine.head(), _stored_rows(service)
    with acting_as("canbo"):
        fresh, clash = _new_dossier("H-2"), _new_dossier("H-1")
        with pytest.raises(IntegrityError):
            service.ledger.save(fresh, clash)
    assert _stored_rows(service) == before
    assert service.engine.head() == head
    with acting_as("canbo"):  # the store still takes new events, several at once
        recordings = service.ledger.save(_new_dossier("H-2"), _new_dossier("H-3"))
    ids = [r.notification.id for r in recordings]
    # PostgreSQL may leave a gap where the refused save drew its ids.
    assert ids[0] > head and ids[1] == ids[0] + 1
    assert len(_stored_rows(service)) == len(before) + 2


def test_concurrent_appends_become_visible_in_id_order(service):
    """A reader tailing the log while four writers append never sees an id
    before every smaller one is visible: a gap filled later would be an
    event the projections skip for good."""
    writers, per_writer = 4, 40
    start = service.engine.head()
    done = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with acting_as("canbo"):
                for i in range(per_writer):
                    service.ledger.save(_new_dossier(f"T{n}-{i}"))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    position = start
    while True:
        finished = done.is_set()
        page = service.ledger.recorder.select_notifications(position + 1, 1000)
        ids = [n.id for n in page]
        assert ids == list(range(position + 1, position + 1 + len(ids))), (position, ids)
        seen += ids
        position = ids[-1] if ids else position
        if finished:
            break
        if not any(thread.is_alive() for thread in threads):
            done.set()  # one more read after the last commit
    assert not errors
    assert len(seen) == writers * per_writer


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_an_append_waits_while_an_earlier_one_is_uncommitted(service):
    """PostgreSQL draws notification ids before it commits, so two appends
    could commit out of id order; the table lock makes the later one wait.
    (SQLite admits one write transaction at a time by construction.)"""
    recorder, head = service.ledger.recorder, service.engine.head()
    with acting_as("canbo"):
        held = _new_dossier("H-held")
        stored = [service.ledger.mapper.to_stored_event(e) for e in held.collect_events()]
    writer = threading.Thread(target=_save_as_clerk, args=(service, "H-later"))
    with recorder.datastore.get_connection() as conn, conn.transaction():
        # An append in flight: its id is drawn, its commit not yet done.
        conn.execute(recorder.sql_invoke_pg_function_insert_events,
                     recorder.append_arguments(stored))
        writer.start()
        _wait_until(lambda: not writer.is_alive() or _waiting_for_lock(service))
        assert writer.is_alive(), "the later append did not wait for the earlier one"
        assert recorder.select_notifications(head + 1, 10) == []
    writer.join()
    ids = [n.id for n in recorder.select_notifications(head + 1, 10)]
    assert ids == [head + 1, head + 2]


def _save_as_clerk(service, code: str) -> None:  # type: ignore[no-untyped-def]
    with acting_as("canbo"):
        service.ledger.save(_new_dossier(code))


def _waiting_for_lock(service) -> bool:  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                 "AND locktype = 'relation'")).scalar_one() > 0


def _wait_until(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_store_not_upgraded_says_what_to_run(service):
    """A server started on a database that `db upgrade` has not brought up
    to date refuses to record, and says what to run; nothing is recorded."""
    recorder, head = service.ledger.recorder, service.engine.head()
    with recorder.datastore.get_connection() as conn:
        conn.execute(f'DROP FUNCTION "{service.url.schema}".'
                     f'"{recorder.append_one_function}"')
    with acting_as("canbo"), pytest.raises(ProgrammingError, match="db upgrade"):
        service.ledger.save(_new_dossier("H-2"))
    assert service.engine.head() == head
