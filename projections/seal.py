"""The seal: a hash chain over the log, in its global order.

Each stored event, taken in notification-id order, gets
``hash = SHA-256(previous hash ‖ canonical bytes of the stored event)``, the
first one's previous hash being 32 zero bytes. The canonical bytes are the
stored event's four fields, each as a 4-byte big-endian length and then its
bytes: the originator id as 32 lower-case hex digits, the originator version
in decimal, the topic in UTF-8 and the stored state as stored. The
notification id itself is left out: the chain's order carries it, and a log
replayed into another database (whose ids may be numbered without the gaps
PostgreSQL leaves) ends at the same head.

The ``seal`` projection keeps each event's hash in ``audit_seal`` by its
notification id, written with the projection's position in the engine's
transaction, so it can never hold a hash for an event it skipped or hold
one twice. ``audit verify`` (``app.audit``) recomputes the chain from the
stored events and compares it with these hashes and with the signed
checkpoints: an event edited, removed, swapped or slipped in is named by its
position. ``projections rebuild`` recomputes the seal from the log as it then
stands (every hash worked out again and compared with the stored one, those
that differ rewritten), as whoever edits the database could: after that, only the signed
checkpoints remember what stood there before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from hashlib import sha256
from struct import Struct
from typing import Any, ClassVar

from sqlalchemy import Column, Connection, LargeBinary, MetaData, Table

from projections.db import ROW_POSITION
from projections.engine import Projection, Write

GENESIS = bytes(32)
_LENGTH = Struct(">I").pack

SEAL = Table("audit_seal", MetaData(),
             Column("position", ROW_POSITION, primary_key=True, autoincrement=False),
             Column("hash", LargeBinary, nullable=False))


def originator_text(originator_id: Any) -> str:
    """The originator id as the chain hashes it: SQLite keeps it as hex
    text, PostgreSQL's driver gives a UUID."""
    kind = originator_id.__class__
    return (originator_id if kind is str else originator_id.decode() if kind is bytes
            else originator_id.hex)


def chain(previous: bytes, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, bytes]]:
    """(notification id, hash) of each row (notification id, originator id,
    version, topic, state), in order, after ``previous``. The ids and topics
    may come as text or as their UTF-8 bytes (``audit verify`` reads them so
    from SQLite, which saves decoding and encoding them again). One loop
    with everything local and each topic's bytes worked out once: ``audit
    verify`` runs it over the whole log."""
    pack, digest, join = _LENGTH, sha256, b"".join
    topics: dict[Any, bytes] = {}
    for position, oid, version, topic, state in rows:
        kind = oid.__class__
        if kind is not bytes:
            oid = (oid if kind is str else oid.hex).encode()
        prefixed = topics.get(topic)
        if prefixed is None:
            raw = topic if topic.__class__ is bytes else topic.encode()
            prefixed = topics[topic] = pack(len(raw)) + raw
        if state.__class__ is not bytes:
            state = bytes(state)
        v = b"%d" % version
        previous = digest(join((previous, pack(len(oid)), oid, pack(len(v)), v, prefixed,
                                pack(len(state)), state))).digest()
        yield position, previous


class SealProjection(Projection):
    """The chain's hashes, one row per event (see the module)."""

    name = "seal"
    rebuild_cost = 3.5
    table: ClassVar[Table] = SEAL
    every_event = True
    reconciled = True

    def prepare_page(self, conn: Connection, page: Sequence[Sequence[Any]]) -> Write:
        table, quote = self.table, conn.dialect.identifier_preparer.quote
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        name = quote(table.name)
        previous = conn.exec_driver_sql(
            f"SELECT hash FROM {name} WHERE position < {mark} ORDER BY position DESC LIMIT 1",
            (page[0][0],)).scalar()
        rows = list(chain(bytes(previous) if previous is not None else GENESIS, page))
        return self.write_rows(conn, page, rows)
