"""The control slip's reading of a dossier's events, without HTTP or a
database: an in-memory ledger records the events, the reader folds them."""

from __future__ import annotations

from datetime import date

import pytest

from app.printing.story import Reader, Story, judge
from events.application import Ledger
from events.base import acting_as
from events.dossiers import Dossier
from tests.conftest import COMMUNE, ZONE, vn

CODE = "000.00.12.H23-260105-0001"


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger(timezone="Asia/Ho_Chi_Minh")
    with acting_as("system"):
        ledger.register_commune(COMMUNE, "Quảng Nghiệp")
        ledger.list_procedure(COMMUNE, "2.000894", "Đăng ký khai sinh", "Hộ tịch", "xa", False,
                              3, 8000, "")
        for name, role in (("canbo", "clerk"), ("dc-officer", "officer"), ("chu-tich", "leader")):
            ledger.register_user(name, role, COMMUNE)
    with acting_as("canbo"):
        ledger.receive_dossier(COMMUNE, CODE, "2.000894", "Nguyễn Văn An", "truc_tiep", "",
                               vn(2026, 1, 5, 9, 30))
        ledger.hand_over(COMMUNE, CODE, vn(2026, 1, 5, 10), "dc-officer", "Thẩm định",
                         date(2026, 1, 7))
    return ledger


def story(ledger: Ledger, today: date = date(2026, 1, 6)) -> Story:
    return Reader(ledger.events.get(Dossier.id_for(COMMUNE, CODE)), ZONE, today).read()


def test_judging_compares_days():
    due = date(2026, 1, 8)
    assert [judge(date(2026, 1, d), due) for d in (7, 8, 9)] == ["Trước hạn", "Đúng hạn",
                                                                  "Quá hạn"]


def test_an_open_step_is_in_progress_until_its_deadline_passes(ledger):
    assert [s.outcome for s in story(ledger).steps] == ["", "Đang xử lý"]
    assert story(ledger, date(2026, 1, 8)).steps[-1].outcome == "Đang xử lý, quá hạn"


def test_a_corrected_result_time_is_judged_as_corrected(ledger):
    with acting_as("dc-officer"):
        ledger.resolve_dossier(COMMUNE, CODE, vn(2026, 1, 7, 15), False, False)
        ledger.correct_dossier(COMMUNE, CODE, vn(2026, 1, 12, 8), 3, "Ghi nhầm ngày",
                               {"occurred_at": vn(2026, 1, 9, 15).isoformat()})
    read = story(ledger)
    assert [(s.ended, s.outcome) for s in read.steps[1:]] == [
        (date(2026, 1, 9), "Quá hạn"), (date(2026, 1, 9), "Quá hạn")]
    assert read.steps[2].notes[-1] == "Đính chính ngày 12/01/2026 (dc-officer): Ghi nhầm ngày"


def test_fees_and_supplements_are_noted_on_the_running_step(ledger):
    with acting_as("canbo"):
        ledger.pay_fee(COMMUNE, CODE, vn(2026, 1, 5, 10, 5), 8000, "tien_mat")
        ledger.request_supplement(COMMUNE, CODE, vn(2026, 1, 6, 8), "Thiếu tờ khai")
        ledger.receive_supplement(COMMUNE, CODE, vn(2026, 1, 7, 8))
    read = story(ledger)
    assert read.steps[1].notes == ["Nộp phí, lệ phí 8.000 đồng (tiền mặt)",
                                   "Yêu cầu bổ sung ngày 06/01/2026: Thiếu tờ khai",
                                   "Nhận đủ bổ sung ngày 07/01/2026; hạn trả mới 09/01/2026"]
    # Asked on 6/1 with two working days left (7/1, 8/1); they continue from 8/1.
    assert (read.due_date, read.original_due_date, read.fee) == (
        date(2026, 1, 9), date(2026, 1, 8), 8000)


def test_printed_dates_follow_decree_30_2020():
    from app.printing.views import long_day
    assert long_day(date(2023, 6, 5)) == "ngày 05 tháng 6 năm 2023"
    assert long_day(date(2023, 2, 15)) == "ngày 15 tháng 02 năm 2023"
    assert long_day(date(2023, 1, 9)) == "ngày 09 tháng 01 năm 2023"
    assert long_day(date(2023, 12, 31)) == "ngày 31 tháng 12 năm 2023"
