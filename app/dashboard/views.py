"""The dashboard: the counter's tallies for a period, kept live by htmx.

The counts fragment polls every few seconds; while no projection has moved
it answers ``304 Not Modified`` from its ETag, and after the user's own
command an ``HX-Trigger`` makes it refresh at once."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template, request

from app import htmx, service
from app.charts import dossier_charts
from app.charts import figure as chart_figure
from app.dossiers.views import ReceiveForm
from app.formatting import number
from app.i18n import translated
from app.people.scope import selected_commune
from app.service import REQUEST_CATCH_UP_SECONDS
from app.web import now, today
from events.dossiers import timeliness
from events.targets import INDICATORS
from events.targets.indicators import RATE
from projections import queries
from projections.periods import BadPeriod, Period, months_of, presets

bp = Blueprint("dashboard", __name__)
DUE_SOON_WORKING_DAYS = 2
# The resolved dossiers' split, by the keys of the counts and the domain's words.
TIMELINESS = [("early", timeliness.LABELS[timeliness.EARLY]),
              ("on_time", timeliness.LABELS[timeliness.ON_TIME]),
              ("late", timeliness.LABELS[timeliness.LATE])]


@bp.context_processor
def _names() -> dict[str, object]:
    return {"TIMELINESS": TIMELINESS, "chart_figure": chart_figure}


def chosen_period() -> tuple[str, Period, str | None]:
    text = request.args.get("period", "").strip() or str(today().year)
    try:
        return text, Period.parse(text), None
    except BadPeriod as error:
        return text, Period.parse(str(today().year)), translated(error.args[0])


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    text, period, error = chosen_period()
    return render_template("dashboard/index.html", period_text=text, period=period,
                           period_error=error, counts=_counts(period), presets=presets(today()),
                           computed_at=now(),
                           deadlines=_deadlines(period), commune=selected_commune(),
                           form=ReceiveForm.fresh())


@bp.get("/dashboard/counts")
def counts():  # type: ignore[no-untyped-def]
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    text, period, _error = chosen_period()
    tag = _etag(period)
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    template = "dashboard/_counts.html" if htmx and not htmx.boosted else "dashboard/index.html"
    body = render_template(template, counts=_counts(period), period=period, period_text=text,
                           period_error=None, commune=selected_commune(),
                           deadlines=_deadlines(period), form=ReceiveForm.fresh(),
                           presets=presets(today()), computed_at=now())
    return _revalidated(Response(body), tag)


@bp.get("/dashboard/fields")
def fields():  # type: ignore[no-untyped-def]
    """The period's figures by field (the report's breakdown): received,
    resolved, of which late, and open at the end. A plain request gets the
    whole dashboard, which fetches this part once it is up."""
    if not htmx or htmx.boosted:
        return index()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    _text, period, _error = chosen_period()
    tag = _etag(period, "fields")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    with service().read() as conn:
        by_field = queries.tallies_by_field(
            queries.tallies_by_procedure(conn, selected_commune(), period))
    body = render_template("dashboard/_fields.html", fields=by_field, period=period,
                           commune=selected_commune(), UNKNOWN_FIELD=queries.UNKNOWN_FIELD)
    return _revalidated(Response(body), tag)


@bp.get("/dashboard/charts")
def charts():  # type: ignore[no-untyped-def]
    """Month by month over the period (its latest twelve months, none still
    to come): dossiers received by channel and resolved by timeliness, as
    drawn bars (``app.charts``). A plain request gets the whole dashboard,
    which fetches this part once it is up."""
    if not htmx or htmx.boosted:
        return index()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    _text, period, _error = chosen_period()
    tag = _etag(period, "charts")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    months = months_of(period, last=today())
    with service().read() as conn:
        tallies = queries.monthly_tallies(conn, selected_commune(), months)
    body = render_template("dashboard/_charts.html", period=period, shown=number,
                           charts=dossier_charts(tallies, translated) if months else ())
    return _revalidated(Response(body), tag)


@bp.get("/dashboard/targets")
def targets():  # type: ignore[no-untyped-def]
    """The targets in force over the period, each judged by its actual over
    the period (``events.targets.met``): polled like the counts, so that
    "met" turns as the figures cross the threshold. A plain request gets the
    whole dashboard, which fetches this part once it is up."""
    if not htmx or htmx.boosted:
        return index()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    _text, period, _error = chosen_period()
    tag = _etag(period, "targets")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    with service().read() as conn:
        judged = queries.targets_in_force(conn, selected_commune(), period, today())
    body = render_template("dashboard/_targets.html", targets=judged, period=period,
                           INDICATORS=INDICATORS, RATE=RATE)
    return _revalidated(Response(body), tag)


@bp.get("/dashboard/violations")
def violations():  # type: ignore[no-untyped-def]
    """New violations in the period (zero shown with its period), legacy ones
    still open at its end, those closed in it (as of its end, or today if it
    has not ended), and penalties overdue today. A plain request gets the
    whole dashboard, which fetches this part once it is up."""
    if not htmx or htmx.boosted:
        return index()
    service().catch_up(budget=REQUEST_CATCH_UP_SECONDS)
    _text, period, _error = chosen_period()
    tag = _etag(period, "violations")
    if request.if_none_match.contains(tag):
        return _revalidated(Response(status=304), tag)
    commune, day = selected_commune(), today()
    judged = Period(period.start, min(period.end, max(day, period.start)))
    with service().read() as conn:
        figures = queries.violation_figures(conn, commune, judged)
        overdue = queries.overdue_violations(conn, commune, day)
    body = render_template("dashboard/_violations.html", figures=figures, overdue=overdue,
                           period=period)
    return _revalidated(Response(body), tag)


def _counts(period: Period) -> queries.DossierCounts:
    with service().read() as conn:
        return queries.dossier_counts(conn, selected_commune(), period, today())


def _deadlines(period: Period) -> tuple[list[queries.DossierListing],
                                        list[queries.DossierListing]]:
    """The dossiers overdue at the period's end (today, if it has not ended),
    as its "trong đó quá hạn" counts them; and, for a period still running,
    those due within the next two working days."""
    commune, ledger, day = selected_commune(), service().ledger, today()
    running = period.start <= day <= period.end
    soon = ledger.due_after(commune, day, DUE_SOON_WORKING_DAYS) if running else None
    with service().read() as conn:
        return queries.overdue_and_due_soon(conn, commune, day, soon,
                                            judged_on=min(period.end, day))


def _etag(period: Period, part: str = "counts") -> str:
    """Changes when any projection moves, or the day turns (overdue counts
    depend on it), or the user, period or part of the page differ."""
    parts = (service().engine.token(), selected_commune(), str(period), str(today()),
             str(bool(htmx)), part)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _revalidated(response: Response, tag: str) -> Response:
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("HX-Request")
    return response
