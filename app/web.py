"""How every blueprint answers: a fragment for htmx, a whole page otherwise;
a domain error next to its field; a trigger after a command so live parts
of the page refresh."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template

from app import htmx
from app.forms import LedgerForm
from app.i18n import translated
from events.errors import DomainError

# The event a page's live parts (counts, lists) listen for.
CHANGED = "ledger-changed"


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted


def attach(form: LedgerForm, error: DomainError) -> None:
    """Show a refused command's message next to its field, or above the form,
    in the user's language."""
    message = translated(error.message)
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def changed(template: str, **context: Any) -> Response:
    """A command succeeded: the fragment, and the trigger for live parts."""
    response = Response(render_template(template, **context))
    response.headers["HX-Trigger"] = CHANGED
    return response


def refused(page: str, template: str, **context: Any) -> tuple[str, int]:
    """A form with errors: the fragment for htmx, else ``page`` around it."""
    if wants_fragment():
        return render_template(template, **context), 422
    return render_template(page, template=template, **context), 422


def zone() -> ZoneInfo:
    """The business time zone (LEDGER_TIMEZONE)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def now() -> datetime:
    return datetime.now(zone())


def today() -> date:
    return now().date()
