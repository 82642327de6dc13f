"""Log-in: Flask-Login over the users projection and argon2 credentials."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app import service
from app.credentials import check_password
from app.forms import LedgerForm
from events.domain import acting_as
from projections import queries

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
OPEN_ENDPOINTS = {"auth.login", "health.healthz", "static"}
T = TypeVar("T")


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user. The session stores ``id:epoch``; a password change
    moves the epoch on and so ends every older session."""

    id: str
    name: str
    role: str
    commune: str
    session_epoch: int
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


class LoginForm(LedgerForm):
    name = StringField("Tên đăng nhập", validators=[
        DataRequired("Hãy nhập tên đăng nhập."), Length(max=64, message="Tên quá dài.")])
    password = PasswordField("Mật khẩu", validators=[
        DataRequired("Hãy nhập mật khẩu."), Length(max=256, message="Mật khẩu quá dài.")])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Hãy đăng nhập để tiếp tục."
    login_manager.session_protection = "basic"
    app.before_request(_require_login)


@login_manager.user_loader
def _load(session_id: str) -> CurrentUser | None:
    user_id, _, epoch = session_id.partition(":")
    with service().read() as conn:
        account = queries.account_by_id(conn, user_id)
    if account is None or str(account.session_epoch) != epoch:
        return None
    return CurrentUser(account.id, account.name, account.role, account.commune,
                       account.session_epoch)


def _require_login():  # type: ignore[no-untyped-def]
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()


def record(command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a command as the logged-in user and bring projections up to date."""
    with acting_as(current_user.name):
        return service().record(command, *args, **kwargs)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        with service().read() as conn:
            account = queries.account_by_name(conn, form.name.data.strip())
            valid = check_password(conn, form.name.data.strip(), form.password.data)
        if account and valid:
            login_user(CurrentUser(account.id, account.name, account.role, account.commune,
                                   account.session_epoch))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("dashboard.index")
