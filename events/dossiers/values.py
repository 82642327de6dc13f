"""The values a dossier's fields may take, each checked in one place: the
counter's form, an imported file, a correction and a direct command all come
through these checks, so no event holds a value the read models cannot."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from events.base import checked_identifier, checked_text
from events.errors import InvalidValue
from events.texts import N_, Text

CHANNELS = ("truc_tiep", "truc_tuyen", "buu_chinh")
ONLINE = "truc_tuyen"
ONLINE_MODES = ("", "mot_phan", "toan_trinh")
PAYMENT_METHODS = ("tien_mat", "truc_tuyen")
PAID_ONLINE = "truc_tuyen"  # the payment method that counts as paid online
MAX_CODE, MAX_APPLICANT, MAX_USER, MAX_STEP = 64, 255, 64, 255
MAX_AMOUNT = 10**12
MAX_ADDRESS, MAX_PAPER, MAX_PAPERS, MAX_COPIES = 255, 255, 30, 99
# A phone number as people write it: digits, grouped by spaces, dots or
# hyphens, perhaps a leading "+" (+84…); 8 to 15 digits (ITU E.164).
PHONE = re.compile(r"\+?[0-9][0-9 .-]*")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 8, 15
# How a paper was handed in (form 01's "hình thức"), by the code recorded.
PAPER_FORMS = {"ban_chinh": N_("Bản chính"), "ban_sao": N_("Bản sao"),
               "ban_sao_chung_thuc": N_("Bản sao chứng thực"), "ban_chup": N_("Bản chụp")}


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


def phone(value: str) -> str:
    """The applicant's phone, optional: kept as its digits (and a leading
    "+"), so that one number is always written the same way."""
    value = checked_text(value, "phone", N_("Số điện thoại"), 40).strip()
    if not value:
        return ""
    digits = re.sub(r"[ .-]", "", value)
    if not PHONE.fullmatch(value) or not (
            MIN_PHONE_DIGITS <= len(digits.lstrip("+")) <= MAX_PHONE_DIGITS):
        raise InvalidValue(Text("Số điện thoại «%(value)s» không hợp lệ: cần từ %(least)d "
                                "đến %(most)d chữ số.", value=_shown(value),
                                least=MIN_PHONE_DIGITS, most=MAX_PHONE_DIGITS), "phone")
    return digits


def address(value: str) -> str:
    """The applicant's address, optional, spaces collapsed."""
    return " ".join(checked_text(value, "address", N_("Địa chỉ"), MAX_ADDRESS).split())


@dataclass(frozen=True)
class Paper:
    """One paper handed in at receipt: its name, how (``PAPER_FORMS``) and
    how many copies."""
    name: str
    form: str = "ban_chinh"
    copies: int = 1

    @property
    def form_name(self) -> str:
        return PAPER_FORMS.get(self.form, self.form)


def papers(value: Any) -> list[dict[str, Any]]:
    """The papers received, as the event records them (a list of plain
    mappings, which the log stores as they are): at most ``MAX_PAPERS``,
    each named, in one of ``PAPER_FORMS``, 1 to ``MAX_COPIES`` copies."""
    if not isinstance(value, (list, tuple)):
        raise InvalidValue(N_("Danh sách giấy tờ không hợp lệ."), "papers")
    if len(value) > MAX_PAPERS:
        raise InvalidValue(Text("Tối đa %(most)d giấy tờ trong một hồ sơ (đã nhập %(given)d).",
                                most=MAX_PAPERS, given=len(value)), "papers")
    return [_paper(item, n) for n, item in enumerate(value, start=1)]


def _paper(item: Any, n: int) -> dict[str, Any]:
    if not isinstance(item, Mapping) or set(item) - {"name", "form", "copies"}:
        raise InvalidValue(Text("Giấy tờ thứ %(n)d không hợp lệ.", n=n), "papers")
    name = " ".join(checked_text(item.get("name"), "papers", Text("Tên giấy tờ thứ %(n)d", n=n),
                                 MAX_PAPER).split())
    form, copies = item.get("form", "ban_chinh"), item.get("copies", 1)
    if not name:
        raise InvalidValue(Text("Giấy tờ thứ %(n)d cần có tên.", n=n), "papers")
    if not isinstance(form, str) or form not in PAPER_FORMS:
        raise InvalidValue(Text("Giấy tờ thứ %(n)d: hình thức «%(form)s» không hợp lệ; cần "
                                "một trong: bản chính, bản sao, bản sao chứng thực, bản chụp.",
                                n=n, form=_shown(form)), "papers")
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= MAX_COPIES:
        raise InvalidValue(Text("Giấy tờ thứ %(n)d: số lượng phải từ 1 đến %(most)d.",
                                n=n, most=MAX_COPIES), "papers")
    return {"name": name, "form": form, "copies": copies}


def as_papers(recorded: Any) -> tuple[Paper, ...]:
    """The papers an event recorded, as ``Paper``s (none for a dossier
    received before papers were recorded)."""
    return tuple(Paper(**p) for p in recorded or ())


FORM_WORDS = {"bản chính": "ban_chinh", "chính": "ban_chinh", "bc": "ban_chinh",
              "bản sao": "ban_sao", "sao": "ban_sao", "bs": "ban_sao",
              "bản sao chứng thực": "ban_sao_chung_thuc", "sao chứng thực": "ban_sao_chung_thuc",
              "chứng thực": "ban_sao_chung_thuc", "sct": "ban_sao_chung_thuc",
              "bản chụp": "ban_chup", "chụp": "ban_chup", "photo": "ban_chup",
              **{code: code for code in PAPER_FORMS}}


def papers_from_text(text: str) -> list[dict[str, Any]]:
    """Papers typed one a line, as a clerk types them fastest: the name, then
    (after ";") how it was handed in and the number of copies, both optional
    ("Tờ khai đăng ký khai sinh", "Sổ hộ khẩu; bản sao; 2"). Blank lines
    are skipped. The list is then checked by ``papers``."""
    text = checked_text(text, "papers", N_("Danh sách giấy tờ"), MAX_PAPERS * (MAX_PAPER + 40))
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            out.append(_paper_line(line, n))
    return out


def _paper_line(line: str, n: int) -> dict[str, Any]:
    name, *rest = (part.strip() for part in line.split(";"))
    paper: dict[str, Any] = {"name": name}
    for part in rest:
        word = " ".join(part.lower().split())
        if not word:
            continue
        if word.isdigit():
            paper["copies"] = int(word) if len(word) < 4 else MAX_COPIES + 1
        elif word in FORM_WORDS:
            paper["form"] = FORM_WORDS[word]
        else:
            raise InvalidValue(Text("Dòng %(n)d: không hiểu «%(part)s»; sau tên giấy tờ và "
                                    "dấu ; hãy ghi hình thức (bản chính, bản sao, bản sao chứng "
                                    "thực, bản chụp) và số lượng.", n=n, part=_shown(part)),
                               "papers")
    return paper

