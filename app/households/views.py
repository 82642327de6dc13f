"""The households in at-source waste sorting: the per-village table for a
period (kept live as the dashboard's panels are), the household list with
its search, a household's page with its timeline and a form per step, a
village's monitoring group and its bulk enrolments and rounds of checks,
the supplies with their stock, and the villages and items an admin keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from app import exports, htmx, service
from app.dashboard.views import _etag, _revalidated, chosen_period
from app.forms import LedgerForm, without_controls
from app.households import forms as f
from app.i18n import translated
from app.people.auth import record
from app.people.permissions import P
from app.people.scope import selected_commune
from app.service import REQUEST_CATCH_UP_SECONDS
from app.web import attach, changed, now, refused, today, wants_fragment
from events.base import EARLIEST_DAY
from events.errors import DomainError
from events.households import STATUS_NAMES, lifecycle
from events.households.aggregate import group_size_warning
from events.households.corrections import DAYS
from events.texts import N_
from projections import household_queries as hq
from projections import queries
from projections.periods import Period

bp = Blueprint("households", __name__, url_prefix="/households")
FORM_PAGE = "dossiers/form_page.html"  # a form with errors, for a browser without htmx
EVENT_NAMES = {"Registered": N_("Đăng ký"), "Enrolled": N_("Tham gia phân loại"),
               "Stopped": N_("Dừng phân loại"), "Checked": N_("Kiểm tra"),
               "Moved": N_("Chuyển thôn"), "Corrected": N_("Sửa sự kiện đã ghi")}


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"HOUSEHOLD_STATUS": STATUS_NAMES, "HOUSEHOLD_EVENTS": EVENT_NAMES,
            "group_size_warning": group_size_warning}


def _villages(commune: str | None = None) -> dict[str, hq.Village]:
    with service().read() as conn:
        return hq.current_villages(conn, commune or selected_commune())


def _village_choices(form_field: Any, blank: Any = None) -> None:
    choices = [SelectChoice(code, v.name) for code, v in _villages(current_user.commune).items()]
    form_field.choices = ([SelectChoice("", blank)] if blank is not None else []) + choices


# -- the per-village table and the list ---------------------------------------------

@bp.get("")
def index():  # type: ignore[no-untyped-def]
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    commune, wanted = selected_commune(), _filter()
    text, period, error = chosen_period()
    after = without_controls(request.args.get("after", ""))[:64]
    with service().read() as conn:
        page = hq.household_page(conn, commune, wanted, after)
        total = hq.household_count(conn, commune, wanted)
        figures = hq.household_figures(conn, commune, period)
        groups = hq.monitoring_groups(conn, commune)
        villages = hq.villages(conn, commune)
    context = {"page": page, "rows": page.rows, "total": total, "wanted": wanted,
               "criteria": _criteria(), "villages": villages, "figures": figures,
               "groups": groups, "period": period, "period_text": text,
               "period_error": error, "commune": commune, "computed_at": now()}
    if wants_fragment():
        return render_template("households/_list.html", **context)
    return render_template("households/index.html", **context)


@bp.get("/figures")
def figures():  # type: ignore[no-untyped-def]
    """The per-village table, polled: ``304 Not Modified`` while nothing
    moved (the dashboard's ETag), refreshed at once after a command."""
    if not htmx or htmx.boosted:
        return index()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    text, period, _error = chosen_period()
    tag = _etag(period, "households")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    commune = selected_commune()
    with service().read() as conn:
        body = render_template("households/_figures.html", period=period, period_text=text,
                               figures=hq.household_figures(conn, commune, period),
                               groups=hq.monitoring_groups(conn, commune), commune=commune,
                               computed_at=now())
    return _revalidated(Response(body), tag)


def _filter() -> hq.HouseholdFilter:
    """The list's criteria from the query string; unknown values are ignored."""
    args = request.args
    return hq.HouseholdFilter(
        village=without_controls(args.get("village", "")).strip()[:64],
        status=args.get("status", "") if args.get("status") in STATUS_NAMES else "",
        search=without_controls(args.get("q", ""))[:100])


def _criteria() -> dict[str, str]:
    args = request.args
    out = {name: without_controls(args.get(name, "")).strip()[:64]
           for name in ("q", "village", "status", "period", "commune")}
    return {key: value for key, value in out.items() if value}


EXPORT_HEADERS = ["Mã hộ", "Thôn", "Chủ hộ", "Địa chỉ", "Ngày đăng ký", "Trạng thái",
                  "Ngày tham gia", "Ngày dừng", "Số lần kiểm tra", "Không đạt",
                  "Kiểm tra gần nhất"]


@bp.get("/export.<any(xlsx, csv):kind>")
def export(kind: str):  # type: ignore[no-untyped-def]
    """Every household the list shows for the same criteria, by code."""
    commune, wanted = selected_commune(), _filter()
    villages = _villages(commune)

    def rows() -> Iterator[list[object]]:
        with service().read() as conn:
            for h in hq.every_household(conn, commune, wanted):
                where = villages.get(h["village"])
                yield [h["code"], where.name if where else h["village"], h["head"],
                       h["address"], h["registered_on"], translated(STATUS_NAMES[h["status"]]),
                       h["enrolled_on"], h["stopped_on"], h["checks"], h["non_compliant"],
                       h["last_check_on"]]
    return exports.answer(kind, "ho-phan-loai-rac-" + today().isoformat(),
                          "Hộ phân loại rác", EXPORT_HEADERS, rows())


# -- registering one ------------------------------------------------------------------

def _register_form(formdata: Any = "request") -> f.RegisterForm:
    form = f.RegisterForm() if formdata == "request" else f.RegisterForm(
        formdata=None, registered_on=today())
    _village_choices(form.village)
    return form


@bp.get("/new")
def new():  # type: ignore[no-untyped-def]
    template = "households/_register_form.html" if wants_fragment() else "households/new.html"
    return render_template(template, form=_register_form(None))


@bp.post("")
def register():  # type: ignore[no-untyped-def]
    form = _register_form()
    if form.validate_on_submit():
        try:
            record(service().ledger.register_household, current_user.commune,
                   form.code.data.strip(), form.village.data, form.head.data,
                   form.address.data or "", form.registered_on.data)
        except DomainError as error:
            attach(form, error)
        else:
            code = form.code.data.strip()
            if not wants_fragment():
                return redirect(url_for("households.show", household=code), 303)
            return changed("households/_register_form.html", form=_register_form(None),
                           registered=code)
    return refused(FORM_PAGE, "households/_register_form.html", form=form)


# -- one household --------------------------------------------------------------------

class Step:
    def __init__(self, name: str, label: Any, form: type[LedgerForm],
                 command: Callable[..., None], lifecycle_step: str | None = None) -> None:
        self.name, self.label, self.form, self.command = name, label, form, command
        self.lifecycle_step, self.confirm = lifecycle_step, None

    def open_to(self, status: str) -> bool:
        return self.lifecycle_step is None or \
            lifecycle.after(self.lifecycle_step, status) is not None


def _enrol(ledger: Any, commune: str, code: str, form: Any) -> None:
    ledger.enrol_household(commune, code, form.on.data)


def _stop(ledger: Any, commune: str, code: str, form: Any) -> None:
    ledger.stop_household(commune, code, form.on.data, form.reason.data)


def _check(ledger: Any, commune: str, code: str, form: Any) -> None:
    ledger.check_household(commune, code, form.on.data, form.compliant.data == "1",
                           form.note.data or "", form.checker.data)


def _move(ledger: Any, commune: str, code: str, form: Any) -> None:
    ledger.move_household(commune, code, form.on.data, form.village.data)


def _correct(ledger: Any, commune: str, code: str, form: Any) -> None:
    field, value = form.field.data, form.value.data.strip()
    if field in DAYS:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            form.value.errors.append(_("Ngày không hợp lệ (định dạng NNNN-TT-NN)."))
            raise _Invalid from None
    ledger.correct_household(commune, code, form.version.data, form.reason.data,
                             {field: value})


class _Invalid(Exception):
    """A value the form could read only at the step: its error is on the field."""


STEPS = (Step("enrol", _l("Tham gia phân loại"), f.EnrolForm, _enrol, lifecycle.ENROL),
         Step("stop", _l("Dừng phân loại"), f.StopForm, _stop, lifecycle.STOP),
         Step("check", _l("Ghi kết quả kiểm tra"), f.CheckForm, _check),
         Step("move", _l("Chuyển thôn"), f.MoveForm, _move),
         Step("correct", _l("Sửa sự kiện đã ghi"), f.CorrectForm, _correct))


def _step_form(step: Step, blank: bool) -> LedgerForm:
    form = step.form(formdata=None, prefix=step.name) if blank else step.form(prefix=step.name)
    if blank and "on" in form:
        form["on"].data = today()
    if blank and "checker" in form:
        form["checker"].data = current_user.full_name or current_user.name
    if "village" in form:
        _village_choices(form["village"])
    return form


@bp.get("/ho/<household>")
def show(household: str):  # type: ignore[no-untyped-def]
    return render_template("households/show.html", **_household_page(household))


def _household_page(code: str) -> dict[str, Any]:
    """The household with this code in the selected commune, else 404."""
    commune = selected_commune()
    with service().read() as conn:
        row = hq.household(conn, commune, code)
        if row is None:
            abort(404)
        history = list(service().ledger.events.get(service().ledger.household(
            commune, code).id))
        staff = queries.staff_names(conn, {e.actor for e in history})
        villages = hq.villages(conn, commune)
    mine = commune == current_user.commune and current_user.can(P.RECORD_HOUSEHOLDS)
    steps = [s for s in STEPS if mine and s.open_to(row["status"])]
    return {"row": row, "history": history, "staff": staff, "villages": villages,
            "commune": commune,
            "steps": steps, "open_step": None, "message": None,
            "forms": {s.name: _step_form(s, True) for s in steps}}


def _take_step(code: str, step: Step) -> Response:
    if selected_commune() != current_user.commune:
        abort(404)
    page = _household_page(code)
    form = _step_form(step, False)
    if form.validate_on_submit():
        try:
            record(step.command, service().ledger, current_user.commune, code, form)
        except DomainError as error:
            attach(form, error)
        except _Invalid:
            pass
        else:
            if not wants_fragment():
                return redirect(url_for("households.show", household=code), 303)  # type: ignore[return-value]
            return changed("households/_household.html", **_household_page(code))
    if step in page["steps"]:
        page["forms"][step.name] = form
        page["open_step"] = step.name
    else:
        refusal = lifecycle.REFUSALS.get(step.lifecycle_step or "")
        page["message"] = " ".join(form.form_errors) or (
            translated(refusal) if refusal else _("Không thể «%(step)s» với hộ này.",
                                                  step=step.label))
    return refused(FORM_PAGE, "households/_household.html", **page)  # type: ignore[return-value]


def _step_view(step: Step):  # type: ignore[no-untyped-def]
    def view(household: str):  # type: ignore[no-untyped-def]
        return _take_step(household, step)
    return view


for _step in STEPS:
    bp.add_url_rule(f"/ho/<household>/{_step.name}", endpoint=_step.name,
                    view_func=_step_view(_step), methods=["POST"])


# -- a village: its monitoring group, bulk enrolment, a round of checks -------------------

def _village_page(village: str, **forms: Any) -> dict[str, Any]:
    commune = selected_commune()
    with service().read() as conn:
        known = hq.villages(conn, commune)
        if village not in known or known[village].merged_into:
            abort(404)
        households = hq.households_in(conn, commune, village)
        group = hq.monitoring_groups(conn, commune).get(village)
    members = set(group["households"].split()) if group else set()
    only_group = bool(members) and request.args.get("to") == "group"
    shown = [h for h in households if h["code"] in members] if only_group else households
    group_form = forms.get("group_form") or f.GroupForm(
        formdata=None, prefix="group", responsible=group["responsible"] if group else "",
        households=sorted(members))
    enrol_form = forms.get("enrol_form") or f.EnrolManyForm(formdata=None, prefix="enrol",
                                                            on=today())
    check_form = forms.get("check_form") or f.CheckRoundForm(
        formdata=None, prefix="round", on=today(),
        checker=current_user.full_name or current_user.name)
    group_form.households.choices = [_labelled(h) for h in households]
    enrol_form.households.choices = [_labelled(h) for h in shown
                                     if lifecycle.after(lifecycle.ENROL, h["status"])]
    mine = commune == current_user.commune and current_user.can(P.RECORD_HOUSEHOLDS)
    return {"village": known[village], "households": shown, "group": group,
            "members": members, "only_group": only_group,
            "to": {"to": "group"} if only_group else {}, "group_form": group_form, "enrol_form": enrol_form,
            "check_form": check_form, "results": forms.get("results", {}),
            "result_errors": forms.get("result_errors", {}), "done": forms.get("done"),
            "may_record": mine}


def _labelled(household: Any) -> SelectChoice:
    return SelectChoice(household["code"], f"{household['code']} · {household['head']}")


@bp.get("/thon/<village>")
def village(village: str):  # type: ignore[no-untyped-def]
    return render_template("households/village.html", **_village_page(village))


def _own_village(village: str) -> None:
    if selected_commune() != current_user.commune:
        abort(404)
    _village_page(village)  # 404 unless it is one of the commune's current villages


def _village_done(village: str, done: str) -> Any:
    if not wants_fragment():
        return redirect(url_for("households.village", village=village,
                                **({"to": "group"} if request.args.get("to") == "group"
                                   else {})), 303)
    return changed("households/_village.html", **_village_page(village, done=done))


def _village_refused(village: str, **forms: Any) -> Any:
    return refused(FORM_PAGE, "households/_village.html", **_village_page(village, **forms))


@bp.post("/thon/<village>/group")
def set_group(village: str):  # type: ignore[no-untyped-def]
    _own_village(village)
    form = f.GroupForm(prefix="group")
    with service().read() as conn:
        form.households.choices = [SelectChoice(h["code"], h["code"]) for h in
                                   hq.households_in(conn, current_user.commune, village)]
    if form.validate_on_submit():
        try:
            record(service().ledger.set_monitoring_group, current_user.commune, village,
                   form.responsible.data, list(form.households.data or []))
        except DomainError as error:
            attach(form, error)
        else:
            return _village_done(village, _("Đã lưu tổ giám sát."))
    return _village_refused(village, group_form=form)


@bp.post("/thon/<village>/enrol")
def enrol_many(village: str):  # type: ignore[no-untyped-def]
    _own_village(village)
    form = f.EnrolManyForm(prefix="enrol")
    with service().read() as conn:
        form.households.choices = [SelectChoice(h["code"], h["code"]) for h in
                                   hq.households_in(conn, current_user.commune, village)]
    if form.validate_on_submit():
        chosen = list(form.households.data)
        try:
            record(service().ledger.enrol_households, current_user.commune, chosen,
                   form.on.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _village_done(village, ngettext(
                "Đã ghi %(num)s hộ tham gia phân loại.",
                "Đã ghi %(num)s hộ tham gia phân loại.", len(chosen)))
    return _village_refused(village, enrol_form=form)


@bp.post("/thon/<village>/check")
def check_many(village: str):  # type: ignore[no-untyped-def]
    """A round of checks: each household given a result is checked (one
    event each); a note without a result is refused at its row."""
    _own_village(village)
    form = f.CheckRoundForm(prefix="round")
    with service().read() as conn:
        codes = [h["code"] for h in hq.households_in(conn, current_user.commune, village)]
    results, errors = _round(codes)
    valid = form.validate_on_submit()
    if valid and not errors and not results:
        form.form_errors.append(_("Hãy chọn kết quả cho ít nhất một hộ."))
    elif valid and not errors:
        try:
            record(service().ledger.check_households, current_user.commune,
                   [(code, ok, note) for code, (ok, note) in results.items()],
                   form.on.data, form.checker.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _village_done(village, ngettext(
                "Đã ghi kết quả kiểm tra của %(num)s hộ.",
                "Đã ghi kết quả kiểm tra của %(num)s hộ.", len(results)))
    typed = {code: (request.form.get(f"result-{code}", ""), request.form.get(f"note-{code}", ""))
             for code in codes}
    return _village_refused(village, check_form=form, results=typed, result_errors=errors)


def _round(codes: list[str]) -> tuple[dict[str, tuple[bool, str]], dict[str, str]]:
    """Each household's result ("1" compliant, "0" not, "" not checked) and
    note, and the rows' errors."""
    results: dict[str, tuple[bool, str]] = {}
    errors: dict[str, str] = {}
    for code in codes:
        result = request.form.get(f"result-{code}", "")
        note = request.form.get(f"note-{code}", "").strip()
        if result not in ("", "0", "1"):
            errors[code] = _("Hãy chọn đạt hoặc không đạt.")
        elif len(note) > 1000:
            errors[code] = _("Ghi chú quá dài (tối đa 1000 ký tự).")
        elif without_controls(note) != note:
            errors[code] = _("Không được chứa ký tự điều khiển.")
        elif note and not result:
            errors[code] = _("Có ghi chú thì hãy chọn đạt hoặc không đạt.")
        elif result:
            results[code] = (result == "1", note)
    return results, errors


# -- supplies -------------------------------------------------------------------------

def _supply_forms(receive: Any = None, issue: Any = None) -> tuple[Any, Any]:
    receive = receive or f.ReceiveForm(formdata=None, prefix="receive", on=today())
    issue = issue or f.IssueForm(formdata=None, prefix="issue", on=today())
    with service().read() as conn:
        items = hq.supply_items(conn, current_user.commune)
    for form in (receive, issue):
        form.item.choices = [SelectChoice(code, translated(name)) for code, (name, _unit) in items.items()]
    _village_choices(issue.village, _("— chọn thôn —"))
    return receive, issue


def _supplies_page(**context: Any) -> dict[str, Any]:
    commune = selected_commune()
    with service().read() as conn:
        stock = hq.supply_figures(conn, commune, Period(EARLIEST_DAY, today()))
        movements = hq.supply_movements(conn, commune)
        villages = hq.villages(conn, commune)
        items = hq.supply_items(conn, commune)
    receive, issue = _supply_forms(context.pop("receive_form", None),
                                   context.pop("issue_form", None))
    mine = commune == current_user.commune and current_user.can(P.RECORD_HOUSEHOLDS)
    return {"stock": stock, "movements": movements, "villages": villages, "items": items,
            "receive_form": receive, "issue_form": issue, "may_record": mine,
            "done": None, **context}


@bp.get("/supplies")
def supplies():  # type: ignore[no-untyped-def]
    return render_template("households/supplies.html", **_supplies_page())


def _supplies_answer(done: str) -> Any:
    if not wants_fragment():
        return redirect(url_for("households.supplies"), 303)
    return changed("households/_supplies.html", **_supplies_page(done=done))


@bp.post("/supplies/receive")
def receive():  # type: ignore[no-untyped-def]
    form, _issue = _supply_forms(f.ReceiveForm(prefix="receive"), None)
    if form.validate_on_submit():
        try:
            record(service().ledger.receive_supplies, current_user.commune, form.item.data,
                   form.quantity.data, form.supplier.data, form.document.data or "",
                   form.on.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _supplies_answer(_("Đã ghi nhận vật tư nhận về."))
    return refused(FORM_PAGE, "households/_supplies.html",
                   **_supplies_page(receive_form=form))


@bp.post("/supplies/issue")
def issue():  # type: ignore[no-untyped-def]
    _receive, form = _supply_forms(None, f.IssueForm(prefix="issue"))
    if form.validate_on_submit():
        try:
            record(service().ledger.issue_supplies, current_user.commune, form.item.data,
                   form.quantity.data, form.on.data, village=form.village.data or "",
                   household=(form.household.data or "").strip(),
                   receiver=form.receiver.data)
        except DomainError as error:
            # The household's code is this form's "household".
            attach(form, type(error)(error.message, "household")
                   if error.field == "code" else error)
        else:
            return _supplies_answer(_("Đã ghi nhận vật tư cấp phát."))
    return refused(FORM_PAGE, "households/_supplies.html", **_supplies_page(issue_form=form))


# -- the reference data an admin keeps ------------------------------------------------

def _reference_page(**forms: Any) -> dict[str, Any]:
    commune = current_user.commune
    with service().read() as conn:
        villages = hq.villages(conn, commune)
        items = hq.supply_items(conn, commune)
    current = [SelectChoice(code, v.name) for code, v in villages.items() if not v.merged_into]
    rename = {code: forms.get(f"rename-{code}") or f.RenameForm(
        formdata=None, prefix=f"rename-{code}", name=v.name) for code, v in villages.items()
        if not v.merged_into}
    merge = {}
    for code in rename:
        form = forms.get(f"merge-{code}") or f.MergeForm(formdata=None, prefix=f"merge-{code}")
        form.into.choices = [c for c in current if c.value != code]
        merge[code] = form
    return {"villages": villages, "items": items, "rename_forms": rename,
            "merge_forms": merge, "done": forms.get("done"), "message": forms.get("message"),
            "village_form": forms.get("village_form") or f.VillageForm(formdata=None),
            "item_form": forms.get("item_form") or f.ItemForm(formdata=None)}


@bp.get("/reference")
def reference():  # type: ignore[no-untyped-def]
    return render_template("households/reference.html", **_reference_page())


def _reference_answer(done: str) -> Any:
    if not wants_fragment():
        return redirect(url_for("households.reference"), 303)
    return changed("households/_reference.html", **_reference_page(done=done))


def _reference_refused(**forms: Any) -> Any:
    return refused(FORM_PAGE, "households/_reference.html", **_reference_page(**forms))


@bp.post("/reference/villages")
def add_village():  # type: ignore[no-untyped-def]
    form = f.VillageForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.add_village, current_user.commune, form.name.data,
                   (form.code.data or "").strip() or None)
        except DomainError as error:
            attach(form, error)
        else:
            return _reference_answer(_("Đã thêm thôn %(name)s.", name=form.name.data))
    return _reference_refused(village_form=form)


def _known_village(village: str) -> None:
    """404 unless the commune recorded the village (merged ones too: they
    are refused by the command, with a message)."""
    with service().read() as conn:
        if village not in hq.villages(conn, current_user.commune):
            abort(404)


@bp.post("/reference/villages/<village>/rename")
def rename_village(village: str):  # type: ignore[no-untyped-def]
    _known_village(village)
    form = f.RenameForm(prefix=f"rename-{village}")
    if form.validate_on_submit():
        try:
            record(service().ledger.rename_village, current_user.commune, village,
                   form.name.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _reference_answer(_("Đã đổi tên thôn thành %(name)s.", name=form.name.data))
    return _reference_refused(message=" ".join(form.form_errors),
                              **{f"rename-{village}": form})


@bp.post("/reference/villages/<village>/merge")
def merge_village(village: str):  # type: ignore[no-untyped-def]
    _known_village(village)
    form = f.MergeForm(prefix=f"merge-{village}")
    form.into.choices = [SelectChoice(code, v.name) for code, v
                         in _villages(current_user.commune).items() if code != village]
    if form.validate_on_submit():
        try:
            record(service().ledger.merge_village, current_user.commune, village,
                   form.into.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _reference_answer(_("Đã sáp nhập thôn."))
    return _reference_refused(message=" ".join(form.form_errors),
                              **{f"merge-{village}": form})


@bp.post("/reference/items")
def add_item():  # type: ignore[no-untyped-def]
    form = f.ItemForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.add_supply_item, current_user.commune,
                   form.code.data.strip(), form.name.data, form.unit.data)
        except DomainError as error:
            attach(form, error)
        else:
            return _reference_answer(_("Đã thêm vật tư %(name)s.", name=form.name.data))
    return _reference_refused(item_form=form)


# -- the dashboard's figure -------------------------------------------------------------

@bp.app_context_processor
def _sorting() -> dict[str, Any]:
    """``household_sorting(period)`` for the dashboard's live counts: sorting
    and registered households at the period's end, and their rate; None for
    a user who may not see the households."""
    def household_sorting(period: Period) -> hq.HouseholdFigures | None:
        if not current_user.is_authenticated or not current_user.can(P.VIEW_HOUSEHOLDS):
            return None
        with service().read() as conn:
            held = hq.held_at(conn, selected_commune(), period.end)
        sorting, registered = sum(held["sorting"].values()), sum(held["registered"].values())
        return hq.HouseholdFigures(registered, sorting, 0, 0, [])
    return {"household_sorting": household_sorting}
