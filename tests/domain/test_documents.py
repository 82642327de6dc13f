"""The register's rules on an in-memory ledger: no database, no web."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.documents import REPLACED, REVOKED, standing
from events.errors import AlreadyExists, DomainError, InvalidTransition, InvalidValue, NotFound
from tests.domain.conftest import COMMUNE, vn

ISSUE = dict(doc_type="bao_cao", title="Báo cáo kết quả cải cách hành chính",
             signer="Nguyễn Văn A", confidential=False, task="cai_cach_hanh_chinh")


def issue(ledger, number="52/BC-UBND", on=date(2023, 6, 16), **changes):  # type: ignore[no-untyped-def]
    ledger.issue_document(COMMUNE, number, **(ISSUE | {"issued_on": on} | changes))


def test_a_number_is_refused_twice_in_a_year_and_accepted_the_next(ledger) -> None:  # type: ignore[no-untyped-def]
    issue(ledger)
    with pytest.raises(AlreadyExists) as refused:
        issue(ledger, "52/bc-ubnd", date(2023, 12, 1), title="Khác")
    assert refused.value.field == "number_symbol"
    issue(ledger, on=date(2024, 1, 3))
    assert ledger.document(COMMUNE, 2024, "52/BC-UBND").issued_on == date(2024, 1, 3)
    assert ledger.document(COMMUNE, 2023, "52/BC-UBND").title == ISSUE["title"]


def test_a_confidential_document_is_never_signed_nor_published(ledger) -> None:  # type: ignore[no-untyped-def]
    issue(ledger, "3/QĐ-UBND", confidential=True, doc_type="quyet_dinh")
    with pytest.raises(InvalidTransition, match="mật"):
        ledger.sign_document(COMMUNE, 2023, "3/QĐ-UBND", vn(2023, 6, 16, 9), "Chủ tịch", "AB12")
    with pytest.raises(InvalidTransition, match="mật"):
        ledger.publish_document(COMMUNE, 2023, "3/QĐ-UBND", date(2023, 6, 17),
                                "https://quangnghiep.example/vb/3")
    assert ledger.document(COMMUNE, 2023, "3/QĐ-UBND").signed_at is None


def test_steps_out_of_order_are_refused(ledger) -> None:  # type: ignore[no-untyped-def]
    issue(ledger)
    with pytest.raises(InvalidValue, match="trước bước"):
        ledger.sign_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 6, 15, 9), "A", "01")
    ledger.sign_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 6, 16, 9), "A", "01:ab")
    with pytest.raises(InvalidTransition, match="đã được ký"):
        ledger.sign_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 6, 16, 10), "A", "01")
    ledger.revoke_document(COMMUNE, 2023, "52/BC-UBND", date(2023, 6, 20), "Sai số liệu")
    with pytest.raises(InvalidTransition, match="đã thu hồi"):
        ledger.publish_document(COMMUNE, 2023, "52/BC-UBND", date(2023, 6, 21),
                                "https://quangnghiep.example/vb/52")
    assert ledger.document(COMMUNE, 2023, "52/BC-UBND").status == REVOKED
    with pytest.raises(NotFound):
        ledger.sign_document(COMMUNE, 2023, "53/BC-UBND", vn(2023, 6, 16, 9), "A", "01")


def test_a_replacement_keeps_both_and_links_them(ledger) -> None:  # type: ignore[no-untyped-def]
    issue(ledger, "10/KH-UBND", date(2023, 2, 1), doc_type="ke_hoach")
    issue(ledger, "29/KH-UBND", date(2023, 5, 2), doc_type="ke_hoach")
    with pytest.raises(InvalidValue):
        ledger.replace_document(COMMUNE, 2023, "29/KH-UBND", 2023, "10/KH-UBND", "")
    ledger.replace_document(COMMUNE, 2023, "10/KH-UBND", 2023, "29/KH-UBND", "Điều chỉnh")
    old = ledger.document(COMMUNE, 2023, "10/KH-UBND")
    new = ledger.document(COMMUNE, 2023, "29/KH-UBND")
    assert (old.status, old.replaced_by, old.ended_on) == (REPLACED, "29/KH-UBND",
                                                          date(2023, 5, 2))
    assert new.status != REPLACED


@pytest.mark.parametrize("changes", [
    {"number_symbol": "52"}, {"number_symbol": "BC-UBND"}, {"doc_type": "bien_ban"},
    {"task": "moi"}, {"title": "  "}, {"signer": ""}, {"confidential": "0"},
    {"issued_on": date.today() + timedelta(days=2)}, {"title": "x" * 1001},
    {"number_symbol": "0/BC-UBND"}, {"title": "a\x00b"}])
def test_bad_values_are_refused_at_their_field(ledger, changes) -> None:  # type: ignore[no-untyped-def]
    number = changes.pop("number_symbol", "52/BC-UBND")
    with pytest.raises(DomainError) as refused:
        issue(ledger, number, **changes)
    assert refused.value.field in ("number_symbol", *changes)


def test_a_correction_is_checked_like_its_step(ledger) -> None:  # type: ignore[no-untyped-def]
    issue(ledger)
    ledger.sign_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 6, 19, 9), "A", "01")
    with pytest.raises(InvalidValue, match="cùng năm"):
        ledger.correct_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 7, 1), 1, "Nhầm",
                                {"issued_on": "2022-12-30"})
    with pytest.raises(InvalidValue, match="sau bước"):
        ledger.correct_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 7, 1), 1, "Nhầm",
                                {"issued_on": "2023-06-20"})
    with pytest.raises(InvalidValue, match="mật"):
        ledger.correct_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 7, 1), 1, "Nhầm",
                                {"confidential": True})
    ledger.correct_document(COMMUNE, 2023, "52/BC-UBND", vn(2023, 7, 1), 1, "Nhầm ngày",
                            {"issued_on": "2023-06-15", "title": "Báo cáo 6 tháng"})
    document = ledger.document(COMMUNE, 2023, "52/BC-UBND")
    assert (document.issued_on, document.title) == (date(2023, 6, 15), "Báo cáo 6 tháng")


def test_the_signed_rate_leaves_confidential_documents_out() -> None:
    facts = [standing.Facts(date(2023, 3, 1), "bao_cao", "khac", False, date(2023, 3, 1)),
             standing.Facts(date(2023, 3, 2), "quyet_dinh", "khac", True),
             standing.Facts(date(2023, 3, 3), "ke_hoach", "phan_loai_rac", False,
                            date(2023, 7, 1)),
             standing.Facts(date(2023, 8, 1), "ke_hoach", "phan_loai_rac", False)]
    counts = standing.counts(facts, date(2023, 1, 1), date(2023, 6, 30))
    assert (counts["issued"], counts["confidential"], counts["signed"]) == (3, 1, 1)
    assert counts["signed_rate"] == 0.5
    assert counts["by_type"]["ke_hoach"] == 1 and counts["by_task"]["khac"] == 2
    assert standing.counts([facts[1]], date(2023, 1, 1), date(2023, 6, 30))["signed_rate"] is None
