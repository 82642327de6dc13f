"""``/audit``: the audit trail for auditors and inspectors (of the communes
in their scope): who recorded what, when it happened, when it was recorded
and how long after, and from where; filtered and paged newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from zoneinfo import ZoneInfo

from app import service
from app.audit import checkpoints
from app.audit.chain import keep, last_verification, snapshot
from app.audit.cli import verified
from projections.engine import ProjectionFailed
from app.people.scope import selected_commune
from app.web import wants_fragment
from projections import queries
from app.people.permissions import P
from projections.audit_trail import LATE, TrailFilter, entity_key, streams, trail

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _day(name: str, problems: list[str]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(_("Ngày phải có dạng NNNN-TT-NN (ví dụ 2023-06-30)."))
        return None


def _entity(problems: list[str]) -> str:
    """The record whose entries alone are asked for, as the trail keys it."""
    text = request.args.get("entity", "").strip()
    if not text:
        return ""
    try:
        return entity_key(text[:64])
    except ValueError:
        problems.append(_("Mã đối tượng không hợp lệ."))
        return "-"  # matches no entry: a bad id shows nothing rather than everything


@bp.get("")
def index():  # type: ignore[no-untyped-def]
    commune, problems = selected_commune(), []
    wanted = TrailFilter(actor=request.args.get("actor", "").strip()[:64],
                         stream=request.args.get("stream", "").strip()[:64],
                         start=_day("from", problems), end=_day("to", problems),
                         late=request.args.get("late") == "1",
                         corrections=request.args.get("corrections") == "1",
                         entity=_entity(problems))
    before = request.args.get("before", "")
    with service().read() as conn:
        rows, more = trail(conn, commune, wanted,
                           int(before) if before.isdecimal() and len(before) < 19 else None,
                           ZoneInfo(current_app.config["TIMEZONE"]))
        known = streams(conn, commune)
        staff = queries.staff_names(conn, {r.actor for r in rows})
        last = last_verification(conn)
        signed = _latest_checkpoint(conn) is not None
    criteria = {k: v for k, v in request.args.items() if k != "before" and v}
    shown: dict[str, Any] = {"rows": rows, "more": more, "wanted": wanted, "streams": known,
                             "staff": staff, "problems": problems, "criteria": criteria,
                             "late_days": LATE.days, "last": last, "signed": signed,
                             "whole_trail": _whole_trail(criteria)}
    if wants_fragment():
        return render_template("audit/_trail.html", **shown)
    return render_template("audit/index.html", **shown)


@bp.post("/verify")
def verify():  # type: ignore[no-untyped-def]
    """Recompute the hash chain now, as ``audit verify`` does, and keep the
    outcome; the page then shows it."""
    svc = service()
    try:
        svc.engine.advance("seal")
    except ProjectionFailed:
        pass  # the seal stops where it failed: what it holds is still checked
    public = checkpoints.signing_key(Path(current_app.instance_path)).public_key()
    with snapshot(svc) as conn:
        outcome = verified(svc, conn, [], public)
    keep(svc, outcome, current_user.name)
    return redirect(url_for("audit.index", **request.args), 303)


def _whole_trail(criteria: dict[str, str]) -> str | None:
    """Where a record's entries lead back to the whole trail (None when the
    page already shows it)."""
    if "entity" not in criteria:
        return None
    return url_for("audit.index", **{k: v for k, v in criteria.items() if k == "commune"})


@bp.app_template_global()
def audit_url(history: list[Any]) -> str | None:
    """A record's own entries in the audit trail, for whoever may read it."""
    if not history or not current_user.is_authenticated or not current_user.can(P.VIEW_AUDIT):
        return None
    first = history[0]
    commune = getattr(first, "commune", "") or ""
    args = {"entity": entity_key(first.originator_id)}
    if commune and commune != current_user.commune:
        args["commune"] = commune
    return url_for("audit.index", **args)


def _latest_checkpoint(conn):  # type: ignore[no-untyped-def]
    return conn.execute(text("SELECT size, note FROM audit_checkpoint "
                             "ORDER BY id DESC LIMIT 1")).first()


@bp.get("/checkpoint.txt")
def checkpoint():  # type: ignore[no-untyped-def]
    """The latest signed checkpoint, for an inspector to keep offline."""
    with service().read() as conn:
        latest = _latest_checkpoint(conn)
    if latest is None:
        abort(404)
    return Response(latest.note, mimetype="text/plain", headers={
        "Content-Disposition": f"attachment; filename=checkpoint-{latest.size}.txt"})


def delay_text(seconds: int | None) -> str:
    """How long after it happened an entry was recorded, as a reader says it."""
    if seconds is None or seconds < 60:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)d ngày %(hours)d giờ", days=days, hours=hours)
    if hours:
        return _("%(hours)d giờ %(minutes)d phút", hours=hours, minutes=rest // 60)
    return _("%(minutes)d phút", minutes=rest // 60)


@bp.app_template_filter("delay")
def _delay(seconds: int | None) -> str:
    return delay_text(seconds)
