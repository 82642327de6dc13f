"""A citizen's ID number is never stored whole: recorded through the web
form and through the command, on both backends, it is in no stored event
(the raw bytes of the event store's table), no table of the database, no
log line and no error message; its last four digits and the citizen's name
are, which shows the search reads what was stored."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from events.base import acting_as
from events.errors import AlreadyExists
from tests.conftest import COMMUNE, csrf_token, log_in

BY_FORM, BY_COMMAND = "079190001234", "001089056789"
NAMES = {BY_FORM: "Hoàng Văn Nhập Form", BY_COMMAND: "Lý Thị Lệnh"}


def _stored(svc) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Every value of every row of every table, as bytes: the event store's
    states as they lie in it, every other value as its text."""
    found = []
    with svc.read() as conn:
        for name in inspect(conn).get_table_names():
            table = inspect(conn).get_columns(name)
            columns = ", ".join(f'"{c["name"]}"' for c in table)
            for row in conn.exec_driver_sql(f'SELECT {columns} FROM "{name}"'):
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        found.append(bytes(value))
                    elif value is not None:
                        found.append(str(value).encode("utf-8"))
    return found


def _record_both_ways(flask_app) -> None:  # type: ignore[no-untyped-def]
    client = flask_app.test_client()
    assert log_in(client).status_code == 302
    token = csrf_token(client.get("/citizens/accounts").text)
    form = {"csrf_token": token, "citizen_name": NAMES[BY_FORM], "id_number": BY_FORM,
            "opened_on": "2024-03-04", "clerk": "canbo"}
    assert client.post("/citizens/accounts", data=form).status_code == 303
    again = client.post("/citizens/accounts", data=form, headers={"HX-Request": "true"})
    assert again.status_code == 422 and BY_FORM not in again.text
    svc = flask_app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.record_portal_account, COMMUNE, NAMES[BY_COMMAND],
                   BY_COMMAND, date(2024, 3, 5), "officer")
        with pytest.raises(AlreadyExists) as twice:
            svc.ledger.record_portal_account(COMMUNE, "Ai đó", BY_COMMAND, date(2024, 3, 6),
                                             "canbo")
        assert BY_COMMAND not in str(twice.value)
    page = client.get("/citizens/accounts").text
    assert NAMES[BY_FORM] in page and BY_FORM[-4:] in page and BY_FORM not in page


def _assert_nowhere(svc) -> None:  # type: ignore[no-untyped-def]
    stored = _stored(svc)
    for number in (BY_FORM, BY_COMMAND):
        assert not [v for v in stored if number.encode() in v], number
        assert [v for v in stored if NAMES[number].encode("utf-8") in v]  # the search works
    events = b"".join(v for v in stored if b"id_last_four" in v)
    assert BY_FORM[-4:].encode() in events and BY_COMMAND[-4:].encode() in events


def test_the_number_is_kept_nowhere_on_sqlite(app, caplog):
    caplog.set_level(logging.DEBUG)
    _record_both_ways(app)
    svc = app.extensions["ledger"]
    _assert_nowhere(svc)
    # Nor in the database's files, free pages and journal included.
    path = Path(svc.url.sqlite_path)
    data = b"".join(f.read_bytes() for f in (path, path.with_name(path.name + "-wal"))
                    if f.exists())
    assert BY_FORM.encode() not in data and BY_COMMAND.encode() not in data
    assert NAMES[BY_FORM].encode("utf-8") in data
    assert BY_FORM not in caplog.text and BY_COMMAND not in caplog.text


def test_the_number_is_kept_nowhere_on_postgres(postgres_app, caplog):
    caplog.set_level(logging.DEBUG)
    _record_both_ways(postgres_app)
    _assert_nowhere(postgres_app.extensions["ledger"])
    assert BY_FORM not in caplog.text and BY_COMMAND not in caplog.text
