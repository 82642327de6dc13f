"""A commune's report for one period (first and last day): the narrative its
leader writes — the report's sections in words, which no event can count —
drafted as often as needed, then issued once, under the number and symbol it
takes in the documents register, with the SHA-256 of the JSON figures it
carried and the log's position they were computed at, so that an auditor
can prove later which figures were sent.

Its id comes from its natural key (commune, first and last day): one report
per commune and period, so a second one collides in the store itself."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.base import LedgerAggregate, checked_day, checked_text, stable_id
from events.errors import InvalidTransition, InvalidValue
from events.texts import N_, Text

# The report's sections written in words, in the order the report prints
# them (after report 52/BC-UBND's I–VI): (key, title).
NARRATIVE = (("to_chuc", N_("Công tác tổ chức thực hiện")),
             ("han_che", N_("Tồn tại, hạn chế, khó khăn")),
             ("nguyen_nhan", N_("Nguyên nhân")),
             ("bai_hoc", N_("Bài học kinh nghiệm")),
             ("de_xuat", N_("Đề xuất, kiến nghị")),
             ("phuong_huong", N_("Phương hướng, nhiệm vụ thời gian tới")))
KEYS = tuple(key for key, _ in NARRATIVE)
MAX_SECTION = 20_000
SHA256 = re.compile(r"[0-9a-f]{64}")


class PeriodReport(LedgerAggregate):
    @staticmethod
    def id_for(commune: str, start: date, end: date) -> UUID:
        return stable_id("period-report", commune, start.isoformat(), end.isoformat())

    class Begun(LedgerAggregate.Event, Aggregate.Created):
        start: date
        end: date

        def apply(self, aggregate: Any) -> None:
            a = aggregate
            a.commune, a.start, a.end = self.commune, self.start, self.end
            a.sections = dict.fromkeys(KEYS, "")
            a.drafted_by, a.issued = None, None

    class Drafted(LedgerAggregate.Event):
        sections: dict[str, str]

        def apply(self, aggregate: Any) -> None:
            aggregate.sections = dict(self.sections)
            aggregate.drafted_by = self.actor

    class Issued(LedgerAggregate.Event):
        number_symbol: str
        issued_on: date
        sha256: str
        position: int

        def apply(self, aggregate: Any) -> None:
            aggregate.issued = self

    @classmethod
    def begin(cls, commune: str, start: date, end: date) -> PeriodReport:
        start, end = checked_period(start, end)
        return cls._start(cls.Begun, cls.id_for(commune, start, end), commune, None,
                          start=start, end=end)

    def draft(self, sections: Any) -> None:
        self._not_issued()
        self._record(self.Drafted, sections=checked_sections(sections))

    def issue(self, number_symbol: str, issued_on: date, sha256: Any, position: Any) -> None:
        self._not_issued()
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            raise InvalidValue(N_("Mã băm của số liệu phải là 64 chữ số hệ 16."), "sha256")
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise InvalidValue(N_("Vị trí trong sổ cái phải là số nguyên không âm."),
                               "position")
        self._record(self.Issued, number_symbol=number_symbol,
                     issued_on=checked_day(issued_on, "issued_on"), sha256=sha256,
                     position=position)

    def _not_issued(self) -> None:
        if self.issued is not None:
            raise InvalidTransition(Text(
                "Báo cáo kỳ này đã ban hành (số %(number)s); không sửa hay ban hành lại được.",
                number=self.issued.number_symbol))


def checked_period(start: Any, end: Any) -> tuple[date, date]:
    start, end = checked_day(start, "period"), checked_day(end, "period")
    if end < start:
        raise InvalidValue(N_("Kỳ báo cáo phải kết thúc sau khi bắt đầu."), "period")
    return start, end


def checked_sections(sections: Any) -> dict[str, str]:
    """Every section the narrative has, as text; none unknown, none too long."""
    if not isinstance(sections, dict):
        raise InvalidValue(N_("Nội dung báo cáo không hợp lệ."), "sections")
    unknown = [key for key in sections if key not in KEYS]
    if unknown:
        raise InvalidValue(Text("Báo cáo không có mục «%(key)s».", key=str(unknown[0])[:64]),
                           "sections")
    return {key: checked_text(sections.get(key, ""), key, title, MAX_SECTION).strip()
            for key, title in NARRATIVE}
