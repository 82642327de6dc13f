"""The targets stream (chỉ tiêu): the aggregate and the indicators' rule."""

from events.targets.aggregate import Target
from events.targets.indicators import INDICATORS, Indicator, met

__all__ = ["INDICATORS", "Indicator", "Target", "met"]
