"""Every field of the households' and supplies' events, checked: what the
forms, the import and the command line send is held to the same bounds, so
every accepted event fits the read models on both databases."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from events.base import checked_day, checked_identifier, checked_text
from events.errors import InvalidValue
from events.texts import N_, Text, lowered

MAX_NAME, MAX_NOTE, MAX_UNIT, MAX_DOCUMENT = 255, 1000, 32, 64
MAX_QUANTITY = 10**7


def code(value: Any, field: str = "code", label: str = N_("Mã hộ")) -> str:
    return checked_identifier(value, field, label)


def name(value: Any, field: str, label: str, longest: int = MAX_NAME) -> str:
    """A required name: spaces collapsed, not empty."""
    text = " ".join(checked_text(value, field, label, longest).split())
    if not text:
        raise InvalidValue(Text("Cần %(label)s.", label=lowered(label)), field)
    return text


def optional(value: Any, field: str, label: str, longest: int = MAX_NOTE) -> str:
    return " ".join(checked_text(value, field, label, longest).split())


def day(value: Any, field: str) -> date:
    return checked_day(value, field)


def quantity(value: Any, field: str = "quantity") -> int:
    """A whole number of units, at least one."""
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 1 <= value <= MAX_QUANTITY:
        raise InvalidValue(Text("Số lượng phải là số nguyên từ 1 đến %(most)d.",
                                most=MAX_QUANTITY), field)
    return value


def compliant(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Hãy chọn đạt hoặc không đạt."), "compliant")
    return value


def folded(text: str) -> str:
    """How names are matched (a village named in an import, a search): lower
    case, spaces collapsed, without diacritics, "đ" as "d"; so "kiem tan"
    names "Kiêm Tân"."""
    text = unicodedata.normalize("NFD", " ".join(text.split()).casefold().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def slug(text: str) -> str:
    """A code for a name given without one ("Mỹ Đức" → "my-duc")."""
    out = "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in folded(text))
                   .split())
    return out[:64] or "thon"
