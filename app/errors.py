"""Error pages in the user's language (Vietnamese unless they chose another)."""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import PersistenceError
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from app.people.auth import htmx_to_log_in
from events.store import storage_refused

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ."),
    403: _l("Bạn không có quyền thực hiện thao tác này."),
    404: _l("Không tìm thấy trang hoặc bản ghi này."),
    405: _l("Trang này không nhận thao tác theo cách đó."),
    413: _l("Tệp tải lên quá lớn."),
    429: _l("Thử quá nhiều lần; hãy đợi một lát rồi thử lại."),
    500: _l("Hệ thống gặp lỗi; thao tác chưa được ghi nhận. Vui lòng thử lại hoặc báo quản trị."),
}
# The disk refused a write (read-only, full, failing): nothing was recorded,
# and the same action will succeed once an administrator has fixed the disk.
REFUSED_BY_DISK = _l("Cơ sở dữ liệu tạm thời không ghi được (ổ đĩa chỉ cho đọc, đầy hoặc hỏng); "
                     "thao tác chưa được ghi nhận. Hãy báo quản trị, rồi thử lại sau.")


def init_app(app: Flask) -> None:
    def render(status: int, message: str | None = None):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=status,
                               message=message or str(MESSAGES[status])), status

    def csrf_failed(_error: CSRFError):  # type: ignore[no-untyped-def]
        # A form sent by htmx after the session ended goes to the log-in
        # screen, as the session's other requests do (``auth``).
        if request.headers.get("HX-Request") and not current_user.is_authenticated:
            return htmx_to_log_in()
        return render(400, _("Phiên làm việc hết hạn hoặc thiếu mã bảo vệ (CSRF). "
                             "Hãy tải lại trang rồi thử lại."))

    def failed(error: Exception):  # type: ignore[no-untyped-def]
        if storage_refused(error):
            app.logger.error("the database refuses writes: %s", error)
            return render(503, str(REFUSED_BY_DISK))
        raise error

    app.register_error_handler(CSRFError, csrf_failed)
    for refused in (SQLAlchemyError, PersistenceError, sqlite3.Error):
        app.register_error_handler(refused, failed)
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: _with_allow(render(s), e))


def _with_allow(answer, error):  # type: ignore[no-untyped-def]
    """A 405 still says which methods the page takes (HTTP requires it)."""
    methods = getattr(error, "valid_methods", None)
    return (*answer, {"Allow": ", ".join(methods)}) if methods else answer
