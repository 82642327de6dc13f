"""The user's own account: changing their password (forced after an admin
set it), and the language they read the interface in."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app import service
from app.forms import LedgerForm
from app.i18n import remember, translated
from app.people.auth import Refusal, failed, guarded, record, relogin, safe_next
from app.people.admin import PASSWORD_RULE
from app.people.credentials import check_password, set_password
from events.errors import DomainError

bp = Blueprint("account", __name__, url_prefix="/account")


class PasswordForm(LedgerForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu hiện tại.")), Length(max=256)])
    new = PasswordField(_l("Mật khẩu mới"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu mới.")), PASSWORD_RULE])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))])


@bp.route("/password", methods=["GET", "POST"])
def password():  # type: ignore[no-untyped-def]
    form, status = PasswordForm(), 200
    if form.validate_on_submit():
        refusal = _check_current(form.current.data)
        if refusal:
            form.current.errors.append(refusal.message)
            status = refusal.status
        elif form.new.data == form.current.data:
            form.new.errors.append(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
        else:
            _change(form.new.data)
            return redirect(url_for("dashboard.index"), 303)
    forced = g.get("must_change_password", False)
    return render_template("account/password.html", form=form, forced=forced), \
        422 if form.errors and status == 200 else status


def _check_current(password: str) -> Refusal | None:
    """The current password, checked as a log-in is: a wrong one counts as a
    failed log-in, and a locked account may not guess again here."""
    name = current_user.name
    with guarded(name) as refusal:
        if refusal:
            return refusal
        with service().read() as conn:
            if check_password(conn, name, password):
                return None
        return failed(name, current_user.commune, "bad_current_password",
                      _("Mật khẩu hiện tại không đúng."), actor=name)


def _change(new_password: str) -> None:
    """The change ends every session of this user, this one included; the
    browser that made it gets a fresh one."""
    with service().write() as conn:
        set_password(conn, current_user.name, new_password, must_change=False)
    record(service().ledger.record_password_change, current_user.name)
    relogin(current_user._get_current_object())  # type: ignore[attr-defined]


class LanguageForm(LedgerForm):
    language = HiddenField()
    next = HiddenField()


@bp.post("/language")
def language():  # type: ignore[no-untyped-def]
    """Switch the interface's language (the header's "English / Tiếng Việt")
    and come back to the page the switch was pressed on."""
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.choose_language, current_user.name, form.language.data)
        except DomainError as error:
            flash(translated(error.message))
        else:
            remember(form.language.data)
    return redirect(safe_next(form.next.data), 303)
