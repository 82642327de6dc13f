"""Where a violation stands, and which step may follow which: the one
transition table the aggregate enforces, the violation page offers and the
import follows.

detected (đã phát hiện) → record made (đã lập biên bản) → penalty decided
(đã ra quyết định xử phạt) → complied (đã chấp hành) or enforced (đã cưỡng
chế) → remedied and closed (đã khắc phục, kết thúc). A violation remedied
after its record without a penalty may be closed from there. A correction
may be recorded in any status."""

from __future__ import annotations

from dataclasses import dataclass

from events.texts import N_, NC_, STEP, Text, term

DETECTED, RECORDED, PENALISED = "phat_hien", "lap_bien_ban", "xu_phat"
COMPLIED, ENFORCED, CLOSED = "chap_hanh", "cuong_che", "ket_thuc"
STATUSES = (DETECTED, RECORDED, PENALISED, COMPLIED, ENFORCED, CLOSED)
STATUS_NAMES = {DETECTED: N_("mới phát hiện"), RECORDED: N_("đã lập biên bản"),
                PENALISED: N_("đã ra quyết định xử phạt"), COMPLIED: N_("đã chấp hành"),
                ENFORCED: N_("đã cưỡng chế"), CLOSED: N_("đã khắc phục, kết thúc")}
OPEN = STATUSES[:-1]


@dataclass(frozen=True)
class Transition:
    action: str                 # what the refusal message calls the step
    allowed: tuple[str, ...]    # statuses the step may be taken in (empty: any)
    leads_to: str | None        # the status after it (None: unchanged)


TRANSITIONS: dict[str, Transition] = {
    "record": Transition(NC_("bước", "lập biên bản"), (DETECTED,), RECORDED),
    "penalise": Transition(NC_("bước", "ra quyết định xử phạt"), (RECORDED,), PENALISED),
    "comply": Transition(NC_("bước", "ghi nhận chấp hành"), (PENALISED,), COMPLIED),
    "enforce": Transition(NC_("bước", "cưỡng chế"), (PENALISED,), ENFORCED),
    "close": Transition(NC_("bước", "kết thúc vụ việc"), (RECORDED, COMPLIED, ENFORCED),
                        CLOSED),
    "attach": Transition(NC_("bước", "đính kèm tài liệu"), (), None),
    "correct": Transition(NC_("bước", "sửa sự kiện"), (), None),
}
STEPS = tuple(TRANSITIONS)


def refusal(step: str, status: str) -> str | None:
    """Why ``step`` cannot be taken now, whatever its day and values, or None."""
    transition = TRANSITIONS[step]
    if transition.allowed and status not in transition.allowed:
        return Text("Không thể %(action)s: vụ việc đang ở trạng thái «%(status)s».",
                    action=term(transition.action, STEP), status=term(STATUS_NAMES[status]))
    return None


def after(step: str, status: str) -> str:
    return TRANSITIONS[step].leads_to or status
