"""The document register: the list with its filters and totals, a
document's page with its timeline and a form per step it can take next,
the form that registers a document with the next free number suggested."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
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

from app import exports, service
from app.forms import LedgerForm, without_controls
from app.i18n import translated
from app.people.auth import record
from app.people.permissions import may
from app.people.scope import selected_commune
from app.web import attach, changed, now, refused, wants_fragment, zone
from events.documents import STATUS_NAMES, STEP_NAMES, SYMBOLS, TASK_NAMES, TASKS, TYPE_NAMES, TYPES
from events.documents import corrections as document_corrections
from events.errors import DomainError
from projections import queries
from projections.periods import BadPeriod, Period

bp = Blueprint("documents", __name__, url_prefix="/documents")
FORM_PAGE = "dossiers/form_page.html"  # a form with errors, for a browser without htmx
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
TOO_LONG = _l("Quá dài (tối đa %(max)d ký tự).")


def _text(label: Any, missing: Any, longest: int = 255) -> StringField:
    return StringField(label, validators=[DataRequired(missing),
                                          Length(max=longest, message=TOO_LONG)])


class IssueForm(LedgerForm):
    doc_type = SelectField(_l("Loại văn bản"),
                           choices=[SelectChoice(t, _l(TYPE_NAMES[t])) for t in TYPES],
                           validators=[InputRequired(_l("Hãy chọn loại văn bản."))])
    number_symbol = _text(_l("Số, ký hiệu"), _l("Hãy nhập số, ký hiệu (ví dụ 52/BC-UBND)."), 48)
    title = TextAreaField(_l("Trích yếu"), render_kw={"rows": 2},
                          validators=[DataRequired(_l("Hãy nhập trích yếu văn bản.")),
                                      Length(max=1000, message=TOO_LONG)])
    issued_on = DateField(_l("Ngày ban hành"),
                          validators=[InputRequired(_l("Hãy nhập ngày ban hành."))])
    signer = _text(_l("Người ký"), _l("Hãy nhập người ký."))
    task = SelectField(_l("Phục vụ nhiệm vụ"),
                       choices=[SelectChoice(t, _l(TASK_NAMES[t])) for t in TASKS],
                       validators=[InputRequired(_l("Hãy chọn nhiệm vụ."))])
    confidential = BooleanField(_l("Văn bản mật (không ký số, không đăng công khai)"))

    @classmethod
    def fresh(cls, doc_type: str = "bao_cao") -> IssueForm:
        """An empty form for today, with the next free number of the type."""
        today = now().date()
        return cls(formdata=None, doc_type=doc_type, issued_on=today, task="khac",
                   number_symbol=suggested(doc_type, today.year))


def suggested(doc_type: str, year: int) -> str:
    """The next free number of the type's symbol in ``year`` (52/BC-UBND…)."""
    symbol = SYMBOLS.get(doc_type, SYMBOLS["khac"])
    with service().read() as conn:
        return f"{queries.next_number(conn, current_user.commune, year, symbol)}/{symbol}"


class SignForm(LedgerForm):
    signed_at = DateTimeLocalField(_l("Thời điểm ký số"), format=DATETIME_FORMATS,
                                   validators=[InputRequired(_l("Hãy nhập thời điểm ký số."))])
    signer = _text(_l("Người ký"), _l("Hãy nhập người ký."))
    certificate_serial = _text(_l("Số sê-ri chứng thư số"),
                               _l("Hãy nhập số sê-ri chứng thư số."), 64)


class PublishForm(LedgerForm):
    published_on = DateField(_l("Ngày đăng tải"),
                             validators=[InputRequired(_l("Hãy nhập ngày đăng tải."))])
    address = _text(_l("Địa chỉ trang đăng tải"), _l("Hãy nhập địa chỉ trang đăng tải."), 1000)


class RevokeForm(LedgerForm):
    revoked_on = DateField(_l("Ngày thu hồi"),
                           validators=[InputRequired(_l("Hãy nhập ngày thu hồi."))])
    reason = _text(_l("Lý do"), _l("Hãy nêu lý do."), 1000)


class ReplaceForm(LedgerForm):
    by_number = _text(_l("Số, ký hiệu văn bản thay thế"),
                      _l("Hãy nhập số, ký hiệu văn bản thay thế."), 48)
    by_year = IntegerField(_l("Năm ban hành của văn bản thay thế"),
                           validators=[InputRequired(_l("Hãy nhập năm.")),
                                       NumberRange(1990, 2100, _l("Năm không hợp lệ."))])
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=1000,
                                                                     message=TOO_LONG)])


class CorrectForm(LedgerForm):
    version = IntegerField(_l("Số thứ tự sự kiện cần sửa"),
                           validators=[InputRequired(_l("Hãy nhập số thứ tự sự kiện."))])
    field = SelectField(_l("Thông tin cần sửa"),
                        choices=[SelectChoice(f, _l(document_corrections.FIELD_NAMES[f]))
                                 for f in document_corrections.FIELDS])
    value = StringField(_l("Giá trị đúng"), validators=[
        DataRequired(_l("Hãy nhập giá trị đúng.")), Length(max=1000, message=TOO_LONG)])
    reason = _text(_l("Lý do sửa"), _l("Hãy nêu lý do."), 1000)


class Step:
    def __init__(self, name: str, label: Any, form: type[LedgerForm], command: Any,
                 confirm: Any = None) -> None:
        self.name, self.label, self.form, self.command = name, label, form, command
        self.confirm = confirm


def _sign(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.sign_document(commune, row["year"], row["number_symbol"],
                         form.signed_at.data.replace(tzinfo=zone()), form.signer.data,
                         form.certificate_serial.data)


def _publish(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.publish_document(commune, row["year"], row["number_symbol"], form.published_on.data,
                            form.address.data)


def _revoke(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.revoke_document(commune, row["year"], row["number_symbol"], form.revoked_on.data,
                           form.reason.data)


def _replace(ledger: Any, commune: str, row: Any, form: Any) -> None:
    ledger.replace_document(commune, row["year"], row["number_symbol"], form.by_year.data,
                            form.by_number.data, form.reason.data or "")


def _correct(ledger: Any, commune: str, row: Any, form: Any) -> None:
    field = form.field.data
    value = document_corrections.from_text(field, form.value.data, zone())
    ledger.correct_document(commune, row["year"], row["number_symbol"], now(),
                            form.version.data, form.reason.data, {field: value})


STEPS = (Step("sign", _l("Ký số"), SignForm, _sign),
         Step("publish", _l("Đăng trang thông tin điện tử"), PublishForm, _publish),
         Step("replace", _l("Thay thế bằng văn bản khác"), ReplaceForm, _replace,
              _l("Văn bản này sẽ hết hiệu lực, thay bằng văn bản đã nhập. Tiếp tục?")),
         Step("revoke", _l("Thu hồi"), RevokeForm, _revoke,
              _l("Thu hồi văn bản này? Việc thu hồi được ghi vào sổ cái.")),
         Step("correct", _l("Sửa sự kiện đã ghi"), CorrectForm, _correct))


def _blank(step: Step, moment: datetime, row: Any) -> LedgerForm:
    """A step's form as first offered: today, the register's signer."""
    data: dict[str, Any] = {"signed_at": moment, "published_on": moment.date(),
                            "revoked_on": moment.date(), "signer": row["signer"],
                            "by_year": moment.year}
    form = step.form(formdata=None, prefix=step.name)
    for name, value in data.items():
        if name in form:
            form[name].data = value
    return form


# -- the register ------------------------------------------------------------------

@bp.get("")
def index():  # type: ignore[no-untyped-def]
    commune, (wanted, problem) = selected_commune(), _filter()
    after = queries.DocumentKey.parse(request.args.get("after", ""))
    with service().read() as conn:
        page = queries.document_page(conn, commune, wanted, after)
        totals = queries.document_totals(conn, commune, wanted)
    template = "documents/_list.html" if wants_fragment() else "documents/index.html"
    return render_template(template, page=page, rows=page.rows, totals=totals, wanted=wanted,
                           criteria=_criteria(), problem=problem, TYPE_NAMES=TYPE_NAMES,
                           TASK_NAMES=TASK_NAMES, DOCUMENT_STATUS=STATUS_NAMES,
                           may_register=may(current_user.roles, "documents.issue"))


def _filter() -> tuple[queries.DocumentFilter, str]:
    """The register's criteria from the query string: unknown values are
    ignored, a month that cannot be read is said."""
    args = request.args
    month, problem = None, ""
    if text := args.get("month", "").strip()[:20]:
        try:
            month = Period.parse(text)
        except BadPeriod:
            problem = _("Tháng «%(month)s» không hợp lệ (ví dụ: 2023-06).", month=text)
    flags = {"1": True, "0": False}
    return queries.DocumentFilter(
        doc_type=args.get("type", "") if args.get("type") in TYPES else "",
        task=args.get("task", "") if args.get("task") in TASKS else "",
        month=month, signed=flags.get(args.get("signed", "")),
        confidential=flags.get(args.get("confidential", "")),
        search=without_controls(args.get("q", ""))[:100]), problem


def _criteria() -> dict[str, str]:
    args = request.args
    out = {name: without_controls(args.get(name, "")).strip()[:40]
           for name in ("q", "type", "task", "month", "signed", "confidential")}
    return {key: value for key, value in out.items() if value}


EXPORT_HEADERS = ["Số, ký hiệu", "Loại", "Trích yếu", "Ngày ban hành", "Người ký", "Nhiệm vụ",
                  "Mật", "Ký số", "Đăng công khai", "Trạng thái", "Thay thế bởi"]


@bp.get("/export.<any(xlsx, csv):kind>")
def export(kind: str):  # type: ignore[no-untyped-def]
    """Every document the register shows for the same criteria, newest first."""
    commune, (wanted, problem) = selected_commune(), _filter()
    if problem:
        return render_template("error.html", status=400, message=problem), 400

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for d in queries.every_document(conn, commune, wanted):
                yield [d["number_symbol"], TYPE_NAMES[d["doc_type"]], d["title"],
                       d["issued_on"], d["signer"], TASK_NAMES[d["task"]],
                       "có" if d["confidential"] else "", d["signed_at"], d["published_on"],
                       STATUS_NAMES[d["status"]], d["replaced_by"] or ""]
    stem = "van-ban-" + (request.args.get("month", "").strip()[:20] or now().date().isoformat())
    return exports.answer(kind, stem, "Văn bản", EXPORT_HEADERS, rows())


# -- registering one -----------------------------------------------------------------

@bp.get("/new")
def new():  # type: ignore[no-untyped-def]
    """The form; asked again by htmx when the type changes, with that type's
    next free number."""
    doc_type = request.args.get("doc_type", "bao_cao")
    form = IssueForm.fresh(doc_type if doc_type in TYPES else "bao_cao")
    template = "documents/_issue_form.html" if wants_fragment() else "documents/new.html"
    return render_template(template, form=form)


@bp.post("")
def issue():  # type: ignore[no-untyped-def]
    form = IssueForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.issue_document, current_user.commune,
                   form.number_symbol.data, form.doc_type.data, form.title.data,
                   form.issued_on.data, form.signer.data, form.confidential.data,
                   form.task.data)
        except DomainError as error:
            attach(form, error)
        else:
            with service().read() as conn:
                row = queries.document_numbered(conn, current_user.commune,
                                                form.issued_on.data.year,
                                                _joined(form.number_symbol.data))
            if not wants_fragment():
                return redirect(url_for("documents.show", document_id=row["id"]), 303)
            return changed("documents/_issue_form.html",
                           form=IssueForm.fresh(form.doc_type.data), issued=row)
    return refused(FORM_PAGE, "documents/_issue_form.html", form=form)


def _joined(typed: str) -> str:
    from events.documents import values
    return values.joined(*values.number_symbol(typed))


# -- one document -----------------------------------------------------------------------

@bp.get("/<document_id>")
def show(document_id: str):  # type: ignore[no-untyped-def]
    return render_template("documents/show.html",
                           **_document_page(document_id, current_user.communes))


def _document_page(document_id: str, communes: Any) -> dict[str, Any]:
    """The document with this id in one of these communes, else 404."""
    ledger = service().ledger
    with service().read() as conn:
        row = next((found for c in communes
                    if (found := queries.document(conn, c, document_id)) is not None), None)
        if row is None:
            abort(404)
        document = ledger.document(row["commune"], row["year"], row["number_symbol"])
        history = list(ledger.events.get(document.id))
        staff = queries.staff_names(conn, {e.actor for e in history})
        replaced = queries.replaced_by_this(conn, row["id"])
    moment = now().replace(second=0, microsecond=0, tzinfo=None)
    mine = row["commune"] == current_user.commune
    steps = [s for s in STEPS if mine and document.refusal_of(s.name) is None
             and may(current_user.roles, f"documents.{s.name}")]
    return {"row": row, "document": document, "history": history, "staff": staff,
            "replaced": replaced, "steps": steps, "open_step": None, "message": None,
            "forms": {s.name: _blank(s, moment, row) for s in steps},
            "STEP_NAMES": STEP_NAMES, "TYPE_NAMES": TYPE_NAMES, "TASK_NAMES": TASK_NAMES,
            "DOCUMENT_STATUS": STATUS_NAMES}


def _take_step(document_id: str, step: Step) -> Response:
    """One step on a document of the user's own commune."""
    page = _document_page(document_id, [current_user.commune])
    form = step.form(prefix=step.name)
    if form.validate_on_submit():
        try:
            record(step.command, service().ledger, current_user.commune, page["row"], form)
        except DomainError as error:
            attach(form, error)
        else:
            if not wants_fragment():
                return redirect(url_for("documents.show", document_id=document_id), 303)  # type: ignore[return-value]
            return changed("documents/_document.html",
                           **_document_page(document_id, [current_user.commune]))
    if step in page["steps"]:
        page["forms"][step.name] = form
        page["open_step"] = step.name
    else:
        refusal = page["document"].refusal_of(step.name)
        page["message"] = " ".join(form.form_errors) or (
            translated(refusal) if refusal else _("Không thể «%(step)s» với văn bản này.",
                                         step=step.label))
    return refused(FORM_PAGE, "documents/_document.html", **page)  # type: ignore[return-value]


def _step_view(step: Step):  # type: ignore[no-untyped-def]
    def view(document_id: str):  # type: ignore[no-untyped-def]
        return _take_step(document_id, step)
    return view


for _step in STEPS:
    bp.add_url_rule(f"/<document_id>/{_step.name}", endpoint=_step.name,
                    view_func=_step_view(_step), methods=["POST"])


# -- the dashboard's warning ------------------------------------------------------------

@bp.app_context_processor
def _warnings() -> dict[str, Any]:
    """``unsigned_documents()`` for the dashboard's live counts: documents in
    force, not confidential, still unsigned more than two working days after
    issue (``events.documents.standing.awaiting_signature``)."""
    def unsigned_documents() -> int | None:
        if not current_user.is_authenticated or not may(current_user.roles, "documents.index"):
            return None
        commune = selected_commune()
        calendar = service().ledger.work_calendar(commune)
        with service().read() as conn:
            return queries.awaiting_signature(conn, commune, now().date(), calendar)
    return {"unsigned_documents": unsigned_documents}
