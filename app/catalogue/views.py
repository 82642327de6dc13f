"""The procedure catalogue: list, amend and abolish procedures, their QR
codes, and the printable wall board of QR codes by field."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, URLField
from wtforms.validators import DataRequired, InputRequired

from app import exports, service
from app.catalogue.qr import qr_code, qr_inline
from app.formatting import number
from app.forms import LedgerForm, without_controls
from app.paging import numbered_page, page_number
from app.people.auth import record
from app.web import attach, changed, now, refused, wants_fragment
from events.catalogue import AUTHORITIES, TERMS, Procedure
from events.errors import DomainError
from events.people import staff_mentioned
from events.texts import N_
from projections import queries

bp = Blueprint("catalogue", __name__, url_prefix="/procedures")
FORM_PAGE = "catalogue/form_page.html"  # a form with errors, for a browser without htmx
# In Vietnamese as the files exported keep them; the pages translate them.
AUTHORITY_NAMES = {"xa": N_("UBND xã"), "quan_su": N_("Ban Chỉ huy Quân sự xã"),
                   "cong_an": N_("Công an xã")}
TERM_NAMES = {"name": N_("Tên"), "field": N_("Lĩnh vực"),
              "authority": N_("Cơ quan giải quyết"), "inter_agency": N_("Liên thông"),
              "working_days": N_("Thời hạn giải quyết"), "fee": N_("Lệ phí"),
              "online_address": N_("Địa chỉ trực tuyến")}
EVENT_NAMES = {"Listed": N_("Đưa vào danh mục"), "Amended": N_("Sửa đổi"),
               "Abolished": N_("Bãi bỏ")}


class TermsForm(LedgerForm):
    name = StringField(_l("Tên thủ tục"), validators=[DataRequired(_l("Hãy nhập tên thủ tục."))])
    field = StringField(_l("Lĩnh vực"), validators=[DataRequired(_l("Hãy nhập lĩnh vực."))],
                        render_kw={"list": "known-fields", "autocomplete": "off"})
    authority = SelectField(_l("Cơ quan giải quyết"), validate_choice=True,
                            choices=[SelectChoice(a, _l(AUTHORITY_NAMES[a])) for a in AUTHORITIES],
                            validators=[InputRequired(_l("Hãy chọn cơ quan giải quyết."))])
    inter_agency = BooleanField(_l("Thủ tục liên thông"))
    working_days = IntegerField(_l("Thời hạn giải quyết (ngày làm việc)"),
                                validators=[InputRequired(_l("Hãy nhập thời hạn giải quyết."))],
                                render_kw={"min": 0, "inputmode": "numeric"})
    fee = IntegerField(_l("Lệ phí (đồng)"), default=0,
                       validators=[InputRequired(_l("Hãy nhập lệ phí (0 nếu không thu)."))],
                       render_kw={"min": 0, "inputmode": "numeric"})
    online_address = URLField(_l("Địa chỉ dịch vụ công trực tuyến (để trống nếu không có)"),
                              render_kw={"placeholder": "https://…"})

    def terms(self) -> list[Any]:
        return [self.name.data, self.field.data, self.authority.data, self.inter_agency.data,
                self.working_days.data, self.fee.data, self.online_address.data or ""]


class ListForm(TermsForm):
    code = StringField(_l("Mã thủ tục"), validators=[DataRequired(_l("Hãy nhập mã thủ tục."))],
                       render_kw={"placeholder": "1.000894"})


class AbolishForm(LedgerForm):
    reason = StringField(_l("Lý do bãi bỏ (số, ngày văn bản bãi bỏ…)"),
                         validators=[DataRequired(_l("Hãy nêu lý do bãi bỏ."))])


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"AUTHORITY_NAMES": AUTHORITY_NAMES, "can_manage": _may_manage()}


def _may_manage() -> bool:
    """Show the forms only to those whose posts would be let through."""
    from app.people.permissions import may
    return current_user.is_authenticated and may(current_user.roles, "catalogue.list_procedure")


# -- the list ------------------------------------------------------------------

@bp.get("")
def index():  # type: ignore[no-untyped-def]
    """The procedures in force by field, a page at a time, with their number."""
    search = without_controls(request.args.get("q", ""))[:100]
    with service().read() as conn:
        listed = queries.procedures(conn, current_user.commune, search)
        page = numbered_page(listed, page_number(request.args.get("page")))
        shown = {"groups": [(f, list(g)) for f, g in groupby(page.items, key=lambda p: p.field)],
                 "q": search, "page": page, "criteria": {"q": search} if search else {}}
        if wants_fragment():
            return render_template("catalogue/_list.html", **shown)
        return render_template("catalogue/index.html", **shown,
                               counts=queries.procedure_counts(conn, current_user.commune),
                               **_list_form(ListForm(formdata=None), conn))


EXPORT_HEADERS = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết", "Liên thông",
                  "Thời hạn giải quyết (ngày làm việc)", "Lệ phí (đồng)",
                  "Địa chỉ dịch vụ công trực tuyến"]


@bp.get("/export.<any(xlsx, csv):kind>")
def export(kind: str):  # type: ignore[no-untyped-def]
    """Every procedure the list shows for the same search, in its order."""
    search = without_controls(request.args.get("q", ""))[:100]
    with service().read() as conn:
        listed = queries.procedures(conn, current_user.commune, search)
    rows = ([p.code, p.name, p.field, AUTHORITY_NAMES[p.authority], p.inter_agency,
             p.working_days, p.fee, p.online_address] for p in listed)
    stem = f"thu-tuc-{now().date().isoformat()}"
    return exports.answer(kind, stem, "Danh mục thủ tục", EXPORT_HEADERS, rows)


@bp.get("/counts")
def counts():  # type: ignore[no-untyped-def]
    with service().read() as conn:
        figures = queries.procedure_counts(conn, current_user.commune)
    return render_template("catalogue/_counts.html", counts=figures)


@bp.post("")
def list_procedure():  # type: ignore[no-untyped-def]
    form = ListForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.list_procedure, current_user.commune, form.code.data,
                   *form.terms())
        except DomainError as error:
            attach(form, error)
        else:
            code = form.code.data.strip()
            if not wants_fragment():
                return redirect(url_for("catalogue.show", code=code), 303)
            with service().read() as conn:
                context = _list_form(ListForm(formdata=None), conn)
            return changed("catalogue/_list_form.html", listed=code, **context)
    with service().read() as conn:
        return refused(FORM_PAGE, "catalogue/_list_form.html", **_list_form(form, conn))


def _list_form(form: ListForm, conn: Any) -> dict[str, Any]:
    return {"form": form, "fields": queries.known_fields(conn, current_user.commune)}


# -- one procedure ---------------------------------------------------------------

@bp.get("/<code>")
def show(code: str):  # type: ignore[no-untyped-def]
    return render_template("catalogue/show.html", **_procedure_page(code))


@bp.post("/<code>/amend")
def amend(code: str):  # type: ignore[no-untyped-def]
    form = TermsForm(prefix="amend")
    return _step(code, form, "amend_form", lambda: record(
        service().ledger.amend_procedure, current_user.commune, code, *form.terms()))


@bp.post("/<code>/abolish")
def abolish(code: str):  # type: ignore[no-untyped-def]
    form = AbolishForm(prefix="abolish")
    return _step(code, form, "abolish_form", lambda: record(
        service().ledger.abolish_procedure, current_user.commune, code, form.reason.data))


def _step(code: str, form: LedgerForm, name: str, command: Callable[[], None]) -> Any:
    page = _procedure_page(code)
    if form.validate_on_submit():
        try:
            command()
        except DomainError as error:
            attach(form, error)
        else:
            if not wants_fragment():
                return redirect(url_for("catalogue.show", code=code), 303)
            return changed("catalogue/_procedure.html", **_procedure_page(code))
    page[name] = form
    return refused(FORM_PAGE, "catalogue/_procedure.html", **page)


def _procedure_page(code: str) -> dict[str, Any]:
    with service().read() as conn:
        found = queries.procedure(conn, current_user.commune, code)
        fields = queries.known_fields(conn, current_user.commune)
    if found is None:
        abort(404)
    events = list(service().ledger.events.get(Procedure.id_for(current_user.commune,
                                                               found.code)))
    with service().read() as conn:
        staff = queries.staff_names(conn, staff_mentioned(events))
    return {"procedure": found, "history": history(events, staff), "fields": fields,
            "amend_form": TermsForm(prefix="amend", formdata=None, data=found.terms),
            "abolish_form": AbolishForm(prefix="abolish", formdata=None)}


@dataclass(frozen=True)
class Entry:
    """One line of a procedure's history, with what it changed."""

    label: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    changes: list[str]


def history(events: Iterable[Any], staff: Mapping[str, str]) -> list[Entry]:
    """The procedure's events as lines of its history, in the user's
    language, each actor by the name ``staff`` gives them."""
    entries, before = [], {}
    for event in events:
        kind = type(event).__name__
        now = {t: getattr(event, t) for t in TERMS if hasattr(event, t)}
        changes = [f"{_(TERM_NAMES[t])}: {show_term(t, v)}" for t, v in now.items()
                   if before.get(t) != v]
        if kind == "Abolished":
            changes = [_("Lý do: %(reason)s", reason=event.reason)]
        before |= now
        entries.append(Entry(_(EVENT_NAMES[kind]) if kind in EVENT_NAMES else kind, staff.get(event.actor, event.actor),
                             event.occurred_at,
                             event.recorded_at, changes))
    return entries


def show_term(term: str, value: Any) -> str:
    """A term's value as the history shows it, in the user's language."""
    if term == "authority":
        return _(AUTHORITY_NAMES[value]) if value in AUTHORITY_NAMES else str(value)
    if term == "inter_agency":
        return _("có") if value else _("không")
    if term == "working_days":
        return _("%(days)s ngày làm việc", days=value)
    if term == "fee":
        return _("%(amount)s đồng", amount=number(value))
    if term == "online_address":
        return value or _("(không có)")
    return str(value)


@bp.get("/<code>/qr.svg")
def qr(code: str):  # type: ignore[no-untyped-def]
    with service().read() as conn:
        found = queries.procedure(conn, current_user.commune, code)
    if found is None or found.abolished or not found.online_address:
        abort(404)
    out = io.BytesIO()
    qr_code(found.online_address).save(out, kind="svg", scale=8, light="#fff",
                                       title=f"{found.code} {found.name}")
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.set_etag(hashlib.sha256(out.getvalue()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


@bp.get("/board")
def board():  # type: ignore[no-untyped-def]
    with service().read() as conn:
        groups = queries.procedures_by_field(conn, current_user.commune, with_qr=True)
        commune = queries.commune_name(conn, current_user.commune) or current_user.commune
    sheets = [(field, [(p, qr_inline(p.online_address, f"Mã QR thủ tục {p.code}"))
                       for p in items])
              for field, items in groups]
    return render_template("catalogue/board.html", sheets=sheets, commune=commune)


# -- answers --------------------------------------------------------------------
