"""The base of every form: WTForms' own messages in the user's language.

WTForms ships no Vietnamese catalogue, so the messages our forms can show
are written here in Vietnamese, and translated like every other text; one
unknown to this table falls back to a generic message rather than to
English."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from events.base import CONTROL_CHARACTERS

MESSAGES = {
    "This field is required.": _l("Trường này là bắt buộc."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ (định dạng NNNN-TT-NN)."),
    "Not a valid datetime value.": _l("Thời điểm không hợp lệ."),
    "Not a valid integer value.": _l("Cần một số nguyên."),
    "Not a valid decimal value.": _l("Cần một số."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "The CSRF token is missing.": _l("Thiếu mã bảo vệ (CSRF); hãy tải lại trang."),
    "The CSRF token is invalid.": _l("Mã bảo vệ (CSRF) không hợp lệ; hãy tải lại trang."),
    "The CSRF token has expired.": _l("Mã bảo vệ (CSRF) đã hết hạn; hãy tải lại trang."),
    "The CSRF tokens do not match.": _l("Mã bảo vệ (CSRF) không khớp; hãy tải lại trang."),
}
FALLBACK = _l("Giá trị không hợp lệ.")


class VietnameseMessages:
    def gettext(self, string: str) -> str:
        return str(MESSAGES.get(string, FALLBACK if _is_english(string) else string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _is_english(string: str) -> bool:
    return string.isascii() and any(c.isalpha() for c in string)


class LedgerForm(FlaskForm):
    """Also refuses control characters in any text: they mean nothing in a
    record, and PostgreSQL cannot store a NUL at all."""

    class Meta:
        def get_translations(self, form: Any) -> VietnameseMessages:
            return VietnameseMessages()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
                field.errors = [*field.errors, gettext("Không được chứa ký tự điều khiển.")]
                valid = False
            # Messages written once for every user are translated now, as text.
            field.errors = [str(error) for error in field.errors]
        return valid


def without_controls(text: str) -> str:
    """Query-string text (searches) with control characters dropped."""
    return CONTROL_CHARACTERS.sub("", text)
