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


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=DATETIME_FORMATS,
                              validators=[InputRequired("Hãy nhập thời điểm.")])


def _reason(label: str = "Lý do") -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired("Hãy nêu lý do."),
                                            Length(max=1000, message="Tối đa 1000 ký tự.")])


class HandOverForm(LedgerForm):
    occurred_at = _moment("Thời điểm chuyển")
    # Filled per request with the commune's colleagues (``with_colleagues``):
    # a name not offered is refused here, saying nothing of who exists.
    to_user = SelectField("Chuyển cho", choices=[], validate_choice=True,
                          validators=[InputRequired("Hãy chọn người nhận.")])
    step = StringField("Bước xử lý", validators=[
        DataRequired("Hãy nhập tên bước."), Length(max=255, message="Tối đa 255 ký tự.")])
    step_due = DateField("Hạn của bước", validators=[InputRequired("Hãy nhập hạn của bước.")])


class ReasonForm(LedgerForm):
    occurred_at = _moment("Thời điểm")
    reason = _reason()


class WithdrawForm(LedgerForm):
    occurred_at = _moment("Thời điểm rút")
    reason = TextAreaField("Lý do (nếu có)", validators=[Length(max=1000)])


class SupplementReceivedForm(LedgerForm):
    """The new due date is the law's: the working days left when the clock
    stopped continue from the next working day."""
    occurred_at = _moment("Thời điểm nhận đủ bổ sung")


class ResolveForm(LedgerForm):
    occurred_at = _moment("Thời điểm có kết quả")
    digitised = BooleanField("Kết quả đã số hóa")
    e_certified = BooleanField("Bản sao chứng thực điện tử")


class ReturnForm(LedgerForm):
    occurred_at = _moment("Thời điểm trả kết quả")


class ApologyForm(LedgerForm):
    occurred_at = _moment("Thời điểm xin lỗi")
    new_appointment = DateField("Ngày hẹn trả mới",
                                validators=[InputRequired("Hãy nhập ngày hẹn mới.")])
    reason = _reason("Lý do chậm")


class FeeForm(LedgerForm):
    occurred_at = _moment("Thời điểm nộp")
    amount = IntegerField("Số tiền (đồng)", validators=[
        InputRequired("Hãy nhập số tiền."),
        NumberRange(min=0, max=10**12, message="Số tiền không hợp lệ.")])
    method = SelectField("Hình thức", choices=[SelectChoice(k, v) for k, v in
                                               PAYMENT_NAMES.items()])


class CorrectionForm(LedgerForm):
    version = IntegerField("Sự kiện cần sửa (số thứ tự)", validators=[
        InputRequired("Hãy chọn sự kiện cần sửa."), NumberRange(min=1, max=10**6)])
    field = SelectField("Trường cần sửa", choices=[
        SelectChoice(f, corrections.FIELD_NAMES[f]) for f in corrections.FIELDS])
    value = StringField("Giá trị đúng", validators=[
        DataRequired("Hãy nhập giá trị đúng."), Length(max=255)])
    reason = _reason("Lý do sửa")


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
    label: str          # the button and heading
    form: type[LedgerForm]
    # (ledger, commune, code, form, when) → records the step's event
    command: Callable[[Any, str, str, Any, datetime], None]
    # For a step that cannot be undone, the question asked before it is sent.
    confirm: str = ""


FINAL = "Không thể hoàn tác sau khi ghi."


STEPS: tuple[Step, ...] = (
    Step("hand_over", "Chuyển xử lý", HandOverForm,
         lambda led, c, k, f, at: led.hand_over(c, k, at, f.to_user.data, f.step.data,
                                        f.step_due.data)),
    Step("request_supplement", "Yêu cầu bổ sung", ReasonForm,
         lambda led, c, k, f, at: led.request_supplement(c, k, at, f.reason.data)),
    Step("receive_supplement", "Nhận đủ bổ sung", SupplementReceivedForm,
         lambda led, c, k, f, at: led.receive_supplement(c, k, at)),
    Step("resolve", "Ghi nhận có kết quả", ResolveForm,
         lambda led, c, k, f, at: led.resolve_dossier(c, k, at, f.digitised.data,
                                              f.e_certified.data)),
    Step("return_result", "Trả kết quả", ReturnForm,
         lambda led, c, k, f, at: led.return_dossier(c, k, at),
         f"Xác nhận đã trả kết quả cho công dân? {FINAL}"),
    Step("apologise", "Xin lỗi và hẹn lại", ApologyForm,
         lambda led, c, k, f, at: led.apologise(c, k, at, f.new_appointment.data, f.reason.data)),
    Step("pay_fee", "Nộp phí, lệ phí", FeeForm,
         lambda led, c, k, f, at: led.pay_fee(c, k, at, f.amount.data, f.method.data)),
    Step("refuse", "Từ chối tiếp nhận", ReasonForm,
         lambda led, c, k, f, at: led.refuse_dossier(c, k, at, f.reason.data),
         f"Từ chối tiếp nhận hồ sơ này? {FINAL}"),
    Step("withdraw", "Công dân rút hồ sơ", WithdrawForm,
         lambda led, c, k, f, at: led.withdraw_dossier(c, k, at, f.reason.data or ""),
         f"Ghi nhận công dân rút hồ sơ này? {FINAL}"),
    Step("stop", "Dừng giải quyết", ReasonForm,
         lambda led, c, k, f, at: led.stop_dossier(c, k, at, f.reason.data),
         f"Dừng giải quyết hồ sơ này? {FINAL}"),
    Step("correct", "Sửa một sự kiện đã ghi", CorrectionForm, _correct),
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
