import pytest

from app.service import LedgerService


@pytest.fixture
def service(counter: LedgerService) -> LedgerService:
    """Dossier tests: the commune lists the test procedures."""
    return counter
