"""One scenario per path through a dossier's life, each asserting the tallies
it moves (DOMAIN.md), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from events.base import acting_as
from events.errors import InvalidTransition, InvalidValue
from projections import queries
from projections.dossiers import DossierRow
from projections.periods import Period
from tests.conftest import COMMUNE, vn

D = DossierRow.__table__.c  # type: ignore[attr-defined]
JAN = "2023-01"
TODAY = date(2023, 12, 31)


def counts(service, period: str = JAN, today: date = TODAY):  # type: ignore[no-untyped-def]
    with service.read() as conn:
        return queries.dossier_counts(conn, COMMUNE, Period.parse(period), today)


class Counter:
    """The counter's commands for one dossier, as the clerk and officer do them."""

    def __init__(self, service, code: str = "D-1") -> None:  # type: ignore[no-untyped-def]
        self.service, self.code, self.ledger = service, code, service.ledger

    def do(self, command: str, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        with acting_as("canbo"):
            self.service.record(getattr(self.ledger, command), COMMUNE, self.code, *args,
                                **kwargs)

    def receive(self, at=vn(2023, 1, 9, 9), procedure: str = "2.000894",  # type: ignore[no-untyped-def]
                channel: str = "truc_tuyen") -> None:
        mode = "toan_trinh" if channel == "truc_tuyen" else ""
        with acting_as("canbo"):
            self.service.record(self.ledger.receive_dossier, COMMUNE, self.code, procedure,
                                "Phạm Thị Lan", channel, mode, at)

    @property
    def due(self) -> date:
        return self.ledger.dossier(COMMUNE, self.code).due_date


def test_straight_through(service):
    d = Counter(service)
    d.receive()  # Monday 9 January 2023, 3 working days: due Thursday 12th
    assert d.due == date(2023, 1, 12)
    d.do("resolve_dossier", vn(2023, 1, 11, 15), True, True)
    d.do("return_dossier", vn(2023, 1, 11, 16))
    c = counts(service)
    assert (c.received, c.resolved, c.early, c.on_time, c.late) == (1, 1, 1, 0, 0)
    assert (c.returned, c.in_progress, c.e_certified, c.digitised_rate) == (1, 0, 1, 1.0)


def test_on_time_and_late(service):
    on_time, late = Counter(service, "D-1"), Counter(service, "D-2")
    on_time.receive()
    late.receive()
    on_time.do("resolve_dossier", vn(2023, 1, 12, 15), False, False)
    late.do("resolve_dossier", vn(2023, 1, 13, 15), False, False)
    c = counts(service)
    assert (c.early, c.on_time, c.late, c.digitised_rate) == (0, 1, 1, 0.0)


def test_supplement_stops_the_clock_and_restarts_it(service):
    d = Counter(service)
    d.receive()
    d.do("request_supplement", vn(2023, 1, 10, 9), "Thiếu bản sao giấy chứng sinh")
    waiting = counts(service, today=date(2023, 1, 31))
    assert (waiting.in_progress, waiting.in_progress_overdue) == (1, 0)  # clock stopped
    with pytest.raises(InvalidTransition, match="chờ bổ sung"):
        d.do("resolve_dossier", vn(2023, 1, 11, 9), True, False)
    # Asked on Tuesday 10th with two working days (11th, 12th) left; they
    # continue from Monday 16th, when the complete supplement came.
    d.do("receive_supplement", vn(2023, 1, 16, 9))
    assert d.due == date(2023, 1, 18)
    d.do("resolve_dossier", vn(2023, 1, 17, 9), True, False)
    c = counts(service)
    assert (c.resolved, c.early, c.late) == (1, 1, 0)
    row_due = service.ledger.dossier(COMMUNE, "D-1").original_due_date
    assert row_due == date(2023, 1, 12)


def test_refused_at_the_counter_is_not_received(service):
    d = Counter(service)
    d.receive(channel="truc_tiep")
    d.do("refuse_dossier", vn(2023, 1, 9, 9, 30), "Không thuộc thẩm quyền của xã")
    c = counts(service)
    assert (c.received, c.refused, c.in_progress, c.by_channel["truc_tiep"]) == (0, 1, 0, 0)
    with pytest.raises(InvalidTransition, match="từ chối tiếp nhận"):
        d.do("resolve_dossier", vn(2023, 1, 10, 9), True, False)


def test_withdrawal(service):
    d = Counter(service)
    d.receive()
    d.do("withdraw_dossier", vn(2023, 1, 10, 9), "Công dân xin rút")
    c = counts(service)
    assert (c.received, c.withdrawn, c.in_progress, c.resolved) == (1, 1, 0, 0)
    with pytest.raises(InvalidTransition):
        d.do("return_dossier", vn(2023, 1, 11, 9))


def test_stop(service):
    d = Counter(service)
    d.receive()
    d.do("stop_dossier", vn(2023, 1, 10, 9), "Có tranh chấp, chờ tòa án")
    c = counts(service)
    assert (c.received, c.stopped, c.in_progress) == (1, 1, 0)


def test_apology_keeps_the_dossier_late_against_its_original_date(service):
    d = Counter(service)
    d.receive()
    with pytest.raises(InvalidValue, match="sau hạn trả"):
        d.do("apologise", vn(2023, 1, 12, 9), date(2023, 1, 11), "Chờ xác minh")
    d.do("apologise", vn(2023, 1, 12, 9), date(2023, 1, 17), "Chờ xác minh nơi cư trú")
    overdue = counts(service, today=date(2023, 1, 13))
    assert (overdue.apologies, overdue.in_progress_overdue) == (1, 1)
    d.do("resolve_dossier", vn(2023, 1, 16, 15), True, False)  # before the new appointment
    c = counts(service)
    assert (c.resolved, c.late, c.apologies) == (1, 1, 1)
    assert service.ledger.dossier(COMMUNE, "D-1").appointment_date == date(2023, 1, 17)


def test_hand_overs_with_a_late_step(service):
    d = Counter(service)
    d.receive()
    d.do("hand_over", vn(2023, 1, 9, 10), "chuyenvien", "Thẩm định", date(2023, 1, 10))
    d.do("hand_over", vn(2023, 1, 11, 10), "chutich", "Ký duyệt", date(2023, 1, 11))
    events = [e for e in service.ledger.events.get(service.ledger.dossier(COMMUNE, "D-1").id)
              if type(e).__name__ == "HandedOver"]
    assert [(e.from_user, e.to_user) for e in events] == [("canbo", "chuyenvien"),
                                                          ("chuyenvien", "chutich")]
    # The first step was due on the 10th and ended on the 11th: late.
    assert service.ledger.local_day(events[1].occurred_at) > events[0].step_due
    d.do("resolve_dossier", vn(2023, 1, 11, 15), True, False)
    c = counts(service)
    assert (c.resolved, c.early) == (1, 1)


def test_fee_and_a_correction_that_names_what_it_corrects(service):
    d = Counter(service)
    d.receive(channel="truc_tiep")
    d.do("pay_fee", vn(2023, 1, 9, 9), 20000, "truc_tuyen")
    with pytest.raises(InvalidTransition):
        d.do("pay_fee", vn(2023, 1, 9, 10), 20000, "tien_mat")
    assert counts(service).by_channel["truc_tiep"] == 1
    d.do("correct_dossier", vn(2023, 1, 10, 9), 1, "Nhập nhầm kênh",
         {"channel": "truc_tuyen", "online_mode": "toan_trinh"})
    c = counts(service)
    assert (c.by_channel["truc_tiep"], c.by_channel["truc_tuyen"], c.online_rate) == (0, 1, 1.0)
    with pytest.raises(InvalidValue, match="chỉ sửa được"):
        d.do("correct_dossier", vn(2023, 1, 10, 9), 1, "Sai", {"code": "X"})
    kinds = [type(e).__name__ for e in service.ledger.events.get(
        service.ledger.dossier(COMMUNE, "D-1").id)]
    assert kinds == ["Received", "FeePaid", "Corrected"]  # the corrected event stays


def test_carried_over_and_open_at_the_end_of_a_period(service):
    d = Counter(service)
    d.receive(at=vn(2023, 1, 30, 9))  # due 2 February
    january, february = counts(service, "2023-01", date(2023, 3, 1)), counts(
        service, "2023-02", date(2023, 3, 1))
    assert (january.received, january.in_progress, january.in_progress_overdue) == (1, 1, 0)
    assert (february.carried_over, february.received, february.in_progress_overdue) == (0 + 1,
                                                                                        0, 1)


def test_declared_calendar_exceptions_move_due_dates(service):
    with acting_as("admin"):
        service.ledger.declare_make_up_day(COMMUNE, date(2024, 5, 4), "Làm bù ngày 29/4")
        service.ledger.declare_day_off(COMMUNE, date(2024, 6, 3), "Nghỉ theo quyết định của tỉnh")
    d, e = Counter(service, "M-1"), Counter(service, "M-2")
    d.receive(at=vn(2024, 4, 26, 9))  # Friday, 3 working days
    assert d.due == date(2024, 5, 4)  # the make-up Saturday counts
    e.receive(at=vn(2024, 5, 31, 9))  # Friday; Monday 3 June declared off
    assert e.due == date(2024, 6, 6)


def test_a_day_off_declared_later_moves_the_open_dossiers_due_dates(service):
    open_one, resolved = Counter(service, "L-1"), Counter(service, "L-2")
    open_one.receive(at=vn(2024, 3, 4, 9))  # 3 working days: due Thursday 7 March
    resolved.receive(at=vn(2024, 3, 4, 9))
    resolved.do("resolve_dossier", vn(2024, 3, 5, 9), True, False)
    with acting_as("admin"):
        service.record(service.ledger.declare_day_off, COMMUNE, date(2024, 3, 6), "Bão số 1")
    assert (open_one.due, resolved.due) == (date(2024, 3, 8), date(2024, 3, 7))
    with service.read() as conn:
        rows = conn.execute(select(D.code, D.due_date).where(D.code.in_(["L-1", "L-2"])))
        dues = {code: due for code, due in rows}
    assert dues == {"L-1": date(2024, 3, 8), "L-2": date(2024, 3, 7)}
    kinds = [type(e).__name__ for e in service.ledger.events.get(
        service.ledger.dossier(COMMUNE, "L-1").id)]
    assert kinds[-1] == "DueDateMoved"
