"""Numbers, rates and times as Vietnamese readers expect: 1.049 and 99,2%."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, format_percent
from flask import Flask
from flask_babel import gettext

from app.dossiers.steps import PAYMENT_NAMES
from app.people.permissions import P
from app.web import zone
from events.dossiers import STATUS_NAMES, corrections
from events.people import ROLE_NAMES
from events.texts import N_


def number(value: int | None) -> str:
    return "—" if value is None else format_decimal(value, locale="vi")


def percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%", locale="vi")


def local_time(value: datetime | None, in_zone: ZoneInfo | None = None) -> str:
    """dd/mm/yyyy hh:mm in the business zone (``in_zone``, where the caller
    has it at hand: a book prints thousands)."""
    if value is None:
        return ""
    local = value.astimezone(in_zone or zone())
    return f"{local.day:02d}/{local.month:02d}/{local.year:04d} {local.hour:02d}:{local.minute:02d}"


def day(value: date | None) -> str:
    """dd/mm/yyyy (written out: strftime is slower, and books print thousands)."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


CHANNEL_NAMES = {"truc_tiep": N_("Trực tiếp"), "truc_tuyen": N_("Trực tuyến"),
                 "buu_chinh": N_("Bưu chính công ích")}
EVENT_NAMES = {
    "Received": N_("Tiếp nhận"), "HandedOver": N_("Chuyển xử lý"),
    "SupplementRequested": N_("Yêu cầu bổ sung"), "SupplementReceived": N_("Nhận đủ bổ sung"),
    "Refused": N_("Từ chối tiếp nhận"), "Withdrawn": N_("Rút hồ sơ"),
    "Stopped": N_("Dừng giải quyết"), "Resolved": N_("Có kết quả"),
    "Returned": N_("Trả kết quả"), "Apologised": N_("Xin lỗi, hẹn lại"),
    "FeePaid": N_("Nộp phí, lệ phí"), "Corrected": N_("Sửa sự kiện"),
    "DueDateMoved": N_("Dời hạn trả theo lịch làm việc"),
}
ONLINE_MODE_NAMES = {"": "—", "mot_phan": N_("Một phần"), "toan_trinh": N_("Toàn trình")}


_LINE = re.compile(r"^line (\d+):")


def on_page(message: str) -> str:
    """An import's message as the page shows it: "Dòng N: …" where the
    command line keeps CONTRACT.md's "line N: …"."""
    return _LINE.sub(r"Dòng \1:", message)


def corrected(changes: dict[str, object]) -> str:
    """A correction's changes as a reader says them, in the reader's
    language: "Kênh tiếp nhận: Trực tuyến (Toàn trình), Thời điểm:
    05/01/2026 09:30", not the field codes."""
    shown = []
    for name, value in changes.items():
        if name == "online_mode" and "channel" in changes:
            continue
        if name == "channel":
            text = gettext(CHANNEL_NAMES.get(str(value), str(value)))
            if changes.get("online_mode"):
                text += f" ({gettext(ONLINE_MODE_NAMES.get(str(changes['online_mode']), ''))})"
        elif name == "online_mode":
            text = gettext(ONLINE_MODE_NAMES.get(str(value), str(value)))
        elif isinstance(value, datetime) or name == "occurred_at":
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            text = local_time(moment)
        elif isinstance(value, bool):
            text = gettext("có") if value else gettext("không")
        elif name == "amount" and isinstance(value, int):
            text = f"{number(value)} đồng"
        elif name == "method":
            text = gettext(PAYMENT_NAMES.get(str(value), str(value)))
        else:
            text = str(value)
        shown.append(f"{gettext(corrections.FIELD_NAMES.get(name, name))}: {text}")
    return ", ".join(shown)


def role_names(roles: object) -> str:
    """Roles as the interface names them, in the user's language, in the
    order given."""
    return ", ".join(gettext(ROLE_NAMES.get(r, r)) for r in roles)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(number=number, percent=percent, local_time=local_time, day=day,
                                 role_names=role_names, on_page=on_page, corrected=corrected)
    app.jinja_env.globals.update(CHANNEL_NAMES=CHANNEL_NAMES, ONLINE_MODE_NAMES=ONLINE_MODE_NAMES,
                                 P=P, STATUS_NAMES=STATUS_NAMES, EVENT_NAMES=EVENT_NAMES,
                                 PAYMENT_NAMES=PAYMENT_NAMES)
