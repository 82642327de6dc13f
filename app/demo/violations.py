"""The demo's violations register: cases of land use, traffic and irrigation
corridors and waste dumping found in earlier years (tồn đọng), with their
steps, five of them remedied and closed in the first half of 2023 and three
still open at its end; none new (report 52/BC-UBND: "Sáu tháng đầu năm không
có vi phạm mới"). Places, offenders and amounts are made up."""

from __future__ import annotations

from datetime import date

from events.application import Ledger
from events.base import acting_as

# code, kind, village, place, offender, description, year begun, then the
# steps: detected, record (number), penalty (number, amount, deadline),
# complied, enforced, closed (remedy); a missing step is None.
CASES = (
    ("VP-2019-03", "dat_dai", "mac", "Xứ đồng Bãi Sậy", "Bùi Văn Khải",
     "Xây tường bao, lều trông coi trên đất công ích do UBND xã quản lý", 2018,
     date(2019, 4, 8), ("12/BB-VPHC", date(2019, 4, 9)),
     ("31/QĐ-XPVPHC", date(2019, 5, 6), 5_000_000, date(2019, 6, 5)), None,
     date(2020, 11, 12), None),
    ("VP-2020-02", "hanh_lang_giao_thong", "mac", "Ven đường tỉnh 391, đoạn qua thôn Mạc",
     "Trần Thị Hậu", "Dựng lều quán bán hàng lấn chiếm hành lang an toàn đường bộ", 2020,
     date(2020, 5, 19), ("08/BB-VPHC", date(2020, 5, 19)),
     ("22/QĐ-XPVPHC", date(2020, 6, 2), 1_500_000, date(2020, 6, 12)), date(2020, 6, 10),
     None, (date(2023, 4, 20), "Đã tháo dỡ lều quán, trả lại hành lang đường bộ")),
    ("VP-2021-05", "dat_dai", "my-duc", "Xứ đồng Cửa Đình", "Nguyễn Văn Lực",
     "Xây dựng công trình phụ trên đất trồng lúa", 2021, date(2021, 8, 12),
     ("15/BB-VPHC", date(2021, 8, 13)),
     ("40/QĐ-XPVPHC", date(2021, 9, 6), 3_000_000, date(2021, 10, 6)), date(2021, 9, 30),
     None, (date(2023, 3, 15), "Đã tháo dỡ công trình, khôi phục hiện trạng đất trồng lúa")),
    ("VP-2021-09", "hanh_lang_thuy_loi", "mac", "Bờ kênh tưới T3, cánh đồng thôn Mạc",
     "Đặng Văn Thuận", "Đổ đất, trồng cây lâu năm lấn chiếm hành lang bảo vệ kênh", 2021,
     date(2021, 10, 18), ("19/BB-VPHC", date(2021, 10, 19)), None, None, None, None),
    ("VP-2022-04", "hanh_lang_thuy_loi", "kiem-tan", "Kênh tiêu Kiêm Tân", "Phạm Văn Hòa",
     "Xây tường bao lấn chiếm hành lang kênh tiêu", 2019, date(2022, 3, 21),
     ("05/BB-VPHC", date(2022, 3, 22)),
     ("11/QĐ-XPVPHC", date(2022, 4, 11), 2_500_000, date(2022, 5, 11)), None,
     date(2022, 11, 24), (date(2023, 5, 25), "Đã phá dỡ tường bao, khơi thông dòng chảy")),
    ("VP-2022-07", "dat_dai", "kiem-tan", "Xứ đồng Gò Mít", "Vũ Văn Đông",
     "Tự ý chuyển đất trồng lúa sang đào ao nuôi cá", 2022, date(2022, 6, 14),
     ("09/BB-VPHC", date(2022, 6, 15)),
     ("18/QĐ-XPVPHC", date(2022, 7, 4), 5_000_000, date(2022, 8, 4)), date(2022, 8, 1),
     None, None),
    ("VP-2022-12", "hanh_lang_giao_thong", "my-duc", "Đường trục xã, đoạn qua thôn Mỹ Đức",
     "Lê Văn Sáng", "Tập kết vật liệu xây dựng trên hành lang đường trục xã", 2022,
     date(2022, 11, 7), ("21/BB-VPHC", date(2022, 11, 7)), None, None, None,
     (date(2023, 2, 10), "Đã di chuyển vật liệu, trả lại mặt bằng")),
    ("VP-2022-14", "moi_truong", "my-duc", "Bờ kênh cạnh nghĩa trang thôn Mỹ Đức",
     "Hoàng Thị Nhàn", "Đổ rác thải sinh hoạt ra bờ kênh", 2022, date(2022, 12, 19),
     ("23/BB-VPHC", date(2022, 12, 19)),
     ("02/QĐ-XPVPHC", date(2023, 1, 5), 1_000_000, date(2023, 1, 19)), date(2023, 1, 17),
     None, (date(2023, 2, 28), "Đã thu gom, xử lý rác, cam kết phân loại rác tại hộ")),
)
INSPECTOR = "chuyenmon"


def record(ledger: Ledger, commune: str) -> None:
    with acting_as(INSPECTOR), ledger.batch() as batch:
        for case in CASES:
            _case(ledger, commune, *case)
        batch.save()


def _case(ledger: Ledger, commune: str, code: str, kind: str, village: str, place: str,
          offender: str, description: str, began: int, detected: date,
          record: tuple[str, date], penalty: tuple[str, date, int, date] | None,
          complied: date | None, enforced: date | None,
          closed: tuple[date, str] | None) -> None:
    ledger.detect_violation(commune, code, kind, village, place, offender, description,
                            began, INSPECTOR, detected)
    ledger.record_violation(commune, code, record[1], record[0])
    if penalty:
        number, decided, amount, deadline = penalty
        ledger.penalise_violation(commune, code, decided, number, amount, deadline)
    if complied:
        ledger.comply_violation(commune, code, complied)
    if enforced:
        ledger.enforce_violation(commune, code, enforced)
    if closed:
        ledger.close_violation(commune, code, *closed)
