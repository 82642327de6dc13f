"""The values a violation's fields may take, each checked in one place: the
register's forms, an imported file, a correction and a direct command all
come through these checks, so no event holds a value the read models cannot."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from events.base import checked_day, checked_identifier, checked_text
from events.errors import InvalidValue
from events.texts import N_, Text, lowered

# CONTRACT.md's violation kinds.
KINDS = ("dat_dai", "hanh_lang_giao_thong", "hanh_lang_thuy_loi", "moi_truong")
KIND_NAMES = {"dat_dai": N_("Đất đai"), "hanh_lang_giao_thong": N_("Hành lang giao thông"),
              "hanh_lang_thuy_loi": N_("Hành lang thủy lợi"),
              "moi_truong": N_("Môi trường (đổ rác thải)")}
# The kinds the target "no new violation" counts (land and the two corridors).
TARGET_KINDS = ("dat_dai", "hanh_lang_giao_thong", "hanh_lang_thuy_loi")
MAX_NAME, MAX_TEXT, MAX_NUMBER = 255, 2000, 64
MAX_AMOUNT = 10**12  # đồng
FIRST_YEAR = 1950


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return "".join(c if c.isprintable() else "?" for c in text[:40])


def code(value: Any) -> str:
    return checked_identifier(value, "code", N_("Mã vụ việc"))


def kind(value: Any) -> str:
    if value not in KINDS:
        raise InvalidValue(Text("Loại vi phạm «%(value)s» không hợp lệ; cần một trong: "
                                "%(kinds)s.", value=_shown(value), kinds=", ".join(KINDS)),
                           "kind")
    return value


def name(value: Any, field: str, label: str, longest: int = MAX_NAME) -> str:
    """A required text: spaces collapsed, not empty."""
    text = " ".join(checked_text(value, field, label, longest).split())
    if not text:
        raise InvalidValue(Text("Cần %(label)s.", label=lowered(label)), field)
    return text


def optional(value: Any, field: str, label: str, longest: int = MAX_NUMBER) -> str:
    return " ".join(checked_text(value, field, label, longest).split())


def day(value: Any, field: str) -> date:
    return checked_day(value, field)


def began(value: Any, detected_on: date) -> int:
    """The year the violation began: not after the year it was detected."""
    if isinstance(value, bool) or not isinstance(value, int) or \
            not FIRST_YEAR <= value <= detected_on.year:
        raise InvalidValue(Text("Năm phát sinh phải là năm từ %(first)d đến năm phát hiện "
                                "(%(last)d).", first=FIRST_YEAR, last=detected_on.year),
                           "began")
    return value


def coordinate(value: Any, field: str) -> float | None:
    """A latitude (``lat``, -90..90) or longitude (``lon``, -180..180), or None."""
    if value is None:
        return None
    bound = 90 if field == "lat" else 180
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not -bound <= value <= bound:
        raise InvalidValue(Text("Tọa độ phải là số từ -%(bound)d đến %(bound)d.", bound=bound),
                           field)
    return round(float(value), 7)


def coordinates(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    lat, lon = coordinate(lat, "lat"), coordinate(lon, "lon")
    if (lat is None) != (lon is None):
        raise InvalidValue(N_("Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai."),
                           "lat" if lat is None else "lon")
    return lat, lon


def amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise InvalidValue(Text("Số tiền phạt phải là số nguyên đồng từ 0 đến %(most)d.",
                                most=MAX_AMOUNT), "amount")
    return value
