"""Citizens' pages: the accounts opened on the national public-service
portal with a clerk's help, and citizen feedback (phản ánh, kiến nghị),
received and answered; their counts on the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app import exports, htmx, service
from app.dossiers.views import _period, _period_args, _period_text
from app.forms import LedgerForm
from app.people.auth import record
from app.people.permissions import may
from app.people.scope import selected_commune
from app.service import REQUEST_CATCH_UP_SECONDS
from app.web import attach, changed, now, refused, today, wants_fragment
from events.citizens import CHANNEL_NAMES, CHANNELS, Feedback, identity
from events.citizens.commands import HELPING_ROLES
from events.citizens.feedback import ANSWER_FIELDS, RECEIPT_FIELDS
from events.citizens.values import DEFAULT_ANSWER_DAYS
from events.errors import DomainError, InvalidValue
from events.people import staff_mentioned
from projections import queries

bp = Blueprint("citizens", __name__, url_prefix="/citizens")
FORM_PAGE = "citizens/form_page.html"  # a form with errors, for a browser without htmx
STATE_NAMES = {"open": _l("Chưa trả lời"), "answered": _l("Đã trả lời"),
               "overdue": _l("Quá hạn")}


FIELD_NAMES = {"received_on": _l("Ngày tiếp nhận"), "channel": _l("Hình thức tiếp nhận"),
               "subject": _l("Nội dung"), "dossier_code": _l("Mã hồ sơ"),
               "procedure_code": _l("Mã thủ tục"), "answered_on": _l("Ngày trả lời"),
               "document": _l("Văn bản trả lời")}


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"FEEDBACK_CHANNELS": CHANNEL_NAMES, "masked": identity.masked,
            "STATE_NAMES": STATE_NAMES, "shown_changes": shown_changes}


def shown_changes(changes: dict[str, Any]) -> str:
    """A correction's changes as a reader says them, in the reader's language."""
    shown = []
    for name, value in changes.items():
        if name.endswith("_on"):
            text = date.fromisoformat(value).strftime("%d/%m/%Y")
        elif name == "channel":
            text = _(CHANNEL_NAMES.get(value, value))
        else:
            text = value or _("(không có)")
        shown.append(f"{FIELD_NAMES.get(name, name)}: {text}")
    return "; ".join(shown)


def _may(endpoint: str) -> bool:
    return current_user.is_authenticated and may(current_user.roles, endpoint)


# -- forms ---------------------------------------------------------------------

def _text(label: Any, message: Any, longest: int = 255) -> StringField:
    return StringField(label, validators=[DataRequired(message), Length(
        max=longest, message=_l("Quá dài (tối đa %(longest)s ký tự).", longest=longest))])


class AccountForm(LedgerForm):
    citizen_name = _text(_l("Họ và tên công dân"), _l("Hãy nhập họ và tên công dân."))
    # Checked by the command (``events.citizens.values.id_number``); never kept whole.
    id_number = StringField(_l("Số căn cước (12 chữ số)"),
                            validators=[DataRequired(_l("Hãy nhập số căn cước."))],
                            render_kw={"inputmode": "numeric", "autocomplete": "off",
                                       "maxlength": 20})
    opened_on = DateField(_l("Ngày mở tài khoản"),
                          validators=[InputRequired(_l("Hãy nhập ngày mở tài khoản."))])
    clerk = SelectField(_l("Công chức hỗ trợ"), validate_choice=False)

    @classmethod
    def fresh(cls) -> AccountForm:
        return cls(formdata=None, opened_on=today(), clerk=current_user.name).with_helpers()

    def with_helpers(self) -> AccountForm:
        with service().read() as conn:
            helpers = [a for a in queries.accounts(conn, [current_user.commune])
                       if not a.disabled and set(a.roles) & HELPING_ROLES]
        self.clerk.choices = [(a.name, f"{a.full_name} ({a.name})" if a.full_name else a.name)
                              for a in sorted(helpers, key=lambda a: a.name)]
        return self


class ReceiveFeedbackForm(LedgerForm):
    code = _text(_l("Số phản ánh"), _l("Hãy nhập số phản ánh."), 64)
    received_on = DateField(_l("Ngày tiếp nhận"),
                            validators=[InputRequired(_l("Hãy nhập ngày tiếp nhận."))])
    channel = SelectField(_l("Hình thức tiếp nhận"), validate_choice=True,
                          choices=[SelectChoice(c, _l(CHANNEL_NAMES[c])) for c in CHANNELS],
                          validators=[InputRequired(_l("Hãy chọn hình thức tiếp nhận."))])
    subject = TextAreaField(_l("Nội dung phản ánh, kiến nghị"), render_kw={"rows": 3},
                            validators=[DataRequired(_l("Hãy nhập nội dung phản ánh.")),
                                        Length(max=1000, message=_l(
                                            "Quá dài (tối đa %(longest)s ký tự).",
                                            longest=1000))])
    dossier_code = StringField(_l("Mã hồ sơ liên quan (nếu có)"))
    procedure_code = StringField(_l("Mã thủ tục liên quan (nếu có)"))
    working_days = IntegerField(_l("Thời hạn trả lời (ngày làm việc)"),
                                default=DEFAULT_ANSWER_DAYS,
                                validators=[InputRequired(_l("Hãy nhập thời hạn trả lời."))],
                                render_kw={"min": 1, "inputmode": "numeric"})

    @classmethod
    def fresh(cls) -> ReceiveFeedbackForm:
        day = today()
        with service().read() as conn:
            code = queries.suggested_feedback_code(conn, current_user.commune, day.year)
        return cls(formdata=None, code=code, received_on=day)


class AnswerForm(LedgerForm):
    answered_on = DateField(_l("Ngày trả lời"),
                            validators=[InputRequired(_l("Hãy nhập ngày trả lời."))])
    document = _text(_l("Số, ký hiệu văn bản trả lời"), _l("Hãy nhập số văn bản trả lời."),
                     64)


class CorrectForm(LedgerForm):
    """The receipt's or the answer's fields, as they stand; those changed are
    the correction."""
    received_on = DateField(_l("Ngày tiếp nhận"))
    channel = SelectField(_l("Hình thức tiếp nhận"),
                          choices=[SelectChoice(c, _l(CHANNEL_NAMES[c])) for c in CHANNELS])
    subject = TextAreaField(_l("Nội dung phản ánh, kiến nghị"), render_kw={"rows": 2})
    dossier_code = StringField(_l("Mã hồ sơ liên quan (nếu có)"))
    procedure_code = StringField(_l("Mã thủ tục liên quan (nếu có)"))
    answered_on = DateField(_l("Ngày trả lời"))
    document = StringField(_l("Số, ký hiệu văn bản trả lời"))
    reason = StringField(_l("Lý do sửa"), validators=[DataRequired(_l("Hãy nêu lý do sửa."))])

    def changes(self, feedback: Any) -> dict[str, Any]:
        changed = {}
        for name in (*RECEIPT_FIELDS, *ANSWER_FIELDS):
            value = self[name].data
            if name in ANSWER_FIELDS and feedback.answered_on is None:
                continue
            value = "" if value is None and name.endswith("_code") else value
            if value is None:
                continue
            if value != getattr(feedback, name):
                changed[name] = value.isoformat() if isinstance(value, date) else value
        if not changed:
            raise InvalidValue(_("Chưa có thông tin nào khác với thông tin đang có."))
        return changed


# -- accounts -------------------------------------------------------------------

@bp.get("/accounts")
def accounts():  # type: ignore[no-untyped-def]
    period, problem = _period()
    commune = selected_commune()
    after = queries.DayKey.parse(request.args.get("after", ""))
    before = None if after else queries.DayKey.parse(request.args.get("before", ""))
    with service().read() as conn:
        page = queries.account_page(conn, commune, period, after, before)
        total = queries.count_accounts(conn, commune, period)
        staff = queries.staff_names(conn, {a.clerk for a in page.rows})
    shown = {"page": page, "total": total, "period": period, "problem": problem,
             "criteria": _period_args(), "staff": staff}
    if wants_fragment():
        return render_template("citizens/_accounts.html", **shown)
    return render_template("citizens/accounts.html", **shown, **_account_form())


def _account_form(form: AccountForm | None = None) -> dict[str, Any]:
    if not _may("citizens.record_account"):
        return {"form": None}
    return {"form": form or AccountForm.fresh()}


ACCOUNT_HEADERS = ["Họ và tên", "Số căn cước (4 số cuối)", "Ngày mở tài khoản",
                   "Công chức hỗ trợ"]


@bp.get("/accounts/export.<any(xlsx, csv):kind>")
def export_accounts(kind: str):  # type: ignore[no-untyped-def]
    period, problem = _period()
    if problem:
        return render_template("error.html", status=400, message=problem), 400
    commune = selected_commune()

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for a in queries.every_account(conn, commune, period):
                yield [a.citizen_name, identity.masked(a.id_last_four), a.opened_on, a.clerk]

    stem = "tai-khoan-dvc-" + (_period_text() or today().isoformat())
    return exports.answer(kind, stem, "Tài khoản DVCQG", ACCOUNT_HEADERS, rows())


@bp.post("/accounts")
def record_account():  # type: ignore[no-untyped-def]
    form = AccountForm().with_helpers()
    if form.validate_on_submit():
        try:
            record(service().ledger.record_portal_account, current_user.commune,
                   form.citizen_name.data, form.id_number.data, form.opened_on.data,
                   form.clerk.data)
        except DomainError as error:
            attach(form, error)
        else:
            name = " ".join(form.citizen_name.data.split())
            if not wants_fragment():
                return redirect(url_for("citizens.accounts"), 303)
            return changed("citizens/_account_form.html", form=AccountForm.fresh(),
                           recorded=name)
    # The number typed is not sent back: the clerk types it again.
    form.id_number.data, form.id_number.raw_data = "", []
    return refused(FORM_PAGE, "citizens/_account_form.html", form=form)


# -- feedback --------------------------------------------------------------------

def _feedback_filter() -> tuple[queries.FeedbackFilter, str]:
    period, problem = _period()
    state = request.args.get("state", "")
    return queries.FeedbackFilter(state if state in queries.FEEDBACK_STATES else "",
                                  period), problem


def _feedback_criteria(wanted: queries.FeedbackFilter) -> dict[str, str]:
    return {k: v for k, v in {"state": wanted.state, **_period_args()}.items() if v}


@bp.get("/feedback")
def feedback():  # type: ignore[no-untyped-def]
    (wanted, problem), commune, day = _feedback_filter(), selected_commune(), today()
    after = queries.DayKey.parse(request.args.get("after", ""))
    before = None if after else queries.DayKey.parse(request.args.get("before", ""))
    with service().read() as conn:
        page = queries.feedback_page(conn, commune, wanted, day, after, before)
        total = queries.count_feedback(conn, commune, wanted, day)
    shown = {"page": page, "total": total, "wanted": wanted, "problem": problem,
             "criteria": _feedback_criteria(wanted), "today": day}
    if wants_fragment():
        return render_template("citizens/_feedback.html", **shown)
    form = ReceiveFeedbackForm.fresh() if _may("citizens.receive_feedback") else None
    return render_template("citizens/feedback.html", **shown, form=form)


FEEDBACK_HEADERS = ["Số phản ánh", "Ngày tiếp nhận", "Hình thức", "Nội dung", "Mã hồ sơ",
                    "Mã thủ tục", "Hạn trả lời", "Ngày trả lời", "Văn bản trả lời",
                    "Quá hạn"]


@bp.get("/feedback/export.<any(xlsx, csv):kind>")
def export_feedback(kind: str):  # type: ignore[no-untyped-def]
    (wanted, problem), commune, day = _feedback_filter(), selected_commune(), today()
    if problem:
        return render_template("error.html", status=400, message=problem), 400

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for f in queries.every_feedback(conn, commune, wanted, day):
                yield [f.code, f.received_on, CHANNEL_NAMES[f.channel], f.subject,
                       f.dossier_code, f.procedure_code, f.due_date, f.answered_on,
                       f.document, "có" if f.overdue(day) else ""]

    stem = "phan-anh-" + (_period_text() or day.isoformat())
    return exports.answer(kind, stem, "Phản ánh, kiến nghị", FEEDBACK_HEADERS, rows())


@bp.post("/feedback")
def receive_feedback():  # type: ignore[no-untyped-def]
    form = ReceiveFeedbackForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.receive_feedback, current_user.commune, form.code.data,
                   form.received_on.data, form.channel.data, form.subject.data,
                   form.dossier_code.data or "", form.procedure_code.data or "",
                   form.working_days.data)
        except DomainError as error:
            attach(form, error)
        else:
            code = form.code.data.strip()
            if not wants_fragment():
                return redirect(url_for("citizens.show_feedback", code=code), 303)
            return changed("citizens/_receive_form.html", form=ReceiveFeedbackForm.fresh(),
                           received=code)
    return refused(FORM_PAGE, "citizens/_receive_form.html", form=form)


@bp.get("/feedback/<code>")
def show_feedback(code: str):  # type: ignore[no-untyped-def]
    return render_template("citizens/show.html", **_feedback_page(code, current_user.communes))


@bp.post("/feedback/<code>/answer")
def answer_feedback(code: str):  # type: ignore[no-untyped-def]
    form = AnswerForm(prefix="answer")
    return _step(code, form, "answer_form", lambda: record(
        service().ledger.answer_feedback, current_user.commune, code, form.answered_on.data,
        form.document.data))


@bp.post("/feedback/<code>/correct")
def correct_feedback(code: str):  # type: ignore[no-untyped-def]
    form = CorrectForm(prefix="correct")

    def command() -> None:
        current = service().ledger.feedback(current_user.commune, code)
        record(service().ledger.correct_feedback, current_user.commune, code,
               form.reason.data, form.changes(current))
    return _step(code, form, "correct_form", command)


def _step(code: str, form: LedgerForm, name: str, command: Any) -> Any:
    """A step on feedback of the user's own commune: writes never reach
    another commune's, whatever the URL says."""
    page = _feedback_page(code, [current_user.commune])
    if form.validate_on_submit():
        try:
            command()
        except DomainError as error:
            attach(form, error)
        else:
            if not wants_fragment():
                return redirect(url_for("citizens.show_feedback", code=code), 303)
            return changed("citizens/_feedback_item.html",
                           **_feedback_page(code, [current_user.commune]))
    page[name] = form
    return refused(FORM_PAGE, "citizens/_feedback_item.html", **page)


def _feedback_page(code: str, communes: Any) -> dict[str, Any]:
    with service().read() as conn:
        found = queries.feedback_listing(conn, list(communes), code)
        if found is None:
            abort(404)
        commune, listing = found
        events = list(service().ledger.events.get(Feedback.id_for(commune, listing.code)))
        staff = queries.staff_names(conn, staff_mentioned(events))
    mine = commune == current_user.commune and _may("citizens.answer_feedback")
    data = {name: getattr(listing, name) for name in (*RECEIPT_FIELDS, *ANSWER_FIELDS)}
    return {"item": listing, "history": events, "staff": staff, "today": today(),
            "mine": mine,
            "answer_form": AnswerForm(prefix="answer", formdata=None, answered_on=today()),
            "correct_form": CorrectForm(prefix="correct", formdata=None, data=data)}


# -- the dashboard's panel -----------------------------------------------------------

@bp.app_template_global()
def citizen_counts(period: Any) -> dict[str, Any]:
    """The period's accounts opened and feedback counts, for the dashboard."""
    commune = selected_commune()
    with service().read() as conn:
        return {"accounts": queries.accounts_opened(conn, commune, period),
                "feedback": queries.feedback_counts(conn, commune, period, today())}


@bp.get("/counts")
def counts():  # type: ignore[no-untyped-def]
    """The dashboard's citizens panel, polled like its other counts: 304
    while no projection has moved."""
    from app.dashboard.views import _etag, _revalidated, chosen_period
    if not htmx or htmx.boosted:
        return redirect(url_for("dashboard.index", **request.args))
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    text, period, _error = chosen_period()
    tag = _etag(period, "citizens")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    body = render_template("citizens/_counts.html", period=period, period_text=text,
                           computed_at=now())
    return _revalidated(Response(body), tag)
