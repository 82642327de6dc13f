"""The interface's language: Vietnamese first, English for a user who
chooses it.

Every text the interface shows is written in Vietnamese in the code and the
templates; that text is the message id, and the catalogue of another
language (``translations/<language>/LC_MESSAGES/messages.po``, compiled by
``make``) translates it. A user's choice is an event of the user
(``User.LanguageChosen``): it follows them from one computer to another.
It is read from the ledger at log-in and kept in the signed session for the
requests that follow; no one who is not logged in sees anything but
Vietnamese. Printed official forms are always Vietnamese."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import get_locale, gettext, pgettext
from flask_login import current_user

from events.people import DEFAULT_LANGUAGE, LANGUAGES
from events.texts import Text

# The names of the languages, each written in itself (as the switch shows them).
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
SESSION_KEY = "language"


def chosen_language() -> str:
    """The logged-in user's language, as their session holds it."""
    language = session.get(SESSION_KEY) if current_user.is_authenticated else None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def remember(language: str) -> None:
    """Keep the user's language for the rest of the session."""
    session[SESSION_KEY] = language if language in LANGUAGES else DEFAULT_LANGUAGE


def translated(message: str) -> str:
    """A message from the domain in the user's language: a ``Text`` is
    translated, then filled in (with its values that are names, translated
    too); a plain text is translated if the catalogue has it, and shown as
    it is otherwise."""
    if isinstance(message, Text):
        values = {key: translated(value) if isinstance(value, Text) else value
                  for key, value in message.values.items()}
        if message.context:
            return pgettext(message.context, message.template, **values)
        return gettext(message.template, **values)
    return gettext(message)


def init_app(app: Flask) -> None:
    # {% trans %} blocks read as one line, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["translated"] = translated

    @app.context_processor
    def languages() -> dict[str, object]:
        return {"language": str(get_locale() or DEFAULT_LANGUAGE),
                "LANGUAGE_NAMES": LANGUAGE_NAMES}
