"""The households stream: villages, households in at-source waste sorting,
supplies and their stock, monitoring groups; each rule in one module."""

from events.households.aggregate import (
    BUILT_IN_ITEMS,
    Household,
    MonitoringGroup,
    Stock,
    SupplyItems,
    Villages,
)
from events.households.lifecycle import REGISTERED, SORTING, STATUS_NAMES, STOPPED

__all__ = ["BUILT_IN_ITEMS", "REGISTERED", "SORTING", "STATUS_NAMES", "STOPPED", "Household",
           "MonitoringGroup", "Stock", "SupplyItems", "Villages"]
