"""The violations register: the list with its filters, a violation's page
with its timeline, its evidence and a form per step it can take next, the
form that records a detection, and the evidence files themselves."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app import service
from app.forms import LedgerForm, without_controls
from app.i18n import translated
from app.people.auth import record
from app.people.permissions import may
from app.people.scope import selected_commune
from app.violations import evidence
from app.web import attach, changed, refused, today, wants_fragment
from events.errors import DomainError, InvalidValue
from events.texts import N_
from events.violations import KIND_NAMES, KINDS, STATUS_NAMES, STEP_NAMES
from events.violations import corrections as violation_corrections
from projections import household_queries, queries

bp = Blueprint("violations", __name__, url_prefix="/violations")
FORM_PAGE = "dossiers/form_page.html"  # a form with errors, for a browser without htmx
TOO_LONG = _l("Quá dài (tối đa %(max)d ký tự).")


def _text(label: Any, missing: Any, longest: int = 255) -> StringField:
    return StringField(label, validators=[DataRequired(missing),
                                          Length(max=longest, message=TOO_LONG)])


def _optional(label: Any, longest: int = 64) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=longest, message=TOO_LONG)])


def _day(label: Any, missing: Any) -> DateField:
    return DateField(label, validators=[InputRequired(missing)])


class DetectForm(LedgerForm):
    code = _text(_l("Mã vụ việc"), _l("Hãy nhập mã vụ việc."), 64)
    kind = SelectField(_l("Loại vi phạm"), validate_choice=False,
                       choices=[SelectChoice(k, _l(KIND_NAMES[k])) for k in KINDS],
                       validators=[InputRequired(_l("Hãy chọn loại vi phạm."))])
    village = SelectField(_l("Thôn"), validate_choice=False, choices=[],
                          validators=[InputRequired(_l("Hãy chọn thôn."))])
    place = _text(_l("Địa điểm"), _l("Hãy nhập địa điểm vi phạm."))
    lat = FloatField(_l("Vĩ độ (không bắt buộc)"), validators=[Optional()])
    lon = FloatField(_l("Kinh độ (không bắt buộc)"), validators=[Optional()])
    offender = _text(_l("Đối tượng vi phạm"), _l("Hãy nhập đối tượng vi phạm."))
    description = TextAreaField(_l("Mô tả"), render_kw={"rows": 3},
                                validators=[Optional(), Length(max=2000, message=TOO_LONG)])
    began = IntegerField(_l("Năm bắt đầu vi phạm"),
                         validators=[InputRequired(_l("Hãy nhập năm bắt đầu vi phạm."))])
    detected_by = _text(_l("Người, đơn vị phát hiện"), _l("Hãy nhập người phát hiện."))
    detected_on = _day(_l("Ngày phát hiện"), _l("Hãy nhập ngày phát hiện."))

    @classmethod
    def fresh(cls) -> DetectForm:
        day = today()
        with service().read() as conn:
            code = queries.suggested_violation_code(conn, current_user.commune, day.year)
        return _with_villages(cls(formdata=None, code=code, detected_on=day, began=day.year))


def _with_villages(form: DetectForm) -> DetectForm:
    with service().read() as conn:
        villages = household_queries.current_villages(conn, current_user.commune)
    form.village.choices = [SelectChoice(code, v.name) for code, v in villages.items()]
    return form


class RecordForm(LedgerForm):
    recorded_on = _day(_l("Ngày lập biên bản"), _l("Hãy nhập ngày lập biên bản."))
    record_number = _optional(_l("Số biên bản"))


class PenaliseForm(LedgerForm):
    decided_on = _day(_l("Ngày quyết định xử phạt"), _l("Hãy nhập ngày quyết định."))
    decision_number = _optional(_l("Số quyết định xử phạt"))
    amount = IntegerField(_l("Số tiền phạt (đồng)"),
                          validators=[InputRequired(_l("Hãy nhập số tiền phạt."))])
    deadline = DateField(_l("Hạn chấp hành (không bắt buộc)"), validators=[Optional()])


class ComplyForm(LedgerForm):
    complied_on = _day(_l("Ngày chấp hành"), _l("Hãy nhập ngày chấp hành."))


class EnforceForm(LedgerForm):
    enforced_on = _day(_l("Ngày cưỡng chế"), _l("Hãy nhập ngày cưỡng chế."))


class CloseForm(LedgerForm):
    closed_on = _day(_l("Ngày kết thúc"), _l("Hãy nhập ngày kết thúc."))
    remedy = TextAreaField(_l("Kết quả khắc phục"), render_kw={"rows": 2},
                           validators=[Optional(), Length(max=2000, message=TOO_LONG)])


class AttachForm(LedgerForm):
    step = SelectField(_l("Bước của vụ việc"), validate_choice=False, choices=[],
                       validators=[InputRequired(_l("Hãy chọn bước."))])
    file = FileField(_l("Ảnh (PNG, JPEG) hoặc tệp PDF, tối đa 10 MB"),
                     validators=[FileRequired(_l("Hãy chọn tệp cần đính kèm."))],
                     render_kw={"accept": "image/png,image/jpeg,application/pdf"})


class CorrectForm(LedgerForm):
    version = IntegerField(_l("Số thứ tự sự kiện cần sửa"),
                           validators=[InputRequired(_l("Hãy nhập số thứ tự sự kiện."))])
    field = SelectField(_l("Thông tin cần sửa"),
                        choices=[SelectChoice(f, _l(violation_corrections.FIELD_NAMES[f]))
                                 for f in violation_corrections.FIELDS])
    value = StringField(_l("Giá trị đúng"), validators=[Length(max=2000, message=TOO_LONG)])
    reason = _text(_l("Lý do sửa"), _l("Hãy nêu lý do."), 1000)


class Step:
    def __init__(self, name: str, label: Any, form: type[LedgerForm], command: Any,
                 confirm: Any = None) -> None:
        self.name, self.label, self.form, self.command = name, label, form, command
        self.confirm = confirm


def _record(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.record_violation(commune, row["code"], form.recorded_on.data,
                            form.record_number.data or "")


def _penalise(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.penalise_violation(commune, row["code"], form.decided_on.data,
                              form.decision_number.data or "", form.amount.data,
                              form.deadline.data)


def _comply(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.comply_violation(commune, row["code"], form.complied_on.data)


def _enforce(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.enforce_violation(commune, row["code"], form.enforced_on.data)


def _close(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.close_violation(commune, row["code"], form.closed_on.data, form.remedy.data or "")


def _attach(ledger: Any, commune: str, row: Any, form: Any) -> None:
    step = form.step.data
    violation = ledger.violation(commune, row["code"])
    if not (isinstance(step, str) and step.isdigit() and len(step) < 9) or \
            int(step) not in [v for v, _k, _d in violation.steps]:
        raise InvalidValue(N_("Hãy chọn một bước của vụ việc để đính kèm."), "step")
    data = form.file.data.read(evidence.MAX_BYTES + 1)
    try:
        evidence.checked(data)
    except evidence.BadEvidence as bad:
        raise InvalidValue(str(bad.args[0]), "file") from None
    sha256, size, kind = evidence.store(data)
    name = without_controls(form.file.data.filename or "")[-255:]
    ledger.attach_violation_evidence(commune, row["code"], int(step), sha256, size, kind, name)


def _correct(ledger: Any, commune: str, row: Any, form: Any) -> None:
    field = form.field.data
    value = violation_corrections.from_text(field, form.value.data or "")
    ledger.correct_violation(commune, row["code"], form.version.data, form.reason.data,
                             {field: value})


STEPS = (Step("record", _l("Lập biên bản"), RecordForm, _record),
         Step("penalise", _l("Ra quyết định xử phạt"), PenaliseForm, _penalise),
         Step("comply", _l("Ghi nhận chấp hành"), ComplyForm, _comply),
         Step("enforce", _l("Cưỡng chế"), EnforceForm, _enforce,
              _l("Ghi nhận đã cưỡng chế vụ việc này?")),
         Step("close", _l("Khắc phục xong, kết thúc vụ việc"), CloseForm, _close,
              _l("Kết thúc vụ việc này? Việc kết thúc được ghi vào sổ cái.")),
         Step("attach", _l("Đính kèm ảnh, biên bản scan"), AttachForm, _attach),
         Step("correct", _l("Sửa sự kiện đã ghi"), CorrectForm, _correct))


def _blank(step: Step, day: date, violation: Any) -> LedgerForm:
    """A step's form as first offered: today, the last step to attach to."""
    form = step.form(formdata=None, prefix=step.name)
    for name in ("recorded_on", "decided_on", "complied_on", "enforced_on", "closed_on"):
        if name in form:
            form[name].data = day
    if "step" in form:
        _step_choices(form, violation)
        form["step"].data = str(violation.steps[-1][0])
    return form


def _step_choices(form: Any, violation: Any) -> None:
    form["step"].choices = [SelectChoice(str(v), f"#{v} {translated(STEP_NAMES.get(k, k))}")
                            for v, k, _d in violation.steps]


# -- the register ------------------------------------------------------------------

@bp.get("")
def index():  # type: ignore[no-untyped-def]
    commune, wanted = selected_commune(), _filter()
    after = queries.ViolationKey.parse(request.args.get("after", ""))
    with service().read() as conn:
        page = queries.violation_page(conn, commune, wanted, today(), after)
        total = queries.violation_total(conn, commune, wanted, today())
        villages = household_queries.villages(conn, commune)
    template = "violations/_list.html" if wants_fragment() else "violations/index.html"
    return render_template(template, page=page, rows=page.rows, total=total, wanted=wanted,
                           criteria=_criteria(), villages=villages, today=today(),
                           KIND_NAMES=KIND_NAMES, VIOLATION_STATUS=STATUS_NAMES,
                           may_record=may(current_user.roles, "violations.detect"))


def _filter() -> queries.ViolationFilter:
    """The register's criteria from the query string: unknown values are ignored."""
    args, flags = request.args, {"1": True, "0": False}
    return queries.ViolationFilter(
        kind=args.get("kind", "") if args.get("kind") in KINDS else "",
        village=without_controls(args.get("village", ""))[:64],
        new=flags.get(args.get("new", "")), closed=flags.get(args.get("closed", "")),
        overdue=args.get("overdue") == "1",
        search=without_controls(args.get("q", ""))[:100])


def _criteria() -> dict[str, str]:
    args = request.args
    out = {name: without_controls(args.get(name, "")).strip()[:64]
           for name in ("q", "kind", "village", "new", "closed", "overdue")}
    return {key: value for key, value in out.items() if value}


# -- recording a detection -----------------------------------------------------------

@bp.get("/new")
def new():  # type: ignore[no-untyped-def]
    template = "violations/_detect_form.html" if wants_fragment() else "violations/new.html"
    return render_template(template, form=DetectForm.fresh(), KIND_NAMES=KIND_NAMES)


@bp.post("")
def detect():  # type: ignore[no-untyped-def]
    form = _with_villages(DetectForm())
    if form.validate_on_submit():
        try:
            record(service().ledger.detect_violation, current_user.commune, form.code.data,
                   form.kind.data, form.village.data, form.place.data, form.offender.data,
                   form.description.data or "", form.began.data, form.detected_by.data,
                   form.detected_on.data, form.lat.data, form.lon.data)
        except DomainError as error:
            attach(form, error)
        else:
            with service().read() as conn:
                row = queries.violation_coded(conn, current_user.commune,
                                              form.code.data.strip())
            if not wants_fragment():
                return redirect(url_for("violations.show", violation_id=row["id"]), 303)
            return changed("violations/_detect_form.html", form=DetectForm.fresh(),
                           detected=row, KIND_NAMES=KIND_NAMES)
    return refused(FORM_PAGE, "violations/_detect_form.html", form=form, KIND_NAMES=KIND_NAMES)


# -- one violation -------------------------------------------------------------------------

@bp.get("/<violation_id>")
def show(violation_id: str):  # type: ignore[no-untyped-def]
    return render_template("violations/show.html",
                           **_violation_page(violation_id, current_user.communes))


def _found(violation_id: str, communes: Any) -> Any:
    with service().read() as conn:
        row = next((found for c in communes
                    if (found := queries.violation_row(conn, c, violation_id)) is not None), None)
    if row is None:
        abort(404)
    return row


def _violation_page(violation_id: str, communes: Any) -> dict[str, Any]:
    """The violation with this id in one of these communes, else 404."""
    ledger, row = service().ledger, _found(violation_id, communes)
    violation = ledger.violation(row["commune"], row["code"])
    history = list(ledger.events.get(violation.id))
    with service().read() as conn:
        staff = queries.staff_names(conn, {e.actor for e in history})
        files = queries.violation_evidence(conn, row["commune"], row["id"])
        villages = household_queries.villages(conn, row["commune"])
    mine = row["commune"] == current_user.commune
    steps = [s for s in STEPS if mine and violation.refusal_of(s.name) is None
             and may(current_user.roles, f"violations.{s.name}")]
    day = today()
    return {"row": row, "violation": violation, "history": history, "staff": staff,
            "files": [(f, evidence.intact(f["sha256"])) for f in files],
            "village_name": villages[row["village"]].name if row["village"] in villages
            else row["village"],
            "overdue": _overdue(row, day), "steps": steps, "open_step": None,
            "message": None, "forms": {s.name: _blank(s, day, violation) for s in steps},
            "STEP_NAMES": STEP_NAMES, "KIND_NAMES": KIND_NAMES, "VIOLATION_STATUS": STATUS_NAMES,
            "IMAGES": evidence.IMAGES}


def _overdue(row: Any, day: date) -> bool:
    return (row["deadline"] is not None and row["deadline"] < day and row["complied_on"] is None
            and row["enforced_on"] is None and row["closed_on"] is None)


def _take_step(violation_id: str, step: Step) -> Response:
    """One step on a violation of the user's own commune."""
    page = _violation_page(violation_id, [current_user.commune])
    form = step.form(prefix=step.name)
    if "step" in form:
        _step_choices(form, page["violation"])
    if form.validate_on_submit():
        try:
            record(step.command, service().ledger, current_user.commune, page["row"], form)
        except DomainError as error:
            attach(form, error)
        else:
            if not wants_fragment():
                return redirect(url_for("violations.show", violation_id=violation_id), 303)  # type: ignore[return-value]
            return changed("violations/_violation.html",
                           **_violation_page(violation_id, [current_user.commune]))
    if step in page["steps"]:
        page["forms"][step.name] = form
        page["open_step"] = step.name
    else:
        refusal = page["violation"].refusal_of(step.name)
        page["message"] = " ".join(form.form_errors) or (
            translated(refusal) if refusal else _("Không thể «%(step)s» với vụ việc này.",
                                                  step=step.label))
    return refused(FORM_PAGE, "violations/_violation.html", **page)  # type: ignore[return-value]


def _step_view(step: Step):  # type: ignore[no-untyped-def]
    def view(violation_id: str):  # type: ignore[no-untyped-def]
        return _take_step(violation_id, step)
    return view


for _step in STEPS:
    bp.add_url_rule(f"/<violation_id>/{_step.name}", endpoint=_step.name,
                    view_func=_step_view(_step), methods=["POST"])


@bp.get("/<violation_id>/evidence/<sha256>", endpoint="evidence")
def evidence_file(violation_id: str, sha256: str):  # type: ignore[no-untyped-def]
    """A file attached to this violation, in one of the user's communes;
    anything else is not found."""
    row = _found(violation_id, current_user.communes)
    with service().read() as conn:
        attached = {f["sha256"]: f for f in queries.violation_evidence(conn, row["commune"],
                                                                       row["id"])}
    found = attached.get(sha256)
    if found is None or not evidence.path_of(sha256).is_file():
        abort(404)
    response = send_file(evidence.path_of(sha256), mimetype=found["content_type"],
                         download_name=found["name"] or sha256,
                         as_attachment=found["content_type"] not in evidence.IMAGES,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response

