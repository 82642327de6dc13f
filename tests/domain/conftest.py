"""Pure tests of the domain: an in-memory ledger, no database, no web."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events.application import Ledger
from events.base import acting_as

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE = "10921"
# (code, working days)
PROCEDURES = (("P0", 0), ("P1", 1), ("P3", 3), ("P5", 5))


def vn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZONE)  # type: ignore[misc]


def new_ledger() -> Ledger:
    ledger = Ledger()
    with acting_as("system"):
        ledger.register_commune(COMMUNE, "Quảng Nghiệp")
        for code, days in PROCEDURES:
            ledger.list_procedure(COMMUNE, code, f"Thủ tục {code}", "Hộ tịch", "xa", False,
                                  days, 0, "")
        for name, role in (("canbo", "clerk"), ("chuyenvien", "officer"),
                           ("chutich", "leader"), ("kiemtoan", "auditor")):
            ledger.register_user(name, role, COMMUNE)
    return ledger


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with acting_as("canbo"):
        yield new_ledger()
