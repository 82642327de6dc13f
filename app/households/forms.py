"""The households pages' forms: each field named as the command's field,
so that a refused command's message lands next to it (``app.web.attach``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import LedgerForm
from events.households.values import MAX_DOCUMENT, MAX_QUANTITY, MAX_UNIT

TOO_LONG = _l("Quá dài (tối đa %(max)d ký tự).")
CODE_HINT = _l("Chỉ gồm chữ cái không dấu, chữ số và các dấu . - _")


def _text(label: Any, missing: Any, longest: int = 255) -> StringField:
    return StringField(label, validators=[DataRequired(missing),
                                          Length(max=longest, message=TOO_LONG)])


def _optional(label: Any, longest: int = 1000) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=longest, message=TOO_LONG)])


def _day(label: Any, missing: Any) -> DateField:
    return DateField(label, validators=[InputRequired(missing)])


def _village(label: Any = _l("Thôn")) -> SelectField:
    return SelectField(label, choices=[], validate_choice=True,
                       validators=[InputRequired(_l("Hãy chọn thôn."))])


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegisterForm(LedgerForm):
    code = StringField(_l("Mã hộ"), description=CODE_HINT, validators=[
        DataRequired(_l("Hãy nhập mã hộ.")), Length(max=64, message=TOO_LONG)])
    village = _village()
    head = _text(_l("Chủ hộ"), _l("Hãy nhập họ tên chủ hộ."))
    address = _optional(_l("Địa chỉ"), 255)
    registered_on = _day(_l("Ngày đăng ký"), _l("Hãy nhập ngày đăng ký."))


class EnrolForm(LedgerForm):
    on = _day(_l("Ngày tham gia phân loại"), _l("Hãy nhập ngày tham gia."))


class StopForm(LedgerForm):
    on = _day(_l("Ngày dừng"), _l("Hãy nhập ngày dừng."))
    reason = _text(_l("Lý do"), _l("Hãy nêu lý do."), 1000)


COMPLIANCE = [SelectChoice("1", _l("Đạt")), SelectChoice("0", _l("Không đạt"))]


class CheckForm(LedgerForm):
    on = _day(_l("Ngày kiểm tra"), _l("Hãy nhập ngày kiểm tra."))
    compliant = SelectField(_l("Kết quả"), choices=COMPLIANCE,
                            validators=[InputRequired(_l("Hãy chọn đạt hoặc không đạt."))])
    note = _optional(_l("Ghi chú"))
    checker = _text(_l("Người kiểm tra"), _l("Hãy nhập người kiểm tra."))


class MoveForm(LedgerForm):
    on = _day(_l("Ngày chuyển"), _l("Hãy nhập ngày chuyển."))
    village = _village(_l("Chuyển đến thôn"))


CORRECTABLE = [SelectChoice("registered_on", _l("Ngày đăng ký (NNNN-TT-NN)")),
               SelectChoice("head", _l("Chủ hộ")), SelectChoice("address", _l("Địa chỉ")),
               SelectChoice("on", _l("Ngày của bước (NNNN-TT-NN)"))]


class CorrectForm(LedgerForm):
    version = IntegerField(_l("Số thứ tự sự kiện cần sửa"),
                           validators=[InputRequired(_l("Hãy nhập số thứ tự sự kiện."))])
    field = SelectField(_l("Thông tin cần sửa"), choices=CORRECTABLE)
    value = _text(_l("Giá trị đúng"), _l("Hãy nhập giá trị đúng."), 255)
    reason = _text(_l("Lý do sửa"), _l("Hãy nêu lý do."), 1000)


class GroupForm(LedgerForm):
    responsible = _text(_l("Tổ trưởng (người phụ trách)"), _l("Hãy nhập người phụ trách tổ."))
    households = Checkboxes(_l("Các hộ trong tổ"), choices=[])


class EnrolManyForm(LedgerForm):
    on = _day(_l("Ngày tham gia phân loại"), _l("Hãy nhập ngày tham gia."))
    households = Checkboxes(_l("Các hộ tham gia"), choices=[], validators=[
        DataRequired(_l("Hãy chọn ít nhất một hộ."))])


class CheckRoundForm(LedgerForm):
    """The round's day and checker; each household's result and note come
    as ``result-CODE`` and ``note-CODE`` (``views.check_many``)."""

    on = _day(_l("Ngày kiểm tra"), _l("Hãy nhập ngày kiểm tra."))
    checker = _text(_l("Người kiểm tra"), _l("Hãy nhập người kiểm tra."))


def _item() -> SelectField:
    return SelectField(_l("Vật tư"), choices=[],
                       validators=[InputRequired(_l("Hãy chọn vật tư."))])


def _quantity() -> IntegerField:
    return IntegerField(_l("Số lượng"), validators=[
        InputRequired(_l("Hãy nhập số lượng.")),
        NumberRange(1, MAX_QUANTITY, _l("Số lượng phải là số nguyên từ 1 đến %(max)s."))])


class ReceiveForm(LedgerForm):
    item = _item()
    quantity = _quantity()
    supplier = _text(_l("Nơi cấp"), _l("Hãy nhập nơi cấp."))
    document = _optional(_l("Văn bản phân bổ (số, ký hiệu)"), MAX_DOCUMENT)
    on = _day(_l("Ngày nhận"), _l("Hãy nhập ngày nhận."))


class IssueForm(LedgerForm):
    item = _item()
    quantity = _quantity()
    on = _day(_l("Ngày cấp"), _l("Hãy nhập ngày cấp."))
    village = SelectField(_l("Cấp cho thôn"), choices=[])
    household = StringField(_l("hoặc cho hộ (mã hộ)"), validators=[
        Optional(), Length(max=64, message=TOO_LONG)])
    receiver = _text(_l("Người nhận"), _l("Hãy nhập người nhận."))


class VillageForm(LedgerForm):
    name = _text(_l("Tên thôn"), _l("Hãy nhập tên thôn."))
    code = StringField(_l("Mã thôn (để trống: tạo từ tên)"), description=CODE_HINT,
                       validators=[Optional(), Length(max=64, message=TOO_LONG)])


class RenameForm(LedgerForm):
    name = _text(_l("Tên mới"), _l("Hãy nhập tên mới."))


class MergeForm(LedgerForm):
    into = SelectField(_l("Sáp nhập vào thôn"), choices=[],
                       validators=[InputRequired(_l("Hãy chọn thôn."))])


class ItemForm(LedgerForm):
    code = StringField(_l("Mã vật tư"), description=CODE_HINT, validators=[
        DataRequired(_l("Hãy nhập mã vật tư.")), Length(max=64, message=TOO_LONG)])
    name = _text(_l("Tên vật tư"), _l("Hãy nhập tên vật tư."))
    unit = _text(_l("Đơn vị tính"), _l("Hãy nhập đơn vị tính."), MAX_UNIT)

