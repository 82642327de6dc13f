"""The demo's document register for the first half of 2023: 498 documents,
every one signed digitally on its day of issue and published on the
commune's page (report 52/BC-UBND: 498, 100%), among them the 1 resolution,
29 plans and 7 notices issued for the year's two breakthrough tasks, and the
report 52/BC-UBND itself on 16 June. Titles follow what a commune issues;
signers' names are made up."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.application import Ledger
from events.base import acting_as
from events.documents.values import SYMBOLS
from events.workdays import WorkCalendar

CHAIR, VICE_CHAIR, SECRETARY = "Phạm Quốc Hùng", "Nguyễn Văn Tiến", "Đào Văn Thành"
CERTIFICATES = {CHAIR: "5404FFFE7E3B9A2C", VICE_CHAIR: "5404FFFE7E3B9A2D",
                SECRETARY: "5404FFFE7E3B9B10"}
PAGE = "https://quangnghiep.example/van-ban/"
REFORM, SORTING = "cai_cach_hanh_chinh", "phan_loai_rac"
VILLAGES = ("Mỹ Đức", "Mạc", "Kiêm Tân")
MONTHS = ("tháng 1", "tháng 2", "tháng 3", "tháng 4", "tháng 5", "tháng 6")

# The two tasks' documents (type, task, title): QĐ 59/QĐ-UBND's tasks.
TASK_DOCUMENTS = (
    ("nghi_quyet", REFORM, "Nghị quyết về lãnh đạo thực hiện nhiệm vụ trọng tâm, đột phá, "
                           "công việc đột phá, sáng tạo năm 2023"),
    *(("ke_hoach", REFORM, t) for t in (
        "Kế hoạch thực hiện nhiệm vụ đột phá về cải cách hành chính năm 2023",
        "Kế hoạch cải cách hành chính năm 2023",
        "Kế hoạch kiểm soát thủ tục hành chính năm 2023",
        "Kế hoạch tự kiểm tra công tác cải cách hành chính năm 2023",
        "Kế hoạch tuyên truyền cải cách hành chính năm 2023",
        "Kế hoạch triển khai thanh toán trực tuyến phí, lệ phí tại Bộ phận Một cửa",
        "Kế hoạch nâng cao tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3, mức độ 4",
        "Kế hoạch số hóa hồ sơ, kết quả giải quyết thủ tục hành chính năm 2023",
        "Kế hoạch thực hiện chứng thực bản sao điện tử từ bản chính",
        "Kế hoạch hỗ trợ công dân tạo tài khoản dịch vụ công quốc gia",
        "Kế hoạch niêm yết thủ tục hành chính bằng mã QR tại Bộ phận Một cửa",
        "Kế hoạch thực hiện Đề án 06 trên địa bàn xã năm 2023",
        "Kế hoạch chuyển đổi số năm 2023",
        "Kế hoạch ứng dụng chữ ký số trong gửi, nhận văn bản điện tử năm 2023",
        "Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2023")),
    *(("ke_hoach", SORTING, t) for t in (
        "Kế hoạch thực hiện nhiệm vụ đột phá về quản lý đất đai, môi trường năm 2023",
        "Kế hoạch phân loại, xử lý rác thải hữu cơ tại nguồn năm 2023",
        *(f"Kế hoạch triển khai phân loại rác thải tại hộ gia đình thôn {v}" for v in VILLAGES),
        "Kế hoạch tuyên truyền phân loại, xử lý rác thải hữu cơ tại nguồn",
        "Kế hoạch kiểm tra, xử lý vi phạm đất đai, hành lang giao thông, hành lang thủy lợi "
        "năm 2023",
        "Kế hoạch giải quyết các vi phạm đất đai tồn đọng từ những năm trước",
        "Kế hoạch ra quân giải tỏa hành lang an toàn giao thông",
        "Kế hoạch giải tỏa vi phạm hành lang công trình thủy lợi",
        "Kế hoạch tổng vệ sinh môi trường đón Tết Nguyên đán Quý Mão 2023",
        "Kế hoạch xóa các điểm tập kết rác thải tự phát",
        "Kế hoạch kiểm tra việc phân loại rác tại hộ gia đình quý II năm 2023",
        "Kế hoạch hưởng ứng Ngày Môi trường thế giới 5/6/2023")),
    *(("thong_bao", REFORM, t) for t in (
        "Thông báo niêm yết công khai bộ thủ tục hành chính và mã QR tra cứu, nộp hồ sơ "
        "trực tuyến",
        "Thông báo phân công công chức hỗ trợ dịch vụ công trực tuyến tại Bộ phận Một cửa",
        "Thông báo kết quả tự kiểm tra công tác cải cách hành chính quý I năm 2023")),
    *(("thong_bao", SORTING, t) for t in (
        "Thông báo kết luận của Chủ tịch UBND xã tại hội nghị triển khai phân loại rác tại "
        "hộ gia đình ngày 13/02/2023",
        "Thông báo phân công thành viên Ban Chỉ đạo phụ trách các thôn",
        "Thông báo hỗ trợ nắp đậy hố rác và men vi sinh cho các hộ tự nguyện phân loại rác",
        "Thông báo kết quả kiểm tra việc phân loại rác tại hộ gia đình tháng 5 năm 2023")),
)
# The other documents of the half-year: how many of each type, and titles.
OTHER = {
    "quyet_dinh": (150, (
        "Quyết định về việc hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "Quyết định về việc công nhận hòa giải viên thôn {v}",
        "Quyết định về việc kiện toàn Ban Chỉ đạo phân loại, xử lý rác thải xã",
        "Quyết định về việc thành lập Tổ công tác kiểm tra vi phạm đất đai",
        "Quyết định về việc xử phạt vi phạm hành chính",
        "Quyết định về việc tặng Giấy khen cho tập thể, cá nhân thôn {v}",
        "Quyết định về việc phê duyệt danh sách hộ nghèo, hộ cận nghèo phát sinh",
        "Quyết định về việc giao nhiệm vụ phụ trách thôn {v}",
        "Quyết định về việc thành lập Tổ hỗ trợ dịch vụ công trực tuyến",
        "Quyết định về việc công nhận gia đình văn hóa thôn {v}")),
    "cong_van": (200, (
        "V/v cung cấp thông tin phục vụ công tác cải cách hành chính {m}",
        "V/v đề nghị hỗ trợ kinh phí phân loại rác tại nguồn",
        "V/v tăng cường công tác phòng cháy, chữa cháy",
        "V/v triển khai tiêm chủng mở rộng {m}",
        "V/v chuẩn bị nội dung họp giao ban {m}",
        "V/v rà soát đối tượng hưởng chính sách bảo trợ xã hội thôn {v}",
        "V/v đôn đốc thu thuế sử dụng đất phi nông nghiệp",
        "V/v phối hợp xác minh nguồn gốc sử dụng đất",
        "V/v tăng cường quản lý hành lang an toàn giao thông đường tỉnh 391",
        "V/v chuẩn bị gieo cấy vụ xuân 2023")),
    "bao_cao": (58, (
        "Báo cáo kết quả công tác cải cách hành chính {m}",
        "Báo cáo tình hình kinh tế - xã hội {m}",
        "Báo cáo công tác tư pháp, hộ tịch {m}",
        "Báo cáo kết quả thực hiện Đề án 06 {m}",
        "Báo cáo công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
        "Báo cáo kết quả kiểm soát thủ tục hành chính {m}")),
    "to_trinh": (24, (
        "Tờ trình về việc đề nghị khen thưởng thôn {v}",
        "Tờ trình về việc phê duyệt dự toán kinh phí hỗ trợ phân loại rác",
        "Tờ trình về việc điều chỉnh kế hoạch sử dụng đất năm 2023")),
    "chi_thi": (2, (
        "Chỉ thị về tăng cường công tác quản lý đất đai, trật tự xây dựng",
        "Chỉ thị về đẩy mạnh phân loại, xử lý rác thải tại nguồn")),
    "khac": (27, ("Giấy mời dự hội nghị giao ban {m}",
                  "Giấy mời dự hội nghị triển khai nhiệm vụ thôn {v}")),
}
PERIOD_START, PERIOD_END = date(2023, 1, 3), date(2023, 6, 30)
REPORT = (52, date(2023, 6, 16),
          "Báo cáo tiến độ thực hiện nhiệm vụ trọng tâm, đột phá; công việc đột phá, "
          "sáng tạo năm 2023")


def record(ledger: Ledger, commune: str, rng: random.Random, zone: ZoneInfo) -> None:
    days = _working_days()
    issued = [(rng.choice(days[:40 + 60 * (n % 3)]), doc_type, task, title)
              for n, (doc_type, task, title) in enumerate(TASK_DOCUMENTS)]
    for doc_type, (count, titles) in OTHER.items():
        for day in _spread(days, count, doc_type):
            issued.append((day, doc_type, "khac", _title(titles[len(issued) % len(titles)],
                                                         day, rng)))
    issued.append((REPORT[1], "bao_cao", REFORM, REPORT[2]))
    issued.sort(key=lambda d: (d[0], d[1], d[3] != REPORT[2]))
    with ledger.batch() as batch:
        numbers: dict[str, int] = {}
        for day, doc_type, task, title in issued:
            _issue(ledger, commune, zone, rng, day, doc_type, task, title, numbers)
        batch.save()


def _spread(days: list[date], count: int, doc_type: str) -> list[date]:
    """``count`` days spread over the half-year; for the reports, so many
    before 16 June that the report sent that day is number 52."""
    if doc_type != "bao_cao":
        return [days[n * len(days) // count] for n in range(count)]
    before = [d for d in days if d < REPORT[1]]
    after = [d for d in days if d > REPORT[1]]
    first, rest = REPORT[0] - 1, count - REPORT[0]
    return [before[n * len(before) // first] for n in range(first)] + \
        [after[n * len(after) // rest] for n in range(rest)]


def _working_days() -> list[date]:
    calendar = WorkCalendar()
    days = [PERIOD_START + timedelta(days=i) for i in range((PERIOD_END - PERIOD_START).days)]
    return [d for d in days if calendar.is_working_day(d)]


def _title(template: str, day: date, rng: random.Random) -> str:
    return template.format(v=rng.choice(VILLAGES), m=f"{MONTHS[day.month - 1]} năm 2023")


def _issue(ledger: Ledger, commune: str, zone: ZoneInfo, rng: random.Random, day: date,
           doc_type: str, task: str, title: str, numbers: dict[str, int]) -> None:
    """Numbered in the year per symbol, signed within the hour, published the same day."""
    symbol = "NQ-ĐU" if doc_type == "nghi_quyet" else SYMBOLS[doc_type]
    numbers[symbol] = numbers.get(symbol, 0) + 1
    number = f"{numbers[symbol]}/{symbol}"
    signer = SECRETARY if doc_type == "nghi_quyet" else \
        CHAIR if task != "khac" or doc_type in ("bao_cao", "chi_thi") else \
        rng.choice((CHAIR, VICE_CHAIR))
    with acting_as("vanphong"):
        ledger.issue_document(commune, number, doc_type, title, day, signer, False, task)
    with acting_as("chutich"):
        signed = datetime.combine(day, time(rng.randint(8, 16), rng.randrange(60)), zone)
        ledger.sign_document(commune, day.year, number, signed, signer, CERTIFICATES[signer])
    with acting_as("vanphong"):
        ledger.publish_document(commune, day.year, number, day,
                                PAGE + number.replace("/", "-").lower())
