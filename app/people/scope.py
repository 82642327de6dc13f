"""Which commune a page shows: the user's own, or another within their scope
named by ``?commune=``; one outside it is not found. And communes shown by
their names, not their codes."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, abort, g, request
from flask_login import current_user

from projections import queries


def selected_commune() -> str:
    wanted = request.args.get("commune", "").strip()
    if not wanted:
        return current_user.commune
    if wanted not in current_user.communes:
        abort(404)
    return wanted


def commune_name(code: str) -> str:
    """The commune's name, or its code if it has none recorded; the names
    are read once per request."""
    names = g.get("commune_names")
    if names is None:
        from app import service  # the app's service, once it exists

        with service().read() as conn:
            names = g.commune_names = dict(queries.communes(conn))
    return names.get(code) or code


def commune_names(codes: Iterable[str]) -> str:
    """Communes as a reader names them, in the order given."""
    return ", ".join(commune_name(code) for code in codes)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(commune_name=commune_name, commune_names=commune_names)
