"""Where a dossier stands, and which step may follow which: the one
transition table the aggregate enforces, the dossier page offers and the
import follows.

received (đang xử lý) → [supplement requested (chờ bổ sung) → supplement
received] → resolved (đã có kết quả) → returned (đã trả kết quả); side
exits: refused at the counter (only as the first step, on the day of
receipt), withdrawn by the citizen, stopped. Hand-overs, an apology and the
fee happen along the way; a correction may be recorded in any status."""

from __future__ import annotations

from dataclasses import dataclass

from events.texts import N_, NC_, STEP, Text, term

IN_PROGRESS, AWAITING_SUPPLEMENT, RESOLVED, RETURNED = (
    "dang_xu_ly", "cho_bo_sung", "da_co_ket_qua", "da_tra")
REFUSED, WITHDRAWN, STOPPED = "tu_choi", "rut", "dung"
OPEN = (IN_PROGRESS, AWAITING_SUPPLEMENT)
ENDED = (REFUSED, WITHDRAWN, STOPPED)
STATUSES = (*OPEN, RESOLVED, RETURNED, *ENDED)
STATUS_NAMES = {IN_PROGRESS: N_("đang giải quyết"), AWAITING_SUPPLEMENT: N_("chờ bổ sung"),
                RESOLVED: N_("đã có kết quả"), RETURNED: N_("đã trả kết quả"),
                REFUSED: N_("từ chối tiếp nhận"), WITHDRAWN: N_("đã rút"),
                STOPPED: N_("dừng giải quyết")}


@dataclass(frozen=True)
class Transition:
    action: str                 # what the refusal message calls the step
    allowed: tuple[str, ...]    # statuses the step may be taken in (empty: any)
    leads_to: str | None        # the status after it (None: unchanged)
    # A clearer message than "not in this status" for a status that asks it.
    instead: tuple[tuple[str, str], ...] = ()


TRANSITIONS: dict[str, Transition] = {
    "hand_over": Transition(NC_("bước", "chuyển hồ sơ"), OPEN, None),
    "request_supplement": Transition(
        NC_("bước", "yêu cầu bổ sung"), (IN_PROGRESS,), AWAITING_SUPPLEMENT,
        ((AWAITING_SUPPLEMENT, N_("Hồ sơ đang chờ bổ sung.")),)),
    "receive_supplement": Transition(
        NC_("bước", "nhận bổ sung"), (AWAITING_SUPPLEMENT,), IN_PROGRESS,
        ((IN_PROGRESS, N_("Hồ sơ không đang chờ bổ sung.")),)),
    "refuse": Transition(NC_("bước", "từ chối tiếp nhận"), (IN_PROGRESS,), REFUSED),
    "withdraw": Transition(NC_("bước", "rút hồ sơ"), OPEN, WITHDRAWN),
    "stop": Transition(NC_("bước", "dừng giải quyết"), OPEN, STOPPED),
    "resolve": Transition(
        NC_("bước", "ghi nhận kết quả"), (IN_PROGRESS,), RESOLVED,
        ((AWAITING_SUPPLEMENT, N_("Hồ sơ đang chờ bổ sung: hãy ghi nhận bổ sung trước.")),
         (RESOLVED, N_("Hồ sơ này đã có kết quả.")), (RETURNED, N_("Hồ sơ này đã có kết quả.")))),
    "return_result": Transition(
        NC_("bước", "trả kết quả"), (RESOLVED,), RETURNED,
        ((RETURNED, N_("Hồ sơ này đã được trả kết quả.")),
         (IN_PROGRESS, N_("Hồ sơ chưa có kết quả nên chưa thể trả.")),
         (AWAITING_SUPPLEMENT, N_("Hồ sơ chưa có kết quả nên chưa thể trả.")))),
    "apologise": Transition(NC_("bước", "xin lỗi và hẹn lại"), OPEN, None),
    "pay_fee": Transition(NC_("bước", "nộp phí, lệ phí"), (*OPEN, RESOLVED), None),
    "correct": Transition(NC_("bước", "sửa sự kiện"), (), None),
}


def may(step: str, status: str) -> bool:
    allowed = TRANSITIONS[step].allowed
    return not allowed or status in allowed


def refusal(step: str, status: str) -> str | None:
    """Why ``step`` cannot be taken in ``status``, or None if it can."""
    if may(step, status):
        return None
    transition = TRANSITIONS[step]
    return dict(transition.instead).get(status) or Text(
        "Không thể %(action)s: hồ sơ đang ở trạng thái «%(status)s».",
        action=term(transition.action, STEP), status=term(STATUS_NAMES[status]))


def after(step: str, status: str) -> str:
    return TRANSITIONS[step].leads_to or status
