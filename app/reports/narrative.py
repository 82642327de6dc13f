"""The report's narrative: what only the commune's leaders can write — how
the work was organised, the difficulties and their causes, the lessons, the
proposals to higher levels and the next steps.

Both renderers (``app.reports.html``'s page and ``app.reports.docx``) ask
``narrative`` for these texts and show an empty one as a marked gap to fill
in. They come from the leader's latest draft of the period's report (the
``PeriodReport`` stream, written on its draft page), carried unchanged."""

from __future__ import annotations

from sqlalchemy import Connection

from app import service
from events.reports import NARRATIVE
from projections.periods import Period

# The sections a leader writes, in the order the report has them, with what
# each asks for (as the gap left for it says).
SECTIONS: dict[str, str] = {
    "organisation": "Việc phân công cán bộ, công chức, tổ chức thực hiện",
    "difficulties": "Tồn tại, hạn chế, khó khăn, yếu kém",
    "causes": "Nguyên nhân khách quan và chủ quan của những hạn chế, yếu kém",
    "lessons": "Bài học kinh nghiệm",
    "proposals": "Đề xuất, kiến nghị với cấp trên",
    "next_steps": "Phương hướng, nhiệm vụ và giải pháp thực hiện kỳ tới",
}


# Each section's key in the draft's events, in the same order.
DRAFTED = dict(zip(SECTIONS, (key for key, _title in NARRATIVE), strict=True))


def narrative(conn: Connection, commune: str, period: Period) -> dict[str, str]:
    """Each narrative section's text for the commune's report over the
    period, as the leader's latest draft has it: empty where it has none."""
    report = service().ledger.period_report_record(commune, period.start, period.end)
    drafted = report.sections if report is not None else {}
    return {name: drafted.get(key, "") for name, key in DRAFTED.items()}
