"""Reading the log for the projections.

The library reads the log as ``Notification`` objects on a connection of its
own and its mapper decodes each one through a JSON object hook called for
every dictionary. A rebuild reads every event there is, so here a page is
read as plain rows on the projection's own connection (inside the
transaction that will write the page's rows and position), and each row is
decoded to the same domain event the mapper would give, with less work per
object. Anything this shortcut does not cover (a cipher, a compressor,
another transcoder, a value it cannot parse) goes through the mapper itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    ApplicationRecorder,
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic

from events.application import DateAsISO

# Transcodings whose ``decode`` only calls a constructor: the constructor
# itself, one Python call less per value.
_SAME_AS_DECODE: dict[type[Transcoding], Callable[[Any], Any]] = {
    DatetimeAsISO: datetime.fromisoformat, DateAsISO: date.fromisoformat, UUIDAsHex: UUID,
    DecimalAsStr: Decimal}



class _NotExact(Exception):
    """A float came out of the fast parser, which also turns integers too
    big for 64 bits into floats: only the mapper's parser reads it exactly."""


# One stored event as read: notification id, originator id, originator
# version, topic and stored state.
LogRow = tuple[int, Any, int, str, bytes]


def head_statement(recorder: ApplicationRecorder, quote: Callable[[str], str]) -> str:
    """The SELECT of the last notification id (NULL while the log is empty),
    as the recorder's own ``max_notification_id`` does."""
    table, key, _ = _table_key_mark(recorder, quote)
    return f"SELECT max({key}) FROM {table}"


def page_statement(recorder: ApplicationRecorder, quote: Callable[[str], str],
                   stop: bool = False) -> str:
    """The SELECT that reads, in order, up to a limit of events with
    notification ids from a start on (``stop``: and up to a stop), as the
    recorder's own ``select_notifications`` does. The bound is left out when
    not needed: on PostgreSQL, while a table's statistics still say "empty"
    (just after a large import), a query with both bounds gets a slower plan
    (a whole page read took five times as long)."""
    table, key, mark = _table_key_mark(recorder, quote)
    upto = f" AND {key} <= {mark}" if stop else ""
    return (f"SELECT {key}, originator_id, originator_version, topic, state FROM {table} "
            f"WHERE {key} >= {mark}{upto} ORDER BY {key} LIMIT {mark}")


def log_statement(recorder: ApplicationRecorder, quote: Callable[[str], str]) -> str:
    """The SELECT of the whole log in order, as ``page_statement`` reads it,
    but for SQLite's text columns read as their UTF-8 bytes (the hash chain's
    canonical form hashes those bytes)."""
    table, key, _ = _table_key_mark(recorder, quote)
    if isinstance(recorder, SQLiteApplicationRecorder):
        return (f"SELECT {key}, CAST(originator_id AS BLOB), originator_version, "
                f"CAST(topic AS BLOB), state FROM {table} ORDER BY {key}")
    return (f"SELECT {key}, originator_id, originator_version, topic, state FROM {table} "
            f"ORDER BY {key}")


def upto_statement(recorder: ApplicationRecorder, quote: Callable[[str], str],
                   upto: int | None) -> str:
    """The SELECT of the log in order, as ``page_statement`` reads it, up to
    the notification id ``upto`` (the whole log if None), in one statement:
    for a reader that goes through it once (``app.reports.from_log``)."""
    table, key, _ = _table_key_mark(recorder, quote)
    bound = "" if upto is None else f" WHERE {key} <= {int(upto)}"
    return (f"SELECT {key}, originator_id, originator_version, topic, state FROM {table}"
            f"{bound} ORDER BY {key}")


def count_statement(recorder: ApplicationRecorder, quote: Callable[[str], str]) -> str:
    """The SELECT of how many events the log holds up to a notification id."""
    table, key, mark = _table_key_mark(recorder, quote)
    return f"SELECT count(*) FROM {table} WHERE {key} <= {mark}"


def records_statement(recorder: ApplicationRecorder, quote: Callable[[str], str],
                      records: int) -> str:
    """The SELECT of some records' events up to a notification id, as
    ``page_statement`` reads them, each record's in its order: ``records``
    originator ids, then the notification id, as parameters."""
    table, key, mark = _table_key_mark(recorder, quote)
    return (f"SELECT {key}, originator_id, originator_version, topic, state FROM {table} "
            f"WHERE originator_id IN ({', '.join([mark] * records)}) AND {key} <= {mark} "
            "ORDER BY originator_id, originator_version")


def _table_key_mark(recorder: ApplicationRecorder,
                    quote: Callable[[str], str]) -> tuple[str, str, str]:
    """The events table, its notification id column and the driver's
    parameter mark."""
    if isinstance(recorder, PostgresApplicationRecorder):
        table = f"{quote(recorder.datastore.schema)}.{quote(recorder.events_table_name)}"
        return table, "notification_id", "%s"
    if isinstance(recorder, SQLiteApplicationRecorder):
        return quote(recorder.events_table_name), "rowid", "?"
    raise TypeError(f"no statements for {type(recorder).__name__}")


def uuid_ids(recorder: ApplicationRecorder) -> bool:
    """Whether originator ids come out of this store as text to be read as
    UUIDs (SQLite keeps them as hex text; PostgreSQL's driver gives UUIDs)."""
    return (isinstance(recorder, SQLiteApplicationRecorder)
            and recorder.datastore.originator_id_type == "uuid")


class RecordId(UUID):
    """A record's id as the decoder gives it from the SQLite store's text: a
    ``UUID``, equal to the library's, that keeps its text form once asked
    for it. A page's handlers ask for ``str(event.originator_id)`` two or
    three times an event (the rows are keyed by it), which a rebuild would
    otherwise format afresh each time."""

    __slots__ = ("_text",)

    def __str__(self) -> str:
        try:
            return self._text
        except AttributeError:
            text = UUID.__str__(self)
            object.__setattr__(self, "_text", text)
            return text

    def __repr__(self) -> str:
        return f"UUID({str(self)!r})"


def record_id(text: str) -> RecordId:
    """``RecordId(text)`` for the store's 32 hexadecimal digits, made without
    the parsing ``UUID`` does for every form it accepts (a rebuild makes one
    for every event it reads)."""
    if len(text) != 32 or not text.isalnum():
        return RecordId(text)
    made = object.__new__(RecordId)
    object.__setattr__(made, "int", int(text, 16))
    object.__setattr__(made, "is_safe", SafeUUID.unknown)
    return made


# Record ids a decoder keeps, so that a record's events share one (and its
# text form, worked out once): a rebuild meets most records more than once.
KEPT_IDS = 65_536


class EventDecoder:
    """Stored rows back into domain events, equal to what the library's
    mapper returns for them (a test compares the two over every kind of
    event), at about half its cost: the JSON is parsed in one call with
    no hook, then only the ``{"_type_", "_data_"}`` objects are revived by
    the transcoder's own transcodings, innermost first, as the hook would."""

    def __init__(self, mapper: Mapper[Any], text_ids_are_uuids: bool) -> None:
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.shortcut = (mapper.cipher is None and mapper.compressor is None
                         and type(transcoder) is JSONTranscoder)
        self.revivers = {name: _SAME_AS_DECODE.get(type(t), t.decode)
                         for name, t in transcoder.names.items()} if self.shortcut else {}
        self.text_ids_are_uuids = text_ids_are_uuids
        self.ids: dict[str, RecordId] = {}
        self.classes: dict[str, tuple[type[Any], Callable[[Any], Any], int]] = {}

    def decode(self, originator_id: Any, version: int, topic: str,
               state: bytes) -> DomainEventProtocol[Any]:
        if self.text_ids_are_uuids:
            kept = self.ids.get(originator_id)
            if kept is None:
                if len(self.ids) >= KEPT_IDS:
                    self.ids.clear()
                kept = self.ids[originator_id] = record_id(originator_id)
            originator_id = kept
        if self.shortcut:
            try:
                return self._decode(originator_id, version, topic, state)
            except Exception:  # noqa: BLE001 - the mapper decides, and names the fault
                pass
        return self.mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))

    def _decode(self, originator_id: Any, version: int, topic: str,
                state: bytes) -> DomainEventProtocol[Any]:
        known = self.classes.get(topic)
        if known is None:
            cls = resolve_topic(topic)
            known = self.classes[topic] = (
                cls, find_id_convertor(cls, type(originator_id)),
                getattr(cls, "class_version", 1))
        cls, convert_id, class_version = known
        event_state = self._revive(orjson.loads(state))
        event_state["originator_id"] = convert_id(originator_id)
        event_state["originator_version"] = version
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", event_state)
        return event

    def _revive(self, state: dict[str, Any]) -> dict[str, Any]:
        """The event's own keys: most values are plain, and a typed value
        holding plain data (a time, a date, an id) is revived in place."""
        revivers = self.revivers
        for key, item in state.items():
            if item.__class__ is dict:
                if (len(item) == 2 and "_type_" in item and "_data_" in item
                        and item["_data_"].__class__ is str):
                    state[key] = revivers[item["_type_"]](item["_data_"])
                else:
                    state[key] = self._revive_nested(item)
            elif item.__class__ is list:
                state[key] = self._revive_nested(item)
            elif item.__class__ is float:
                raise _NotExact
        return state

    def _revive_nested(self, value: Any) -> Any:
        """Any other value, innermost first, as the JSON object hook would."""
        if value.__class__ is dict:
            for key, item in value.items():
                if item.__class__ is dict or item.__class__ is list:
                    value[key] = self._revive_nested(item)
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self.revivers[value["_type_"]](value["_data_"])
            if any(item.__class__ is float for item in value.values()):
                raise _NotExact
            return value
        for index, item in enumerate(value):
            if item.__class__ is dict or item.__class__ is list:
                value[index] = self._revive_nested(item)
            elif item.__class__ is float:
                raise _NotExact
        return value
