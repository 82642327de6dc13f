"""The one-stop counter: receive, resolve and return dossiers."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app import exports, service
from app.dossiers.steps import STEPS, Step, blank, offered, with_colleagues
from app.formatting import CHANNEL_NAMES, ONLINE_MODE_NAMES
from app.forms import LedgerForm, without_controls
from app.i18n import translated
from app.people.auth import record
from app.people.permissions import may
from app.people.scope import selected_commune
from app.printing.story import Reader
from app.web import attach, changed, now, refused, wants_fragment, zone
from events.base import EARLIEST_DAY, LATEST_DAY
from events.dossiers import CHANNELS, ONLINE_MODES, STATUS_NAMES, values
from events.errors import DomainError, InvalidValue
from events.people import staff_mentioned
from projections import queries
from projections.periods import BadPeriod, Period

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
FORM_PAGE = "dossiers/form_page.html"  # a form with errors, for a browser without htmx
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _required(message: LazyString) -> list:  # type: ignore[type-arg]
    return [DataRequired(message), Length(max=255, message=_l("Quá dài (tối đa 255 ký tự)."))]


class ReceiveForm(LedgerForm):
    code = StringField(_l("Mã hồ sơ"), validators=_required(_l("Hãy nhập mã hồ sơ.")))
    procedure_code = StringField(_l("Thủ tục (mã hoặc tên)"),
                                 validators=_required(
                                     _l("Hãy nhập mã hoặc tên thủ tục hành chính.")),
                                 render_kw={"list": "procedure-list", "autocomplete": "off"})
    applicant = StringField(_l("Người nộp"), validators=_required(_l("Hãy nhập tên người nộp.")))
    # Checked by the command (``events.dossiers.values``), like every value.
    phone = StringField(_l("Số điện thoại"), render_kw={"type": "tel", "autocomplete": "off"})
    address = StringField(_l("Địa chỉ"), render_kw={"autocomplete": "off"})
    papers = TextAreaField(
        _l("Giấy tờ đã nhận (mỗi dòng một giấy tờ: tên; hình thức; số bản)"),
        render_kw={"rows": 3, "placeholder": "Tờ khai đăng ký khai sinh; bản chính; 1\n"
                                             "Giấy chứng sinh; bản sao; 1"})
    channel = SelectField(_l("Kênh tiếp nhận"),
                          choices=[SelectChoice(c, _l(CHANNEL_NAMES[c])) for c in CHANNELS],
                          validators=[InputRequired(_l("Hãy chọn kênh tiếp nhận."))],
                          validate_choice=True)
    online_mode = SelectField(_l("Mức độ trực tuyến"),
                              choices=[SelectChoice(m, _l(ONLINE_MODE_NAMES[m]))
                                       for m in ONLINE_MODES])
    received_at = DateTimeLocalField(_l("Thời điểm tiếp nhận"), format=DATETIME_FORMATS,
                                     validators=[
                                         InputRequired(_l("Hãy nhập thời điểm tiếp nhận."))])
    due_date = DateField(_l("Hạn trả kết quả (để trống: tính theo thủ tục)"),
                         validators=[Optional()])

    def procedure_options(self) -> list[tuple[str, str]]:
        """The procedures in force, (code, name), for the field's list: typing
        part of a code or a name offers the matches."""
        with service().read() as conn:
            return [(p.code, p.name) for p in queries.procedures(conn, current_user.commune)]

    @classmethod
    def fresh(cls, focus: bool = True) -> ReceiveForm:
        """An empty receipt for now, with the next code in the national
        form already filled in (the clerk may type another); the cursor in
        its first field, unless the page puts it elsewhere."""
        moment = now().replace(second=0, microsecond=0)
        with service().read() as conn:
            code = queries.suggested_dossier_code(conn, current_user.commune, moment.date())
        form = cls(formdata=None, code=code, received_at=moment.replace(tzinfo=None))
        return form.focused() if focus else form

    def focused(self) -> ReceiveForm:
        """The cursor where the clerk types next: the first field in error
        (``autofocus``: the page scrolls to it), else the first field
        (``data-autofocus``, which static/focus.js honours without
        scrolling, so that a page opens at its top)."""
        in_error = next((f for f in self if f.errors), None)
        target = in_error or self.code
        mark = "autofocus" if in_error else "data-autofocus"
        target.render_kw = {**(target.render_kw or {}), mark: True}
        return self


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=zone())


@bp.get("")
def index():  # type: ignore[no-untyped-def]
    """The list, a page at a time in the order chosen (newest first unless
    a column's header was clicked): "after" and "before" carry the place of
    the last (or first) row shown, not a page number."""
    commune, (wanted, problem), today = selected_commune(), _filter(), now().date()
    order = _order()
    after = queries.ListKey.parse(request.args.get("after", ""), order.by)
    before = None if after else queries.ListKey.parse(request.args.get("before", ""), order.by)
    with service().read() as conn:
        page = queries.dossier_page(conn, commune, wanted, today, after, before, order=order)
        total = _counted(conn, commune, wanted, today)
        fields = [] if wants_fragment() else queries.known_fields(conn, commune)
    template = "dossiers/_list.html" if wants_fragment() else "dossiers/index.html"
    return render_template(template, page=page, rows=page.rows, total=total, wanted=wanted,
                           fields=fields, q=wanted.search, statuses=STATUS_NAMES,
                           criteria=_criteria(wanted, order), order=order, problem=problem,
                           unsorted=_criteria(wanted, queries.NEWEST_FIRST),
                           SORTS=queries.SORTS, order_text=ORDER_TEXTS[order.by, order.descending])


EXPORT_HEADERS = ["Mã hồ sơ", "Mã thủ tục", "Thủ tục", "Người nộp", "Kênh", "Tiếp nhận",
                  "Hạn trả", "Có kết quả", "Trả kết quả", "Trạng thái"]


@bp.get("/export.<any(xlsx, csv):kind>")
def export(kind: str):  # type: ignore[no-untyped-def]
    """Every dossier the list shows for the same criteria, in its order."""
    commune, (wanted, problem), today = selected_commune(), _filter(), now().date()
    if problem:
        return render_template("error.html", status=400, message=problem), 400
    order = _order()
    with service().read() as conn:
        names = {code: p.name for code, p in queries.catalogue(conn, commune).items()}

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for d in queries.every_dossier(conn, commune, wanted, today, order):
                yield [d.code, d.procedure_code, names.get(d.procedure_code, ""), d.applicant,
                       CHANNEL_NAMES[d.channel], d.received_at, d.due_date, d.resolved_on,
                       d.returned_on, STATUS_NAMES[d.status]]

    stem = "ho-so-" + (_period_text() or today.isoformat())
    return exports.answer(kind, stem, "Hồ sơ", EXPORT_HEADERS, rows())


ORDER_TEXTS = {("received", True): _l("mới nhất trước"),
               ("received", False): _l("cũ nhất trước"),
               ("code", False): _l("theo mã hồ sơ từ A đến Z"),
               ("code", True): _l("theo mã hồ sơ từ Z đến A"),
               ("due", False): _l("hạn trả sớm nhất trước"),
               ("due", True): _l("hạn trả muộn nhất trước"),
               ("applicant", False): _l("theo tên người nộp từ A đến Z"),
               ("applicant", True): _l("theo tên người nộp từ Z đến A")}


def _order() -> queries.ListSort:
    """The sort from the query string: a known column, each way; else the
    newest receipt first."""
    by = request.args.get("sort", "")
    if by not in queries.SORTS:
        return queries.NEWEST_FIRST
    way = request.args.get("order", "")
    descending = way == "desc" if way in ("asc", "desc") else queries.SORTS[by]
    return queries.ListSort(by, descending)


_COUNTS: OrderedDict[tuple[object, ...], int] = OrderedDict()
COUNTS_KEPT = 256


def _counted(conn, commune: str, wanted: queries.DossierFilter, today) -> int:  # type: ignore[no-untyped-def]
    """The number of dossiers a filter matches, counted once while no
    projection moves (the engine's token says when one has) and kept for the
    pages after the first and for the next user with the same filter."""
    key = (service().engine.token(conn), commune, wanted, today)
    found = _COUNTS.get(key)
    if found is None:
        found = _COUNTS[key] = queries.count_dossiers(conn, commune, wanted, today)
        while len(_COUNTS) > COUNTS_KEPT:
            _COUNTS.popitem(last=False)
    return found


def _criteria(wanted: queries.DossierFilter, order: queries.ListSort) -> dict[str, str]:
    """The filter and the order as the query string gives them, for the
    pages', the headers' and the exports' links."""
    out = {"q": wanted.search, "status": wanted.status, "channel": wanted.channel,
           "field": wanted.field, "overdue": "1" if wanted.overdue else "",
           "due": "week" if wanted.due_by else "", **_period_args()}
    if order != queries.NEWEST_FIRST:
        out |= {"sort": order.by, "order": "desc" if order.descending else "asc"}
    return {key: value for key, value in out.items() if value}


def _filter() -> tuple[queries.DossierFilter, str]:
    """The list's criteria from the query string, and what was wrong with
    them: unknown values are ignored, a period that cannot be read is said."""
    args, today = request.args, now().date()
    week_end = today + timedelta(days=6 - today.weekday())
    received_in, problem = _period()
    return queries.DossierFilter(
        search=without_controls(args.get("q", ""))[:100],
        status=args.get("status", "") if args.get("status") in STATUS_NAMES else "",
        channel=args.get("channel", "") if args.get("channel") in CHANNELS else "",
        field=without_controls(args.get("field", ""))[:255],
        overdue=args.get("overdue") == "1",
        due_by=week_end if args.get("due") == "week" else None,
        received_in=received_in), problem


def _period_args() -> dict[str, str]:
    """The period's fields as they were typed (trimmed), those not empty."""
    args = request.args
    return {name: without_controls(args.get(name, "")).strip()[:40]
            for name in ("period", "from", "to") if args.get(name, "").strip()}


def _period_text() -> str:
    """The period as a file name says it: ``2023-06``, ``2023-01-01..2023-03-31``."""
    given = _period_args()
    if "period" in given:
        return given["period"]
    if "from" in given or "to" in given:
        return f"{given.get('from', '')}..{given.get('to', '')}"
    return ""


def _period() -> tuple[Period | None, str]:
    """Received in a period (``2023-06``, ``2023-Q2``… as ``Period`` reads
    them) or between two days, either left open; or why it cannot be read."""
    given = _period_args()
    try:
        if "period" in given:
            return Period.parse(given["period"]), ""
        if "from" not in given and "to" not in given:
            return None, ""
        start, end = _day(given, "from", EARLIEST_DAY), _day(given, "to", LATEST_DAY)
    except BadPeriod as error:  # its message may come from the domain, in Vietnamese
        return None, translated(error.args[0]) if error.args else str(error)
    if start > end:
        return None, _("Ngày bắt đầu của kỳ phải trước hoặc trùng ngày kết thúc.")
    return Period(start, end), ""


def _day(given: dict[str, str], name: str, default: date) -> date:
    if name not in given:
        return default
    try:
        day = date.fromisoformat(given[name])
    except ValueError:
        raise BadPeriod(_("Ngày «%(day)s» không hợp lệ (ví dụ: 2023-06-30).",
                          day=given[name])) from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadPeriod(_("Ngày phải trong khoảng năm %(first)s–%(last)s.",
                          first=EARLIEST_DAY.year, last=LATEST_DAY.year))
    return day


@bp.post("")
def receive():  # type: ignore[no-untyped-def]
    form = ReceiveForm()
    if form.validate_on_submit():
        try:
            with service().read() as conn:
                procedure = queries.procedure_code_as_listed(conn, current_user.commune,
                                                             form.procedure_code.data)
            record(service().ledger.receive_dossier, current_user.commune, form.code.data,
                   procedure, form.applicant.data, form.channel.data,
                   form.online_mode.data, _aware(form.received_at.data), form.due_date.data,
                   phone=form.phone.data or "", address=form.address.data or "",
                   papers=values.papers_from_text(form.papers.data or ""))
        except DomainError as error:
            attach(form, _named(error, form.procedure_code.data))
        else:
            code = form.code.data.strip()
            return _done(code, "dossiers/_receive_form.html",
                            form=ReceiveForm.fresh(focus=False), received=code)
    return refused(FORM_PAGE, "dossiers/_receive_form.html", form=form.focused())


CODE_LIKE = re.compile(r"[0-9A-Za-z._-]+")


def _named(error: DomainError, typed: str) -> DomainError:
    """A procedure typed by a name that several procedures hold: say so,
    rather than that no procedure has that code."""
    if error.field != "procedure_code":
        return error
    with service().read() as conn:
        several = queries.procedures_named(conn, current_user.commune, typed)
    if not several and not CODE_LIKE.fullmatch(typed.strip()):
        return InvalidValue(_("Không có thủ tục nào có mã hoặc tên «%(typed)s» trong danh mục: "
                              "hãy chọn một thủ tục trong danh sách.", typed=typed.strip()),
                            "procedure_code")
    if len(several) < 2:
        return error
    shown = "; ".join(f"{p.code} {p.name}" for p in several[:3])
    more = "…" if len(several) > 3 else ""
    return InvalidValue(_("Có %(count)s thủ tục có tên khớp «%(typed)s» (%(shown)s): hãy chọn "
                          "một trong danh sách hoặc nhập mã.", count=len(several),
                          typed=typed.strip(), shown=shown + more), "procedure_code")


@bp.get("/<path:code>")
def show(code: str):  # type: ignore[no-untyped-def]
    return render_template("dossiers/show.html",
                           **_dossier_page(code, current_user.communes))


def _take_step(code: str, step: Step) -> Response:
    """Record one step on a dossier of the user's own commune: writes never
    reach another commune's dossier, whatever the URL says."""
    page = _dossier_page(code, [current_user.commune])
    form = with_colleagues(step.form(prefix=step.name), page["colleagues"])
    if form.validate_on_submit():
        moment = form.occurred_at.data if "occurred_at" in form else None
        at = _aware(moment) if moment else now()
        try:
            record(step.command, service().ledger, current_user.commune, code, form, at)
        except DomainError as error:
            attach(form, error)
        else:
            return _done(code, "dossiers/_dossier.html",
                            **_dossier_page(code, [current_user.commune]))
    if step in page["steps"]:
        page["forms"][step.name] = form
        page["open_step"] = step.name
    else:  # not offered in this state: say why above the page, not in a hidden form
        page["message"] = " ".join(form.form_errors) or _(
            "Không thể «%(step)s» với hồ sơ ở trạng thái này.", step=step.label)
    return refused(FORM_PAGE, "dossiers/_dossier.html", **page)


def _step_view(step: Step):  # type: ignore[no-untyped-def]
    def view(code: str):  # type: ignore[no-untyped-def]
        return _take_step(code, step)
    return view


for _step in STEPS:
    bp.add_url_rule(f"/<path:code>/{_step.name.replace('_', '-')}", endpoint=_step.name,
                    view_func=_step_view(_step), methods=["POST"])


def _dossier_page(code: str, communes) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The dossier with this code in one of these communes, else 404: another
    commune's dossier is not found, whatever the URL says."""
    ledger = service().ledger
    with service().read() as conn:
        commune = queries.dossier_commune(conn, list(communes), code)
        if commune is None:
            abort(404)
        dossier = ledger.dossier(commune, code)
        history = list(ledger.events.get(dossier.id))
        staff = queries.staff_names(conn, staff_mentioned(history) | {dossier.holder})
        colleagues = queries.colleagues(conn, commune)
        procedure = queries.procedure(conn, commune, dossier.procedure_code)
    moment = now().replace(second=0, microsecond=0, tzinfo=None)  # as a form shows it
    mine = dossier.commune == current_user.commune
    steps = [s for s in STEPS if mine and offered(s, dossier)
             and may(current_user.roles, f"dossiers.{s.name}")]
    return {"dossier": dossier, "history": history, "staff": staff,
            "today": moment.date(), "steps": steps, "open_step": None, "message": None,
            "forms": {s.name: with_colleagues(blank(s, moment), colleagues) for s in steps},
            "colleagues": colleagues, "procedure": procedure,
            # The circular's slips this dossier's facts call for.
            "slips": Reader(history, zone(), moment.date()).read().slips,
            "clock": dossier.clock(moment.date(), ledger.work_calendar(dossier.commune),
                                   zone())}


def _done(code: str, template: str, **context) -> Response:  # type: ignore[no-untyped-def]
    """A command succeeded: answer with the fragment and tell the page's live
    counts to refresh; a plain browser is sent to the dossier's page."""
    if not wants_fragment():
        return redirect(url_for("dossiers.show", code=code), 303)  # type: ignore[return-value]
    return changed(template, **context)
