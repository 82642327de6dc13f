"""The report's narrative: what only the commune's leaders can write — how
the work was organised, the difficulties and their causes, the lessons, the
proposals to higher levels and the next steps.

Both renderers (``app.reports.html``'s page and ``app.reports.docx``) ask
``narrative`` for these texts and show an empty one as a marked gap to fill
in. They come from the leader's latest draft of the period's report (the
``PeriodReport`` stream, written on its draft page), carried unchanged."""

from __future__ import annotations

from events.reports.aggregate import KEYS, PeriodReport

# The gap each section leaves in the document until the leader writes it,
# by the section's key in the draft's events (``events.reports.NARRATIVE``,
# which has them in the report's order, with the draft form's labels).
SECTIONS: dict[str, str] = dict(zip(KEYS, (
    "Việc phân công cán bộ, công chức, tổ chức thực hiện",
    "Tồn tại, hạn chế, khó khăn, yếu kém",
    "Nguyên nhân khách quan và chủ quan của những hạn chế, yếu kém",
    "Bài học kinh nghiệm",
    "Đề xuất, kiến nghị với cấp trên",
    "Phương hướng, nhiệm vụ và giải pháp thực hiện kỳ tới"), strict=True))


def narrative(record: PeriodReport | None) -> dict[str, str]:
    """Each narrative section's text for a period's report, by its key, as
    the leader's latest draft has it (``record``, the period's report, if
    one was begun): empty where it has none."""
    drafted = record.sections if record is not None else {}
    return {key: drafted.get(key, "") for key in KEYS}
