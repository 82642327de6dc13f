"""Former home of every aggregate; kept so that imports written against it
still work while they move to ``events.base``, ``events.communes``,
``events.people`` and ``events.dossiers``. Stored topics of the old paths
are registered in ``events.topics``."""

from events.base import (  # noqa: F401
    CLOCK_TOLERANCE,
    CONTROL_CHARACTERS,
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_FULL_NAME,
    MAX_REASON,
    LedgerAggregate,
    acting_as,
    aware,
    checked_day,
    checked_text,
    current_actor,
    stable_id,
)
from events.communes import Calendar, Commune  # noqa: F401
from events.dossiers import *  # noqa: F401,F403
from events.dossiers.corrections import CORRECTABLE  # noqa: F401
from events.people import Access, User, staff_mentioned  # noqa: F401
