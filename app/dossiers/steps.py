"""Every step of a dossier's life after receipt, as one table: the form and
the command it records. Which steps the page offers is the dossier's own
rule (``Dossier.refusal_of``, over ``events.dossiers.lifecycle``'s
transition table), never a list kept here. Each step is its own endpoint,
so ``app.people.permissions`` says who may take it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import LedgerForm
from events.dossiers import Dossier, corrections
from events.errors import DomainError, InvalidValue
from events.texts import N_

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
PAYMENT_NAMES = {"tien_mat": N_("Tiền mặt"), "truc_tuyen": N_("Trực tuyến")}


def _moment(label: LazyString) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=DATETIME_FORMATS,
                              validators=[InputRequired(_l("Hãy nhập thời điểm."))])


def _reason(label: LazyString | None = None) -> TextAreaField:
    return TextAreaField(label or _l("Lý do"), validators=[
        DataRequired(_l("Hãy nêu lý do.")), Length(max=1000, message=_l("Tối đa 1000 ký tự."))])


class HandOverForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm chuyển"))
    # Filled per request with the commune's colleagues (``with_colleagues``):
    # a name not offered is refused here, saying nothing of who exists.
    to_user = SelectField(_l("Chuyển cho"), choices=[], validate_choice=True,
                          validators=[InputRequired(_l("Hãy chọn người nhận."))])
    step = StringField(_l("Bước xử lý"), validators=[
        DataRequired(_l("Hãy nhập tên bước.")), Length(max=255, message=_l("Tối đa 255 ký tự."))])
    step_due = DateField(_l("Hạn của bước"),
                         validators=[InputRequired(_l("Hãy nhập hạn của bước."))])


class ReasonForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm"))
    reason = _reason()


class WithdrawForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm rút"))
    reason = TextAreaField(_l("Lý do (nếu có)"),
                           validators=[Length(max=1000, message=_l("Tối đa 1000 ký tự."))])


class SupplementReceivedForm(LedgerForm):
    """The new due date is the law's: the working days left when the clock
    stopped continue from the next working day."""
    occurred_at = _moment(_l("Thời điểm nhận đủ bổ sung"))


class ResolveForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm có kết quả"))
    digitised = BooleanField(_l("Kết quả đã số hóa"))
    e_certified = BooleanField(_l("Bản sao chứng thực điện tử"))


class ReturnForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm trả kết quả"))


class ApologyForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm xin lỗi"))
    new_appointment = DateField(_l("Ngày hẹn trả mới"),
                                validators=[InputRequired(_l("Hãy nhập ngày hẹn mới."))])
    reason = _reason(_l("Lý do chậm"))


class FeeForm(LedgerForm):
    occurred_at = _moment(_l("Thời điểm nộp"))
    amount = IntegerField(_l("Số tiền (đồng)"), validators=[
        InputRequired(_l("Hãy nhập số tiền.")),
        NumberRange(min=0, max=10**12, message=_l("Số tiền không hợp lệ."))])
    method = SelectField(_l("Hình thức"), choices=[SelectChoice(k, _l(v)) for k, v in
                                                   PAYMENT_NAMES.items()])


class CorrectionForm(LedgerForm):
    version = IntegerField(_l("Sự kiện cần sửa (số thứ tự)"), validators=[
        InputRequired(_l("Hãy chọn sự kiện cần sửa.")), NumberRange(min=1, max=10**6)])
    field = SelectField(_l("Trường cần sửa"), choices=[
        SelectChoice(f, _l(corrections.FIELD_NAMES[f])) for f in corrections.FIELDS])
    value = StringField(_l("Giá trị đúng"), validators=[
        DataRequired(_l("Hãy nhập giá trị đúng.")),
        Length(max=255, message=_l("Tối đa 255 ký tự."))])
    reason = _reason(_l("Lý do sửa"))


def _correct(ledger: Any, commune: str, code: str, form: CorrectionForm, at: datetime) -> None:
    """A correction as typed: the value read as its field is (a time in the
    business zone), and any refusal of the value shown at the value."""
    try:
        changes = corrections.changes_from_text(form.field.data, form.value.data, ledger.zone)
        ledger.correct_dossier(commune, code, at, form.version.data, form.reason.data, changes)
    except DomainError as error:
        if error.field in corrections.FIELDS or error.field == "field":
            raise InvalidValue(error.message, "value") from None
        raise


@dataclass(frozen=True)
class Step:
    name: str           # endpoint name and URL segment
    # The button and heading, in the user's language (in the "button" context:
    # several read as the timeline's event names in Vietnamese, not in English).
    label: LazyString
    form: type[LedgerForm]
    # (ledger, commune, code, form, when) → records the step's event
    command: Callable[[Any, str, str, Any, datetime], None]
    # For a step that cannot be undone, the question asked before it is sent
    # (each ends by saying it cannot be undone).
    confirm: LazyString | str = ""


STEPS: tuple[Step, ...] = (
    Step("hand_over", lazy_pgettext("button", "Chuyển xử lý"), HandOverForm,
         lambda led, c, k, f, at: led.hand_over(c, k, at, f.to_user.data, f.step.data,
                                        f.step_due.data)),
    Step("request_supplement", lazy_pgettext("button", "Yêu cầu bổ sung"), ReasonForm,
         lambda led, c, k, f, at: led.request_supplement(c, k, at, f.reason.data)),
    Step("receive_supplement", lazy_pgettext("button", "Nhận đủ bổ sung"), SupplementReceivedForm,
         lambda led, c, k, f, at: led.receive_supplement(c, k, at)),
    Step("resolve", lazy_pgettext("button", "Ghi nhận có kết quả"), ResolveForm,
         lambda led, c, k, f, at: led.resolve_dossier(c, k, at, f.digitised.data,
                                              f.e_certified.data)),
    Step("return_result", lazy_pgettext("button", "Trả kết quả"), ReturnForm,
         lambda led, c, k, f, at: led.return_dossier(c, k, at),
         _l("Xác nhận đã trả kết quả cho công dân? Không thể hoàn tác sau khi ghi.")),
    Step("apologise", lazy_pgettext("button", "Xin lỗi và hẹn lại"), ApologyForm,
         lambda led, c, k, f, at: led.apologise(c, k, at, f.new_appointment.data, f.reason.data)),
    Step("pay_fee", lazy_pgettext("button", "Nộp phí, lệ phí"), FeeForm,
         lambda led, c, k, f, at: led.pay_fee(c, k, at, f.amount.data, f.method.data)),
    Step("refuse", lazy_pgettext("button", "Từ chối tiếp nhận"), ReasonForm,
         lambda led, c, k, f, at: led.refuse_dossier(c, k, at, f.reason.data),
         _l("Từ chối tiếp nhận hồ sơ này? Không thể hoàn tác sau khi ghi.")),
    Step("withdraw", lazy_pgettext("button", "Công dân rút hồ sơ"), WithdrawForm,
         lambda led, c, k, f, at: led.withdraw_dossier(c, k, at, f.reason.data or ""),
         _l("Ghi nhận công dân rút hồ sơ này? Không thể hoàn tác sau khi ghi.")),
    Step("stop", lazy_pgettext("button", "Dừng giải quyết"), ReasonForm,
         lambda led, c, k, f, at: led.stop_dossier(c, k, at, f.reason.data),
         _l("Dừng giải quyết hồ sơ này? Không thể hoàn tác sau khi ghi.")),
    Step("correct", lazy_pgettext("button", "Sửa một sự kiện đã ghi"), CorrectionForm, _correct),
)
BY_NAME = {step.name: step for step in STEPS}


def offered(step: Step, dossier: Dossier) -> bool:
    """The steps the dossier's own rules allow now."""
    return dossier.refusal_of(step.name) is None


def blank(step: Step, now: datetime) -> LedgerForm:
    return step.form(prefix=step.name, formdata=None, occurred_at=now)


def with_colleagues(form: LedgerForm, colleagues: list[tuple[str, str]]) -> LedgerForm:
    """A hand-over form offers the colleagues (log-in name, name shown) who
    may receive the dossier."""
    if isinstance(form, HandOverForm):
        form.to_user.choices = [SelectChoice(name, shown) for name, shown in colleagues]
    return form
