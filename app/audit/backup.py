"""``backup FILE`` and ``restore FILE`` (CONTRACT.md).

SQLite: the online backup API copies the database page by page inside one
read transaction, so the copy is the database as it stood at one moment
while the server goes on writing (WAL lets writers on meanwhile). Event
numbers (SQLite's rowids) are copied as they are, which ``VACUUM INTO``
would not promise for a table without an INTEGER PRIMARY KEY.

PostgreSQL: ``pg_dump`` (custom format) of the ledger's schema, run on a
snapshot this command exports from a REPEATABLE READ transaction, in which
it verifies the chain too: the check is of exactly what was dumped.
``restore`` runs ``pg_restore`` in one transaction into a schema with no
tables yet.

Both verify the hash chain of what they wrote and print ``audit verify``'s
line. Neither copies the keys in ``instance/`` (``secret_key``,
``id_hash_key``, ``checkpoint_key``): keep them beside the backups.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import click
from flask.cli import with_appcontext

from app import service
from app.audit.chain import snapshot
from app.audit.cli import public_key, report, verified, writable
from app.cli import fail
from app.service import LedgerService
from events.store import LOCK_TIMEOUT_SECONDS, DatabaseURL, create_private


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
def backup_command(file: str) -> None:
    """A consistent copy of the whole database while the server runs,
    its chain verified."""
    target = writable(file)
    svc = service()
    public = public_key()
    partial = target.with_name(f".{target.name}.partial")
    if svc.url.is_sqlite:
        _sqlite_copy(svc.url.sqlite_path, partial)
        os.replace(partial, target)
        copy = LedgerService(f"sqlite:///{target}")
        try:
            with snapshot(copy) as conn:
                outcome = verified(copy, conn, [], public)
        finally:
            copy.close()
    else:
        with snapshot(svc) as conn:
            exported = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            _run(["pg_dump", *_connection(svc.url), "--format=custom", "--no-owner",
                  f"--snapshot={exported}", f"--schema={svc.url.schema}", f"--file={partial}",
                  f"--dbname={svc.url.parts.path.lstrip('/')}"],
                 svc.url)
            outcome = verified(svc, conn, [], public)
        os.replace(partial, target)
    click.echo(f"Đã sao lưu vào {file}.")
    report(outcome)


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
def restore_command(file: str) -> None:
    """Restore a backup into an empty database, then verify its chain."""
    svc = service()
    public = public_key()
    url = svc.url
    svc.close()  # nothing of this process holds the database while it is replaced
    if url.is_sqlite:
        _sqlite_restore(Path(file), url.sqlite_path)
    else:
        _postgres_restore(Path(file), url)
    restored = LedgerService(url.raw)
    try:
        with snapshot(restored) as conn:
            outcome = verified(restored, conn, [], public)
    finally:
        restored.close()
    click.echo(f"Đã khôi phục từ {file}; chạy `db upgrade` trước khi mở máy chủ.")
    report(outcome)


def _sqlite_copy(source: Path, target: Path, pages: int = -1) -> None:
    create_private(target)
    src = sqlite3.connect(source, timeout=LOCK_TIMEOUT_SECONDS)
    dest = sqlite3.connect(target)
    try:
        src.backup(dest, pages=pages)
    finally:
        dest.close()
        src.close()


def _sqlite_events(path: Path) -> int | None:
    """The events a SQLite file holds; None if it holds no ledger."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stored_events'").fetchone():
            return None
        return conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    finally:
        conn.close()


def _sqlite_restore(backup: Path, target: Path) -> None:
    try:
        if _sqlite_events(backup) is None:
            fail(f"{backup} không phải bản sao lưu của sổ cái.")
    except sqlite3.DatabaseError as error:
        fail(f"{backup} không phải bản sao lưu SQLite của sổ cái ({error}).")
    if target.exists() and (_sqlite_events(target) or 0) > 0:
        fail(f"Cơ sở dữ liệu {target} đã có sự kiện; chỉ khôi phục vào cơ sở dữ liệu trống.")
    _sqlite_copy(backup, target)


def _postgres_restore(backup: Path, url: DatabaseURL) -> None:
    listing = _run(["pg_restore", "--list", str(backup)], url, f"{backup} không phải bản "
                   "sao lưu pg_dump của sổ cái")
    entries = [line.split() for line in listing.splitlines() if not line.startswith(";")]
    schemas = {e[4] for e in entries if e[3:4] == ["TABLE"] and e[5:6] == ["ledger_events"]}
    if len(schemas) != 1:
        fail(f"{backup} không phải bản sao lưu của sổ cái.")
    (schema,) = schemas
    if schema != url.schema:
        fail(f"Bản sao lưu là của schema {schema}; LEDGER_DATABASE_URL chỉ schema {url.schema}.")
    import psycopg

    p = url.parts
    with psycopg.connect(host=p.hostname or "", port=p.port or 5432,
                         user=unquote(p.username or ""), password=unquote(p.password or ""),
                         dbname=p.path.lstrip("/"), autocommit=True) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s",
                              (schema,)).fetchone()[0]
        if tables:
            fail(f"Schema {schema} đã có {tables} bảng; chỉ khôi phục vào cơ sở dữ liệu trống.")
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The schema exists already: its own entry in the backup is left out.
    kept = [line for line in listing.splitlines() if " SCHEMA - " not in line]
    chosen = backup.with_name(f".{backup.name}.list")
    chosen.write_text("\n".join(kept) + "\n", encoding="utf-8")
    try:
        _run(["pg_restore", *_connection(url), "--no-owner", "--single-transaction",
              "--exit-on-error", f"--use-list={chosen}", f"--dbname={p.path.lstrip('/')}",
              str(backup)], url)
    finally:
        chosen.unlink(missing_ok=True)


def _connection(url: DatabaseURL) -> list[str]:
    p = url.parts
    return [f"--host={p.hostname or 'localhost'}", f"--port={p.port or 5432}",
            f"--username={unquote(p.username or '')}"]


def _run(command: list[str], url: DatabaseURL, failing: str | None = None) -> str:
    tool = shutil.which(command[0])
    if tool is None:
        fail(f"Không tìm thấy {command[0]}: cài gói postgresql-client.")
    env: dict[str, Any] = dict(os.environ)
    if url.parts.password:
        env["PGPASSWORD"] = unquote(url.parts.password)
    done = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{failing or command[0]}: {done.stderr.strip()}")
    return done.stdout
