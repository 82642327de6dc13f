"""``GET /healthz``: no log-in; how many events, how far projections lag, and
whether one has failed (still 200: the log is safe, a read model is not
current; a monitor reads ``status``)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, send_from_directory

from app import service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    statuses = service().engine.status()
    head = statuses[0].head if statuses else service().engine.head()
    failing = [s.name for s in statuses if s.error]
    return jsonify(status="degraded" if failing else "ok", events=head,
                   behind=max((s.behind for s in statuses), default=0), failing=failing)


@bp.get("/favicon.ico")
def favicon():  # type: ignore[no-untyped-def]
    """Where browsers look for the site's icon unless a page names one:
    the same icon as the pages' (an SVG, which browsers take here too)."""
    return send_from_directory(current_app.static_folder or "static", "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)
