"""``report PERIOD``: the period report on the command line (CONTRACT.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app import service
from app.cli import fail, resolve_commune
from app.reports.check import checked
from app.reports.period import period_report
from app.web import today
from projections.periods import BadPeriod, Period


@click.command("report")
@with_appcontext
@click.argument("period_text", metavar="PERIOD")
@click.option("--commune", "commune_code", default=None)
@click.option("--format", "fmt", type=click.Choice(["json", "html", "docx"]), default="json")
@click.option("-o", "output", type=click.Path(dir_okay=False, writable=True), default=None)
@click.option("--check", "check", is_flag=True,
              help="Recompute every figure straight from the event log and print those "
                   "that disagree with the report (exit 1 if any).")
def report_command(period_text: str, commune_code: str | None, fmt: str,
                   output: str | None, check: bool) -> None:
    """The period report: PERIOD is 2023-H1, 2023-Q2, 2023-06, 2023 or FROM..TO."""
    try:
        period = Period.parse(period_text)
    except BadPeriod as error:
        fail(str(error))
    if check:
        outcome = checked(service(), resolve_commune(commune_code), period, today())
        click.echo("\n".join(outcome.lines()))
        if not outcome.ok:
            sys.exit(1)
        return
    if fmt != "json":
        fail(f"Định dạng {fmt} chưa được hỗ trợ; hãy dùng --format json.")
    commune = resolve_commune(commune_code)
    service().catch_up()
    with service().read() as conn:
        text = json.dumps(period_report(conn, commune, period, today()), ensure_ascii=False,
                          indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
