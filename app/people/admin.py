"""User administration for a commune's admins: create, disable, roles and
password resets; and, for province admins, the scopes of inspectors and
auditors over other communes — each an event in the log."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from app import exports, htmx, service
from app.formatting import day as shown_day
from app.formatting import role_names
from app.forms import LedgerForm
from app.i18n import translated
from app.paging import numbered_page, page_number
from app.people.auth import record
from app.people.credentials import MIN_PASSWORD_LENGTH, set_password
from app.web import CHANGED, today
from events.application import ROLES
from events.base import MAX_FULL_NAME
from events.errors import DomainError
from events.people import PROVINCE_ADMIN, ROLE_NAMES
from projections import queries

bp = Blueprint("admin", __name__, url_prefix="/admin")
# A commune's admin gives the commune's roles; the province admin's is given
# at the command line.
ROLE_CHOICES = [SelectChoice(r, _l(ROLE_NAMES[r])) for r in ROLES if r != PROVINCE_ADMIN]
PASSWORD_RULE = Length(min=MIN_PASSWORD_LENGTH, max=256,
                       message=_l("Mật khẩu cần từ %(min)d đến %(max)d ký tự."))
FULL_NAME_RULE = Length(max=MAX_FULL_NAME, message=_l("Tối đa %(max)d ký tự."))


class CreateUserForm(LedgerForm):
    name = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Hãy nhập tên đăng nhập.")),
        Regexp(r"^[a-z0-9._-]{2,64}$", message=_l("Chỉ dùng chữ thường không dấu, số, . _ - "
               "(2–64 ký tự)."))])
    full_name = StringField(_l("Họ và tên"), validators=[FULL_NAME_RULE])
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES)
    password = PasswordField(_l("Mật khẩu tạm"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu tạm.")), PASSWORD_RULE])


class FullNameForm(LedgerForm):
    full_name = StringField(_l("Họ và tên"), validators=[
        DataRequired(_l("Hãy nhập họ và tên.")), FULL_NAME_RULE])


class RoleForm(LedgerForm):
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES)


class ResetForm(LedgerForm):
    password = PasswordField(_l("Mật khẩu tạm mới"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu tạm.")), PASSWORD_RULE])


class ScopeForm(LedgerForm):
    communes = StringField(_l("Các xã được xem (mã, cách nhau bởi dấu cách)"),
                           validators=[Length(max=1000)])


@bp.get("/users")
def users():  # type: ignore[no-untyped-def]
    return _page(CreateUserForm(formdata=None))


def _page(create_form: CreateUserForm, status: int = 200, message: str = ""):  # type: ignore[no-untyped-def]
    with service().read() as conn:
        accounts = queries.accounts(conn, [current_user.commune])
    page = numbered_page(accounts, page_number(request.args.get("page")))
    return render_template("admin/users.html", accounts=page.items, page=page,
                           create_form=create_form,
                           role_form=RoleForm(formdata=None), reset_form=ResetForm(formdata=None),
                           name_form=FullNameForm(formdata=None), message=message), status


USER_HEADERS = ["Tên đăng nhập", "Họ và tên", "Vai trò", "Phạm vi xem", "Trạng thái"]


@bp.get("/users/export.<any(xlsx, csv):kind>")
def export_users(kind: str):  # type: ignore[no-untyped-def]
    """Every user the page lists, as it lists them."""
    with service().read() as conn:
        accounts = queries.accounts(conn, [current_user.commune])
    rows = ([a.name, a.full_name, role_names(a.roles), " ".join(a.communes),
             "Đã vô hiệu hóa" if a.disabled else "Hoạt động"] for a in accounts)
    stem = f"nguoi-dung-{current_user.commune}-{today().isoformat()}"
    return exports.answer(kind, stem, "Người dùng", USER_HEADERS, rows)


@bp.post("/users")
def create_user():  # type: ignore[no-untyped-def]
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            record(service().ledger.register_user, form.name.data, form.role.data,
                   current_user.commune, form.full_name.data or "")
        except DomainError as error:
            getattr(form, error.field or "name", form.name).errors.append(
                translated(error.message))
        else:
            with service().write() as conn:
                set_password(conn, form.name.data, form.password.data, must_change=True)
            return _done(_("Đã tạo người dùng %(name)s.", name=form.name.data))
    return _page(form, 422)


def _managed(name: str) -> str:
    """Admins manage the users of their own commune, but for those the
    province manages (taking one over would read other communes); others
    are not found."""
    with service().read() as conn:
        account = queries.account_by_name(conn, name)
    if account is None or account.commune != current_user.commune or account.province_level:
        abort(404)
    return account.name


def _act(name: str, command: Callable[[], None], done: str) -> Response:
    try:
        command()
    except DomainError as error:
        return _page(CreateUserForm(formdata=None), 422,  # type: ignore[return-value]
                     translated(error.message))
    return _done(done)


def _done(message: str, page: str = "admin.users") -> Response:
    response = redirect(url_for(page), 303)
    if htmx:
        response.headers["HX-Trigger"] = CHANGED
    flash(message)
    return response


@bp.post("/users/<name>/disable")
def disable(name: str):  # type: ignore[no-untyped-def]
    name = _managed(name)
    if name == current_user.name:
        return _page(CreateUserForm(formdata=None), 422,
                     _("Không thể tự vô hiệu hóa tài khoản của mình."))
    return _act(name, lambda: record(service().ledger.disable_user, name),
                _("Đã vô hiệu hóa %(name)s; mọi phiên đăng nhập của họ đã kết thúc.", name=name))


@bp.post("/users/<name>/enable")
def enable(name: str):  # type: ignore[no-untyped-def]
    name = _managed(name)
    return _act(name, lambda: record(service().ledger.enable_user, name),
                _("Đã mở lại %(name)s.", name=name))


@bp.post("/users/<name>/grant")
def grant(name: str):  # type: ignore[no-untyped-def]
    return _role(name, "grant")


@bp.post("/users/<name>/revoke")
def revoke(name: str):  # type: ignore[no-untyped-def]
    return _role(name, "revoke")


def _role(name: str, action: str):  # type: ignore[no-untyped-def]
    name, form = _managed(name), RoleForm()
    if not form.validate_on_submit():
        return _page(CreateUserForm(formdata=None), 422, _("Vai trò không hợp lệ."))
    command = service().ledger.grant_role if action == "grant" else service().ledger.revoke_role
    role = _(ROLE_NAMES.get(form.role.data, form.role.data))
    if action == "grant":
        done = _("Đã cấp vai trò %(role)s cho %(name)s.", role=role, name=name)
    else:
        done = _("Đã thu hồi vai trò %(role)s của %(name)s.", role=role, name=name)
    return _act(name, lambda: record(command, name, form.role.data), done)


@bp.post("/users/<name>/full-name")
def set_full_name(name: str):  # type: ignore[no-untyped-def]
    name, form = _managed(name), FullNameForm()
    if not form.validate_on_submit():
        return _page(CreateUserForm(formdata=None), 422,
                     " ".join(form.full_name.errors) or _("Họ và tên không hợp lệ."))
    return _act(name, lambda: record(service().ledger.set_full_name, name, form.full_name.data),
                _("Đã ghi họ và tên của %(name)s.", name=name))


@bp.post("/users/<name>/password")
def reset_password(name: str):  # type: ignore[no-untyped-def]
    name, form = _managed(name), ResetForm()
    if not form.validate_on_submit():
        return _page(CreateUserForm(formdata=None), 422,
                     " ".join(form.password.errors) or _("Mật khẩu không hợp lệ."))

    def reset() -> None:
        with service().write() as conn:
            set_password(conn, name, form.password.data, must_change=True)
        record(service().ledger.record_password_change, name, set_by_admin=True)
    return _act(name, reset,
                _("Đã đặt lại mật khẩu cho %(name)s; họ phải đổi khi đăng nhập.", name=name))


@bp.get("/scopes")
def scopes():  # type: ignore[no-untyped-def]
    return _scopes_page()


def _scopes_page(status: int = 200, message: str = ""):  # type: ignore[no-untyped-def]
    with service().read() as conn:
        readers, communes = queries.readers(conn), queries.communes(conn)
    return render_template("admin/scopes.html", readers=readers, communes=communes,
                           scope_form=ScopeForm(formdata=None), message=message), status


@bp.post("/users/<name>/scope")
def assign_scope(name: str):  # type: ignore[no-untyped-def]
    """A province admin's grant or revocation, to a user of any commune; the
    ledger refuses anyone else, and any user but an inspector or auditor."""
    with service().read() as conn:
        account = queries.account_by_name(conn, name)
    if account is None:
        abort(404)
    form = ScopeForm()
    if not form.validate_on_submit():
        return _scopes_page(422, _("Danh sách xã không hợp lệ."))
    codes = (form.communes.data or "").split()
    try:
        record(service().ledger.assign_scope, account.name, codes)
    except DomainError as error:
        return _scopes_page(422, translated(error.message))
    return _done(_("Đã giao phạm vi %(communes)s cho %(name)s.",
                   communes=" ".join(codes) or _("(trống)"), name=account.name), "admin.scopes")


class CalendarForm(LedgerForm):
    day = DateField(_l("Ngày"), validators=[InputRequired(_l("Hãy nhập ngày."))])
    reason = StringField(_l("Lý do (văn bản quyết định)"), validators=[
        DataRequired(_l("Hãy nêu lý do.")), Length(max=1000, message=_l("Tối đa %(max)d ký tự."))])


@bp.get("/calendar")
def calendar():  # type: ignore[no-untyped-def]
    return _calendar_page()


def _calendar_page(off: CalendarForm | None = None, make_up: CalendarForm | None = None,
                   status: int = 200):  # type: ignore[no-untyped-def]
    days_off, make_up_days = service().ledger.exceptions(current_user.commune)
    return render_template("admin/calendar.html", days_off=sorted(days_off),
                           make_up_days=sorted(make_up_days),
                           off_form=off or CalendarForm(prefix="off", formdata=None),
                           make_up_form=make_up or CalendarForm(prefix="make_up", formdata=None)
                           ), status


@bp.post("/calendar/day-off")
def declare_day_off():  # type: ignore[no-untyped-def]
    return _declare("off", service().ledger.declare_day_off)


@bp.post("/calendar/make-up-day")
def declare_make_up_day():  # type: ignore[no-untyped-def]
    return _declare("make_up", service().ledger.declare_make_up_day)


def _declare(prefix: str, command: Callable[..., None]):  # type: ignore[no-untyped-def]
    form = CalendarForm(prefix=prefix)
    if form.validate_on_submit():
        try:
            record(command, current_user.commune, form.day.data, form.reason.data)
        except DomainError as error:
            (getattr(form, error.field or "", None) or form.day).errors.append(
                translated(error.message))
        else:
            flash(_("Đã ghi nhận ngày %(day)s; hạn trả của hồ sơ tiếp nhận từ nay tính theo "
                    "lịch mới.", day=shown_day(form.day.data)))
            return redirect(url_for("admin.calendar"), 303)
    forms = {"off": form} if prefix == "off" else {"make_up": form}
    return _calendar_page(**forms, status=422)
