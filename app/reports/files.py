"""The period report in each of its formats (CONTRACT.md: ``json``, ``html``,
``docx``), the same for the command line and the web: the JSON of
``app.reports.period``, and the document ``app.reports.document`` composes
from it, as a printable page or a Word file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import Connection

from app import exports, service
from app.charts import dossier_charts, sorting_chart
from app.charts import figure as chart_figure
from app.formatting import number, percent
from app.reports import word
from app.reports.document import ReportDocument, compose, period_label
from app.reports.narrative import narrative
from app.reports.period import report_text
from projections import household_queries, queries
from projections.periods import Period, months_of

FORMATS = ("json", "html", "docx")


def as_json(report: dict[str, Any]) -> str:
    return report_text(report)


def document(conn: Connection, commune: str, period: Period, report: dict[str, Any],
             today: date) -> ReportDocument:
    """The report as a document with the leaders' texts: the issued one's
    number and date if these are the figures it was issued with (the same
    JSON, by its hash), else unnumbered and dated ``today``, a draft."""
    record = service().ledger.period_report_record(commune, period.start, period.end)
    issued = record.issued if record is not None else None
    if issued is not None and issued.sha256 == sha256(report_text(report).encode()).hexdigest():
        number_symbol, day = issued.number_symbol, issued.issued_on
    else:
        number_symbol, day = "", today
    return compose(report, narrative(record), day,
                   household_queries.supply_items(conn, commune), number_symbol)


def charts(conn: Connection, commune: str, period: Period, today: date) -> list[Markup]:
    """The report's charts, month by month over the period (its latest
    twelve months, none still to come): dossiers received by channel and
    resolved by timeliness, and each village's sorting rate at the month's
    end (today, for the month under way). Always in Vietnamese."""
    months = months_of(period, last=today)
    if not months:
        return []
    received, resolved = dossier_charts(queries.monthly_tallies(conn, commune, months),
                                        prefix="report")
    days = [min(m.end, today) for m in months]
    sorting = sorting_chart(days, household_queries.sorting_by_village(conn, commune, days),
                            prefix="report")
    return [chart_figure(received, number), chart_figure(resolved, number),
            chart_figure(sorting, percent)]


def as_html(doc: ReportDocument, period: Period, *, standalone: bool,
            charts: Sequence[Markup] = (), **context: Any) -> str:
    """The printable page, with ``charts`` at the end of part II;
    ``standalone`` (a file written by the command line) carries its style
    sheet within and no bar of links."""
    css = ""
    if standalone:
        css = (Path(current_app.static_folder or "static") / "print.css").read_text("utf-8")
    return render_template("reports/report.html", document=doc, period=period,
                           label=period_label(period), standalone=standalone, css=css,
                           charts=charts, **context)


def as_docx(doc: ReportDocument) -> bytes:
    return word.render(doc)


def file_name(period_text: str, kind: str) -> str:
    """``bao-cao-2023-H1.docx``, ``bao-cao-2023-01-01-den-2023-03-31.docx``."""
    return exports.file_name(f"bao-cao-{period_text}", kind)
