"""A period report's narrative and its issue: the leader writes the sections
no event can count (what was done, what fell short and why, the lessons, the
proposals, the next steps) and saves them as a draft, as often as needed;
then issues the report once, under its number in the documents register.
Issuing keeps the SHA-256 of the report's JSON as ``report --format json``
prints it, and the log position its figures were read at, so that the
figures sent can be proved later."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app import service
from app.forms import LedgerForm
from app.people.auth import record
from app.reports.period import period_report, report_text
from app.web import attach, refused, today
from events.documents import TASK_NAMES, TASKS
from events.errors import DomainError
from events.reports import NARRATIVE
from projections.engine import POSITIONS
from projections.periods import BadPeriod, Period

bp = Blueprint("report_drafts", __name__, url_prefix="/reports")
PAGE = "reports/draft_page.html"


class DraftForm(LedgerForm):
    pass


for _key, _title in NARRATIVE:
    setattr(DraftForm, _key, TextAreaField(_l(_title), render_kw={"rows": 6}))


class IssueForm(LedgerForm):
    number_symbol = StringField(_l("Số, ký hiệu"),
                                validators=[DataRequired(_l("Hãy nhập số, ký hiệu báo cáo."))],
                                render_kw={"placeholder": "52/BC-UBND", "autocomplete": "off"})
    issued_on = DateField(_l("Ngày ban hành"),
                          validators=[InputRequired(_l("Hãy nhập ngày ban hành."))])
    signer = StringField(_l("Người ký"),
                         validators=[DataRequired(_l("Hãy nhập người ký."))])
    title = StringField(_l("Trích yếu"),
                        validators=[DataRequired(_l("Hãy nhập trích yếu của báo cáo."))])
    task = SelectField(_l("Nhiệm vụ"), validate_choice=True,
                       choices=[SelectChoice(t, _l(TASK_NAMES[t])) for t in TASKS])


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except BadPeriod:
        abort(404)


def _page(period_text: str, draft_form: DraftForm | None = None,
          issue_form: IssueForm | None = None, message: str = "") -> dict[str, Any]:
    period, commune = _period(period_text), current_user.commune
    report = service().ledger.period_report_record(commune, period.start, period.end)
    sections = report.sections if report is not None else {}
    if draft_form is None:
        draft_form = DraftForm(prefix="draft", formdata=None, data=sections)
    if issue_form is None:
        issue_form = IssueForm(prefix="issue", formdata=None, data={
            "issued_on": today(), "signer": current_user.full_name,
            "title": _("Báo cáo kết quả thực hiện nhiệm vụ kỳ %(period)s", period=period_text),
            "task": "cai_cach_hanh_chinh"})
    return {"period": period, "period_text": period_text, "report": report,
            "issued": report.issued if report is not None else None,
            "draft_form": draft_form, "issue_form": issue_form, "NARRATIVE": NARRATIVE,
            "message": message}


@bp.get("/<period_text>/draft")
def draft(period_text: str):  # type: ignore[no-untyped-def]
    return render_template(PAGE, **_page(period_text))


@bp.post("/<period_text>/draft")
def save_draft(period_text: str):  # type: ignore[no-untyped-def]
    period = _period(period_text)
    form = DraftForm(prefix="draft")
    if form.validate_on_submit():
        sections = {key: getattr(form, key).data or "" for key, _title in NARRATIVE}
        try:
            record(service().ledger.draft_report, current_user.commune, period.start,
                   period.end, sections)
        except DomainError as error:
            attach(form, error)
        else:
            return redirect(url_for("report_drafts.draft", period_text=period_text,
                                    saved=1), 303)
    return refused(PAGE, "reports/_draft.html", **_page(period_text, draft_form=form))


@bp.post("/<period_text>/issue")
def issue(period_text: str):  # type: ignore[no-untyped-def]
    period = _period(period_text)
    form = IssueForm(prefix="issue")
    if form.validate_on_submit():
        figures = _figures(period)
        if figures is None:
            form.form_errors.append(_("Số liệu đang được cập nhật; hãy thử lại sau giây lát."))
        else:
            text, position = figures
            try:
                record(service().ledger.issue_report, current_user.commune, period.start,
                       period.end, form.number_symbol.data, form.issued_on.data,
                       form.signer.data, form.title.data, form.task.data,
                       hashlib.sha256(text.encode()).hexdigest(), position)
            except DomainError as error:
                attach(form, error)
            else:
                return redirect(url_for("report_drafts.draft", period_text=period_text), 303)
    return refused(PAGE, "reports/_draft.html", **_page(period_text, issue_form=form))


def _figures(period: Period) -> tuple[str, int] | None:
    """The report's JSON text and the log position every read model stood at
    when it was read, in one read; None while they do not all stand at one."""
    svc = service()
    svc.catch_up()
    names = list(svc.engine.projections)
    with svc.read() as conn:
        positions = dict(conn.execute(select(POSITIONS.c.name, POSITIONS.c.position)).all())
        at = {positions.get(name) for name in names}
        if len(at) != 1 or None in at:
            return None
        text = report_text(period_report(conn, current_user.commune, period, today()))
    return text, at.pop()


def issued_sha256(commune: str, period: Period) -> str | None:
    """The hash an issued report of the period keeps, if it was issued."""
    report = service().ledger.period_report_record(commune, period.start, period.end)
    return report.issued.sha256 if report is not None and report.issued else None

