"""The targets a higher level set for the commune: the list with each one's
actual over its period, the form to set one, a target's page with its
history and the forms to revise or withdraw it. Admins and leaders set
them; every role that sees the figures sees them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired

from app import service
from app.formatting import number, percent
from app.forms import LedgerForm
from app.i18n import translated
from app.people.auth import record
from app.web import attach, changed, refused, today, wants_fragment
from events.errors import DomainError
from events.people import staff_mentioned
from events.targets import INDICATORS, Target
from events.targets.indicators import RATE
from projections import queries
from projections.periods import BadPeriod, Period

bp = Blueprint("targets", __name__, url_prefix="/targets")
FORM_PAGE = "targets/form_page.html"
EVENT_NAMES = {"Set": _l("Giao chỉ tiêu"), "Revised": _l("Điều chỉnh"),
               "Withdrawn": _l("Bãi bỏ")}
NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*%?\s*")


class DecisionForm(LedgerForm):
    threshold = StringField(_l("Ngưỡng (tỷ lệ: phần trăm, ví dụ 90 hoặc 92,5; số lượng: số "
                               "nguyên)"),
                            validators=[DataRequired(_l("Hãy nhập ngưỡng chỉ tiêu."))],
                            render_kw={"inputmode": "decimal", "autocomplete": "off"})
    document = StringField(_l("Số, ký hiệu văn bản giao chỉ tiêu"),
                           validators=[DataRequired(_l("Hãy nhập số, ký hiệu văn bản."))],
                           render_kw={"placeholder": "59/QĐ-UBND", "list": "known-documents",
                                      "autocomplete": "off"})
    document_date = DateField(_l("Ngày của văn bản"),
                              validators=[InputRequired(_l("Hãy nhập ngày của văn bản."))])
    issuer = StringField(_l("Cơ quan ban hành"),
                         render_kw={"placeholder": "UBND huyện Tứ Kỳ"})


class SetForm(DecisionForm):
    indicator = SelectField(_l("Chỉ tiêu"), validate_choice=True,
                            choices=[SelectChoice(code, _l(i.name))
                                     for code, i in INDICATORS.items()],
                            validators=[InputRequired(_l("Hãy chọn chỉ tiêu."))])
    period = StringField(_l("Kỳ (ví dụ 2023, 2023-H1, 2023-Q2)"),
                         validators=[DataRequired(_l("Hãy nhập kỳ của chỉ tiêu."))])

    field_order = ("indicator", "period", "threshold", "document", "document_date", "issuer")


class ReviseForm(DecisionForm):
    reason = StringField(_l("Lý do điều chỉnh"),
                         validators=[DataRequired(_l("Hãy nêu lý do điều chỉnh."))])


class WithdrawForm(LedgerForm):
    reason = StringField(_l("Lý do bãi bỏ"),
                         validators=[DataRequired(_l("Hãy nêu lý do bãi bỏ."))])


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"INDICATORS": INDICATORS, "RATE": RATE, "can_set": _may_set()}


def _may_set() -> bool:
    from app.people.permissions import may
    return current_user.is_authenticated and may(current_user.roles, "targets.set_target")


def threshold_value(form: DecisionForm, indicator: str) -> float | None:
    """The threshold as typed (a rate in percent, a count as a number), as
    the ledger takes it; None, with the message at the field, if unreadable."""
    match = NUMBER.fullmatch(form.threshold.data or "")
    if match is None:
        form.threshold.errors = [*form.threshold.errors, _("Ngưỡng phải là một số.")]
        return None
    value = float(match.group(1).replace(",", "."))
    return value / 100 if indicator in INDICATORS and INDICATORS[indicator].kind == RATE \
        else value


def threshold_text(indicator: str, threshold: float) -> str:
    """A threshold as the form takes it back."""
    if INDICATORS[indicator].kind == RATE:
        return f"{threshold * 100:g}".replace(".", ",")
    return str(int(threshold))


# -- the list --------------------------------------------------------------------

@bp.get("")
def index():  # type: ignore[no-untyped-def]
    if wants_fragment():
        return render_template("targets/_list.html", **_list(SetForm(formdata=None)))
    return render_template("targets/index.html", **_list(SetForm(formdata=None)))


def _list(form: SetForm) -> dict[str, Any]:
    with service().read() as conn:
        found = queries.targets(conn, current_user.commune, today())
        known = queries.decisions(conn, current_user.commune)
    return {"targets": found, "form": form, "known_documents": known}


@bp.post("")
def set_target():  # type: ignore[no-untyped-def]
    form = SetForm()
    if form.validate_on_submit():
        period = _period(form)
        threshold = threshold_value(form, form.indicator.data)
        if period is not None and threshold is not None:
            try:
                record(service().ledger.set_target, current_user.commune, form.indicator.data,
                       period.start, period.end, threshold, form.document.data,
                       form.document_date.data, form.issuer.data or "")
            except DomainError as error:
                attach(form, error)
            else:
                target_id = str(Target.id_for(current_user.commune, form.indicator.data,
                                              period.start, period.end))
                if not wants_fragment():
                    return redirect(url_for("targets.show", target_id=target_id), 303)
                return changed("targets/_set_form.html", form=SetForm(formdata=None),
                               set_id=target_id)
    return refused(FORM_PAGE, "targets/_set_form.html", **_list(form))


def _period(form: SetForm) -> Period | None:
    try:
        return Period.parse(form.period.data or "")
    except BadPeriod as error:
        form.period.errors = [*form.period.errors, translated(error.args[0])]
        return None


# -- one target ------------------------------------------------------------------

@bp.get("/<uuid:target_id>")
def show(target_id: Any):  # type: ignore[no-untyped-def]
    return render_template("targets/show.html", **_target_page(str(target_id)))


@bp.post("/<uuid:target_id>/revise")
def revise(target_id: Any):  # type: ignore[no-untyped-def]
    form = ReviseForm(prefix="revise")
    page = _target_page(str(target_id))
    target = page["target"]

    def command() -> None:
        threshold = threshold_value(form, target.indicator)
        if threshold is None:
            raise _Unreadable
        record(service().ledger.revise_target, current_user.commune, target.indicator,
               target.start, target.end, threshold, form.document.data,
               form.document_date.data, form.issuer.data or "", form.reason.data)
    return _step(str(target_id), form, "revise_form", command, page)


@bp.post("/<uuid:target_id>/withdraw")
def withdraw(target_id: Any):  # type: ignore[no-untyped-def]
    form = WithdrawForm(prefix="withdraw")
    page = _target_page(str(target_id))
    target = page["target"]
    return _step(str(target_id), form, "withdraw_form", lambda: record(
        service().ledger.withdraw_target, current_user.commune, target.indicator,
        target.start, target.end, form.reason.data), page)


class _Unreadable(Exception):
    """A value the form could not read: its message is at its field."""


def _step(target_id: str, form: LedgerForm, name: str, command: Callable[[], None],
          page: dict[str, Any]) -> Any:
    if form.validate_on_submit():
        try:
            command()
        except DomainError as error:
            attach(form, error)
        except _Unreadable:
            pass
        else:
            if not wants_fragment():
                return redirect(url_for("targets.show", target_id=target_id), 303)
            return changed("targets/_target.html", **_target_page(target_id))
    page[name] = form
    return refused(FORM_PAGE, "targets/_target.html", **page)


def _target_page(target_id: str) -> dict[str, Any]:
    commune = current_user.commune
    with service().read() as conn:
        found = queries.target(conn, commune, target_id, today())
    if found is None:
        abort(404)
    events = list(service().ledger.events.get(Target.id_for(commune, found.indicator,
                                                            found.start, found.end)))
    with service().read() as conn:
        staff = queries.staff_names(conn, staff_mentioned(events))
        known = queries.decisions(conn, commune)
    decision = {"threshold": threshold_text(found.indicator, found.threshold),
                "document": found.document, "document_date": found.document_date,
                "issuer": found.issuer}
    return {"target": found, "history": [_entry(e, staff, found.indicator) for e in events],
            "known_documents": known,
            "revise_form": ReviseForm(prefix="revise", formdata=None, data=decision),
            "withdraw_form": WithdrawForm(prefix="withdraw", formdata=None)}


def _entry(event: Any, staff: dict[str, str], indicator: str) -> dict[str, Any]:
    kind = type(event).__name__
    details = []
    if kind in ("Set", "Revised"):
        details.append(_("Ngưỡng: %(value)s", value=threshold_shown(indicator, event.threshold)))
        details.append(_("Văn bản: %(document)s ngày %(day)s", document=event.document,
                         day=event.document_date.strftime("%d/%m/%Y")))
        if event.issuer:
            details.append(_("Cơ quan ban hành: %(issuer)s", issuer=event.issuer))
    if kind in ("Revised", "Withdrawn"):
        details.append(_("Lý do: %(reason)s", reason=event.reason))
    return {"label": EVENT_NAMES.get(kind, kind), "details": details,
            "actor": staff.get(event.actor, event.actor), "occurred_at": event.occurred_at,
            "recorded_at": event.recorded_at}


def threshold_shown(indicator: str, threshold: float) -> str:
    """A threshold as pages show it: a rate as a percentage, a count whole."""
    if INDICATORS[indicator].kind == RATE:
        return percent(threshold)
    return number(int(threshold))
