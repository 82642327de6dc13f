"""Response headers and cookies that close the gaps Flask leaves open, and
files that hold secrets or personal data kept to their owner."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

log = logging.getLogger(__name__)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages show personal data: no browser keeps a copy on disk. A response
    # that says otherwise keeps its own (the dashboard's polled counts
    # revalidate by ETag; static files).
    "Cache-Control": "no-store",
}
HSTS = ("Strict-Transport-Security", "max-age=31536000")
FALLBACK_PAGE = ("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi</title>"
                 "<p>Hệ thống gặp lỗi; thao tác chưa được ghi nhận. Vui lòng thử lại hoặc báo "
                 "quản trị.</p></html>").encode()
StartResponse = Callable[..., Any]


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


class SecurityHeaders:
    """Every answer the app gives carries the headers: pages, redirects,
    Werkzeug's error pages (405, 413…), and a failure that Flask's own error
    handling let through, answered here rather than by the server's bare
    page. Over HTTPS (as ``ProxyFix``, outside this, tells it behind a
    proxy) browsers are also told to use nothing else."""

    def __init__(self, app: Flask) -> None:
        self.app, self.wsgi_app = app, app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        extra = list(HEADERS.items()) + ([HSTS] if environ["wsgi.url_scheme"] == "https" else [])
        started = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started.append(status)
            present = {name.lower() for name, _ in headers}
            missing = [(name, value) for name, value in extra if name.lower() not in present]
            return start_response(status, headers + missing, exc_info)

        try:
            return self.wsgi_app(environ, start)
        except Exception:
            if started or self._propagates():
                raise
            log.exception("unhandled error on %s", environ.get("PATH_INFO"))
            start("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html; charset=utf-8"),
                                                ("Content-Length", str(len(FALLBACK_PAGE)))])
            return [FALLBACK_PAGE]

    def _propagates(self) -> bool:
        """As Flask decides: tests and the debugger see the exception."""
        propagate = self.app.config["PROPAGATE_EXCEPTIONS"]
        return self.app.testing or self.app.debug if propagate is None else bool(propagate)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.wsgi_app = SecurityHeaders(app)  # type: ignore[method-assign]


def write_private(path: Path, text: str, replace: bool = True) -> bool:
    """Write ``text`` to ``path``, readable by its owner only from the moment
    it exists: written beside it, then moved in place, or with ``replace``
    false linked in place only if nothing is there yet (of two processes
    writing at once the first wins; the second gets False)."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        if replace:
            os.replace(partial, path)
            return True
        try:
            os.link(partial, path)
        except FileExistsError:
            return False
        return True
    finally:
        partial.unlink(missing_ok=True)
