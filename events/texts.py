"""Texts the interface shows in the user's language while the domain keeps
them in Vietnamese: marked here for the message catalogue (``N_``), or
carried with their values (``Text``) so the interface translates the
Vietnamese and then fills them in. Nothing here imports the web side."""

from __future__ import annotations

from typing import Any


def N_(text: str) -> str:
    """Mark a text for the catalogue; it stays as it is."""
    return text


class Text(str):
    """A message with values: reads as the Vietnamese filled in, and keeps
    its ``template`` and ``values`` for a translation to fill in instead."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template, text.values = template, values
        return text
