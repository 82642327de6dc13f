"""``import procedures|dossiers FILE.csv`` (CONTRACT.md): each checks the whole
file, prints every bad row and records nothing if any row is bad."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from app import service
from app.cli import fail, resolve_commune
from events.base import SYSTEM_ACTOR
from app.formatting import number
from app.importing import ImportInterrupted
from app.importing import documents
from app.importing.dossiers import Checked, Outcome, check_file, record_rows, size_problem
from app.importing.procedures import import_procedure_file
from app.service import LedgerService

import_cli = AppGroup("import", help="Import CSV files (CONTRACT.md formats).")


@import_cli.command("procedures")
@click.argument("path", metavar="FILE.csv")
@click.option("--commune", "commune_code", default=None,
              help="Administrative unit code; may be left out while only one exists.")
def import_procedures(path: str, commune_code: str | None) -> None:
    """Import the procedure catalogue from a UTF-8 CSV file."""
    file = Path(path)
    if not file.is_file():
        fail(f"Không tìm thấy tệp {path}.")
    try:
        result = import_procedure_file(service(), resolve_commune(commune_code), file)
    except ImportInterrupted as interrupted:
        fail(str(interrupted))
    for problem in result.problems:
        click.echo(problem, err=True)
    if result.problems:
        fail(f"{file.name}: có {number(len(result.problems))} dòng lỗi; chưa ghi nhận gì.")
    for conflict in result.conflicts:
        click.echo(conflict, err=True)
    click.echo(f"Đã nhập {file.name}: {number(result.listed)} thủ tục mới, "
               f"{number(result.unchanged)} thủ tục không đổi, "
               f"{number(len(result.conflicts))} xung đột không ghi.")


@import_cli.command("dossiers")
@click.argument("path", metavar="FILE.csv")
@click.option("--commune", "commune_code", default=None,
              help="Administrative unit code; may be left out while only one exists.")
def import_dossiers(path: str, commune_code: str | None) -> None:
    """Import dossiers from a UTF-8 CSV file."""
    file = Path(path)
    if not file.is_file():
        fail(f"Không tìm thấy tệp {path}.")
    if problem := size_problem(file.stat().st_size):
        fail(f"{file.name}: {problem}")
    svc = service()
    checked = check_file(svc, resolve_commune(commune_code), file.read_bytes(), file.name,
                         SYSTEM_ACTOR)
    for problem in checked.problems:
        click.echo(problem, err=True)
    if checked.problems:
        fail(f"{file.name}: có {number(len(checked.problems))} dòng lỗi; chưa ghi nhận gì.")
    outcome = _record_with_bar(svc, checked)
    for conflict in outcome.conflicts:
        click.echo(conflict, err=True)
    click.echo(outcome.summary(file.name))


def _record_with_bar(svc: LedgerService, checked: Checked) -> Outcome:
    """Record what the check accepted (as ``system``), with a progress bar on
    standard error."""
    pending = checked.batch.pending if checked.batch else 0
    with click.progressbar(length=pending, label="Đang ghi hồ sơ", show_pos=True,
                           file=sys.stderr) as bar:
        try:
            return record_rows(svc, checked, lambda done, _total: bar.update(done - bar.pos))
        except ImportInterrupted as interrupted:
            fail(str(interrupted))
            raise  # not reached: fail() exits


@import_cli.command("documents")
@click.argument("path", metavar="FILE.csv")
@click.option("--commune", "commune_code", default=None,
              help="Administrative unit code; may be left out while only one exists.")
def import_documents(path: str, commune_code: str | None) -> None:
    """Import the document register from a UTF-8 CSV file."""
    _import_in_one_batch(documents, path, commune_code)


@import_cli.command("households")
@click.argument("path", metavar="FILE.csv")
@click.option("--commune", "commune_code", default=None,
              help="Administrative unit code; may be left out while only one exists.")
def import_households(path: str, commune_code: str | None) -> None:
    """Import the list of households in waste sorting from a UTF-8 CSV file."""
    from app.importing import households
    _import_in_one_batch(households, path, commune_code)


@import_cli.command("violations")
@click.argument("path", metavar="FILE.csv")
@click.option("--commune", "commune_code", default=None,
              help="Administrative unit code; may be left out while only one exists.")
def import_violations(path: str, commune_code: str | None) -> None:
    """Import the register of violations (legacy cases) from a UTF-8 CSV file."""
    from app.importing import violations
    _import_in_one_batch(violations, path, commune_code)


def _import_in_one_batch(kind: Any, path: str, commune_code: str | None) -> None:
    """An importer's file (``kind``: its ``check_file`` and ``record_rows``),
    checked whole, then recorded as ``system`` or not at all."""
    file = Path(path)
    if not file.is_file():
        fail(f"Không tìm thấy tệp {path}.")
    if problem := size_problem(file.stat().st_size):
        fail(f"{file.name}: {problem}")
    svc = service()
    checked = kind.check_file(svc, resolve_commune(commune_code), file.read_bytes(),
                              file.name, SYSTEM_ACTOR)
    for problem in checked.problems:
        click.echo(problem, err=True)
    if checked.problems:
        fail(f"{file.name}: có {number(len(checked.problems))} dòng lỗi; chưa ghi nhận gì.")
    try:
        outcome = kind.record_rows(svc, checked)
    except ImportInterrupted as interrupted:
        fail(str(interrupted))
        raise  # not reached: fail() exits
    for conflict in outcome.conflicts:
        click.echo(conflict, err=True)
    click.echo(outcome.summary(file.name))
