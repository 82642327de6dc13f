"""``report PERIOD``: the period report on the command line (CONTRACT.md)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app import service
from app.cli import fail, resolve_commune
from app.reports import files
from app.reports.check import checked
from app.reports.known import BadMoment, known_at, moment_of
from app.reports.period import period_report
from app.web import today
from projections.periods import BadPeriod, Period
from projections.rewind import CannotRewind


@click.command("report")
@with_appcontext
@click.argument("period_text", metavar="PERIOD")
@click.option("--commune", "commune_code", default=None)
@click.option("--format", "fmt", type=click.Choice(files.FORMATS), default="json")
@click.option("-o", "output", type=click.Path(dir_okay=False, writable=True), default=None)
@click.option("--check", "check", is_flag=True,
              help="Recompute every figure straight from the event log and print those "
                   "that disagree with the report (exit 1 if any).")
@click.option("--as-known-at", "known_text", default=None, metavar="TIMESTAMP",
              help="The report computed only from the events recorded up to that moment "
                   "(ISO 8601; without a zone, in the commune's time).")
def report_command(period_text: str, commune_code: str | None, fmt: str,
                   output: str | None, check: bool, known_text: str | None) -> None:
    """The period report: PERIOD is 2023-H1, 2023-Q2, 2023-06, 2023 or FROM..TO.
    JSON and HTML go to standard output unless -o; a Word file (docx) goes to
    -o, or to bao-cao-PERIOD.docx in the current folder."""
    try:
        period = Period.parse(period_text)
    except BadPeriod as error:
        fail(str(error))
    moment: datetime | None = None
    if known_text is not None:
        try:
            moment = moment_of(known_text, service().ledger.zone)
        except BadMoment as error:
            fail(str(error))
    if check:
        outcome = checked(service(), resolve_commune(commune_code), period, today())
        click.echo("\n".join(outcome.lines()))
        if not outcome.ok:
            sys.exit(1)
        return
    commune = resolve_commune(commune_code)
    service().catch_up()
    day = today() if moment is None else moment.astimezone(service().ledger.zone).date()
    try:
        report = None if moment is None else known_at(service(), commune, period, moment)
    except CannotRewind as error:
        fail(str(error))
    with service().read() as conn:
        if report is None:
            report = period_report(conn, commune, period, day)
        document = files.document(conn, commune, period, report, day) if fmt != "json" else None
        charts = files.charts(conn, commune, period, day) if fmt == "html" and not moment else []
    if document is None:
        _write(files.as_json(report), output)
    elif fmt == "html":
        with current_app.test_request_context():
            _write(files.as_html(document, period, standalone=True, charts=charts), output)
    else:
        path = Path(output or files.file_name(period_text, "docx"))
        path.write_bytes(files.as_docx(document))
        if output is None:  # say where it went: the name was not given
            click.echo(f"Đã ghi báo cáo vào {path}.")


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
