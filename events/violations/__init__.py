"""The violation stream (vi phạm): the aggregate and, each in one module, its rules."""

from events.violations.aggregate import STEP_NAMES, Violation
from events.violations.lifecycle import CLOSED, OPEN, STATUS_NAMES, STATUSES
from events.violations.values import KIND_NAMES, KINDS, TARGET_KINDS

__all__ = ["CLOSED", "KINDS", "KIND_NAMES", "OPEN", "STATUSES", "STATUS_NAMES", "STEP_NAMES",
           "TARGET_KINDS", "Violation"]
