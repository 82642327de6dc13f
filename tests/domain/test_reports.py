"""A period report's rules on an in-memory ledger: the leader's narrative,
then one issue into the documents register with its figures' hash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.errors import AlreadyExists, InvalidTransition, InvalidValue
from events.reports import NARRATIVE
from tests.domain.conftest import COMMUNE

H1 = (COMMUNE, date(2023, 1, 1), date(2023, 6, 30))
HASH = "9f" * 32
ISSUE = dict(number_symbol="52/BC-UBND", issued_on=date(2023, 6, 16), signer="Phạm Quốc Hùng",
             title="Báo cáo kết quả thực hiện nhiệm vụ đột phá 6 tháng đầu năm 2023",
             task="cai_cach_hanh_chinh", sha256=HASH, position=120)


def test_the_latest_draft_is_the_narrative_and_every_section_is_kept(ledger):
    ledger.draft_report(*H1, {"han_che": "Thu phí trực tuyến còn ít."})
    ledger.draft_report(*H1, {"han_che": "Thu phí trực tuyến còn ít.\nCần hướng dẫn thêm.",
                              "de_xuat": "  Giảm bớt sổ sách.  "})
    report = ledger.period_report_record(*H1)
    assert list(report.sections) == [key for key, _title in NARRATIVE]
    assert report.sections["han_che"].endswith("Cần hướng dẫn thêm.")
    assert report.sections["de_xuat"] == "Giảm bớt sổ sách." and report.sections["bai_hoc"] == ""
    assert [type(e).__name__ for e in ledger.events.get(report.id)] == [
        "Begun", "Drafted", "Drafted"]


@pytest.mark.parametrize("sections, field", [
    ({"khac": "x"}, "sections"), ({"han_che": "x" * 20_001}, "han_che"),
    ({"han_che": 5}, "han_che"), ({"han_che": "a\x00b"}, "han_che"), (["x"], "sections")])
def test_a_bad_draft_is_refused_and_records_nothing(ledger, sections, field):
    with pytest.raises(InvalidValue) as refused:
        ledger.draft_report(*H1, sections)
    assert refused.value.field == field
    assert ledger.period_report_record(*H1) is None


def test_issuing_registers_the_report_and_keeps_its_hash_once(ledger):
    ledger.draft_report(*H1, {"bai_hoc": "Chỉ đạo thống nhất."})
    ledger.issue_report(*H1, **ISSUE)
    report = ledger.period_report_record(*H1)
    assert (report.issued.number_symbol, report.issued.sha256, report.issued.position) == (
        "52/BC-UBND", HASH, 120)
    document = ledger.document(COMMUNE, 2023, "52/BC-UBND")
    assert (document.doc_type, document.issued_on, document.task) == (
        "bao_cao", date(2023, 6, 16), "cai_cach_hanh_chinh")
    with pytest.raises(InvalidTransition, match="52/BC-UBND"):
        ledger.issue_report(*H1, **ISSUE | {"number_symbol": "53/BC-UBND"})
    with pytest.raises(InvalidTransition, match="đã ban hành"):
        ledger.draft_report(*H1, {"bai_hoc": "Sửa sau khi gửi."})
    assert ledger.period_report_record(*H1).sections["bai_hoc"] == "Chỉ đạo thống nhất."


def test_a_number_already_in_the_register_is_refused_and_nothing_is_issued(ledger):
    ledger.issue_document(COMMUNE, "52/BC-UBND", "bao_cao", "Báo cáo khác", date(2023, 6, 1),
                          "Phạm Quốc Hùng", False, "khac")
    with pytest.raises(AlreadyExists) as refused:
        ledger.issue_report(*H1, **ISSUE)
    assert refused.value.field == "number_symbol"
    assert ledger.period_report_record(*H1) is None


@pytest.mark.parametrize("change, field", [
    ({"sha256": "AB" * 32}, "sha256"), ({"sha256": "ab" * 31}, "sha256"),
    ({"position": -1}, "position"), ({"position": True}, "position"),
    ({"issued_on": date.today() + timedelta(days=2)}, "issued_on"),
    ({"number_symbol": "52"}, "number_symbol")])
def test_a_bad_issue_is_refused_and_records_nothing(ledger, change, field):
    with pytest.raises(InvalidValue) as refused:
        ledger.issue_report(*H1, **ISSUE | change)
    assert refused.value.field == field
    assert ledger.period_report_record(*H1) is None


def test_a_period_ending_before_it_begins_is_refused(ledger):
    with pytest.raises(InvalidValue, match="kết thúc sau"):
        ledger.draft_report(COMMUNE, date(2023, 6, 30), date(2023, 1, 1), {})
