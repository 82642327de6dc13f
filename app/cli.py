"""The command line: ``flask --app wsgi …`` (CONTRACT.md): the database,
communes, projections, the demo and the calendar here, with the helpers every
command shares; each capability's package adds its own (``import``,
``users``, ``report``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import service
from app.service import upgrade
from events.base import SYSTEM_ACTOR, acting_as
from events.errors import DomainError
from projections import queries
from projections.engine import Progress, ProjectionFailed, rebuild_workers, timed


db_cli = AppGroup("db", help="Database tables.")
commune_cli = AppGroup("commune", help="Communes (administrative units).")
projections_cli = AppGroup("projections", help="Read models built from the log.")
demo_cli = AppGroup("demo", help="The demo commune.")
calendar_cli = AppGroup("calendar", help="Declared days off and make-up working days.")


def init_app(app: Flask) -> None:
    for group in (db_cli, commune_cli, projections_cli, demo_cli, calendar_cli):
        app.cli.add_command(group)


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def resolve_commune(code: str | None) -> str:
    with service().read() as conn:
        known = queries.communes(conn)
    if code:
        if code not in {c for c, _ in known}:
            fail(f"Chưa đăng ký đơn vị hành chính mã {code}.")
        return code
    if len(known) != 1:
        fail("Hãy chỉ rõ --commune MÃ (đang có "
             f"{len(known)} đơn vị hành chính được đăng ký).")
    return known[0][0]


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate every table, then bring the projections up to date;
    safe to repeat."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Đã cập nhật cấu trúc cơ sở dữ liệu.")
    # A migration that changes a projection's shape resets it to replay the
    # log: done here, with progress shown, rather than in the first request
    # the server answers, which a long replay would make time out.
    engine = service().engine
    behind = sum(s.behind for s in engine.status())
    if not behind:
        return
    with progress_bar(behind, "Cập nhật bảng tổng hợp") as step:
        try:
            engine.catch_up(step, long_pages=True)
        except ProjectionFailed as failure:
            fail(str(failure))
    click.echo(f"Đã cập nhật các bảng tổng hợp ({behind:,} sự kiện).")


@commune_cli.command("add")
@click.argument("code")
@click.argument("name")
def commune_add(code: str, name: str) -> None:
    """Register a commune: its administrative unit code and name."""
    try:
        with acting_as(SYSTEM_ACTOR):
            service().record(service().ledger.register_commune, code, name)
    except DomainError as error:
        fail(error.message)
    click.echo(f"Đã đăng ký {code} {name}.")


@projections_cli.command("status")
def projections_status() -> None:
    """How far each projection is behind the log."""
    rows = service().engine.status()
    click.echo(f"{'projection':<14}{'position':>10}{'head':>10}{'behind':>8}  error")
    for s in rows:
        click.echo(f"{s.name:<14}{s.position:>10}{s.head:>10}{s.behind:>8}  {s.error or ''}")
    if any(s.error for s in rows):
        sys.exit(1)


@projections_cli.command("rebuild")
@click.argument("name", required=False)
@click.option("--workers", type=click.IntRange(1, 16), default=rebuild_workers,
              show_default="one per processor core, up to 4",
              help="Processes sharing the replay, each with some of the projections.")
def projections_rebuild(name: str | None, workers: int) -> None:
    """Replay the log into new tables beside a projection's live ones (every
    projection's without NAME) and swap them in once caught up; pages, log-in
    and commands go on meanwhile."""
    engine = service().engine
    names = [name] if name else list(engine.projections)
    if name and name not in engine.projections:
        fail(f"Không có projection tên {name} (có: {', '.join(engine.projections)}).")
    _rebuild(names, engine.head(), workers)


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Progress]:
    """A bar over ``length`` events with the speed beside it; yields the
    engine's progress callback."""
    speed = [0.0]
    with click.progressbar(length=length, label=label, show_pos=True,
                           item_show_func=lambda _: f"{speed[0]:,.0f} sự kiện/giây") as bar:
        def step(count: int, rate: float) -> None:
            speed[0] = rate
            bar.update(count)
        yield timed(step)


def _rebuild(names: list[str], head: int, workers: int = 1) -> None:
    """One pass over the log for all ``names``. The engine counts each
    event once per projection it moves; the bar, once."""
    started = time.perf_counter()
    label = names[0] if len(names) == 1 else f"{len(names)} projection"
    with progress_bar(head, f"{label:<12}") as step:
        try:
            service().engine.rebuild(*names, progress=lambda n: step(n // len(names)),
                                     workers=workers)
        except ProjectionFailed as failure:
            fail(str(failure))
    seconds = time.perf_counter() - started
    click.echo(f"{', '.join(names)}: dựng lại từ {head} sự kiện trong {seconds:.1f} giây "
               f"({head / max(seconds, 1e-9):,.0f} sự kiện/giây).")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="On a log that is not empty, print the demo log-ins instead of refusing.")
def demo_load(if_empty: bool) -> None:
    """Record the demo commune (Quảng Nghiệp, first half of 2023)."""
    from app import demo

    if service().engine.head() > 0:
        if if_empty:
            click.echo(demo.saved_logins(current_app.instance_path))
            return
        fail("Sổ cái đã có dữ liệu; chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống.")
    logins = demo.load(service(), current_app.instance_path)
    click.echo(logins)


@calendar_cli.command("day-off")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("reason")
@click.option("--commune", "commune_code", default=None)
def calendar_day_off(day, reason: str, commune_code: str | None) -> None:  # type: ignore[no-untyped-def]
    """Declare an extra day off (not a working day)."""
    _declare("declare_day_off", day.date(), reason, commune_code)


@calendar_cli.command("make-up-day")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("reason")
@click.option("--commune", "commune_code", default=None)
def calendar_make_up_day(day, reason: str, commune_code: str | None) -> None:  # type: ignore[no-untyped-def]
    """Declare a make-up working day (a Saturday or Sunday that counts)."""
    _declare("declare_make_up_day", day.date(), reason, commune_code)


def _declare(command: str, day, reason: str, commune_code: str | None) -> None:  # type: ignore[no-untyped-def]
    commune = resolve_commune(commune_code)
    try:
        with acting_as(SYSTEM_ACTOR):
            service().record(getattr(service().ledger, command), commune, day, reason)
    except DomainError as error:
        fail(error.message)
    click.echo(f"Đã ghi nhận ngày {day:%d/%m/%Y} cho {commune}.")
