"""While ``projections rebuild`` runs, users stay logged in, a correct log-in
succeeds and is never recorded as a failure, and pages answer from the live
read model."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.service import LedgerService
from projections.access import LoginAttemptRow
from tests.conftest import log_in
from tests.projections.test_rebuild_beside import Pauses, in_thread

ATTEMPTS = LoginAttemptRow.__table__  # type: ignore[attr-defined]


@pytest.fixture(params=["app", "postgres_app"])
def any_app(request):  # type: ignore[no-untyped-def]
    return request.getfixturevalue(request.param)


def test_log_in_and_pages_work_while_every_projection_is_rebuilt(any_app):
    svc = any_app.extensions["ledger"]
    clerk = any_app.test_client()
    assert log_in(clerk).status_code == 302
    rebuilder = LedgerService(any_app.config["DATABASE_URL"])
    rebuilder.engine.rebuild_page_size = 5
    names = list(rebuilder.engine.projections)
    pauses = Pauses(len(names), svc.engine.head())
    thread, outcome = in_thread(lambda: rebuilder.engine.rebuild(*names, progress=pauses))
    try:
        for _ in range(2):  # at the first page, then with every new table at the head
            with pauses.paused():
                assert clerk.get("/").status_code == 200  # still logged in
                assert log_in(any_app.test_client(), "leader").status_code == 302
        thread.join(120)
    finally:
        pauses.resume.set()
        thread.join(120)
        rebuilder.close()
    assert outcome and not isinstance(outcome[0], BaseException), outcome
    with svc.read() as conn:
        attempts = conn.execute(select(ATTEMPTS.c.name, ATTEMPTS.c.succeeded)).all()
    assert ("leader", True) in attempts and not [a for a in attempts if not a.succeeded]
    assert log_in(any_app.test_client(), "leader").status_code == 302
    assert clerk.get("/").status_code == 200
