"""``audit verify``, ``audit checkpoint``, ``audit export`` and ``audit
replay`` (CONTRACT.md)."""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import click
from eventsourcing.persistence import StoredEvent
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, text

from app import service
from app.audit import checkpoints
from app.audit.chain import Expected, Outcome, keep, log_rows, snapshot, verify
from app.cli import fail, progress_bar
from events.base import SYSTEM_ACTOR
from projections.engine import ProjectionFailed
from projections.seal import GENESIS, chain, originator_text

audit_cli = AppGroup("audit", help="The log's hash chain, checkpoints, export and replay.")


def public_key() -> Any:
    try:
        return checkpoints.signing_key(Path(current_app.instance_path)).public_key()
    except ValueError as error:
        fail(str(error))


def writable(file: str) -> Path:
    """The path of a file to be written, refused up front (before anything
    is done) when its folder is missing or not writable."""
    path = Path(file)
    folder = path.parent.resolve()
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        fail(f"Không ghi được {file}: thư mục {folder} không có hoặc không ghi được.")
    return path


def seal_up(svc: Any) -> None:
    """The seal brought to the head of the log before it is read."""
    try:
        svc.engine.advance("seal")
    except ProjectionFailed as failure:
        fail(f"{failure}\nNếu cơ sở dữ liệu chưa được cập nhật cấu trúc, hãy chạy "
             "`flask --app wsgi db upgrade` trước.")


def stored(conn: Connection, public: Any) -> list[Expected]:
    """The checkpoints stored in the database, each to be held to; one whose
    signature fails is kept, refused, so that verifying reports it."""
    found = []
    for row in conn.execute(text("SELECT id, size, head, note FROM audit_checkpoint "
                                 "ORDER BY id")):
        label = f"số {row.id}"
        try:
            found.append(Expected(checkpoints.read(row.note, public), label))
        except checkpoints.BadCheckpoint as bad:
            found.append(Expected(checkpoints.Checkpoint(max(row.size, 0), b"", row.note),
                                  label, str(bad)))
    return found


def verified(svc: Any, conn: Connection, given: list[Expected], public: Any) -> Outcome:
    return verify(svc, conn, stored(conn, public) + given)


@audit_cli.command("verify")
@click.option("--checkpoint", "files", multiple=True, type=click.Path(dir_okay=False),
              help="A checkpoint file to hold the chain to (may be repeated).")
def audit_verify(files: tuple[str, ...]) -> None:
    """Recompute the hash chain from the stored events and check it against
    the seal, every stored checkpoint and every one given."""
    public = public_key()
    given = []
    for name in files:
        try:
            note = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"Không đọc được điểm kiểm tra {name}: {error}")
        try:
            given.append(Expected(checkpoints.read(note, public), Path(name).name))
        except checkpoints.BadCheckpoint as bad:
            fail(f"Điểm kiểm tra {name} bị từ chối: {bad}.")
    svc = service()
    seal_up(svc)
    with snapshot(svc) as conn:
        outcome = verified(svc, conn, given, public)
    keep(svc, outcome, SYSTEM_ACTOR)
    report(outcome)


def report(outcome: Outcome) -> None:
    click.echo(outcome.line())
    if not outcome.ok:
        sys.exit(1)


@audit_cli.command("checkpoint")
@click.option("-o", "output", type=click.Path(dir_okay=False), default=None,
              help="Also write the signed checkpoint to this file.")
def audit_checkpoint(output: str | None) -> None:
    """Sign the current head of a chain that verifies, and store it."""
    if output:
        writable(output)
    try:
        key = checkpoints.signing_key(Path(current_app.instance_path))
    except ValueError as error:
        fail(str(error))
    svc = service()
    seal_up(svc)
    with snapshot(svc) as conn:
        outcome = verified(svc, conn, [], key.public_key())
    if not outcome.ok:
        click.echo(outcome.line())
        fail("Không ký điểm kiểm tra cho một chuỗi băm bị hỏng.")
    signed = checkpoints.sign(key, outcome.events, outcome.head)
    with svc.write() as conn:
        conn.execute(text("INSERT INTO audit_checkpoint (size, head, note, signed_at) "
                          "VALUES (:size, :head, :note, :at)"),
                     {"size": signed.size, "head": signed.head.hex(), "note": signed.note,
                      "at": datetime.now(UTC)})
    if output:
        write_file(Path(output), signed.note)
    click.echo(signed.note, nl=False)


def write_file(path: Path, content: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(content, encoding="utf-8")
    os.replace(partial, path)


@audit_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
def audit_export(file: str) -> None:
    """The whole log, one event a line with its hash in the chain."""
    path = writable(file)
    svc = service()
    public = public_key()
    seal_up(svc)
    partial = path.with_name(f".{path.name}.partial")
    with snapshot(svc) as conn:
        outcome = verified(svc, conn, [], public)
        if not outcome.ok:
            click.echo(outcome.line())
            fail("Không xuất một sổ cái có chuỗi băm bị hỏng.")
        with partial.open("w", encoding="utf-8") as out:
            with log_rows(svc, conn) as log:
                for row, digest in with_hashes(log):
                    out.write(json.dumps(export_line(row, digest), ensure_ascii=False) + "\n")
    os.replace(partial, path)
    click.echo(f"Đã xuất {outcome.events} sự kiện vào {file}.")
    click.echo(outcome.line())


def with_hashes(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Sequence[Any], bytes]]:
    previous = GENESIS
    for row in rows:
        previous = next(chain(previous, (row,)))[1]
        yield row, previous


def export_line(row: Any, digest: bytes) -> dict[str, Any]:
    position, oid, version, topic, state = row
    state = bytes(state)
    line: dict[str, Any] = {"position": position, "originator_id": originator_text(oid),
                            "originator_version": version,
                            "topic": topic.decode() if isinstance(topic, bytes) else topic}
    try:
        line["state"] = state.decode("utf-8")
    except UnicodeDecodeError:
        line["state_base64"] = base64.b64encode(state).decode()
    line["hash"] = digest.hex()
    return line


def read_export(path: Path) -> list[StoredEvent]:
    """The events of an export, each line checked (its fields and its hash
    in the chain); every bad line is printed and nothing is returned."""
    events, errors, previous = [], [], GENESIS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        fail(f"Không đọc được {path}: {error}")
    for number, raw in enumerate(lines, 1):
        try:
            line = json.loads(raw)
            oid, version, topic = (line["originator_id"], line["originator_version"],
                                   line["topic"])
            state = (line["state"].encode("utf-8") if "state" in line
                     else base64.b64decode(line["state_base64"], validate=True))
            if not (isinstance(oid, str) and isinstance(topic, str)
                    and isinstance(version, int) and not isinstance(version, bool)):
                raise ValueError("originator_id, originator_version hoặc topic sai kiểu")
            uuid = UUID(hex=oid)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            errors.append(f"dòng {number}: không đọc được sự kiện ({error})")
            continue
        digest = next(chain(previous, [(number, uuid.hex, version, topic, state)]))[1]
        if line.get("hash") != digest.hex():
            errors.append(f"dòng {number}: mã băm không khớp chuỗi")
        previous = digest
        events.append(StoredEvent(uuid, version, topic, state))
    if errors:
        for error in errors:
            click.echo(error, err=True)
        fail(f"{path}: {len(errors)} dòng sai; không ghi nhận gì.")
    return events


@audit_cli.command("replay")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
def audit_replay(file: str) -> None:
    """Record an export's events, in order, into an empty database, then
    build every projection and verify the chain."""
    svc = service()
    events = read_export(Path(file))
    head = svc.engine.head()
    if head:
        fail(f"Cơ sở dữ liệu đã có sự kiện (đến vị trí {head}); "
             "chỉ phát lại vào cơ sở dữ liệu trống.")
    if events:  # one append: a replay stopped half-way leaves nothing
        svc.ledger.recorder.insert_events(events)
    behind = sum(s.behind for s in svc.engine.status())
    with progress_bar(behind, "Dựng bảng tổng hợp") as step:
        try:
            svc.engine.catch_up(step, long_pages=True)
        except ProjectionFailed as failure:
            fail(str(failure))
    with snapshot(svc) as conn:
        outcome = verified(svc, conn, [], public_key())
    click.echo(f"Đã phát lại {len(events)} sự kiện từ {file}.")
    report(outcome)
