"""The values the citizens' streams record, each checked in one place: the
forms, the command line and a direct command all come through these checks,
so no event holds a value the read models cannot."""

from __future__ import annotations

from datetime import date, datetime

from events.base import EARLIEST_DAY, checked_identifier, checked_text
from events.errors import InvalidValue
from events.texts import N_, Text

# How feedback reached the commune.
CHANNELS = ("truc_tiep", "dien_thoai", "cong_dich_vu_cong", "thu_don", "khac")
CHANNEL_NAMES = {"truc_tiep": N_("Trực tiếp"), "dien_thoai": N_("Điện thoại"),
                 "cong_dich_vu_cong": N_("Cổng dịch vụ công"), "thu_don": N_("Thư, đơn"),
                 "khac": N_("Khác")}
MAX_NAME, MAX_SUBJECT, MAX_DOCUMENT = 255, 1000, 64
DEFAULT_ANSWER_DAYS, MAX_ANSWER_DAYS = 10, 90

# The province (or centrally governed city) codes that open a căn cước
# number (Thông tư 07/2016/TT-BCA, kept by Thông tư 59/2021/TT-BCA).
PROVINCE_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
    "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
    "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
    "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096"})


def id_number(value: str) -> str:
    """A căn cước (citizen identity) number: 12 digits (spaces between groups
    allowed), opening with a province code. A refusal never repeats it."""
    digits = "".join(value.split()) if isinstance(value, str) else ""
    if not digits:
        raise InvalidValue(N_("Cần số căn cước của công dân."), "id_number")
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise InvalidValue(N_("Số căn cước gồm đúng 12 chữ số."), "id_number")
    if digits[:3] not in PROVINCE_CODES:
        raise InvalidValue(N_("Số căn cước không hợp lệ: ba chữ số đầu không phải mã tỉnh, "
                              "thành phố."), "id_number")
    return digits


def citizen_name(value: str) -> str:
    value = " ".join(checked_text(value, "citizen_name", N_("Họ và tên công dân"),
                                  MAX_NAME).split())
    if not value:
        raise InvalidValue(N_("Cần họ và tên công dân."), "citizen_name")
    return value


def feedback_code(value: str) -> str:
    return checked_identifier(value, "code", N_("Số phản ánh"))


def channel(value: str) -> str:
    if value not in CHANNELS:
        raise InvalidValue(Text("Hình thức tiếp nhận không hợp lệ; cần một trong: "
                                "%(channels)s.", channels=", ".join(CHANNELS)), "channel")
    return value


def subject(value: str) -> str:
    value = " ".join(checked_text(value, "subject", N_("Nội dung phản ánh"),
                                  MAX_SUBJECT).split())
    if not value:
        raise InvalidValue(N_("Cần nội dung phản ánh, kiến nghị."), "subject")
    return value


def document(value: str) -> str:
    """The answer's document number and symbol as written (``15/UBND-VP``)."""
    value = " ".join(checked_text(value, "document", N_("Số văn bản trả lời"),
                                  MAX_DOCUMENT).split())
    if not value:
        raise InvalidValue(N_("Cần số, ký hiệu văn bản trả lời."), "document")
    return value


def optional_code(value: str, field: str, label: str) -> str:
    """A dossier or procedure code that may be left empty."""
    if isinstance(value, str) and not value.strip():
        return ""
    return checked_identifier(value, field, label)


def answer_days(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(N_("Thời hạn trả lời phải là số ngày làm việc."), "working_days")
    if not 1 <= value <= MAX_ANSWER_DAYS:
        raise InvalidValue(Text("Thời hạn trả lời phải từ 1 đến %(most)d ngày làm việc.",
                                most=MAX_ANSWER_DAYS), "working_days")
    return value


def past_day(value: date, field: str, today: date) -> date:
    """A business date: a day, from 1990, not after today."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(N_("Ngày không hợp lệ."), field)
    if value < EARLIEST_DAY:
        raise InvalidValue(Text("Ngày không được trước năm %(year)d.",
                                year=EARLIEST_DAY.year), field)
    if value > today:
        raise InvalidValue(N_("Ngày không được ở tương lai."), field)
    return value
