"""The log cannot be changed behind the ledger's back: the database refuses,
and whoever gets round it (dropping the triggers) is found out by ``audit
verify`` at the exact position, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import DatabaseError

from tests.audit.conftest import Ledger

OK = re.compile(r"^OK (\d+) ([0-9a-f]{64})$")


def verified(ledger: Ledger, *args: str) -> tuple[int, str]:
    result = ledger.run("audit", "verify", *args)
    match = OK.match(result.output.strip())
    assert result.exit_code == 0 and match, result.output
    return int(match.group(1)), match.group(2)


def broken(ledger: Ledger, *args: str) -> str:
    result = ledger.run("audit", "verify", *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("BROKEN at "), result.output
    return result.output.strip()


def test_the_database_refuses_to_change_or_delete_a_stored_event(ledger):
    ledger.record(3)
    assert ledger.run("audit", "checkpoint").exit_code == 0
    for statement in (f"UPDATE {ledger.table} SET topic = 'x'",
                      f"DELETE FROM {ledger.table}",
                      "UPDATE audit_checkpoint SET size = 0",
                      "DELETE FROM audit_checkpoint"):
        with pytest.raises(DatabaseError, match="append-only"):
            with ledger.write() as conn:
                conn.exec_driver_sql(statement)
    if not ledger.sqlite:
        with pytest.raises(DatabaseError, match="append-only"), ledger.write() as conn:
            conn.exec_driver_sql(f"TRUNCATE {ledger.table}")
    assert verified(ledger)[0] == 3


def test_an_untouched_log_verifies_and_the_seal_keeps_up(ledger):
    ledger.record(4)
    events, head = verified(ledger)
    assert events == 4
    ledger.record(1, start=4)
    seal = {s.name: s for s in ledger.svc.engine.status()}["seal"]
    assert (seal.position, seal.behind, seal.error) == (5, 0, None)
    again, later = verified(ledger)
    assert again == 5 and later != head


def test_an_edited_event_is_found_where_it_was_edited(ledger):
    ledger.record(8)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        oid, version, topic, state = ledger.row(conn, 4)
        edited = bytes(state).replace("Xã số 3".encode(), "Xã số 9".encode())
        assert edited != bytes(state)
        conn.exec_driver_sql(f"UPDATE {ledger.table} SET state = {'?' if ledger.sqlite else '%s'}"
                             f" WHERE {ledger.key} = 4", (edited,))
    assert broken(ledger).startswith("BROKEN at 4: ")


def test_a_deleted_event_is_found_where_it_was(ledger):
    ledger.record(8)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        ledger.delete(conn, f"{ledger.key} = 6")
    assert broken(ledger).startswith("BROKEN at 6: ")


def test_two_swapped_events_are_found_at_the_first(ledger):
    ledger.record(8)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        third, seventh = ledger.row(conn, 3), ledger.row(conn, 7)
        ledger.delete(conn, f"{ledger.key} IN (3, 7)")
        ledger.put(conn, 3, seventh)
        ledger.put(conn, 7, third)
    assert broken(ledger).startswith("BROKEN at 3: ")


def test_an_event_slipped_in_is_found_where_it_was_slipped_in(ledger):
    """Every later event moved one place on, to make room for it."""
    ledger.record(8)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        rows = [ledger.row(conn, p) for p in range(6, 9)]
        ledger.delete(conn, f"{ledger.key} >= 6")
        oid, version, topic, state = ledger.row(conn, 2)
        forged = (oid, version + 1, topic, state)
        for position, row in zip(range(6, 10), [forged, *rows], strict=True):
            ledger.put(conn, position, row)
    assert broken(ledger).startswith("BROKEN at 6: ")


def test_an_event_slipped_into_a_gap_is_not_in_the_seal(ledger):
    """PostgreSQL leaves gaps in the numbering where an append failed; an
    event written into one after the seal passed it is not sealed."""
    ledger.record(8)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        rows = [ledger.row(conn, p) for p in range(5, 9)]
        ledger.delete(conn, f"{ledger.key} >= 5")
        for position, row in zip(range(6, 10), rows, strict=True):
            ledger.put(conn, position, row)
        conn.exec_driver_sql("DELETE FROM audit_seal")
    ledger.svc.engine.rebuild("seal")  # the seal as it stands over a log with a gap at 5
    verified(ledger)
    with ledger.write() as conn:
        oid, version, topic, state = ledger.row(conn, 2)
        ledger.put(conn, 5, (oid, version + 1, topic, state))
    assert broken(ledger).startswith("BROKEN at 5: ")


def test_a_truncated_log_is_found_where_it_was_cut(ledger):
    ledger.record(10)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        ledger.delete(conn, f"{ledger.key} >= 8")
    assert broken(ledger).startswith("BROKEN at 8: ")


def test_a_log_cut_with_its_seal_is_found_by_a_checkpoint_kept_outside(ledger, tmp_path):
    ledger.record(10)
    kept = tmp_path / "checkpoint.txt"
    assert ledger.run("audit", "checkpoint", "-o", str(kept)).exit_code == 0
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        ledger.drop_triggers(conn, "audit_checkpoint")
        ledger.delete(conn, f"{ledger.key} >= 8")
        conn.exec_driver_sql("DELETE FROM audit_seal WHERE position >= 8")
        conn.exec_driver_sql("DELETE FROM audit_checkpoint")
        conn.exec_driver_sql("UPDATE projection_position SET position = 7 WHERE name = 'seal'")
    assert verified(ledger)[0] == 7
    assert broken(ledger, "--checkpoint", str(kept)).startswith("BROKEN at 8: ")


def test_a_chain_rehashed_after_an_edit_is_caught_only_by_an_older_checkpoint(ledger, tmp_path):
    ledger.record(5)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    assert ledger.run("audit", "checkpoint", "-o", str(first)).exit_code == 0
    ledger.record(5, start=5)
    assert ledger.run("audit", "checkpoint", "-o", str(second)).exit_code == 0
    _, honest_head = verified(ledger)
    with ledger.write() as conn:
        ledger.drop_triggers(conn)
        oid, version, topic, state = ledger.row(conn, 7)
        conn.exec_driver_sql(
            f"UPDATE {ledger.table} SET state = {'?' if ledger.sqlite else '%s'} "
            f"WHERE {ledger.key} = 7", (bytes(state).replace("Xã số".encode(), b"Phuong"),))
    assert broken(ledger).startswith("BROKEN at 7: ")
    # Whoever edited it re-hashes the seal from there on: it agrees with the
    # log again, and only the signed checkpoints remember what stood there.
    with ledger.write() as conn:
        conn.exec_driver_sql("DELETE FROM audit_seal WHERE position >= 7")
        conn.exec_driver_sql("UPDATE projection_position SET position = 6 WHERE name = 'seal'")
    assert broken(ledger).startswith("BROKEN at 10: ")  # the stored checkpoint of 10 events
    with ledger.write() as conn:
        ledger.drop_triggers(conn, "audit_checkpoint")
        conn.exec_driver_sql("DELETE FROM audit_checkpoint")
    events, head = verified(ledger)  # the first half: nothing in the database tells
    assert events == 10 and head != honest_head
    assert verified(ledger, "--checkpoint", str(first))[0] == 10  # the edit came after it
    assert broken(ledger, "--checkpoint", str(first), "--checkpoint", str(second)) \
        .startswith("BROKEN at 10: ")  # the second half: between events 6 and 10
