"""The document stream (văn bản): the aggregate and, each in one module, its rules."""

from events.documents.aggregate import STEP_NAMES, Document
from events.documents.lifecycle import ISSUED, REPLACED, REVOKED, STATUS_NAMES
from events.documents.values import SYMBOLS, TASK_NAMES, TASKS, TYPE_NAMES, TYPES

__all__ = ["ISSUED", "REPLACED", "REVOKED", "STATUS_NAMES", "STEP_NAMES", "SYMBOLS",
           "TASKS", "TASK_NAMES", "TYPES", "TYPE_NAMES", "Document"]
