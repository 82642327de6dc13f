"""A synthetic commune at scale, for ``bench.pages``: 200,000 dossiers over
about eight years up to yesterday, recorded through the domain's aggregates
and ``Ledger.save``, with the facts the pages should show kept aside to
check them against.

What it looks like, from a seeded generator so that a run is reproducible
(the dates end yesterday, so that the last weeks' dossiers are still open
whatever the day of the run):

- about 30 procedures in the catalogue, in several fields (Hộ tịch, Chứng
  thực, Đất đai, Bảo trợ xã hội, Cư trú…), certified copies the most common;
- receipts on working days, in office hours, some 2,000 a month, slowly
  growing; online filings from a tenth of them in the first year to most of
  them in the last, full (toàn trình) or partial (một phần), some by post;
- most dossiers resolved (about 55 % early, 40 % on the due date, 4 % late)
  and two thirds of those returned; a few refused at the counter, withdrawn
  or stopped; those whose next step would lie in the future are still open,
  late ones among them overdue;
- applicants with Vietnamese full names (family, middle and given names
  drawn from pools weighted roughly as the names are common), so that a
  search for "vu van an" finds some tens to a few hundred dossiers;
- codes as the national form writes them: commune code, yyMMdd, the day's
  sequence (``10921-230105-0001``).

The events are recorded in business-time order, many dossiers a
transaction, as the log would hold them had they been recorded as they
happened: a dossier's result usually lands in a later transaction than its
receipt.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate, takewhile
from typing import Any
from zoneinfo import ZoneInfo

from events.application import Ledger
from events.base import acting_as
from events.dossiers import Dossier, deadlines
from events.workdays import WorkCalendar
from projections.search import fold

COMMUNE = ("10921", "Xã Quảng Nghiệp")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = 8
SEED = 2026
SAVE_EVENTS = 4_000  # events saved per transaction, about
SAMPLE_EVERY = 499   # one dossier in so many, from the first, is kept for its page
ONE_DAY = timedelta(days=1)

# (log-in, role, full name): the staff whose names the events carry, and the
# accounts the simulated users log in with (eight at once, one each).
STAFF = (("motcua", "clerk", "Nguyễn Thị Lan"), ("motcua2", "clerk", "Trần Thị Hoa"),
         ("motcua3", "clerk", "Lê Văn Hải"), ("motcua4", "clerk", "Phạm Thị Thu"),
         ("motcua5", "clerk", "Đỗ Minh Tuấn"), ("chuyenmon", "officer", "Trần Văn Minh"),
         ("tuphap", "officer", "Bùi Thị Ngọc"), ("chutich", "leader", "Phạm Quốc Hùng"))
CLERKS = ("motcua", "motcua2", "motcua3", "motcua4", "motcua5")
OFFICERS = ("chuyenmon", "tuphap")

# (code, name, field, authority, inter-agency, working days, fee, share of receipts)
PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", "xa", False, 1, 0, 8.0),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", "xa", False, 3, 0, 3.5),
    ("1.001022", "Đăng ký khai tử", "Hộ tịch", "xa", False, 1, 0, 2.5),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "xa", False, 3, 0, 7.0),
    ("1.004746", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", "xa", False, 3, 0, 0.4),
    ("1.004772", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", "xa",
     False, 3, 0, 1.5),
    ("1.004884", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "xa", False, 0, 8000, 4.0),
    ("1.003583", "Đăng ký giám hộ", "Hộ tịch", "xa", False, 3, 0, 0.2),
    ("1.001695", "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
     "cho trẻ em dưới 6 tuổi", "Hộ tịch", "xa", True, 7, 0, 2.0),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", "xa",
     False, 0, 2000, 22.0),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", "xa", False,
     0, 10000, 6.0),
    ("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
     "Chứng thực", "xa", False, 2, 50000, 1.5),
    ("2.001016", "Chứng thực văn bản thỏa thuận phân chia di sản", "Chứng thực", "xa",
     False, 2, 50000, 0.8),
    ("2.001052", "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
     "Chứng thực", "xa", False, 2, 30000, 0.3),
    ("1.003003", "Xác nhận hợp đồng chuyển nhượng quyền sử dụng đất", "Đất đai", "xa",
     False, 5, 0, 2.0),
    ("1.004227", "Hòa giải tranh chấp đất đai", "Đất đai", "xa", False, 30, 0, 0.5),
    ("2.000381", "Xác nhận nguồn gốc, thời điểm sử dụng đất", "Đất đai", "xa", False, 10,
     0, 1.0),
    ("1.001990", "Đăng ký biến động quyền sử dụng đất", "Đất đai", "xa", True, 10, 0, 1.5),
    ("1.001776", "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội",
     "Bảo trợ xã hội", "xa", False, 10, 0, 1.2),
    ("1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội",
     "xa", False, 3, 0, 0.6),
    ("2.000286", "Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình",
     "Bảo trợ xã hội", "xa", False, 5, 0, 0.8),
    ("1.001699", "Xác định, xác định lại mức độ khuyết tật", "Bảo trợ xã hội", "xa", False,
     20, 0, 0.5),
    ("1.002519", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", "xa", False,
     10, 0, 0.3),
    ("1.010600", "Xác nhận thông tin về người có công", "Người có công", "xa", False, 5, 0,
     0.4),
    ("1.003011", "Đăng ký thường trú", "Cư trú", "cong_an", False, 7, 0, 3.0),
    ("1.003020", "Đăng ký tạm trú", "Cư trú", "cong_an", False, 3, 0, 2.0),
    ("1.004213", "Đăng ký nghĩa vụ quân sự lần đầu", "Nghĩa vụ quân sự", "quan_su", False,
     1, 0, 1.0),
    ("1.000775", "Công nhận gia đình văn hóa", "Văn hóa cơ sở", "xa", False, 5, 0, 0.3),
    ("1.008003", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", "Nông nghiệp",
     "xa", False, 10, 0, 0.3),
    ("1.000288", "Xét tặng danh hiệu Lao động tiên tiến", "Thi đua, khen thưởng", "xa",
     False, 20, 0, 0.1),
    ("1.001028", "Thông báo danh mục hoạt động tôn giáo", "Tôn giáo", "xa", False, 10, 0,
     0.05),
)
ONLINE_ADDRESS = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="

# Names, with weights roughly as common as they are.
FAMILY = (("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
          ("Phan", 4.5), ("Vũ", 3.9), ("Võ", 3), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
          ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.6), ("Mai", 0.4))
MIDDLE_MEN = (("Văn", 40), ("Hữu", 6), ("Đức", 8), ("Minh", 9), ("Quốc", 6), ("Công", 5),
              ("Thanh", 5), ("Xuân", 4), ("Đình", 6), ("Ngọc", 4), ("Mạnh", 3), ("Trung", 3))
MIDDLE_WOMEN = (("Thị", 50), ("Ngọc", 8), ("Thu", 7), ("Thanh", 6), ("Kim", 5), ("Minh", 5),
                ("Hồng", 6), ("Mỹ", 4), ("Thúy", 4), ("Phương", 3), ("Bích", 2))
GIVEN_MEN = ("An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hùng", "Huy",
             "Khánh", "Long", "Mạnh", "Minh", "Nam", "Phong", "Quang", "Sơn", "Tâm", "Thắng",
             "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh")
GIVEN_WOMEN = ("An", "Anh", "Bình", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa",
               "Hương", "Lan", "Linh", "Loan", "Mai", "Ngân", "Ngọc", "Nhung", "Oanh",
               "Phương", "Thảo", "Trang", "Tuyết", "Vân", "Yến")

REFUSED, WITHDRAWN, STOPPED = 0.015, 0.012, 0.003   # shares of receipts
EARLY, ON_TIME = 0.55, 0.41                         # of the rest; the others late
RETURNED = 0.67                                     # of those resolved
OPENING = (time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))


# -- what the pages should show --------------------------------------------------------

def today() -> date:
    """The business day, as the pages judge it."""
    return datetime.now(ZONE).date()


@dataclass
class Truth:
    """Facts of the generated commune, kept while generating, that a page
    showing the right rows must agree with."""

    search: str                                  # folded, as typed in the box
    dossiers: int = 0
    events: int = 0
    first_day: date = date.max
    last_day: date = date.min
    newest: str = ""                             # code of the last dossier received
    matches: list[tuple[datetime, str]] = field(default_factory=list)  # search hits
    received_on: dict[date, int] = field(default_factory=dict)  # not refused, by day
    in_month: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # book lines
    sample: list[tuple[str, str]] = field(default_factory=list)  # (code, applicant)
    ends: dict[str, int] = field(default_factory=dict)  # last step taken → dossiers
    late: int = 0                                # resolved after the due date
    overdue: int = 0                             # still open, past the due date

    def outcomes(self) -> list[tuple[str, int]]:
        named = (("return_result", "returned"), ("resolve", "resolved, not yet returned"),
                 ("", "open"), ("refuse", "refused"), ("withdraw", "withdrawn"),
                 ("stop", "stopped"))
        return [*((label, self.ends.get(step, 0)) for step, label in named),
                ("resolved late", self.late), ("open and overdue", self.overdue)]

    def received(self, start: date, end: date) -> int:
        return sum(n for day, n in self.received_on.items() if start <= day <= end)

    @property
    def newest_match(self) -> str:
        return max(self.matches)[1] if self.matches else ""


# -- the plan of one dossier -----------------------------------------------------------

Step = tuple[datetime, str, str, tuple[Any, ...]]  # (at, actor, method, args)


@dataclass
class Plan:
    code: str
    procedure: tuple[Any, ...]
    applicant: str
    channel: str
    online_mode: str
    received_at: datetime
    due: date
    clerk: str
    steps: list[Step]


class Generator:
    """Plans the commune's dossiers, day by day: who, what, when, and the
    steps each will take."""

    def __init__(self, seed: int, end: date) -> None:
        self.rng = random.Random(seed)
        self.calendar = WorkCalendar()
        self.now = datetime.now(ZONE)
        self.end = end
        self.start = date(end.year - YEARS, end.month, min(end.day, 28)) + ONE_DAY
        weights = [p[7] for p in PROCEDURES]
        self.procedure_weights = list(accumulate(weights))
        self.family = _pool(FAMILY)
        self.middle = _pool(MIDDLE_MEN), _pool(MIDDLE_WOMEN)

    # -- when
    def working_days(self) -> list[date]:
        days, day = [], self.start
        while day <= self.end:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += ONE_DAY
        return days

    def day_weight(self, day: date) -> float:
        """A slow growth over the years, fewer receipts in the month of Tết and
        more before it, and a quieter summer."""
        growth = 0.8 + 0.4 * (day - self.start).days / (self.end - self.start).days
        season = {1: 1.15, 2: 0.75, 7: 0.92, 8: 0.92, 12: 1.1}.get(day.month, 1.0)
        return growth * season

    def office_time(self, day: date, after: datetime | None = None) -> datetime:
        morning = self.rng.random() < 0.6
        opens, closes = OPENING[0] if morning else OPENING[1]
        span = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
        minute = opens.hour * 60 + opens.minute + self.rng.randrange(span)
        moment = datetime.combine(day, time(minute // 60, minute % 60,
                                            self.rng.randrange(60)), ZONE)
        if after is not None and moment <= after:
            moment = after + timedelta(minutes=self.rng.randrange(10, 120))
        return moment

    # -- who and what
    def applicant(self) -> str:
        woman = self.rng.random() < 0.52
        family = _draw(self.rng, self.family)
        middle = _draw(self.rng, self.middle[woman])
        given = self.rng.choice(GIVEN_WOMEN if woman else GIVEN_MEN)
        return f"{family} {middle} {given}"

    def procedure(self) -> tuple[Any, ...]:
        point = self.rng.random() * self.procedure_weights[-1]
        return PROCEDURES[bisect_right(self.procedure_weights, point)]

    def channel(self, day: date) -> tuple[str, str]:
        years = (day - self.start).days / 365.25
        online = min(0.1 + 0.1 * years, 0.85)
        draw = self.rng.random()
        if draw < online:
            full = min(0.4 + 0.04 * years, 0.7)
            return "truc_tuyen", "toan_trinh" if self.rng.random() < full else "mot_phan"
        return ("buu_chinh", "") if draw < online + 0.03 else ("truc_tiep", "")

    # -- a dossier's life
    def plan(self, day: date, sequence: int) -> Plan:
        procedure = self.procedure()
        channel, mode = self.channel(day)
        received = self.office_time(day)
        due = deadlines.due_date(received, procedure[5], self.calendar)
        plan = Plan(f"{COMMUNE[0]}-{day:%y%m%d}-{sequence:04d}", procedure, self.applicant(),
                    channel, mode, received, due, self.rng.choice(CLERKS), [])
        plan.steps = self.steps(plan)
        return plan

    def steps(self, plan: Plan) -> list[Step]:
        rng, received, clerk, due = self.rng, plan.received_at, plan.clerk, plan.due
        officer = rng.choice(OFFICERS)
        draw = rng.random()
        if draw < REFUSED:
            at = received + timedelta(minutes=rng.randrange(5, 60))
            return [(at, clerk, "refuse", (at, "Hồ sơ không thuộc thẩm quyền giải quyết của "
                                               "UBND xã.", ZONE))]
        if draw < REFUSED + WITHDRAWN + STOPPED:
            day = self.calendar.after(received.date(), rng.randint(1, 3))
            at = self.office_time(day, received)
            if draw < REFUSED + WITHDRAWN:
                return [(at, clerk, "withdraw", (at, "Công dân xin rút hồ sơ."))]
            return [(at, officer, "stop", (at, "Người nộp không bổ sung đủ giấy tờ theo yêu "
                                                "cầu."))]
        resolved_on = self.resolution_day(received.date(), due)
        resolved = self.office_time(resolved_on, received)
        years = (received.date() - self.start).days / 365.25
        digitised = rng.random() < min(0.6 + 0.06 * years, 0.99)
        e_certified = plan.procedure[2] == "Chứng thực" and plan.channel == "truc_tuyen" \
            and rng.random() < 0.4
        steps = [(resolved, officer, "resolve", (resolved, digitised, e_certified))]
        in_person = plan.channel != "truc_tuyen"
        if rng.random() < (0.8 if in_person else 0.6) * RETURNED / 0.67:
            back = self.calendar.after(resolved_on, rng.choice((0, 0, 0, 1, 1, 2, 3)))
            at = self.office_time(back, resolved)
            steps.append((at, clerk, "return_result", (at,)))
        return steps

    def resolution_day(self, received: date, due: date) -> date:
        draw = self.rng.random()
        between = self.calendar.between(received, due)
        if draw < EARLY and between > 1:
            return self.calendar.after(received, self.rng.randrange(1, between))
        if draw < EARLY + ON_TIME:
            return due
        return self.calendar.after(due, self.rng.choice((1, 1, 2, 3, 5, 8)))

    # -- in business-time order
    def dossiers(self, count: int) -> Iterator[tuple[date, list[Plan]]]:
        """Each working day with the dossiers received on it."""
        days = self.working_days()
        chosen = self.rng.choices(range(len(days)), cum_weights=list(accumulate(
            self.day_weight(d) for d in days)), k=count)
        per_day = [0] * len(days)
        for index in chosen:
            per_day[index] += 1
        for day, n in zip(days, per_day, strict=True):
            plans = [self.plan(day, s) for s in range(1, n + 1)]
            plans.sort(key=lambda p: p.received_at)
            yield day, plans


def _pool(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [name for name, _ in pairs], list(accumulate(w for _, w in pairs))


def _draw(rng: random.Random, pool: tuple[list[str], list[float]]) -> str:
    names, cumulative = pool
    return names[bisect_right(cumulative, rng.random() * cumulative[-1])]


# -- recording -------------------------------------------------------------------------

def set_up(ledger: Ledger) -> None:
    """The commune and its catalogue, listed first."""
    commune = COMMUNE[0]
    with acting_as("system"):
        ledger.register_commune(*COMMUNE)
        for code, name, field_, authority, inter, days, fee, _share in PROCEDURES:
            ledger.list_procedure(commune, code, name, field_, authority, inter, days, fee,
                                  ONLINE_ADDRESS + code)


def record(ledger: Ledger, count: int, search: str, seed: int = SEED,
           progress: Callable[[int], None] | None = None) -> Truth:
    """Record ``count`` dossiers' events, in business-time order, about
    ``SAVE_EVENTS`` events a transaction; return what the pages should show,
    with ``search`` (folded) the applicant search whose hits are kept."""
    yesterday = datetime.now(ZONE).date() - ONE_DAY
    generator = Generator(seed, yesterday)
    truth, recorder = Truth(search), Recorder(ledger)
    for day, plans in generator.dossiers(count):
        recorder.until(datetime.combine(day, time.min, ZONE))
        for plan in plans:
            recorder.receive(plan)
            taken = recorder.schedule(plan, generator.now)
            observe(truth, day, plan, taken)
        if progress and recorder.pending_events >= SAVE_EVENTS:
            progress(truth.dossiers)
        recorder.save_if_full()
    recorder.until(generator.now)
    recorder.save()
    truth.events = recorder.events
    return truth


def observe(truth: Truth, day: date, plan: Plan, taken: list[Step]) -> None:
    truth.dossiers += 1
    end = taken[-1][2] if taken else ""
    truth.ends[end] = truth.ends.get(end, 0) + 1
    if any(step[2] == "resolve" and step[0].date() > plan.due for step in taken):
        truth.late += 1
    if not taken and plan.due < today():
        truth.overdue += 1
    truth.first_day, truth.last_day = min(truth.first_day, day), max(truth.last_day, day)
    truth.newest = plan.code
    if not plan.steps or plan.steps[0][2] != "refuse":
        truth.received_on[day] = truth.received_on.get(day, 0) + 1
    truth.in_month.setdefault((day.year, day.month), []).append(plan.code)
    if truth.search in fold(plan.applicant):
        truth.matches.append((plan.received_at, plan.code))
    if truth.dossiers % SAMPLE_EVERY == 1:
        truth.sample.append((plan.code, plan.applicant))


class Recorder:
    """Live dossiers, the steps still to take in time order, and the
    dossiers changed since the last save."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.live: dict[str, Dossier] = {}
        self.left: dict[str, int] = {}                # steps still to take
        self.queue: list[tuple[datetime, int, str, str, str, tuple[Any, ...]]] = []
        self.changed: dict[str, Dossier] = {}
        self.pending_events = self.events = self.sequence = 0

    def receive(self, plan: Plan) -> None:
        procedure = plan.procedure
        with acting_as(plan.clerk):
            dossier = Dossier.receive(COMMUNE[0], plan.code, procedure[0], plan.applicant,
                                      plan.channel, plan.online_mode, plan.received_at,
                                      plan.due, procedure[4], procedure[6])
        self.live[plan.code] = self.changed[plan.code] = dossier
        self.pending_events += 1

    def schedule(self, plan: Plan, now: datetime) -> list[Step]:
        """The dossier's next steps, up to now: a step that would lie in the
        future (and those after it) is left untaken, so the dossier stays open.
        Returns the steps to be taken."""
        cut_off = now - timedelta(minutes=5)
        steps = list(takewhile(lambda step: step[0] <= cut_off, plan.steps))
        if not steps:
            del self.live[plan.code]
            return steps
        self.left[plan.code] = len(steps)
        for at, actor, method, args in steps:
            self.sequence += 1
            heapq.heappush(self.queue, (at, self.sequence, plan.code, actor, method, args))
        return steps

    def until(self, moment: datetime) -> None:
        """Take every step due before ``moment``."""
        while self.queue and self.queue[0][0] < moment:
            _at, _n, code, actor, method, args = heapq.heappop(self.queue)
            dossier = self.live[code]
            with acting_as(actor):
                getattr(dossier, method)(*args)
            self.changed[code] = dossier
            self.pending_events += 1
            self.left[code] -= 1
            if not self.left[code]:
                del self.left[code], self.live[code]

    def save_if_full(self) -> None:
        if self.pending_events >= SAVE_EVENTS:
            self.save()

    def save(self) -> None:
        if self.changed:
            self.ledger.save(*self.changed.values())
        self.events += self.pending_events
        self.changed, self.pending_events = {}, 0
