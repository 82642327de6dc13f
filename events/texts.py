"""Texts the interface shows in the user's language while the domain keeps
them in Vietnamese: marked here for the message catalogue (``N_``), or
carried with their values (``Text``) so the interface translates the
Vietnamese and then fills them in. Nothing here imports the web side."""

from __future__ import annotations

from typing import Any


def N_(text: str) -> str:
    """Mark a text for the catalogue; it stays as it is."""
    return text


# The context of the names of a dossier's steps ("dừng giải quyết", stop
# processing) in the catalogue: a status may be written the same way
# ("dừng giải quyết", processing stopped) and read otherwise in English.
STEP = "bước"


def NC_(context: str, text: str) -> str:
    """Mark a text for the catalogue in a context; it stays as it is."""
    return text


class Text(str):
    """A message with values: reads as the Vietnamese filled in, and keeps
    its ``template`` and ``values`` for a translation to fill in instead.
    A value that is itself a ``Text`` (a name marked with ``N_``, see
    ``term``) is translated with the message."""

    template: str
    values: dict[str, Any]
    context: str | None = None

    def __new__(cls, template: str, **values: Any) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template, text.values = template, values
        return text


def term(name: str, context: str | None = None) -> Text:
    """A name marked with ``N_`` (a label, a status…) or ``NC_`` (in
    ``context``) as a value of a message, so that it is translated with it;
    a ``Text`` with values of its own as it is."""
    if isinstance(name, Text) and name.values:
        return name
    text = Text(name)
    text.context = context
    return text


def lowered(name: str) -> Text:
    """A name inside a Vietnamese sentence, its first letter small ("Cần mã
    hồ sơ."); a translation reads the name as it is marked."""
    text = str.__new__(Text, name[:1].lower() + name[1:])
    text.template, text.values = name, {}
    return text
