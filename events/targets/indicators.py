"""The indicators a higher level sets targets on (chỉ tiêu), and when a
target is met: the one rule the dashboard, the targets' page and the report
all use.

A rate is a fraction from 0 to 1 (as the report writes rates) and is met at
or above its threshold; a count is a whole number: the citizen accounts
opened are met at or above theirs, the new violations at or below theirs
(QĐ 59/QĐ-UBND asks for none: a threshold of 0). An actual that cannot be
known (a rate with nothing to divide by, a stream the ledger does not keep
yet) meets nothing and fails nothing: ``met`` is None."""

from __future__ import annotations

from dataclasses import dataclass

from events.texts import N_

RATE, COUNT = "rate", "count"
AT_LEAST, AT_MOST = "at_least", "at_most"
MAX_COUNT = 10**7


@dataclass(frozen=True)
class Indicator:
    code: str       # as the report's JSON names the figure
    name: str       # in the domain's words (translatable)
    kind: str       # RATE or COUNT
    goal: str       # AT_LEAST or AT_MOST


INDICATORS: dict[str, Indicator] = {i.code: i for i in (
    Indicator("online_rate", N_("Tỷ lệ hồ sơ tiếp nhận trực tuyến"), RATE, AT_LEAST),
    Indicator("digitised_rate", N_("Tỷ lệ số hóa kết quả giải quyết"), RATE, AT_LEAST),
    Indicator("on_time_rate", N_("Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn"), RATE,
              AT_LEAST),
    Indicator("online_payment_rate", N_("Tỷ lệ thanh toán phí, lệ phí trực tuyến"), RATE,
              AT_LEAST),
    Indicator("signed_rate", N_("Tỷ lệ văn bản ký số"), RATE, AT_LEAST),
    Indicator("sorting_rate", N_("Tỷ lệ hộ phân loại rác thải hữu cơ tại nguồn"), RATE,
              AT_LEAST),
    Indicator("new_violations", N_("Số vi phạm mới (đất đai, hành lang giao thông, thủy lợi)"),
              COUNT, AT_MOST),
    Indicator("citizen_accounts", N_("Số tài khoản dịch vụ công được hỗ trợ mở"), COUNT,
              AT_LEAST),
)}


def met(code: str, actual: float | int | None, threshold: float | int) -> bool | None:
    """Whether ``actual`` meets the target's ``threshold`` (None if unknown)."""
    if actual is None:
        return None
    if INDICATORS[code].goal == AT_MOST:
        return actual <= threshold
    return actual >= threshold
