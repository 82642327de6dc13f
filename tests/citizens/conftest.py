"""The citizens' streams on a service (both backends) with a key for ID numbers."""

from __future__ import annotations

import pytest

from app.service import LedgerService

ID_KEY = b"test-id-hash-key"


@pytest.fixture
def citizens(counter: LedgerService) -> LedgerService:
    counter.ledger.id_hash_key = ID_KEY
    return counter
