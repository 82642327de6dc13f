"""The application factory."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_htmx import HTMX
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from app.i18n import chosen_language
from app.security import write_private
from app.service import LedgerService

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    _configure(app, overrides or {})
    logging.basicConfig(level=logging.INFO)
    app.extensions["ledger"] = LedgerService(app.config["DATABASE_URL"], app.config["TIMEZONE"])
    app.extensions["ledger"].ledger.id_hash_key = lambda: _id_hash_key(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=chosen_language,
                   timezone_selector=lambda: app.config["TIMEZONE"])
    _register(app)
    _behind_proxies(app)
    return app


def _configure(app: Flask, overrides: dict[str, Any]) -> None:
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    env = os.environ
    app.config.update(
        DATABASE_URL=env.get("LEDGER_DATABASE_URL",
                             f"sqlite:///{Path(app.instance_path) / 'ledger.sqlite3'}"),
        TIMEZONE=env.get("LEDGER_TIMEZONE", "Asia/Ho_Chi_Minh"),
        SECRET_KEY=env.get("LEDGER_SECRET_KEY") or _secret_key(Path(app.instance_path)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        LIVE_POLL_SECONDS=3,
        FIELDS_POLL_SECONDS=60,
        SESSION_IDLE_MINUTES=float(env.get("LEDGER_SESSION_IDLE_MINUTES", "30")),
        SESSION_ABSOLUTE_HOURS=float(env.get("LEDGER_SESSION_ABSOLUTE_HOURS", "12")),
        TRUSTED_PROXIES=_proxy_hops(env.get("LEDGER_TRUSTED_PROXIES", "0")),
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
    )
    app.config.update(overrides)
    app.config.setdefault("ID_HASH_KEY", env.get("LEDGER_ID_HASH_KEY"))
    # Where the violations' evidence files are kept (``app.violations.evidence``).
    app.config.setdefault("EVIDENCE_FOLDER", env.get("LEDGER_EVIDENCE_FOLDER"))


def _proxy_hops(text: str) -> int:
    if not text.strip().isdecimal():
        raise ValueError("LEDGER_TRUSTED_PROXIES must be the number of reverse proxies in "
                         f"front of the server (0, 1, …), not {text!r}")
    return int(text)


def _behind_proxies(app: Flask) -> None:
    """Behind reverse proxies, the client's address and scheme are those the
    nearest ``TRUSTED_PROXIES`` of them passed on (``X-Forwarded-For``,
    ``X-Forwarded-Proto``); without this every log-in would seem to come from
    the proxy, and the throttle would lock the whole office at once. Only as
    many as are trusted: a client can send those headers itself."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():  # workers starting at once all keep the first one written
        write_private(path, secrets.token_hex(32), replace=False)
    return path.read_text().strip()


def _id_hash_key(app: Flask) -> bytes:
    """The key of the citizens' ID numbers' keyed hash (``events.citizens.identity``):
    LEDGER_ID_HASH_KEY, or generated once into ``instance/id_hash_key`` when
    first needed. It is not in the log: a backup must keep it beside the log."""
    configured = app.config.get("ID_HASH_KEY")
    if not configured:
        path = Path(app.instance_path) / "id_hash_key"
        if not path.exists():
            write_private(path, secrets.token_hex(32), replace=False)
        configured = app.config["ID_HASH_KEY"] = path.read_text().strip()
    return configured.encode() if isinstance(configured, str) else configured


def _register(app: Flask) -> None:
    from app import cli, errors, formatting, health, i18n, security
    from app.catalogue import views as catalogue
    from app.citizens import views as citizens
    from app.dashboard import views as dashboard
    from app.documents import views as documents
    from app.dossiers import views as dossiers
    from app.importing import views as imports
    from app.importing.cli import import_cli
    from app.people import account, admin, auth
    from app.people import scope
    from app.people.cli import users_cli
    from app.printing import views as printing
    from app.reports.cli import report_command
    from app.reports import drafts as report_drafts
    from app.reports import views as reports
    from app.audit.backup import backup_command, restore_command
    from app.audit import views as audit
    from app.audit.cli import audit_cli
    from app.targets import views as targets
    from app.households.cli import village_cli
    from app.violations import views as violations
    from app.households import views as households

    for module in (auth, account, admin, catalogue, dashboard, dossiers, health, printing, imports,
                   targets):
        app.register_blueprint(module.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(citizens.bp)
    app.register_blueprint(violations.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(households.bp)
    app.register_blueprint(report_drafts.bp)
    app.register_blueprint(reports.bp)
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    scope.init_app(app)
    i18n.init_app(app)
    cli.init_app(app)
    for command in (import_cli, users_cli, report_command, audit_cli, backup_command,
                    restore_command):
        app.cli.add_command(command)
    app.cli.add_command(village_cli)


def service() -> LedgerService:
    from flask import current_app
    return current_app.extensions["ledger"]
