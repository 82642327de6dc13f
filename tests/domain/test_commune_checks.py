"""Commands that open a record check its commune first: a code no commune
has, or one no commune could have, records nothing (the random-command test
found both accepted, and PostgreSQL's read models then refused the rows)."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import InvalidValue, NotFound


@pytest.mark.parametrize("commune", ["\x00", "99999", "x" * 33])
def test_supplies_for_a_commune_not_registered_are_refused(ledger, commune):
    with pytest.raises((NotFound, InvalidValue)):
        ledger.receive_supplies(commune, "men_vi_sinh", 10, "UBND huyện", "", date(2024, 3, 4))


@pytest.mark.parametrize("commune", ["x" * 33, "a\x00b", "10 921"])
def test_a_log_in_record_under_a_code_no_commune_could_have_is_refused(ledger, commune):
    with pytest.raises(InvalidValue):
        ledger.record_access("nguoi-la", commune, lambda access: access.failed("10.0.0.1", "x"))
