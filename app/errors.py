"""Error pages in Vietnamese."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc bản ghi này.",
    413: "Tệp tải lên quá lớn.",
    500: "Hệ thống gặp lỗi; thao tác chưa được ghi nhận. Vui lòng thử lại hoặc báo quản trị.",
}


def init_app(app: Flask) -> None:
    def render(status: int, message: str | None = None):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=status,
                               message=message or MESSAGES[status]), status

    app.register_error_handler(CSRFError, lambda e: render(
        400, "Phiên làm việc hết hạn hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang rồi thử lại."))
    for status in MESSAGES:
        app.register_error_handler(status, lambda e, s=status: render(s))
