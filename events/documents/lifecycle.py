"""Where a document stands, and which step may follow which: the one
transition table the aggregate enforces, the document page offers and the
import follows.

issued (đã ban hành) → revoked (đã thu hồi) or replaced by a later document
(đã bị thay thế); signing digitally and publishing on the commune's web page
happen once each while it is in force, and never for a confidential
document. A correction may be recorded in any status."""

from __future__ import annotations

from dataclasses import dataclass

from events.texts import N_, NC_, STEP, Text, term

ISSUED, REVOKED, REPLACED = "da_ban_hanh", "da_thu_hoi", "da_thay_the"
STATUSES = (ISSUED, REVOKED, REPLACED)
STATUS_NAMES = {ISSUED: N_("đang có hiệu lực"), REVOKED: N_("đã thu hồi"),
                REPLACED: N_("đã bị thay thế")}


@dataclass(frozen=True)
class Transition:
    action: str                 # what the refusal message calls the step
    allowed: tuple[str, ...]    # statuses the step may be taken in (empty: any)
    leads_to: str | None        # the status after it (None: unchanged)
    needs_public: bool = False  # refused for a confidential document


TRANSITIONS: dict[str, Transition] = {
    "sign": Transition(NC_("bước", "ký số"), (ISSUED,), None, True),
    "publish": Transition(NC_("bước", "đăng trang thông tin"), (ISSUED,), None, True),
    "revoke": Transition(NC_("bước", "thu hồi"), (ISSUED,), REVOKED),
    "replace": Transition(NC_("bước", "thay thế"), (ISSUED,), REPLACED),
    "correct": Transition(NC_("bước", "sửa sự kiện"), (), None),
}
STEPS = tuple(TRANSITIONS)


def refusal(step: str, status: str, confidential: bool, signed: bool,
            published: bool) -> str | None:
    """Why ``step`` cannot be taken now, whatever its time and values, or None."""
    transition = TRANSITIONS[step]
    if transition.needs_public and confidential:
        return N_("Văn bản mật không được ký số hay đăng trên trang thông tin điện tử.")
    if transition.allowed and status not in transition.allowed:
        return Text("Không thể %(action)s: văn bản đang ở trạng thái «%(status)s».",
                    action=term(transition.action, STEP), status=term(STATUS_NAMES[status]))
    if step == "sign" and signed:
        return N_("Văn bản này đã được ký số.")
    if step == "publish" and published:
        return N_("Văn bản này đã được đăng trên trang thông tin điện tử.")
    return None


def after(step: str, status: str) -> str:
    return TRANSITIONS[step].leads_to or status
