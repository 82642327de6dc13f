"""What every aggregate and event of the ledger shares.

Every event carries ``commune`` (administrative unit code), ``actor`` (user
name), ``occurred_at`` (business time, timezone-aware, may lie in the past)
and, through the library's ``timestamp``, ``recorded_at`` (system time).
Event classes are stored by their import path: never rename or move one
without registering the old topic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.errors import InvalidValue, NoActor
from events.texts import N_, Text, lowered, term

_NAMESPACE = uuid5(NAMESPACE_URL, "urn:commune-ledger")
_actor: ContextVar[str | None] = ContextVar("actor", default=None)


# The actor of what the command line and the server record on no user's
# behalf (a commune registered, an import from the command line).
SYSTEM_ACTOR = "system"


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Every event triggered inside this block names ``actor``."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    actor = _actor.get()
    if not actor:
        raise NoActor(N_("Không xác định được người thực hiện thao tác."))
    return actor


def stable_id(kind: str, *parts: str) -> UUID:
    """Aggregate ids derived from natural keys make a second creation of the
    same key collide in the event store, whatever the process. A key that
    is not text (or not text UTF-8 can hold) names nothing the log holds."""
    if not all(isinstance(part, str) for part in parts):
        raise InvalidValue(N_("Mã hoặc tên phải là chữ."))
    key = "/".join((kind, *parts))
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(N_("Mã hoặc tên có ký tự không hợp lệ.")) from None
    return uuid5(_NAMESPACE, key)


EARLIEST_DAY = date(1990, 1, 1)  # older paper records are not entered
LATEST_DAY = date(2100, 12, 31)
# A business time may run a little ahead of this server's clock, no more:
# a fact is recorded after it happens.
CLOCK_TOLERANCE = timedelta(hours=1)


def aware(moment: datetime, field: str = "occurred_at") -> datetime:
    """A business time: with a time zone, not before 1990, not in the future."""
    if not isinstance(moment, datetime):
        raise InvalidValue(N_("Thời điểm không hợp lệ."), field)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValue(N_("Thời điểm phải có múi giờ."), field)
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidValue(_too_early(), field) from None
    if utc.date() < EARLIEST_DAY or moment.date() < EARLIEST_DAY:
        raise InvalidValue(_too_early(), field)
    if utc > datetime.now(UTC) + CLOCK_TOLERANCE:
        raise InvalidValue(N_("Thời điểm không được ở tương lai."), field)
    return moment


def _too_early() -> Text:
    return Text("Thời điểm không được trước năm %(year)d.", year=EARLIEST_DAY.year)


def checked_day(day: date, field: str) -> date:
    """A deadline or appointment: within the years a ledger can mean."""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise InvalidValue(N_("Ngày không hợp lệ."), field)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InvalidValue(Text("Ngày phải trong khoảng %(first)d–%(last)d.",
                                first=EARLIEST_DAY.year, last=LATEST_DAY.year), field)
    return day


class LedgerAggregate(Aggregate):
    """Base of every aggregate: fills the common fields of each event.

    Aggregates declare no annotated attributes: the library would turn them
    into constructor arguments."""

    class Event(Aggregate.Event):
        commune: str
        actor: str
        occurred_at: datetime

        @property
        def recorded_at(self) -> datetime:
            return self.timestamp

    @classmethod
    def _start(cls, event_class: type, id: UUID, commune: str,
               occurred_at: datetime | None, **fields: Any) -> Any:
        return cls._create(event_class, id=id, commune=commune, actor=current_actor(),
                           occurred_at=aware(occurred_at or _now()), **fields)

    def _record(self, event_class: type, occurred_at: datetime | None = None,
                **fields: Any) -> None:
        self.trigger_event(event_class, commune=self.commune, actor=current_actor(),
                           occurred_at=aware(occurred_at or _now()), **fields)


def _now() -> datetime:
    return datetime.now(UTC)


MAX_FULL_NAME = 100
# Control characters (line breaks and tabs aside): no form sends them, and
# PostgreSQL cannot store NUL in text, so a projection would stop on one.
# Lone surrogates too: no UTF-8 holds them, so the event could not be stored.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def checked_text(value: str, field: str, label: str, longest: int) -> str:
    """Free text as the ledger records it: NFC-normalised (an export in NFD
    names the same person as one in NFC), at most ``longest`` characters
    (what the read models hold) and no control characters, whichever way it
    came (a form, an imported file, the command line)."""
    if not isinstance(value, str):
        raise InvalidValue(Text("%(label)s phải là chữ.", label=term(label)), field)
    value = unicodedata.normalize("NFC", value)
    if len(value) > longest:
        raise InvalidValue(Text("%(label)s quá dài (tối đa %(longest)d ký tự).",
                                label=term(label), longest=longest), field)
    if CONTROL_CHARACTERS.search(value):
        raise InvalidValue(Text("%(label)s có ký tự điều khiển không hợp lệ.",
                                label=term(label)), field)
    return value




MAX_REASON = 1000


def checked_reason(reason: str, required: bool = True) -> str:
    """A reason as recorded: spaces collapsed, required unless said otherwise."""
    if not isinstance(reason, str):
        raise InvalidValue(N_("Lý do phải là chữ."), "reason")
    reason = " ".join(reason.split())
    if required and not reason:
        raise InvalidValue(N_("Hãy nêu lý do."), "reason")
    return checked_text(reason, "reason", N_("Lý do"), MAX_REASON)


# A code that names a thing in a URL, a file name or a QR code: letters
# without diacritics, digits, ".", "-" and "_", never "..".
IDENTIFIER = re.compile(r"[0-9A-Za-z._-]{1,64}")


def checked_identifier(value: str, field: str, label: str) -> str:
    """A code (of a dossier, a procedure…), so that every URL built from it
    points where it says."""
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidValue(Text("Cần %(label)s.", label=lowered(label)), field)
    if not IDENTIFIER.fullmatch(value) or ".." in value:
        raise InvalidValue(Text("%(label)s chỉ gồm chữ cái không dấu, chữ số và các dấu . - _ "
                                "(không có «..», tối đa 64 ký tự).", label=term(label)), field)
    return value
