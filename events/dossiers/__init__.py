"""The dossier stream: the aggregate and, each in one module, its rules."""

from events.dossiers.aggregate import STEP_NAMES, Dossier
from events.dossiers.lifecycle import (
    AWAITING_SUPPLEMENT,
    ENDED,
    IN_PROGRESS,
    OPEN,
    REFUSED,
    RESOLVED,
    RETURNED,
    STATUS_NAMES,
    STOPPED,
    WITHDRAWN,
)
from events.dossiers.values import CHANNELS, ONLINE_MODES, PAYMENT_METHODS

__all__ = ["AWAITING_SUPPLEMENT", "CHANNELS", "ENDED", "IN_PROGRESS", "ONLINE_MODES", "OPEN",
           "PAYMENT_METHODS", "REFUSED", "RESOLVED", "RETURNED", "STATUS_NAMES", "STEP_NAMES",
           "STOPPED", "WITHDRAWN", "Dossier"]
