import pytest


@pytest.fixture
def app(app, tmp_path):  # type: ignore[no-untyped-def]
    """Import jobs keep their progress files in the test's own folder."""
    app.config["IMPORT_JOBS_FOLDER"] = str(tmp_path / "jobs")
    return app
