"""``report PERIOD``: the period report on the command line (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app import service
from app.cli import fail, resolve_commune
from app.reports.period import period_report, report_text
from app.web import today
from projections.periods import BadPeriod, Period


@click.command("report")
@with_appcontext
@click.argument("period_text", metavar="PERIOD")
@click.option("--commune", "commune_code", default=None)
@click.option("--format", "fmt", type=click.Choice(["json", "html", "docx"]), default="json")
@click.option("-o", "output", type=click.Path(dir_okay=False, writable=True), default=None)
def report_command(period_text: str, commune_code: str | None, fmt: str,
                   output: str | None) -> None:
    """The period report: PERIOD is 2023-H1, 2023-Q2, 2023-06, 2023 or FROM..TO."""
    try:
        period = Period.parse(period_text)
    except BadPeriod as error:
        fail(str(error))
    if fmt != "json":
        fail(f"Định dạng {fmt} chưa được hỗ trợ; hãy dùng --format json.")
    commune = resolve_commune(commune_code)
    service().catch_up()
    with service().read() as conn:
        text = report_text(period_report(conn, commune, period, today()))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
