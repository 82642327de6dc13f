"""Corrections of a violation's events: what may be corrected, how a
correction is checked, and what it changes — read by the aggregate and the
register's read model alike.

A correction names the event it corrects (by version) and a reason; both
stay in the log. Its values go through the same checks as the step it
corrects (``values``); the aggregate holds corrected days in the order of the
steps, the year begun not after the year detected and a deadline not before
its decision; the command checks a corrected village exists and that no day
lies in the future."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from events.errors import InvalidValue
from events.texts import N_, Text
from events.violations import values

CORRECTABLE: dict[str, tuple[str, ...]] = {
    "Detected": ("kind", "village", "place", "offender", "description", "began",
                 "detected_on", "detected_by", "lat", "lon"),
    "RecordMade": ("record_number", "recorded_on"),
    "PenaltyDecided": ("decision_number", "amount", "decided_on", "deadline"),
    "Complied": ("complied_on",),
    "Enforced": ("enforced_on",),
    "Closed": ("closed_on", "remedy"),
}
# The day of each step, by the name its event and the read model use.
DAY_OF = {"Detected": "detected_on", "RecordMade": "recorded_on",
          "PenaltyDecided": "decided_on", "Complied": "complied_on",
          "Enforced": "enforced_on", "Closed": "closed_on"}
DAYS = (*DAY_OF.values(), "deadline")
FIELDS = tuple(sorted({f for fs in CORRECTABLE.values() for f in fs}))
FIELD_NAMES = {"kind": N_("Loại vi phạm"), "village": N_("Thôn"), "place": N_("Địa điểm"),
               "offender": N_("Đối tượng vi phạm"), "description": N_("Mô tả"),
               "began": N_("Năm phát sinh"), "detected_on": N_("Ngày phát hiện"),
               "detected_by": N_("Người phát hiện"), "lat": N_("Vĩ độ"), "lon": N_("Kinh độ"),
               "record_number": N_("Số biên bản"), "recorded_on": N_("Ngày lập biên bản"),
               "decision_number": N_("Số quyết định xử phạt"), "amount": N_("Số tiền phạt"),
               "decided_on": N_("Ngày quyết định"), "deadline": N_("Hạn chấp hành"),
               "complied_on": N_("Ngày chấp hành"), "enforced_on": N_("Ngày cưỡng chế"),
               "closed_on": N_("Ngày kết thúc"), "remedy": N_("Kết quả khắc phục")}


def checked(kind: str, changes: Any) -> dict[str, Any]:
    """The changes as recorded (days as ISO text), each value checked as
    its step checks it."""
    allowed = CORRECTABLE.get(kind, ())
    if not isinstance(changes, Mapping) or not changes or not set(changes) <= set(allowed):
        raise InvalidValue(Text("Sự kiện «%(kind)s» chỉ sửa được: %(fields)s.", kind=kind,
                                fields=", ".join(allowed) or "-"), "field")
    return {name: _value(name, value) for name, value in changes.items()}


def _value(name: str, value: Any) -> Any:
    if name in DAYS:
        if name == "deadline" and value is None:
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise InvalidValue(N_("Ngày cần dạng YYYY-MM-DD."), name) from None
        return values.day(value, name).isoformat()
    if name == "kind":
        return values.kind(value)
    if name in ("lat", "lon"):
        return values.coordinate(value, name)
    if name == "amount":
        return values.amount(value)
    if name == "began":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidValue(N_("Năm phát sinh phải là số năm."), name)
        return value
    if name in ("place", "offender", "detected_by", "village"):
        return values.name(value, name, FIELD_NAMES[name])
    if name in ("record_number", "decision_number"):
        return values.optional(value, name, FIELD_NAMES[name])
    return values.optional(value, name, FIELD_NAMES[name], values.MAX_TEXT)


def effect(changes: Mapping[str, Any]) -> dict[str, Any]:
    """What a correction changes, by the names the violation's state and
    row use (days as dates)."""
    return {name: date.fromisoformat(value) if name in DAYS and value is not None else value
            for name, value in changes.items()}


def from_text(field: str, text: str) -> Any:
    """A value typed in the correction form, as ``checked`` takes it."""
    text = text.strip() if isinstance(text, str) else ""
    if field in ("began", "amount"):
        digits = text.replace(".", "").replace(" ", "")
        if not digits.isascii() or not digits.isdigit() or len(digits) > 15:
            raise InvalidValue(N_("Cần một số nguyên."), "value")
        return int(digits)
    if field in ("lat", "lon"):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise InvalidValue(N_("Tọa độ cần là số, ví dụ 15,1234."), "value") from None
    if field == "deadline" and not text:
        return None
    return text
