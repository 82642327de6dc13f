"""The log-in throttle fails closed: while the read model it counts failures
from has failed or is behind the log, log-in is refused with a message, and
the refusal is not recorded as a failure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.throttle import UNAVAILABLE
from events.base import acting_as
from projections.access import AccessProjection, LoginAttemptRow
from projections.engine import BACKOFF_FIRST_SECONDS
from tests.conftest import log_in
from tests.projections.test_backoff import with_clock

ATTEMPTS = LoginAttemptRow.__table__  # type: ignore[attr-defined]


def recorded(svc) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Events in the log, and log-in attempts counted."""
    with svc.read() as conn:
        return svc.engine.head(), conn.execute(select(func.count()).select_from(ATTEMPTS)
                                               ).scalar_one()


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 503 and UNAVAILABLE in response.text


@pytest.fixture(params=["app", "postgres_app"])
def any_app(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


@pytest.fixture
def svc(any_app):  # type: ignore[no-untyped-def]
    return any_app.extensions["ledger"]


def test_log_in_is_refused_while_the_attempts_projection_has_failed(any_app, svc,
                                                                     monkeypatch):
    clock = with_clock(svc)

    def broken(self, rows, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("handler bug")

    monkeypatch.setitem(AccessProjection.handlers, AccessProjection.failed.handled_topic,
                        broken)
    wrong = log_in(any_app.test_client(), password="sai-mat-khau")
    assert wrong.status_code == 422  # recorded; its projection then failed
    before = recorded(svc)
    for name in ("canbo", "canbo", "khong-co-ai"):
        response = log_in(any_app.test_client(), name)
        assert refused(response) and "Location" not in response.headers
    assert recorded(svc) == before  # nothing recorded, no failure counted against anyone

    monkeypatch.undo()  # the cause is fixed; the wait ends
    clock.now += BACKOFF_FIRST_SECONDS
    assert log_in(any_app.test_client()).status_code == 302
    assert next(s for s in svc.engine.status() if s.name == "access").error is None


def test_log_in_is_refused_while_the_attempts_projection_cannot_catch_up(any_app, svc,
                                                                         monkeypatch):
    """A catch-up that cannot reach the end of the log (a lock held, the
    request's time spent): the failures recorded there are not yet counted."""
    monkeypatch.setattr(svc, "catch_up", lambda **_: True)
    with acting_as("system"):
        svc.ledger.register_commune("10923", "Đại Hòa")  # recorded, not projected
    before = recorded(svc)
    assert refused(log_in(any_app.test_client()))
    assert recorded(svc) == before
    monkeypatch.undo()
    assert log_in(any_app.test_client()).status_code == 302


def test_events_recorded_after_the_log_in_began_do_not_refuse_it(any_app, svc, monkeypatch):
    """Another worker's event between the catch-up and the check is not
    this log-in's concern: only the log as it stood when it began counts."""
    catch_up, others = svc.catch_up, ["10924"]

    def catch_up_then_another_records(**kwargs):  # type: ignore[no-untyped-def]
        result = catch_up(**kwargs)
        while others:
            with acting_as("system"):
                svc.ledger.register_commune(others.pop(), "Đại An")
        return result

    monkeypatch.setattr(svc, "catch_up", catch_up_then_another_records)
    assert log_in(any_app.test_client()).status_code == 302


def test_the_throttle_still_locks_after_five_failures(app):
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, password="sai-mat-khau").status_code in (422, 429)
    locked = log_in(client)
    assert locked.status_code == 429 and "tạm khóa" in locked.text
