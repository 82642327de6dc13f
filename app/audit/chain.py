"""``audit verify``: the hash chain recomputed from the stored events and
checked against the seal (``projections.seal``) and against checkpoints.

The log and the seal are read in one transaction (one snapshot), each in
order, side by side. The first place where they part is the break:

- a sealed position with no event there: the event was removed (or the log
  cut short from there on);
- an event at a position the seal skips while later ones are sealed: it was
  slipped in;
- an event whose hash is not the sealed one: its content was changed, or it
  changed places with another (the chain then differs from there on).

Events after the seal's last position are not sealed yet: they count, and
the chain runs through them. A checkpoint of size N must equal the chain's
hash after its N-th event. A checkpoint that disagrees names the position of
its last event: an edit with the whole seal re-hashed after it is found
there, between that checkpoint and the one before it that still holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from app.audit.checkpoints import Checkpoint
from events.log import log_statement
from projections.seal import GENESIS, SEAL, chain

FETCH = 5000


@dataclass(frozen=True)
class Outcome:
    events: int
    head: bytes
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def line(self) -> str:
        if self.ok:
            return f"OK {self.events} {self.head.hex()}"
        return f"BROKEN at {self.broken_at}: {self.reason}"


@dataclass(frozen=True)
class Expected:
    """A checkpoint to hold the chain to, and how to name it."""

    checkpoint: Checkpoint
    label: str
    # Why it cannot be held to at all (a stored one whose signature fails).
    refused: str = ""


@contextmanager
def snapshot(service: Any) -> Iterator[Connection]:
    """A connection whose reads all see the log as it stood at the first."""
    with service.db.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextmanager
def rows(conn: Connection, statement: str, name: str) -> Iterator[Iterable[Sequence[Any]]]:
    """The rows of a SELECT, in order: on SQLite its cursor itself (which
    steps through them without a layer of Python between); on PostgreSQL a
    server-side cursor's rows fetched in batches, so the log is never held
    in memory whole."""
    dbapi = conn.connection.dbapi_connection
    postgres = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor(name=name) if postgres else dbapi.cursor()
    try:
        cursor.execute(statement)
        yield _batches(cursor) if postgres else cursor
    finally:
        cursor.close()


def _batches(cursor: Any) -> Iterator[Sequence[Any]]:
    while batch := cursor.fetchmany(FETCH):
        yield from batch


def log_rows(service: Any, conn: Connection) -> Any:
    """The stored events in the log's order (a context manager)."""
    quote = conn.dialect.identifier_preparer.quote
    return rows(conn, log_statement(service.ledger.recorder, quote), "ledger_log")


def verify(service: Any, conn: Connection, expected: Sequence[Expected] = ()) -> Outcome:
    """First one pass over the log alone, holding its chain to the seal's
    last hash and to the checkpoints: the chain agrees at the seal's last
    position only if every event up to it is the one sealed (SHA-256 does
    not collide), so a sound log is read once, without the seal. Where it
    does not agree, a second pass holds every event to its own sealed hash,
    to name the first position that breaks."""
    table = conn.dialect.identifier_preparer.quote(SEAL.name)
    last = conn.exec_driver_sql(f"SELECT position, hash FROM {table} "
                                "ORDER BY position DESC LIMIT 1").first()
    with log_rows(service, conn) as log:
        outcome = _whole(log, last, expected)
    if outcome is not None:
        return outcome
    with rows(conn, f"SELECT position, hash FROM {table} ORDER BY position",
              "ledger_seal") as sealed, log_rows(service, conn) as log:
        return _verify(iter(log), iter(sealed), expected)


def _whole(log: Iterable[Sequence[Any]], last: Sequence[Any] | None,
           expected: Sequence[Expected]) -> Outcome | None:
    """The outcome of a log that agrees with the seal's last hash and every
    checkpoint; None at the first sign that it does not."""
    want: dict[int, set[bytes]] = {}
    for e in expected:
        want.setdefault(e.checkpoint.size, set()).add(e.checkpoint.head)
    if any(e.refused for e in expected) or want.get(0, {GENESIS}) != {GENESIS}:
        return None
    sealed_at, sealed = (last[0], bytes(last[1])) if last is not None else (0, GENESIS)
    head, count, seen_seal = GENESIS, 0, last is None
    for position, head in chain(GENESIS, log):
        count += 1
        if position >= sealed_at and not seen_seal:
            if position != sealed_at or head != sealed:
                return None
            seen_seal = True
        if count in want and want[count] != {head}:
            return None
    if not seen_seal or any(size > count for size in want):
        return None
    return Outcome(count, head)


def _verify(log: Iterator[Sequence[Any]], seals: Iterator[Sequence[Any]],
            expected: Sequence[Expected]) -> Outcome:
    by_size: dict[int, list[Expected]] = {}
    for e in expected:
        by_size.setdefault(e.checkpoint.size, []).append(e)
    sizes = sorted(by_size)
    pending = iter(sizes)
    target = next(pending, None)
    if target == 0:
        broken = _against(by_size[0], GENESIS, 1)
        if broken:
            return broken
        target = next(pending, None)
    seal = next(seals, None)
    count, head, last = 0, GENESIS, 0
    for position, digest in chain(GENESIS, log):
        count += 1
        if seal is not None:
            sealed = seal[0]
            if sealed == position:
                if seal[1] != digest:
                    return Outcome(count, head, position,
                                   "sự kiện ở vị trí này không khớp mã băm đã niêm phong "
                                   "(bị sửa, bị đổi chỗ hoặc bị chèn vào)")
                seal = next(seals, None)
            elif sealed < position:
                return Outcome(count, head, sealed,
                               "sự kiện đã niêm phong ở vị trí này không còn (bị xóa)")
            else:
                return Outcome(count, head, position,
                               "sự kiện không có trong chuỗi niêm phong (bị chèn thêm)")
        head, last = digest, position
        if count == target:
            broken = _against(by_size[count], head, position)
            if broken:
                return broken
            target = next(pending, None)
    if seal is not None:
        return Outcome(count, head, seal[0],
                       "sự kiện đã niêm phong ở vị trí này không còn (sổ cái bị cắt bớt)")
    if target is not None:
        return Outcome(count, head, last + 1,
                       f"sổ cái chỉ có {count} sự kiện, điểm kiểm tra "
                       f"{by_size[target][0].label} đã ký cho {target}")
    return Outcome(count, head)


def _against(expected: list[Expected], head: bytes, position: int) -> Outcome | None:
    for e in expected:
        if e.refused:
            return Outcome(e.checkpoint.size, head, position,
                           f"điểm kiểm tra {e.label} bị từ chối: {e.refused}")
        if e.checkpoint.head != head:
            return Outcome(e.checkpoint.size, head, position,
                           f"chuỗi băm khác với điểm kiểm tra {e.label} "
                           f"(cỡ {e.checkpoint.size}) đã ký")
    return None


VERIFICATIONS = Table(
    "audit_verification", MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("events", BigInteger, nullable=False),
    Column("head", String(64), nullable=False),
    Column("broken_at", BigInteger, nullable=True),
    Column("reason", Text, nullable=False))


def keep(service: Any, outcome: Outcome, actor: str) -> None:
    """A verification's outcome, for the audit page to show the last one."""
    with service.write() as conn:
        conn.execute(insert(VERIFICATIONS).values(
            verified_at=datetime.now(UTC), actor=actor[:64], events=outcome.events,
            head=outcome.head.hex(), broken_at=outcome.broken_at, reason=outcome.reason))


def last_verification(conn: Connection) -> Any:
    return conn.execute(select(VERIFICATIONS).order_by(VERIFICATIONS.c.id.desc())
                        .limit(1)).first()
