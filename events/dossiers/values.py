"""The values a dossier's fields may take, each checked in one place: the
counter's form, an imported file, a correction and a direct command all come
through these checks, so no event holds a value the read models cannot."""

from __future__ import annotations

from events.base import checked_identifier, checked_text
from events.errors import InvalidValue
from events.texts import N_, Text

CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
ONLINE = "truc_tuyen"
ONLINE_MODES = ("", "mot_phan", "toan_trinh")
PAYMENT_METHODS = ("tien_mat", "truc_tuyen")
MAX_CODE, MAX_APPLICANT, MAX_USER, MAX_STEP = 64, 255, 64, 255
MAX_AMOUNT = 10**12


def code(value: str) -> str:
    return checked_identifier(value, "code", N_("Mã hồ sơ"))


def procedure_code(value: str) -> str:
    return checked_identifier(value, "procedure_code", N_("Mã thủ tục"))


def applicant(value: str) -> str:
    value = " ".join(checked_text(value, "applicant", N_("Tên người nộp"),
                                      MAX_APPLICANT).split())
    if not value:
        raise InvalidValue(N_("Cần tên người nộp."), "applicant")
    return value


def channel(value: str) -> str:
    if value not in CHANNELS:
        raise InvalidValue(Text("Kênh tiếp nhận «%(value)s» không hợp lệ; cần một trong: "
                                "%(channels)s.", value=_shown(value),
                                channels=", ".join(CHANNELS)), "channel")
    return value


def _shown(value: object) -> str:
    """A refused value, as a message may quote it."""
    text = value if isinstance(value, str) else repr(value)
    return "".join(c if c.isprintable() else "?" for c in text[:40])


def online_mode(value: str, of_channel: str) -> str:
    """Only an online dossier has an online mode, and it always has one."""
    if value not in ONLINE_MODES:
        raise InvalidValue(Text("Mức độ trực tuyến «%(value)s» không hợp lệ; cần để trống, "
                                "mot_phan hoặc toan_trinh.", value=_shown(value)), "online_mode")
    if value and of_channel != ONLINE:
        raise InvalidValue(N_("Chỉ hồ sơ trực tuyến mới có mức độ trực tuyến."),
                           "online_mode")
    if not value and of_channel == ONLINE:
        raise InvalidValue(N_("Hồ sơ trực tuyến cần mức độ: một phần (mot_phan) hoặc toàn trình "
                              "(toan_trinh)."), "online_mode")
    return value


def amount(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidValue(N_("Số tiền phải là số nguyên (đồng)."), "amount")
    if value < 0:
        raise InvalidValue(N_("Số tiền không được âm."), "amount")
    if value > MAX_AMOUNT:
        raise InvalidValue(N_("Số tiền quá lớn."), "amount")
    return value


def method(value: str) -> str:
    if value not in PAYMENT_METHODS:
        raise InvalidValue(N_("Hình thức nộp không hợp lệ."), "method")
    return value


def flag(value: bool, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(N_("Giá trị phải là có hoặc không."), field)
    return value
