"""Which commune a page shows: the user's own, or another within their scope
named by ``?commune=``; one outside it is not found."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user


def selected_commune() -> str:
    wanted = request.args.get("commune", "").strip()
    if not wanted:
        return current_user.commune
    if wanted not in current_user.communes:
        abort(404)
    return wanted
