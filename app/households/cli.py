"""``flask --app wsgi village add NAME [--commune CODE]`` (CONTRACT.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import service
from app.cli import fail, resolve_commune
from events.base import SYSTEM_ACTOR, acting_as
from events.errors import DomainError

village_cli = AppGroup("village", help="Villages (thôn) of a commune.")


@village_cli.command("add")
@click.argument("name")
@click.option("--commune", "commune_code", default=None)
@click.option("--code", default=None, help="The village's code (made from its name if left out).")
def village_add(name: str, commune_code: str | None, code: str | None) -> None:
    """Register a village of the commune; imports name villages by their name."""
    commune = resolve_commune(commune_code)
    try:
        with acting_as(SYSTEM_ACTOR):
            code = service().record(service().ledger.add_village, commune, name, code)
    except DomainError as error:
        fail(error.message)
    click.echo(f"Đã thêm thôn {name} (mã {code}) cho {commune}.")
