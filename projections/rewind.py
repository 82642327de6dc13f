"""The read models as they stood at an earlier position of the log, for the
length of one transaction that is then rolled back: the report "as known
at" a moment is the ordinary report read from them.

A row of a read model is made by the events of one record only (the engine
hands a handler the rows of the page's records and no others), and a
table of counts moves by what ``recount`` says of each row as it was
before a page and after it, with a removal counted as the negative of an
arrival. So the read models at a position ``p`` differ from today's only
in the rows of the records with an event recorded after ``p``, and in the
counts those rows hold. For each such record (and each projection that
handles it), its events are replayed through the projection's own
handlers twice, once up to the projection's position (giving the rows it
holds today) and once up to ``p``; where the two differ, today's row is
deleted (checked to be there), the earlier one written, and the counts
moved by the difference of what the two count. A projection whose events each make
rows of their own that no later event changes (``one_row_per_event``: a
household's checks, stock movements, log-ins) only has the rows made after
the moment dropped, without the record's history. The cost grows with what
was recorded after the moment (and the earlier history of those records),
not with the log before it.

Projections of every event in order (the seal, the audit trail) are left
as they are: no report reads them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection

from events.log import LogRow, page_statement, records_statement
from projections.engine import Engine, Projection, Rows, _Writer, fetched

CHUNK = 500  # record ids a statement asks for at once


class CannotRewind(RuntimeError):
    """The read models cannot be shown as they stood at that position: those
    named have not read the log that far (one failed, or a catch-up is
    still under way), or one does not hold what its events make."""

    def __init__(self, *names: str) -> None:
        super().__init__(f"Bảng đọc {', '.join(names)} chưa theo kịp nhật ký sự kiện đến "
                         "thời điểm đó; hãy xem `projections status` rồi thử lại.")
        self.names = names


def rewind(engine: Engine, conn: Connection, position: int, commune: str | None = None
           ) -> int:
    """Bring the read models back, in ``conn``'s transaction, to what they
    held when the log stood at ``position``. The caller rolls the
    transaction back. Returns the number of records rewound. With
    ``commune``, only that commune's records (and any whose later events
    name no commune) are brought back: enough for its report, and in a
    province a report as known at a moment does not replay what every other
    commune recorded since."""
    projections = [p for p in engine.projections.values() if not p.every_event]
    stands = engine._lock(conn, [p.name for p in projections])
    behind = [p.name for p in projections if stands[p.name] < position]
    if behind:
        raise CannotRewind(*behind)
    top = max(stands.values(), default=position)
    if top <= position:
        return 0
    recorder, quote = engine.ledger.recorder, engine.db.dialect.identifier_preparer.quote
    later = fetched(conn, page_statement(recorder, quote, stop=True),
                  (position + 1, top, top - position))
    if commune is not None:
        later = [row for row in later if _of_commune(row[4], commune)]
    touched: dict[str, set[Any]] = defaultdict(set)  # projection → record ids
    for nid, record, _version, topic, _state in later:
        for projection in projections:
            if topic in projection.handlers and nid <= stands[projection.name]:
                touched[projection.name].add(record)
    own = [p for p in projections if p.one_row_per_event and p.name in touched]
    if own:
        _drop_later_rows(engine, conn, own, later, stands)
    whole = {p.name: touched[p.name] for p in projections
             if not p.one_row_per_event and p.name in touched}
    records = sorted(set().union(*whole.values()), key=str) if whole else []
    history = _history(engine, conn, records, top)
    for projection in projections:
        mine = whole.get(projection.name)
        if mine:
            _rewind_one(conn, projection, [history[r] for r in sorted(mine, key=str)],
                        stands[projection.name], position)
    return len(set().union(*touched.values()))


def _drop_later_rows(engine: Engine, conn: Connection, projections: Sequence[Projection],
                     later: Sequence[LogRow], stands: dict[str, int]) -> None:
    """Projections whose events each make rows of their own that no later
    event changes (``one_row_per_event``): the rows the events after the
    position made are deleted and uncounted; the records' earlier history
    is not needed."""
    wanted = {t for p in projections for t in p.handlers}
    decode = engine.decoder.decode
    events = [(nid, topic, decode(record, version, topic, state))
              for nid, record, version, topic, state in later if topic in wanted]
    for projection in projections:
        made, handlers = Rows(projection.table), projection.handlers
        for nid, topic, event in events:
            handler = handlers.get(topic)
            if handler is not None and nid <= stands[projection.name]:
                handler(projection, made, event)
        _replace(conn, projection, made, Rows(projection.table), list(made.new))


def _of_commune(state: bytes, commune: str) -> bool:
    """Whether a stored event is of the commune, or names none (or cannot
    be read without the mapper: kept, to be safe)."""
    try:
        named = orjson.loads(state).get("commune")
    except (orjson.JSONDecodeError, AttributeError):
        return True
    return named is None or named == commune


def _history(engine: Engine, conn: Connection, records: Sequence[Any], top: int
             ) -> dict[Any, list[tuple[int, str, Any]]]:
    """Each record's events up to ``top``, in its order, decoded (None for a
    topic no projection handles): record → [(position, topic, event)]."""
    wanted = {t for p in engine.projections.values() if not p.every_event for t in p.handlers}
    decode = engine.decoder.decode
    history: dict[Any, list[tuple[int, str, Any]]] = defaultdict(list)
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        statement = records_statement(engine.ledger.recorder,
                                      engine.db.dialect.identifier_preparer.quote, len(chunk))
        for nid, record, version, topic, state in fetched(conn, statement, (*chunk, top)):
            event = decode(record, version, topic, state) if topic in wanted else None
            history[record].append((nid, topic, event))
    return history


def _rewind_one(conn: Connection, projection: Projection,
                histories: Sequence[list[tuple[int, str, Any]]], stands: int,
                position: int) -> None:
    """One projection's rows of these records (each given by its history)
    back to ``position``; ``stands``: the projection's position today."""
    today, then = Rows(projection.table), Rows(projection.table)
    handlers = projection.handlers
    for history in histories:
        for nid, topic, event in history:
            handler = handlers.get(topic)
            if handler is None or nid > stands:
                continue
            handler(projection, today, event)
            if nid <= position:
                handler(projection, then, event)
    # Rows the later events left as they were (an insert-only row made
    # before the moment, a record whose later events this projection
    # ignores) stay; the others are deleted and written as they were then.
    changed = [key for key, row in today.new.items() if then.new.get(key) != row]
    if changed:
        _replace(conn, projection, today, then, changed)


def _replace(conn: Connection, projection: Projection, today: Rows, then: Rows,
             changed: Sequence[str]) -> None:
    """Today's rows of these keys deleted (each checked to be there), the
    rows ``then`` has of them written, and the counts moved by the
    difference of what the two count."""
    table, quote = projection.table, conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    deleted = 0
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start:start + CHUNK]
        deleted += conn.exec_driver_sql(
            f"DELETE FROM {quote(table.name)} WHERE id IN ({', '.join([mark] * len(chunk))})",
            tuple(chunk)).rowcount
    if deleted != len(changed):
        # Rows its events make are missing: it is not what its events say.
        raise CannotRewind(projection.name)
    earlier = Rows(projection.table)
    earlier.new = {key: then.new[key] for key in changed if key in then.new}
    if earlier.new:
        earlier.flush(conn)
    if projection.counts is not None:
        counted = projection.counted
        gained = projection.recount((None, counted(row)) for row in earlier.new.values())
        lost = projection.recount((None, counted(today.new[key])) for key in changed)
        moved = dict(gained)
        for key, n in lost.items():
            moved[key] = moved.get(key, 0) - n
        _Writer(conn, projection.counts).add(moved)
