"""What the period report says as a document: report 52/BC-UBND's layout
and wording, with the figures of the report's JSON written the way a
Vietnamese reader expects (``1.049``, ``99,2%``).

``compose`` turns the JSON (``app.reports.period``) and the leaders' texts
(``app.reports.narrative``) into one ``ReportDocument``; the HTML page and
the Word file both render that, so they say the same thing with the same
figures, and no figure is computed twice. The heading follows Nghị định
30/2020/NĐ-CP: the issuing body beside the national motto, the number and
symbol, the place and date, the title and its summary; the body has the
seed report's sections I–VI; the end has the recipients and the signature.
A document is always Vietnamese, whatever the reader's interface language."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.formatting import CHANNEL_NAMES, number, percent
from app.printing.views import long_day
from app.reports.narrative import SECTIONS
from events.documents.values import TYPE_NAMES, TYPES
from events.targets import INDICATORS
from events.targets.indicators import RATE
from events.violations.values import KIND_NAMES, KINDS
from projections.periods import Period


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: bool = False  # a numbered sub-heading ("1. …"), in bold


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None  # a last row in bold

    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        return self.rows + ((self.total,) if self.total else ())


@dataclass(frozen=True)
class Gap:
    """A narrative section nobody has written yet: left for a leader."""

    key: str
    prompt: str

    @property
    def text(self) -> str:
        return f"[Phần do lãnh đạo UBND xã viết: {self.prompt.lower()}.]"


Block = Paragraph | Table | Gap


@dataclass(frozen=True)
class Section:
    numeral: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ReportDocument:
    place: str
    number_line: str
    place_date: str
    summary: str
    sections: tuple[Section, ...]
    closing: str
    recipients: tuple[str, ...]
    signature: tuple[str, str] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer: str = "[Họ và tên người ký]"
    title: str = "BÁO CÁO"
    issuer: tuple[str, str] = ("ỦY BAN NHÂN DÂN", "")

    @property
    def figures_text(self) -> str:
        """Every text of the document, one line each: what a reader reads."""
        lines = [*self.issuer, self.number_line, self.place_date, self.title, self.summary]
        for section in self.sections:
            lines.append(f"{section.numeral}. {section.title}")
            for block in section.blocks:
                if isinstance(block, Table):
                    lines += [block.caption, *(" ".join(r) for r in (block.headers,
                                                                      *block.body))]
                else:
                    lines.append(block.text)
        return "\n".join([*lines, self.closing, *self.recipients, *self.signature,
                          self.signer])


def place_name(commune_name: str) -> str:
    """The commune's name as a document's place line writes it: "Quảng
    Nghiệp" for "Xã Quảng Nghiệp" (and for a name with a note in brackets)."""
    name = re.sub(r"\s*\(.*\)\s*$", "", commune_name).strip()
    return re.sub(r"^(xã|phường|thị trấn|đặc khu)\s+", "", name, flags=re.I) or commune_name


def _unit(commune_name: str) -> str:
    """"Xã", "Phường"… as the name starts (a commune by default)."""
    match = re.match(r"(xã|phường|thị trấn|đặc khu)\s", commune_name, flags=re.I)
    return match.group(1).capitalize() if match else "Xã"


def period_label(period: Period) -> str:
    """The period as a report's title says it: "tháng 6 năm 2023", "quý II
    năm 2023", "6 tháng đầu năm 2023", "năm 2023", or its two dates."""
    start, end = period.start, period.end
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and start.year == end.year:
        months = (start.month, end.month)
        if months[0] == months[1]:
            return f"tháng {start.month} năm {start.year}"
        if months in ((1, 3), (4, 6), (7, 9), (10, 12)):
            return f"quý {'I II III IV'.split()[end.month // 3 - 1]} năm {start.year}"
        if months == (1, 6):
            return f"6 tháng đầu năm {start.year}"
        if months == (7, 12):
            return f"6 tháng cuối năm {start.year}"
        if months == (1, 12):
            return f"năm {start.year}"
    return f"từ ngày {_day(start)} đến ngày {_day(end)}"


def next_label(period: Period) -> str:
    """The period after this one, as section VI names it ("6 tháng cuối năm
    2023"); "thời gian tới" after a period that is not a month, quarter,
    half-year or year."""
    label = period_label(period)
    if label.startswith("từ ngày"):
        return "thời gian tới"
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    start = date(period.end.year + period.end.month // 12, period.end.month % 12 + 1, 1)
    end_month = (start.month + months - 2) % 12 + 1
    end_year = start.year + (start.month + months - 2) // 12
    return period_label(Period(start, date(end_year, end_month,
                                           calendar.monthrange(end_year, end_month)[1])))


def _day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def compose(report: Mapping[str, Any], texts: Mapping[str, str], issued_on: date,
            item_names: Mapping[str, tuple[str, str]], number_symbol: str = ""
            ) -> ReportDocument:
    """The document of the report: its figures from the JSON, the leaders'
    texts where they have written them (a ``Gap`` where not), dated
    ``issued_on``; ``item_names`` names the supplies (code → name, unit);
    ``number_symbol`` its number once issued (the line left to fill in
    until then)."""
    period = Period(date.fromisoformat(report["period"]["from"]),
                    date.fromisoformat(report["period"]["to"]))
    name = report["commune"]["name"] or report["commune"]["code"]
    place, label = place_name(name), period_label(period)
    unit = f"{_unit(name)} {place}"
    return ReportDocument(
        issuer=("ỦY BAN NHÂN DÂN", unit.upper()),
        place=place,
        number_line=f"Số: {number_symbol}" if number_symbol else "Số:        /BC-UBND",
        place_date=f"{place}, {long_day(issued_on)}",
        summary=f"Kết quả thực hiện nhiệm vụ trọng tâm, đột phá {label}",
        sections=(
            Section("I", "CÔNG TÁC TỔ CHỨC THỰC HIỆN", _organisation(report, texts)),
            Section("II", "TIẾN ĐỘ THỰC HIỆN", (*_reform(report), *_sorting(report, item_names),
                                                *_targets(report))),
            Section("III", "HẠN CHẾ, YẾU KÉM VÀ NGUYÊN NHÂN", (
                Paragraph("1. Tồn tại, hạn chế, khó khăn, yếu kém", lead=True),
                *_written(texts, "han_che"),
                Paragraph("2. Nguyên nhân của những hạn chế, yếu kém", lead=True),
                *_written(texts, "nguyen_nhan"))),
            Section("IV", "BÀI HỌC KINH NGHIỆM", _written(texts, "bai_hoc")),
            Section("V", "ĐỀ XUẤT, KIẾN NGHỊ", _written(texts, "de_xuat")),
            Section("VI", "PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN "
                    + next_label(period).upper(), _written(texts, "phuong_huong")),
        ),
        closing=(f"Trên đây là báo cáo kết quả thực hiện nhiệm vụ trọng tâm, đột phá {label} "
                 f"của UBND {unit[:1].lower()}{unit[1:]}./."),
        recipients=("- ……………………;", "- Lưu: VT."),
    )


def _written(texts: Mapping[str, str], key: str) -> tuple[Block, ...]:
    """A leader's text, a paragraph per line; or the gap left for it."""
    lines = [line.strip() for line in (texts.get(key) or "").splitlines() if line.strip()]
    return tuple(Paragraph(line) for line in lines) or (Gap(key, SECTIONS[key]),)


def _organisation(report: Mapping[str, Any], texts: Mapping[str, str]) -> tuple[Block, ...]:
    docs = report["documents"]
    by_type = docs.get("by_type", {})
    kinds = "; ".join(f"{number(by_type[t])} {TYPE_NAMES[t]}" for t in TYPES if by_type.get(t))
    decisions = sorted({(t["document"], t["document_date"]) for t in report.get("targets", [])})
    basis = ", ".join(f"{_kind_of(no)} số {no} ngày {_day(date.fromisoformat(on))}"
                      for no, on in decisions)
    tasks = docs.get("by_task", {})
    opening = (f"Thực hiện {basis} giao chỉ tiêu nhiệm vụ năm, " if basis else "") + (
        f"trong kỳ UBND xã đã ban hành {number(docs['issued'])} văn bản"
        + (f" ({kinds})" if kinds else "") + ".")
    task_text = ("Trong đó, phục vụ nhiệm vụ cải cách hành chính "
                 f"{number(tasks.get('cai_cach_hanh_chinh', 0))} văn bản; nhiệm vụ phân loại, "
                 f"xử lý rác thải hữu cơ tại nguồn {number(tasks.get('phan_loai_rac', 0))} văn "
                 "bản.") if tasks else ""
    table = Table("Văn bản ban hành trong kỳ theo loại", ("Loại văn bản", "Số văn bản"),
                  tuple((TYPE_NAMES[t], number(by_type[t])) for t in TYPES if by_type.get(t)),
                  ("Tổng số", number(docs["issued"])))
    return (Paragraph("1. Việc xây dựng kế hoạch để triển khai thực hiện nhiệm vụ trọng tâm, "
                      "đột phá", lead=True),
            Paragraph(opening[0].upper() + opening[1:]),
            *((Paragraph(task_text),) if task_text else ()), table,
            Paragraph("2. Việc phân công cán bộ, công chức, tổ chức thực hiện", lead=True),
            *_written(texts, "to_chuc"))


SYMBOL_KINDS = {"QĐ": "Quyết định", "NQ": "Nghị quyết", "KH": "Kế hoạch", "CT": "Chỉ thị",
                "TB": "Thông báo"}


def _kind_of(number_symbol: str) -> str:
    """"Quyết định" for "59/QĐ-UBND": the kind its symbol names."""
    symbol = number_symbol.partition("/")[2].split("-")[0]
    return SYMBOL_KINDS.get(symbol, "Văn bản")


def _reform(report: Mapping[str, Any]) -> tuple[Block, ...]:
    d, p = report["dossiers"], report["procedures"]
    docs, feedback = report["documents"], report["feedback"]
    online = d["by_channel"].get("truc_tuyen", 0)
    return (
        Paragraph("1. Nhiệm vụ 1: Thanh toán trực tuyến phí, lệ phí; dịch vụ công trực tuyến "
                  "và số hóa hồ sơ thủ tục hành chính", lead=True),
        Paragraph(f"Tổng số TTHC thuộc thẩm quyền giải quyết của xã {number(p['commune'])} "
                  f"(có {number(p['inter_agency'])} TTHC liên thông); {number(p['military'])} "
                  f"TTHC theo ngành dọc (Quân sự); {number(p['police'])} TTHC lĩnh vực Công an. "
                  f"Niêm yết công khai {number(p['with_qr'])} mã QR-code tương ứng với "
                  f"{number(p['fields'])} lĩnh vực giải quyết TTHC."),
        Paragraph(f"Số hồ sơ tiếp nhận và giải quyết: {number(d['received'])} hồ sơ (kỳ trước "
                  f"chuyển sang {number(d['carried_over'])}), đã giải quyết "
                  f"{number(d['resolved'])} (trước hạn {number(d['early'])}, đúng hạn "
                  f"{number(d['on_time'])}, quá hạn {number(d['late'])}), đang giải quyết "
                  f"{number(d['in_progress'])} (trong đó quá hạn "
                  f"{number(d['in_progress_overdue'])}); đã trả kết quả {number(d['returned'])} "
                  f"hồ sơ. Từ chối tiếp nhận {number(d['refused'])}, công dân rút "
                  f"{number(d['withdrawn'])}, dừng giải quyết {number(d['stopped'])}; văn bản "
                  f"xin lỗi, hẹn lại ngày trả kết quả {number(d['apologies'])}."),
        Paragraph(f"Số hồ sơ trực tuyến (mức độ 3, 4) là {number(online)}/"
                  f"{number(d['received'])} hồ sơ, đạt {percent(d['online_rate'])}. Số hóa hồ sơ "
                  f"kết quả giải quyết TTHC đạt {percent(d['digitised_rate'])}. Thực hiện chứng "
                  f"thực điện tử {number(d['e_certified'])} hồ sơ."),
        Paragraph(f"Thu phí, lệ phí: {number(d.get('fees_paid', 0))} hồ sơ nộp phí, lệ phí, "
                  f"trong đó {number(d.get('paid_online', 0))} hồ sơ thanh toán trực tuyến, đạt "
                  f"{percent(d.get('online_payment_rate'))}."),
        Paragraph(f"Hướng dẫn công dân tạo {number(report['citizen_accounts'])} tài khoản dịch "
                  f"vụ công quốc gia. Tiếp nhận {number(feedback['received'])} phản ánh, kiến "
                  f"nghị của cá nhân, tổ chức về quy định hành chính; đã trả lời "
                  f"{number(feedback['answered'])}; quá hạn chưa trả lời "
                  f"{number(feedback['overdue'])}."),
        Paragraph(f"Có {number(docs['signed'])} văn bản ký số trên môi trường mạng (trừ văn bản "
                  f"mật: {number(docs['confidential'])})"
                  + (f", {number(docs['published'])} văn bản đăng tải trên Trang điện tử"
                     if "published" in docs else "")
                  + f", đạt tỷ lệ {percent(docs['signed_rate'])}."),
        _channels(d), *_fields(d),
    )


def _channels(d: Mapping[str, Any]) -> Table:
    rows = tuple((CHANNEL_NAMES[c], number(n), percent(n / d["received"] if d["received"]
                                                       else None))
                 for c, n in d["by_channel"].items())
    return Table("Hồ sơ tiếp nhận theo kênh", ("Kênh tiếp nhận", "Số hồ sơ", "Tỷ lệ"), rows,
                 ("Tổng số", number(d["received"]), percent(1.0 if d["received"] else None)))


def _fields(d: Mapping[str, Any]) -> tuple[Table, ...]:
    by_field = d.get("by_field") or {}
    if not by_field:
        return ()
    rows = tuple((name, number(f["received"]), number(f["resolved"]), number(f["late"]),
                  number(f["in_progress"])) for name, f in by_field.items())
    return (Table("Hồ sơ theo lĩnh vực", ("Lĩnh vực", "Tiếp nhận", "Đã giải quyết",
                                          "Trong đó quá hạn", "Đang giải quyết"), rows),)


def _sorting(report: Mapping[str, Any], item_names: Mapping[str, tuple[str, str]]
             ) -> tuple[Block, ...]:
    v, h, supplies = report["violations"], report["households"], report["supplies"]
    kinds = v.get("by_kind", {})
    received = ", ".join(f"{number(s['received'])} {_item(item_names, s['item'])}"
                         for s in supplies)
    issued = ", ".join(f"{number(s['issued'])} {_item(item_names, s['item'])}" for s in supplies)
    return (
        Paragraph("2. Nhiệm vụ 2: Không để xảy ra vi phạm mới về đất đai, hành lang giao "
                  "thông, hành lang thủy lợi; giải quyết các vi phạm tồn đọng; phân loại và xử "
                  "lý rác thải hữu cơ tại nguồn", lead=True),
        Paragraph(f"Số vi phạm mới trong kỳ về đất đai, hành lang giao thông, hành lang thủy "
                  f"lợi và môi trường: {number(v['new'])}. Vi phạm tồn đọng từ những năm trước "
                  f"chưa giải quyết xong đến cuối kỳ: {number(v['legacy_open'])}; đã giải quyết "
                  f"xong trong kỳ: {number(v['resolved'])}."),
        Table("Vi phạm theo loại", ("Loại vi phạm", "Vi phạm mới", "Tồn đọng chưa xong",
                                    "Đã giải quyết xong"),
              tuple((KIND_NAMES[k], number(kinds.get(k, {}).get("new", 0)),
                     number(kinds.get(k, {}).get("legacy_open", 0)),
                     number(kinds.get(k, {}).get("resolved", 0))) for k in KINDS),
              ("Tổng số", number(v["new"]), number(v["legacy_open"]), number(v["resolved"]))),
        Paragraph(f"Tổng số hộ đã thực hiện phân loại rác thải hữu cơ tại hộ gia đình là "
                  f"{number(h['sorting'])}/{number(h['registered'])} hộ, đạt "
                  f"{percent(h['sorting_rate'])}."),
        Table("Hộ phân loại rác thải hữu cơ tại nguồn theo thôn",
              ("Thôn", "Số hộ", "Số hộ phân loại", "Tỷ lệ"),
              tuple((row["village"], number(row["registered"]), number(row["sorting"]),
                     percent(row["sorting"] / row["registered"] if row["registered"] else None))
                    for row in h["by_village"]),
              ("Tổng số", number(h["registered"]), number(h["sorting"]),
               percent(h["sorting_rate"]))),
        *((Paragraph(f"UBND xã đã tiếp nhận {received}; đã cấp cho các thôn, hộ {issued}."),)
          if supplies else ()),
        *_supplies(supplies, item_names),
    )


def _item(item_names: Mapping[str, tuple[str, str]], code: str) -> str:
    name = item_names.get(code, (code, ""))[0]
    return name[:1].lower() + name[1:]


def _supplies(supplies: list[Mapping[str, Any]], item_names: Mapping[str, tuple[str, str]]
              ) -> tuple[Table, ...]:
    if not supplies:
        return ()
    villages = list(dict.fromkeys(v for s in supplies for v in s["by_village"]))
    header = tuple(f"{item_names.get(s['item'], (s['item'], ''))[0]}" for s in supplies)
    rows = [(village, *(number(s["by_village"].get(village, 0)) for s in supplies))
            for village in villages]
    return (Table("Vật tư cấp cho các thôn", ("Thôn", *header), tuple(rows),
                  ("Tổng số đã cấp", *(number(s["issued"]) for s in supplies))),
            Table("Vật tư tiếp nhận và tồn kho", ("Vật tư", "Tiếp nhận", "Đã cấp", "Tồn kho"),
                  tuple((item_names.get(s["item"], (s["item"], ""))[0], number(s["received"]),
                         number(s["issued"]), number(s["in_stock"])) for s in supplies)))


def _targets(report: Mapping[str, Any]) -> tuple[Block, ...]:
    targets = report.get("targets") or []
    if not targets:
        return ()

    def shown(code: str, value: float | int | None) -> str:
        if code in INDICATORS and INDICATORS[code].kind == RATE:
            return percent(value)
        return number(None if value is None else round(value))

    rows = tuple((INDICATORS[t["indicator"]].name if t["indicator"] in INDICATORS
                  else t["indicator"], shown(t["indicator"], t["threshold"]),
                  shown(t["indicator"], t["actual"]),
                  {True: "Đạt", False: "Chưa đạt"}.get(t["met"], "Chưa xác định"))
                 for t in targets)
    return (Paragraph("3. Kết quả thực hiện các chỉ tiêu được giao", lead=True),
            Table("Chỉ tiêu được giao và kết quả", ("Chỉ tiêu", "Chỉ tiêu giao", "Kết quả",
                                                    "Đánh giá"), rows))
