"""The report as a document, on plain data: how periods and places are
written, and the leaders' texts where they are written, a marked gap where
they are not."""

from __future__ import annotations

from datetime import date

import pytest

from app.reports.document import Gap, Paragraph, compose, next_label, period_label, place_name
from app.reports.narrative import SECTIONS
from projections.periods import Period


@pytest.mark.parametrize("text, label, following", [
    ("2023-06", "tháng 6 năm 2023", "tháng 7 năm 2023"),
    ("2023-12", "tháng 12 năm 2023", "tháng 1 năm 2024"),
    ("2023-Q2", "quý II năm 2023", "quý III năm 2023"),
    ("2023-Q4", "quý IV năm 2023", "quý I năm 2024"),
    ("2023-H1", "6 tháng đầu năm 2023", "6 tháng cuối năm 2023"),
    ("2023-H2", "6 tháng cuối năm 2023", "6 tháng đầu năm 2024"),
    ("2023", "năm 2023", "năm 2024"),
    ("2023-01-05..2023-02-10", "từ ngày 05/01/2023 đến ngày 10/02/2023", "thời gian tới"),
])
def test_a_period_is_named_as_a_report_title_names_it(text, label, following):
    period = Period.parse(text)
    assert (period_label(period), next_label(period)) == (label, following)


@pytest.mark.parametrize("name, place", [
    ("Xã Quảng Nghiệp", "Quảng Nghiệp"), ("Xã Quảng Nghiệp (dữ liệu mẫu)", "Quảng Nghiệp"),
    ("Phường Hải Tân", "Hải Tân"), ("Đại Hợp", "Đại Hợp")])
def test_the_place_line_names_the_commune_without_its_kind(name, place):
    assert place_name(name) == place


def _report() -> dict:
    """The smallest report of CONTRACT.md's shape: nothing happened."""
    return {
        "commune": {"code": "10921", "name": "Xã Quảng Nghiệp"},
        "period": {"from": "2023-01-01", "to": "2023-06-30"},
        "dossiers": {"carried_over": 0, "received": 0, "by_channel": {"truc_tiep": 0},
                     "online_rate": None, "resolved": 0, "early": 0, "on_time": 0, "late": 0,
                     "in_progress": 0, "in_progress_overdue": 0, "refused": 0, "withdrawn": 0,
                     "stopped": 0, "returned": 0, "digitised_rate": None, "e_certified": 0,
                     "apologies": 0},
        "procedures": {"commune": 0, "military": 0, "police": 0, "inter_agency": 0,
                       "with_qr": 0, "fields": 0},
        "citizen_accounts": 0, "feedback": {"received": 0, "answered": 0, "overdue": 0},
        "documents": {"issued": 0, "confidential": 0, "signed": 0, "signed_rate": None,
                      "by_type": {}},
        "households": {"registered": 0, "sorting": 0, "sorting_rate": None, "by_village": []},
        "supplies": [], "violations": {"new": 0, "legacy_open": 0, "resolved": 0, "by_kind": {}},
        "targets": [],
    }


def test_every_narrative_section_left_unwritten_is_a_gap_for_a_leader():
    document = compose(_report(), dict.fromkeys(SECTIONS, ""), date(2023, 6, 16), {})
    gaps = [b.key for s in document.sections for b in s.blocks if isinstance(b, Gap)]
    assert sorted(gaps) == sorted(SECTIONS)
    assert [s.numeral for s in document.sections] == ["I", "II", "III", "IV", "V", "VI"]
    assert document.place_date == "Quảng Nghiệp, ngày 16 tháng 6 năm 2023"
    assert document.issuer == ("ỦY BAN NHÂN DÂN", "XÃ QUẢNG NGHIỆP")
    assert "—" in document.figures_text  # a rate over nothing is no figure


def test_a_written_section_is_carried_line_by_line_instead_of_its_gap():
    texts = dict.fromkeys(SECTIONS, "") | {"bai_hoc": "1. Chỉ đạo thống nhất.\n\n2. Sâu sát."}
    document = compose(_report(), texts, date(2023, 6, 16), {})
    lessons = next(s for s in document.sections if s.numeral == "IV").blocks
    assert lessons == (Paragraph("1. Chỉ đạo thống nhất."), Paragraph("2. Sâu sát."))
    text = document.figures_text
    assert Gap("bai_hoc", SECTIONS["bai_hoc"]).text not in text
    assert Gap("de_xuat", SECTIONS["de_xuat"]).text in text
