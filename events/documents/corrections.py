"""Corrections of a document's events: what may be corrected, how a
correction is checked, and what it changes — read by the aggregate and the
register's read model alike.

A correction names the event it corrects (by version) and a reason; both
stay in the log. It goes through the same rules as the step it corrects:
values through ``values``, days and times in the order of the document's
steps (the aggregate checks that), the date of issue within its year (the
document's identity holds the year), and a document signed or published
never becomes confidential."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.base import EARLIEST_DAY, aware
from events.documents import values
from events.errors import InvalidValue
from events.texts import N_, Text

CORRECTABLE: dict[str, tuple[str, ...]] = {
    "Issued": ("title", "signer", "doc_type", "task", "issued_on", "confidential"),
    "Signed": ("signed_at", "signer", "certificate_serial"),
    "Published": ("published_on", "address"),
}
FIELDS = tuple(sorted({f for fs in CORRECTABLE.values() for f in fs}))
FIELD_NAMES = {"title": N_("Trích yếu"), "signer": N_("Người ký"),
               "doc_type": N_("Loại văn bản"), "task": N_("Nhiệm vụ"),
               "issued_on": N_("Ngày ban hành"), "confidential": N_("Văn bản mật"),
               "signed_at": N_("Thời điểm ký số"), "certificate_serial": N_("Số sê-ri chứng thư"),
               "published_on": N_("Ngày đăng tải"), "address": N_("Địa chỉ đăng tải")}
# The day each correctable moment sets, by the name the document's state uses.
MOMENTS = {"issued_on": "issued_on", "signed_at": "signed_at", "published_on": "published_on"}
YES, NO = ("1", "co", "có", "x", "true"), ("0", "khong", "không", "false", "")


def from_text(field: str, text: str, zone: ZoneInfo) -> Any:
    """A value typed in a form, as the correction records it."""
    text = text.strip() if isinstance(text, str) else ""
    if field in ("issued_on", "published_on"):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidValue(N_("Ngày cần dạng YYYY-MM-DD."), field) from None
    if field == "signed_at":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValue(N_("Thời điểm cần dạng YYYY-MM-DD HH:MM."), field) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return aware(moment, field).isoformat()
    if field == "confidential":
        if text.casefold() not in (*YES, *NO):
            raise InvalidValue(N_("Hãy nhập 1 (có) hoặc 0 (không)."), field)
        return text.casefold() in YES
    return text


def checked(kind: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes, each value checked as its step checks it."""
    allowed = CORRECTABLE.get(kind, ())
    if not isinstance(changes, Mapping) or not changes or not set(changes) <= set(allowed):
        raise InvalidValue(Text("Sự kiện «%(kind)s» chỉ sửa được: %(fields)s.", kind=kind,
                                fields=", ".join(allowed) or "-"), "field")
    return {name: _value(name, value) for name, value in changes.items()}


def _value(name: str, value: Any) -> Any:
    if name in ("issued_on", "published_on"):
        return _day(value, name).isoformat()
    if name == "signed_at":
        if not isinstance(value, str):
            raise InvalidValue(N_("Thời điểm không hợp lệ."), name)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidValue(N_("Thời điểm cần dạng YYYY-MM-DD HH:MM."), name) from None
        return aware(moment, name).isoformat()
    if name == "confidential":
        return values.flag(value, name)
    checks = {"title": values.title, "signer": values.signer, "doc_type": values.doc_type,
              "task": values.task, "certificate_serial": values.serial,
              "address": values.address}
    return checks[name](value)


def _day(value: Any, field: str) -> date:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidValue(N_("Ngày cần dạng YYYY-MM-DD."), field)
    if day < EARLIEST_DAY:
        raise InvalidValue(Text("Ngày không được trước năm %(year)d.", year=EARLIEST_DAY.year),
                           field)
    return day


def effect(changes: Mapping[str, Any]) -> dict[str, Any]:
    """What a correction changes, by the names the document's state uses
    (days as dates, the signing time as an aware datetime)."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("issued_on", "published_on"):
            out[name] = date.fromisoformat(value)
        elif name == "signed_at":
            out[name] = datetime.fromisoformat(value)
        else:
            out[name] = value
    return out
