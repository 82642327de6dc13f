"""The period report on the web: a page to choose the period (presets, or
two dates), and the report of the selected commune in each format
(CONTRACT.md: ``/reports/PERIOD.json|.html|.docx``), the same as the
``report`` command gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from app import service
from app.i18n import translated
from app.people.scope import selected_commune
from app.reports import files
from app.reports.document import ReportDocument, period_label
from app.reports.known import BadMoment, known_at, moment_of
from app.reports.period import period_report
from app.service import REQUEST_CATCH_UP_SECONDS
from app.web import today, wants_fragment
from projections.periods import BadPeriod, Period, presets
from projections.rewind import CannotRewind

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("")
def index():  # type: ignore[no-untyped-def]
    """The chooser: a preset's link, a period typed, or two dates; the
    chosen period's formats below. A bad period is said next to the form."""
    text = _asked()
    try:
        period, error = Period.parse(text), None
    except BadPeriod as bad:
        period, error = None, translated(bad.args[0])
    template = "reports/_choice.html" if wants_fragment() else "reports/index.html"
    return render_template(template, period_text=text, period=period, error=error,
                           label=period_label(period) if period else "",
                           presets=presets(today()), commune=selected_commune(),
                           scope=_scope()), 422 if error else 200


def _asked() -> str:
    """The period asked for: two dates (FROM..TO), or one typed or picked,
    or this year."""
    start, end = (request.args.get(k, "").strip() for k in ("from", "to"))
    if start or end:
        return f"{start}..{end}"
    return request.args.get("period", "").strip() or str(today().year)


def _scope() -> dict[str, str]:
    """The links' commune, when one was chosen (``selected_commune``), and
    the moment the report is asked as known at, if one was."""
    chosen = {key: request.args.get(key, "").strip() for key in ("commune", "as_known_at")}
    return {key: value for key, value in chosen.items() if value}


def _moment() -> datetime | None:
    """``?as_known_at=``: the report from the events recorded up to then."""
    text = request.args.get("as_known_at", "").strip()
    return moment_of(text, service().ledger.zone) if text else None


def _day() -> date:
    """The report's "today": the day of the moment it is known at, if asked."""
    moment = _moment()
    return today() if moment is None else moment.astimezone(service().ledger.zone).date()


def _report(period_text: str) -> tuple[Period, dict[str, Any]]:
    period, moment = Period.parse(period_text), _moment()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    if moment is not None:
        return period, known_at(service(), selected_commune(), period, moment)
    with service().read() as conn:
        return period, period_report(conn, selected_commune(), period, today())


def _document(period: Period, report: dict[str, Any]) -> ReportDocument:
    with service().read() as conn:
        return files.document(conn, selected_commune(), period, report, _day())


@bp.errorhandler(BadMoment)
def _bad_moment(error: BadMoment):  # type: ignore[no-untyped-def]
    message = _("Thời điểm không hợp lệ; hãy chọn ngày và giờ, ví dụ 2023-06-16 15:30.")
    if request.path.endswith(".json"):
        return {"error": message}, 400
    return render_template("error.html", status=400, message=message), 400


@bp.errorhandler(CannotRewind)
def _cannot_rewind(error: CannotRewind):  # type: ignore[no-untyped-def]
    message = _("Sổ đọc chưa theo kịp nhật ký sự kiện đến thời điểm đó; hãy thử lại sau "
                "ít phút.")
    if request.path.endswith(".json"):
        return {"error": message}, 503
    return render_template("error.html", status=503, message=message), 503


@bp.errorhandler(BadPeriod)
def _bad_period(error: BadPeriod):  # type: ignore[no-untyped-def]
    message = translated(error.args[0])
    if request.path.endswith(".json"):
        return {"error": message}, 404
    return render_template("error.html", status=404, message=message), 404


@bp.get("/<period>.json")
def as_json(period: str):  # type: ignore[no-untyped-def]
    _period, report = _report(period)
    return Response(files.as_json(report), mimetype="application/json")


@bp.get("/<period>.html")
def as_html(period: str):  # type: ignore[no-untyped-def]
    parsed, report = _report(period)
    return files.as_html(_document(parsed, report), parsed, standalone=False,
                         charts=_charts(parsed), period_text=period, scope=_scope())


def _charts(period: Period) -> list[Markup]:
    """The charts, drawn from today's read models: none for a report as
    known at a moment, whose figures those would not be."""
    if _moment() is not None:
        return []
    with service().read() as conn:
        return files.charts(conn, selected_commune(), period, today())


@bp.get("/<period>.docx")
def as_docx(period: str):  # type: ignore[no-untyped-def]
    parsed, report = _report(period)
    response = Response(files.as_docx(_document(parsed, report)), mimetype=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{files.file_name(period, "docx")}"')
    return response
