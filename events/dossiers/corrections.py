"""Corrections: what may be corrected, how a correction is checked, and what
it changes — read by the aggregate, the dossier read model and the printed
forms alike.

A correction names the event it corrects (by version) and a reason; both
stay in the log. It goes through the same rules as the step it corrects:
times are timezone-aware business times in range and in the dossier's order
of steps, procedures exist (the ledger checks the catalogue), amounts are
whole đồng from 0, and text fits what the read models hold. A corrected
receipt time or procedure recomputes the due date, which the correction
event carries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.base import aware
from events.dossiers import values
from events.errors import InvalidValue
from events.texts import N_, Text

CORRECTABLE: dict[str, tuple[str, ...]] = {
    "Received": ("applicant", "channel", "online_mode", "procedure_code", "occurred_at"),
    "Resolved": ("occurred_at", "digitised", "e_certified"),
    "Returned": ("occurred_at",),
    "FeePaid": ("amount", "method"),
}
FIELDS = tuple(sorted({f for fs in CORRECTABLE.values() for f in fs}))
FIELD_NAMES = {"applicant": N_("Tên người nộp"), "channel": N_("Kênh tiếp nhận"),
               "online_mode": N_("Mức độ trực tuyến"), "procedure_code": N_("Mã thủ tục"),
               "occurred_at": N_("Thời điểm"), "digitised": N_("Kết quả đã số hóa"),
               "e_certified": N_("Chứng thực điện tử"), "amount": N_("Số tiền"),
               "method": N_("Hình thức nộp")}
# The moment each corrected kind sets, by the name the dossier's state uses.
MOMENTS = {"Received": "received_at", "Resolved": "resolved_at", "Returned": "returned_at"}
YES, NO = ("1", "co", "có", "x", "true"), ("0", "khong", "không", "false", "")
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def changes_from_text(field: str, text: str, zone: ZoneInfo) -> dict[str, Any]:
    """The changes a value typed in a form makes. A channel may carry its
    online mode ("truc_tuyen toan_trinh"); leaving the online channel clears
    the mode, since only online dossiers have one."""
    if field == "channel":
        channel, _, mode = text.replace("/", " ").strip().partition(" ")
        return {"channel": channel, "online_mode": mode.strip()}
    return {field: from_text(field, text, zone)}


def from_text(field: str, text: str, zone: ZoneInfo) -> Any:
    """A value typed in a form, as the correction records it; a time
    without an offset is read in the business time zone."""
    text = text.strip()
    if field == "occurred_at":
        return _moment_text(text, zone)
    if field in ("digitised", "e_certified"):
        if text.casefold() not in (*YES, *NO):
            raise InvalidValue(N_("Hãy nhập 1 (có) hoặc 0 (không)."), field)
        return text.casefold() in YES
    if field == "amount":
        if not text.isascii() or not text.isdigit():
            raise InvalidValue(N_("Số tiền phải là số nguyên không âm (đồng)."), field)
        return int(text)
    return text


def _moment_text(text: str, zone: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for form in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, form)
                break
            except ValueError:
                continue
    if moment is None:
        raise InvalidValue(N_("Thời điểm cần dạng YYYY-MM-DD HH:MM."), "occurred_at")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return aware(moment).isoformat()


def checked(kind: str, changes: Mapping[str, Any], channel: str,
            online_mode: str) -> dict[str, Any]:
    """The changes, each value checked as its step checks it; ``channel``
    and ``online_mode`` are the dossier's, to check the two together."""
    allowed = CORRECTABLE.get(kind, ())
    if not isinstance(changes, Mapping) or not changes or not set(changes) <= set(allowed):
        raise InvalidValue(Text("Sự kiện «%(kind)s» chỉ sửa được: %(fields)s.", kind=kind,
                                fields=", ".join(allowed)) if allowed
                           else Text("Sự kiện «%(kind)s» chỉ sửa được: không.", kind=kind),
                           "field")
    out = {name: _value(name, value) for name, value in changes.items()}
    if "channel" in out or "online_mode" in out:
        values.online_mode(out.get("online_mode", online_mode), out.get("channel", channel))
    return out


def _value(name: str, value: Any) -> Any:
    if name == "occurred_at":
        return _moment(value)
    if name in ("digitised", "e_certified"):
        return values.flag(value, name)
    if name == "amount":
        return values.amount(value)
    if not isinstance(value, str):
        raise InvalidValue(N_("Giá trị phải là chữ."), name)
    checks = {"applicant": values.applicant, "channel": values.channel,
              "procedure_code": values.procedure_code, "method": values.method,
              "online_mode": _mode}
    return checks[name](value)


def _mode(value: str) -> str:
    if value not in values.ONLINE_MODES:
        raise InvalidValue(N_("Mức độ trực tuyến không hợp lệ."), "online_mode")
    return value


def _moment(value: Any) -> str:
    """A corrected time: ISO text with its offset, in range."""
    if not isinstance(value, str):
        raise InvalidValue(N_("Thời điểm không hợp lệ."), "occurred_at")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(N_("Thời điểm cần dạng YYYY-MM-DD HH:MM."),
                           "occurred_at") from None
    return aware(moment).isoformat()


def effect(kind: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """What a correction changes, by the names the dossier's state uses:
    ``received_at``, ``resolved_at``, ``returned_at`` (aware datetimes),
    ``procedure_code``, ``applicant``, ``channel``, ``online_mode``,
    ``digitised``, ``e_certified``, ``fee_amount``, ``payment_method``."""
    return {state_name(kind, name): datetime.fromisoformat(value) if name == "occurred_at"
            else value for name, value in changes.items()}


def state_name(kind: str, field: str) -> str:
    """The name under which the dossier's state keeps a corrected field of an
    event of this kind."""
    if field == "occurred_at":
        return MOMENTS[kind]
    return {"amount": "fee_amount", "method": "payment_method"}.get(field, field)
