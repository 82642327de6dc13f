"""The report's narrative: what only the commune's leaders can write — how
the work was organised, the difficulties and their causes, the lessons, the
proposals to higher levels and the next steps.

Both renderers (``app.reports.html``'s page and ``app.reports.docx``) ask
``narrative`` for these texts and show an empty one as a marked gap to fill
in. Today none is recorded, so every text is empty; a leader's draft, saved
as an event, will be read here, and the documents will carry it unchanged."""

from __future__ import annotations

from sqlalchemy import Connection

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


def narrative(conn: Connection, commune: str, period: Period) -> dict[str, str]:
    """Each narrative section's text for the commune's report over the
    period: empty while no leader's draft is recorded."""
    return dict.fromkeys(SECTIONS, "")
