"""Old topics of moved event classes, so a log recorded before a move reads
as before. Event classes are stored by their import path (``module:Class``);
when one moves, its old path is registered here, never forgotten.

Until the streams were split into modules, every aggregate lived in
``events.domain``."""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

from events.communes import Calendar, Commune
from events.dossiers import Dossier
from events.people import Access, User

MOVED = {"events.domain:Commune": Commune, "events.domain:Calendar": Calendar,
         "events.domain:User": User, "events.domain:Access": Access,
         "events.domain:Dossier": Dossier}

for _old, _cls in MOVED.items():
    register_topic(_old, _cls)


def known(event_class: type) -> list[tuple[str, type]]:
    """Every topic an event of this class may be stored under: its own, and
    those it had before a move."""
    topic = get_topic(event_class)
    found = [(topic, event_class)]
    for old, cls in MOVED.items():
        prefix = get_topic(cls) + "."
        if topic.startswith(prefix):
            found.append((old + "." + topic[len(prefix):], event_class))
    return found


def aliases(topic: str) -> list[str]:
    """The old topics of the class stored under ``topic``."""
    for old, cls in MOVED.items():
        prefix = get_topic(cls) + "."
        if topic.startswith(prefix):
            return [old + "." + topic[len(prefix):]]
    return []
