import pytest

from tests.conftest import app_on


@pytest.fixture
def app(bare_template_database, tmp_path):  # type: ignore[no-untyped-def]
    """Catalogue tests start from empty catalogues."""
    flask_app = app_on(bare_template_database, tmp_path)
    yield flask_app
    flask_app.extensions["ledger"].close()
