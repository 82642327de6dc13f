"""Every step of a dossier's life after receipt, as one table: the form, the
command it records, and the statuses in which the dossier page offers it.
Each step is its own endpoint, so ``app.people.permissions`` says who may take it."""

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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import LedgerForm
from events.domain import AWAITING_SUPPLEMENT, CORRECTABLE, IN_PROGRESS, OPEN, RESOLVED, Dossier

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
PAYMENT_NAMES = {"tien_mat": "Tiền mặt", "truc_tuyen": "Trực tuyến"}


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=DATETIME_FORMATS,
                              validators=[InputRequired("Hãy nhập thời điểm.")])


def _reason(label: str = "Lý do") -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired("Hãy nêu lý do."),
                                            Length(max=1000, message="Tối đa 1000 ký tự.")])


class HandOverForm(LedgerForm):
    occurred_at = _moment("Thời điểm chuyển")
    to_user = StringField("Chuyển cho", validators=[
        DataRequired("Hãy nhập người nhận."), Length(max=64, message="Tối đa 64 ký tự.")])
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
    occurred_at = _moment("Thời điểm nhận đủ bổ sung")
    new_due_date = DateField("Hạn trả mới (để trống: tính lại theo thủ tục)",
                             validators=[Optional()])


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
        SelectChoice(f, f) for f in sorted({f for fs in CORRECTABLE.values() for f in fs})])
    value = StringField("Giá trị đúng", validators=[
        DataRequired("Hãy nhập giá trị đúng."), Length(max=255)])
    reason = _reason("Lý do sửa")


def _correction_changes(form: CorrectionForm) -> dict[str, Any]:
    """A correction's value as the event stores it: times as ISO text in the
    business zone, flags and amounts as such."""
    field, value = form.field.data, form.value.data.strip()
    if field == "occurred_at":
        return {field: value}
    if field in ("digitised", "e_certified"):
        return {field: value.lower() in ("1", "co", "có", "true", "x")}
    if field == "amount":
        return {field: int(value) if value.isdigit() else -1}
    return {field: value}


@dataclass(frozen=True)
class Step:
    name: str           # endpoint name and URL segment
    label: str          # the button and heading
    form: type[LedgerForm]
    statuses: tuple[str, ...]  # where the page offers it
    # (ledger, commune, code, form, when) → records the step's event
    command: Callable[[Any, str, str, Any, datetime], None]


STEPS: tuple[Step, ...] = (
    Step("hand_over", "Chuyển xử lý", HandOverForm, OPEN,
         lambda led, c, k, f, at: led.hand_over(c, k, at, f.to_user.data, f.step.data,
                                        f.step_due.data)),
    Step("request_supplement", "Yêu cầu bổ sung", ReasonForm, (IN_PROGRESS,),
         lambda led, c, k, f, at: led.request_supplement(c, k, at, f.reason.data)),
    Step("receive_supplement", "Nhận đủ bổ sung", SupplementReceivedForm,
         (AWAITING_SUPPLEMENT,),
         lambda led, c, k, f, at: led.receive_supplement(c, k, at, f.new_due_date.data)),
    Step("resolve", "Ghi nhận có kết quả", ResolveForm, (IN_PROGRESS,),
         lambda led, c, k, f, at: led.resolve_dossier(c, k, at, f.digitised.data,
                                              f.e_certified.data)),
    Step("return_result", "Trả kết quả", ReturnForm, (RESOLVED,),
         lambda led, c, k, f, at: led.return_dossier(c, k, at)),
    Step("apologise", "Xin lỗi và hẹn lại", ApologyForm, OPEN,
         lambda led, c, k, f, at: led.apologise(c, k, at, f.new_appointment.data, f.reason.data)),
    Step("pay_fee", "Nộp phí, lệ phí", FeeForm, (*OPEN, RESOLVED),
         lambda led, c, k, f, at: led.pay_fee(c, k, at, f.amount.data, f.method.data)),
    Step("refuse", "Từ chối tiếp nhận", ReasonForm, OPEN,
         lambda led, c, k, f, at: led.refuse_dossier(c, k, at, f.reason.data)),
    Step("withdraw", "Công dân rút hồ sơ", WithdrawForm, OPEN,
         lambda led, c, k, f, at: led.withdraw_dossier(c, k, at, f.reason.data or "")),
    Step("stop", "Dừng giải quyết", ReasonForm, OPEN,
         lambda led, c, k, f, at: led.stop_dossier(c, k, at, f.reason.data)),
    Step("correct", "Sửa một sự kiện đã ghi", CorrectionForm, (),
         lambda led, c, k, f, at: led.correct_dossier(c, k, at, f.version.data, f.reason.data,
                                              _correction_changes(f))),
)
BY_NAME = {step.name: step for step in STEPS}


def offered(step: Step, dossier: Dossier) -> bool:
    """Corrections are offered in every status; other steps where they apply."""
    return not step.statuses or dossier.status in step.statuses


def blank(step: Step, now: datetime) -> LedgerForm:
    return step.form(prefix=step.name, formdata=None, occurred_at=now)
