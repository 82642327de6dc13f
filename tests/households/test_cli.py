"""``village add NAME [--commune CODE]`` (CONTRACT.md)."""

from __future__ import annotations

from tests.conftest import COMMUNE


def test_village_add_records_a_village_once(runner, app):
    result = runner.invoke(args=["village", "add", "Kiêm Tân", "--commune", COMMUNE])
    assert result.exit_code == 0, result.output
    assert "kiem-tan" in result.output
    again = runner.invoke(args=["village", "add", "kiem tan", "--commune", COMMUNE])
    assert again.exit_code == 1 and "Kiêm Tân" in again.output
    villages = app.extensions["ledger"].ledger.villages(COMMUNE)
    assert villages.names == {"kiem-tan": "Kiêm Tân"}
