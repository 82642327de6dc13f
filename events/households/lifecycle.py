"""A household's one transition table: which step may follow which.

Registered (đã đăng ký) → enrolled in sorting (đang phân loại) → stopped
(đã dừng) → enrolled again… A check and a move may come in any of these.
Each step is dated, and no step is dated before the step it follows."""

from __future__ import annotations

from events.texts import N_

REGISTERED, SORTING, STOPPED = "registered", "sorting", "stopped"
STATUS_NAMES = {REGISTERED: N_("Đã đăng ký"), SORTING: N_("Đang phân loại"),
                STOPPED: N_("Đã dừng")}
ENROL, STOP = "enrol", "stop"

STEPS = {(ENROL, REGISTERED): SORTING, (ENROL, STOPPED): SORTING, (STOP, SORTING): STOPPED}

REFUSALS = {ENROL: N_("Hộ này đang phân loại rác; không thể tham gia lần nữa."),
            STOP: N_("Hộ này chưa tham gia phân loại rác nên không thể dừng.")}


def after(step: str, status: str) -> str | None:
    """The status ``step`` leads to from ``status``; None if it may not follow."""
    return STEPS.get((step, status))
