"""Codes are identifiers: letters without diacritics, digits, ".", "-",
"_", at most 64 characters, never "..": the same rule for a dossier's code
and a procedure's, whichever way it comes."""

from __future__ import annotations

import pytest

from events.errors import InvalidValue
from tests.domain.conftest import COMMUNE, vn

BAD = ("a/b", "..", "1..2", "a b", "a\tb", "a\x00b", "x" * 65, "thủ-tục", "a?b", "a#b", "")


@pytest.mark.parametrize("code", BAD)
def test_a_bad_dossier_code_is_refused_at_its_field(ledger, code):
    with pytest.raises(InvalidValue) as refused:
        ledger.receive_dossier(COMMUNE, code, "P1", "Lê Văn A", "truc_tiep", "", vn(2024, 3, 4, 9))
    assert refused.value.field == "code"


@pytest.mark.parametrize("code", BAD)
def test_a_bad_procedure_code_is_refused_at_its_field(ledger, code):
    with pytest.raises(InvalidValue) as refused:
        ledger.list_procedure(COMMUNE, code, "Thủ tục", "Hộ tịch", "xa", False, 1, 0, "")
    assert refused.value.field == "code"


def test_good_codes_pass(ledger):
    ledger.list_procedure(COMMUNE, "1.004227.000.00.00.H23", "Thủ tục", "Hộ tịch", "xa", False,
                          1, 0, "")
    ledger.receive_dossier(COMMUNE, "000.00.12.H23-230213-0007", "1.004227.000.00.00.H23",
                           "Lê Văn A", "truc_tiep", "", vn(2024, 3, 4, 9))
