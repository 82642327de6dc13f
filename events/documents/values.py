"""The values a document's fields may take, each checked in one place: the
register's form, an imported file, a correction and a direct command all come
through these checks, so no event holds a value the read models cannot."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from events.base import checked_text
from events.errors import InvalidValue
from events.texts import N_, Text

# CONTRACT.md's document types, and the symbol a commune's People's Committee
# gives each (the part after the number: 52/BC-UBND), as the form suggests it.
TYPES = ("nghi_quyet", "quyet_dinh", "ke_hoach", "thong_bao", "bao_cao", "cong_van",
         "to_trinh", "chi_thi", "khac")
TYPE_NAMES = {"nghi_quyet": N_("Nghị quyết"), "quyet_dinh": N_("Quyết định"),
              "ke_hoach": N_("Kế hoạch"), "thong_bao": N_("Thông báo"),
              "bao_cao": N_("Báo cáo"), "cong_van": N_("Công văn"), "to_trinh": N_("Tờ trình"),
              "chi_thi": N_("Chỉ thị"), "khac": N_("Văn bản khác")}
SYMBOLS = {"nghi_quyet": "NQ-UBND", "quyet_dinh": "QĐ-UBND", "ke_hoach": "KH-UBND",
           "thong_bao": "TB-UBND", "bao_cao": "BC-UBND", "cong_van": "UBND-VP",
           "to_trinh": "TTr-UBND", "chi_thi": "CT-UBND", "khac": "UBND"}
# The tasks a document serves: the year's two breakthrough tasks, or another.
TASKS = ("cai_cach_hanh_chinh", "phan_loai_rac", "khac")
TASK_NAMES = {"cai_cach_hanh_chinh": N_("Cải cách hành chính"),
              "phan_loai_rac": N_("Phân loại rác tại nguồn"), "khac": N_("Nhiệm vụ khác")}
MAX_TITLE, MAX_SIGNER, MAX_SERIAL, MAX_ADDRESS, MAX_SYMBOL = 1000, 255, 64, 1000, 40
MAX_NUMBER = 99999
# "52/BC-UBND": a number, "/", then a symbol of letters (Đ and the lower
# case of "TTr" included), digits and hyphens.
NUMBER_SYMBOL = re.compile(r"([0-9]{1,5})/([0-9A-Za-zĐđ][0-9A-Za-zĐđ.-]*)")
SERIAL = re.compile(r"[0-9A-Za-z:-]{1,64}")


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return "".join(c if c.isprintable() else "?" for c in text[:40])


def number_symbol(value: str) -> tuple[int, str]:
    """A document's number and symbol ("52/BC-UBND"), as (52, "BC-UBND")."""
    if not isinstance(value, str):
        raise InvalidValue(N_("Số, ký hiệu phải là chữ."), "number_symbol")
    value = unicodedata.normalize("NFC", "".join(value.split()))
    if not value:
        raise InvalidValue(N_("Cần số, ký hiệu văn bản."), "number_symbol")
    match = NUMBER_SYMBOL.fullmatch(value)
    if not match or len(match.group(2)) > MAX_SYMBOL or "--" in value:
        raise InvalidValue(Text("Số, ký hiệu «%(value)s» không hợp lệ; cần dạng số/ký hiệu, "
                                "ví dụ 52/BC-UBND.", value=_shown(value)), "number_symbol")
    number = int(match.group(1))
    if not 1 <= number <= MAX_NUMBER:
        raise InvalidValue(N_("Số văn bản phải từ 1 trở lên."), "number_symbol")
    return number, match.group(2).upper().replace("TTR", "TTr")


def joined(number: int, symbol: str) -> str:
    return f"{number}/{symbol}"


def doc_type(value: str) -> str:
    if value not in TYPES:
        raise InvalidValue(Text("Loại văn bản «%(value)s» không hợp lệ; cần một trong: "
                                "%(types)s.", value=_shown(value), types=", ".join(TYPES)),
                           "doc_type")
    return value


def task(value: str) -> str:
    if value not in TASKS:
        raise InvalidValue(Text("Nhiệm vụ «%(value)s» không hợp lệ; cần một trong: "
                                "%(tasks)s.", value=_shown(value), tasks=", ".join(TASKS)),
                           "task")
    return value


def _required(value: str, field: str, label: str, longest: int, missing: str) -> str:
    value = " ".join(checked_text(value, field, label, longest).split())
    if not value:
        raise InvalidValue(missing, field)
    return value


def title(value: str) -> str:
    return _required(value, "title", N_("Trích yếu"), MAX_TITLE, N_("Cần trích yếu văn bản."))


def signer(value: str, field: str = "signer") -> str:
    return _required(value, field, N_("Người ký"), MAX_SIGNER, N_("Cần người ký."))


def flag(value: bool, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Giá trị phải là có hoặc không."), field)
    return value


def serial(value: str) -> str:
    """A signing certificate's serial number, as the token shows it (hex
    digits, perhaps grouped by ":" or "-"); empty when the source does not
    give it (a document-management system's export), which the form does."""
    if not isinstance(value, str):
        raise InvalidValue(N_("Số sê-ri chứng thư số phải là chữ."), "certificate_serial")
    value = value.strip()
    if value and not SERIAL.fullmatch(value):
        raise InvalidValue(N_("Số sê-ri chứng thư số chỉ gồm chữ cái không dấu, chữ số và "
                              "dấu : - (tối đa 64 ký tự)."), "certificate_serial")
    return value.upper()


def address(value: str) -> str:
    """Where the document was published: a web address on the commune's page,
    or empty when the source does not give it (an imported export)."""
    if not isinstance(value, str):
        raise InvalidValue(N_("Địa chỉ đăng tải phải là chữ."), "address")
    value = value.strip()
    if not value:
        return ""
    ok = len(value) <= MAX_ADDRESS and not any(c.isspace() or not c.isprintable()
                                               for c in value)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        ok = False
    else:
        ok = ok and parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    if not ok:
        raise InvalidValue(N_("Địa chỉ đăng tải phải là địa chỉ web bắt đầu bằng http:// "
                              "hoặc https://."), "address")
    return value


def moment(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidValue(N_("Thời điểm không hợp lệ."), field)
    return value
