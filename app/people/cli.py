"""``users create NAME --role ROLE``: a user account, its password read from
standard input (CONTRACT.md)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app import service
from app.cli import fail, resolve_commune
from app.people.credentials import password_problem, set_password
from events.base import SYSTEM_ACTOR, acting_as
from events.errors import DomainError

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", required=True, help="clerk, officer, leader, auditor, inspector, admin, "
              "province_admin (grants inspectors' and auditors' scopes over communes)")
@click.option("--commune", "commune_code", default=None)
@click.option("--full-name", default="", help="the name printed on slips, e.g. \"Nguyễn Văn A\"")
def users_create(name: str, role: str, commune_code: str | None, full_name: str) -> None:
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    if problem := password_problem(password):
        fail(problem)
    create_user(name, role, resolve_commune(commune_code), password, full_name=full_name)
    click.echo(f"Đã tạo người dùng {name} ({role}).")


def create_user(name: str, role: str, commune: str, password: str,
                must_change: bool = False, full_name: str = "") -> None:
    try:
        with acting_as(SYSTEM_ACTOR):
            service().record(service().ledger.register_user, name, role, commune, full_name)
    except DomainError as error:
        fail(error.message)
    with service().write() as conn:
        set_password(conn, name, password, must_change)
