"""Log-in, log-out and the checks every request passes: a live server-side
session, the permission its endpoint needs, and a forced password change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app import service
from app.forms import LedgerForm
from app.i18n import remember
from app.people import sessions
from app.people.credentials import check_password, must_change_password
from app.people.permissions import OPEN, P, may, permissions
from app.throttle import UNAVAILABLE, lock_for, one_check_at_a_time, unavailable
from app.web import zone
from events.base import acting_as
from events.texts import N_
from projections import queries

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
T = TypeVar("T")
# Background polls do not count as activity for the idle timeout.
PASSIVE_ENDPOINTS = frozenset({"dashboard.counts", "households.figures"})


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user; ``get_id`` is the session token Flask-Login keeps
    in the signed cookie."""

    token: str
    id: str
    name: str
    roles: frozenset[str]
    commune: str
    communes: frozenset[str] = field(default_factory=frozenset)
    full_name: str = ""
    commune_name: str = ""  # as registered; the code where none is
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return self.token

    def can(self, permission: P) -> bool:
        return permission in permissions(self.roles)

    @property
    def role_names(self) -> str:
        from app.formatting import role_names  # formatting imports the views' names
        return role_names(sorted(self.roles))


class LoginForm(LedgerForm):
    name = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(max=64, message=_l("Tên quá dài."))])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu.")), Length(max=256, message=_l("Mật khẩu quá dài."))])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Hãy đăng nhập để tiếp tục.")
    login_manager.localize_callback = _
    login_manager.session_protection = None  # the server-side session decides
    app.before_request(_gate)


def _limits() -> sessions.Limits:
    config = current_app.config
    return sessions.Limits(timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                           timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


@login_manager.user_loader
def _load(token: str) -> CurrentUser | None:
    with service().write() as conn:
        live = sessions.resolve(conn, token, _limits(),
                                active=request.endpoint not in PASSIVE_ENDPOINTS)
        account = queries.account_by_id(conn, live.user_id) if live else None
        if live is None or account is None or account.disabled or \
                account.session_epoch != live.epoch:
            return None
        g.must_change_password = must_change_password(conn, account.name)
        commune_name = queries.commune_name(conn, account.commune) or account.commune
    return CurrentUser(token, account.id, account.name, frozenset(account.roles),
                       account.commune, frozenset(account.communes), account.full_name,
                       commune_name)


def htmx_to_log_in() -> Response:
    """Without a live session, an htmx request (a panel polling, a form sent
    after the session ended) must not swap the log-in page into the panel:
    htmx is told to load the log-in screen as a whole page (``HX-Redirect``),
    to come back afterwards to the page the user was on, not to the
    fragment's URL. Plain requests are redirected as Flask-Login does."""
    shown = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = shown.path + (f"?{shown.query}" if shown.query else "")
    target = url_for("auth.login", next=back) if back and _is_local_path(back) \
        else url_for("auth.login")
    return Response(status=401, headers={"HX-Redirect": target})


def _gate():  # type: ignore[no-untyped-def]
    if request.endpoint in OPEN or request.endpoint is None:  # None: Flask answers 404/405
        return None
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            return htmx_to_log_in()
        return login_manager.unauthorized()
    if g.get("must_change_password") and request.endpoint not in (
            "account.password", "auth.logout"):
        return redirect(url_for("account.password"))
    if not may(current_user.roles, request.endpoint):
        abort(403)
    return None


def record(command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a command as the logged-in user and bring projections up to date."""
    with acting_as(current_user.name):
        return service().record(command, *args, **kwargs)


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    target = request.args.get("next")
    if target and not _is_local_path(target):
        abort(400)  # before any password is checked or session opened
    form, status = LoginForm(), 200
    if form.validate_on_submit():
        outcome = attempt(form.name.data.strip(), form.password.data)
        if isinstance(outcome, CurrentUser):
            session.clear()  # a new session at every log-in
            login_user(outcome)
            remember(service().ledger.user(outcome.name).language)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(outcome.message)
        status = outcome.status
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@dataclass(frozen=True)
class Refusal:
    """Why a password was not accepted, and the status that says so."""

    message: str
    status: int = 422


@contextmanager
def guarded(name: str) -> Iterator[Refusal | None]:
    """Check a password of ``name`` under the throttle: one check of a name
    at a time, none while it is locked or cannot count. Yields why no
    password may be checked now, or None; a failure recorded inside the
    block is counted by the next check."""
    svc = service()
    with one_check_at_a_time(svc, name):
        if unavailable(svc):  # the throttle fails closed
            yield Refusal(_(UNAVAILABLE), 503)
            return
        with svc.read() as conn:
            lock = lock_for(conn, name, _address(), sessions.now())
        yield _locked(lock) if lock else None


def attempt(name: str, password: str) -> CurrentUser | Refusal:
    """Check a log-in; record it, or its failure, as an event either way."""
    svc, address = service(), _address()
    with guarded(name) as refusal:
        if refusal:
            return refusal
        with svc.read() as conn:
            account = queries.account_by_name(conn, name)
            valid = check_password(conn, name, password)
        commune = account.commune if account else ""
        if not (account and valid):
            return failed(name, commune, "unknown_user" if not account else "bad_password")
        if account.disabled:
            return failed(name, commune, "disabled",
                          _("Tài khoản này đã bị vô hiệu hóa; hãy liên hệ quản trị."))
        with acting_as(name):
            svc.record(svc.ledger.record_access, name, commune, lambda a: a.logged_in(address))
    with svc.write() as conn:
        token = sessions.start(conn, account.id, account.session_epoch, address)
    return CurrentUser(token, account.id, account.name, frozenset(account.roles),
                       account.commune, frozenset(account.communes), account.full_name)


def failed(name: str, commune: str, reason: str,
           message: str | None = None, actor: str | None = None) -> Refusal:
    """Record a failed check of ``name``'s password (inside ``guarded``), and
    the lock it starts if it is the one too many."""
    svc, address = service(), _address()
    with acting_as(actor or f"anonymous@{address}"):
        svc.record(svc.ledger.record_access, name, commune, lambda a: a.failed(address, reason))
        with svc.read() as conn:
            lock = lock_for(conn, name, address, sessions.now())
        if lock:
            svc.record(svc.ledger.record_access, name, commune,
                       lambda a: a.locked(address, lock))
            return _locked(lock)
    return Refusal(message or _("Tên đăng nhập hoặc mật khẩu không đúng."))


def _locked(until: Any) -> Refusal:
    local = until.astimezone(zone())
    return Refusal(_("Đăng nhập sai 5 lần trong 15 phút: tài khoản hoặc máy này tạm khóa "
                     "đến %(time)s. Hãy thử lại sau.", time=local.strftime("%H:%M")), 429)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    svc, address = service(), _address()
    with svc.write() as conn:
        sessions.end(conn, current_user.token)
    with acting_as(current_user.name):
        svc.record(svc.ledger.record_access, current_user.name, current_user.commune,
                   lambda a: a.logged_out(address))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    return target if target and _is_local_path(target) else url_for("dashboard.index")


def _is_local_path(target: str) -> bool:
    """A path of this site, fit for a Location header: one leading slash, no
    scheme or host, no control character and no backslash (which browsers
    read as a slash, making ``/\\host`` another site)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target \
        and target.isprintable()


def relogin(user: CurrentUser) -> None:
    """After the user's own password change ended all their sessions, open a
    fresh one for this browser."""
    svc = service()
    with svc.read() as conn:
        account = queries.account_by_id(conn, user.id)
    assert account is not None
    with svc.write() as conn:
        token = sessions.start(conn, account.id, account.session_epoch, _address())
    session.clear()
    login_user(CurrentUser(token, account.id, account.name, frozenset(account.roles),
                           account.commune, frozenset(account.communes), account.full_name))
    remember(svc.ledger.user(account.name).language)

