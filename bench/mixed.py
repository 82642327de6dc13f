"""A synthetic commune's log that mixes every stream the ledger has, for the
rebuild bench (``bench.bench``): three years up to yesterday of a commune's
work, recorded through the ledger's own commands, so that every event is
what the application would store.

What it holds, from a seeded generator so that a run is reproducible (the
rates below are per working day for the default size; ``--mixed-events``
scales them):

- dossiers, about half the events: some 40 received a working day on the
  catalogue of ``bench.commune``, a third handed over to an officer, a few
  asked for a supplement, most resolved (some late, some of those after an
  apology) and two thirds of those returned, fees paid where the procedure
  charges one, a few refused at the counter, withdrawn or stopped;
- documents: about a dozen issued a working day, numbered by symbol and
  year, most signed, some published, a few revoked or replaced by a later
  decision;
- villages, households and supplies: eleven villages (one renamed, one
  merged into another), 4,000 households registered over the first months
  and a few a week after, three quarters enrolled in waste sorting (each
  issued a bin lid and microbe packs that day), a few stopped or moved;
  each month a quarter of those sorting checked, village by village, and
  sacks issued to every village; stock received when it runs low;
  each village's monitoring group formed, then changed every quarter;
- violations: about four detected a working day, each with its photo, most
  recorded, penalised, complied with or enforced, and closed, some with a
  file attached to the record;
- citizens: national-portal accounts opened with a clerk's help, about 16
  a working day; feedback received and, mostly, answered;
- the rest: the commune and its catalogue, its staff, days off declared,
  the year's targets set and revised, and the staff's log-ins.

Everything is recorded in business-time order, a few thousand events a
transaction (``Ledger.batch``), as the log would hold it had it been
recorded as it happened; what was recorded is counted from the events saved
(``Recorded``), for the rebuild to be checked against.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from events.application import Batch, Ledger
from events.base import LedgerAggregate, acting_as
from events.citizens.values import CHANNELS as FEEDBACK_CHANNELS
from events.citizens.values import PROVINCE_CODES
from events.documents.lifecycle import ISSUED
from events.documents.values import SYMBOLS
from events.people import Access
from events.violations.values import KINDS as VIOLATION_KINDS
from bench import commune

SEED = 2028
YEARS = 3
DEFAULT_EVENTS = 200_000  # about, at scale 1
SAVE_EVENTS = 4_000       # events saved per transaction, about
COMMUNE = commune.COMMUNE[0]
ZONE = commune.ZONE
ONE_DAY = timedelta(days=1)
ID_HASH_KEY = b"bench-id-hash-key"

# What a working day brings at scale 1.
DOSSIERS_A_DAY = 41.0
DOCUMENTS_A_DAY = 11.5
VIOLATIONS_A_DAY = 4.2
ACCOUNTS_A_DAY = 16.0
FEEDBACK_A_DAY = 2.7
LOG_INS_A_DAY = 8.0
HOUSEHOLDS = 4_000          # registered in the first REGISTRATION_DAYS working days
REGISTRATION_DAYS = 90
LATER_HOUSEHOLDS_A_DAY = 0.6

VILLAGES = ("Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Thôn Trung", "Thôn Thượng",
            "Thôn Hạ", "Thôn An Lạc", "Thôn Phú Mỹ", "Thôn Tân Hòa")
MERGED_VILLAGE = "Thôn Gò Mới"  # no household; merged into the first village
STAFF = (*commune.STAFF, ("diachinh", "officer", "Hoàng Văn Đức"),
         ("vanphong", "officer", "Ngô Thị Mai"))
LEADER = "Phạm Quốc Hùng"
DOC_TYPES = (("cong_van", 40), ("thong_bao", 15), ("quyet_dinh", 15), ("ke_hoach", 10),
             ("bao_cao", 12), ("to_trinh", 3), ("nghi_quyet", 1), ("chi_thi", 1), ("khac", 3))
TASKS = (("khac", 75), ("cai_cach_hanh_chinh", 15), ("phan_loai_rac", 10))
VIOLATION_WEIGHTS = (40, 25, 15, 20)  # in the order of ``VIOLATION_KINDS``
ITEMS = (("nap_day", 1), ("men_vi_sinh", 2))  # issued to a household as it enrols
SACKS = "tui_rac"


@dataclass
class Recorded:
    """What the generator recorded, counted from the events as they were saved."""

    kinds: Counter[str] = field(default_factory=Counter)  # "Stream.Event" → events
    issued_units: int = 0
    checks: int = 0
    compliant: int = 0
    new_violations: int = 0     # begun in the year they were detected
    closed_violations: int = 0
    refused_dossiers: int = 0

    @property
    def events(self) -> int:
        return sum(self.kinds.values())

    def count(self, kind: str) -> int:
        return self.kinds.get(kind, 0)

    def streams(self) -> Counter[str]:
        by_stream: Counter[str] = Counter()
        for kind, n in self.kinds.items():
            by_stream[STREAMS.get(kind.split(".")[0], kind.split(".")[0])] += n
        return by_stream

    def add(self, event: Any) -> None:
        kind = type(event).__qualname__
        self.kinds[kind] += 1
        if kind == "Stock.Issued":
            self.issued_units += event.quantity
        elif kind == "Household.Checked":
            self.checks += 1
            self.compliant += event.compliant
        elif kind == "Violation.Detected":
            self.new_violations += event.began == event.detected_on.year
        elif kind == "Violation.Closed":
            self.closed_violations += 1
        elif kind == "Dossier.Refused":
            self.refused_dossiers += 1


# How BENCHMARKS.md names each aggregate's stream.
STREAMS = {"Dossier": "dossiers", "Document": "documents", "Household": "households",
           "Stock": "supplies", "SupplyItems": "supplies", "Villages": "villages",
           "MonitoringGroup": "monitoring groups", "Violation": "violations",
           "PortalAccount": "portal accounts", "Feedback": "feedback", "Access": "log-ins",
           "User": "users", "Commune": "communes and calendars",
           "Calendar": "communes and calendars", "Procedure": "catalogue",
           "Target": "targets"}


class Timeline:
    """Steps to take, in business-time order; a step after the cut-off (just
    before now) is never taken, so what it would have closed stays open."""

    def __init__(self, cut_off: datetime) -> None:
        self.cut_off = cut_off
        self.queue: list[tuple[datetime, int, str, Callable[..., Any], tuple[Any, ...]]] = []
        self.sequence = 0
        self.now = cut_off  # the moment of the step being taken

    def at(self, moment: datetime, actor: str, step: Callable[..., Any], *args: Any) -> None:
        if moment > self.cut_off:
            return
        self.sequence += 1
        heapq.heappush(self.queue, (moment, self.sequence, actor, step, args))

    def until(self, moment: datetime) -> None:
        while self.queue and self.queue[0][0] < moment:
            self.now, _n, actor, step, args = heapq.heappop(self.queue)
            with acting_as(actor):
                step(*args)


@dataclass
class Home:
    """A household as the generator follows it."""

    code: str
    village: str
    head: str
    sorting: bool = False


class MixedCommune:
    def __init__(self, ledger: Ledger, batch: Batch, scale: float, seed: int) -> None:
        self.ledger, self.batch, self.scale = ledger, batch, scale
        self.rng = random.Random(seed)
        self.end = datetime.now(ZONE).date() - ONE_DAY
        self.start = date(self.end.year - YEARS, self.end.month, min(self.end.day, 28))
        self.plans = commune.Generator(seed, self.end)  # names, procedures, office hours
        self.calendar = self.plans.calendar
        self.timeline = Timeline(self.plans.now - timedelta(minutes=5))
        self.recorded = Recorded()
        self.pending = 0
        self.sequence: Counter[str] = Counter()  # running numbers, by what they number
        self.villages: list[str] = []
        self.homes: dict[str, Home] = {}
        self.by_village: dict[str, list[str]] = {}
        self.stock: Counter[str] = Counter()
        self.decisions: list[tuple[int, str]] = []  # decisions in force, to replace
        self.dossier_codes: list[str] = []
        self.access: dict[str, Access] = {}

    # -- helpers -----------------------------------------------------------------------
    def n(self, rate: float) -> int:
        """How many today, for ``rate`` a day at scale 1."""
        expected = rate * self.scale * self.rng.uniform(0.6, 1.4)
        whole = int(expected)
        return whole + (self.rng.random() < expected - whole)

    def next(self, what: str) -> int:
        self.sequence[what] += 1
        return self.sequence[what]

    def weighted(self, pairs: Any) -> Any:
        names, weights = zip(*pairs, strict=True)
        return self.rng.choices(names, weights)[0]

    def working_day(self, day: date, days: int) -> date:
        return self.calendar.after(day, days)

    def when(self, day: date, after: datetime | None = None) -> datetime:
        return self.plans.office_time(day, after)

    def later(self, after: datetime, low: int, high: int) -> datetime:
        """An office time ``low`` to ``high`` working days after ``after``."""
        return self.when(self.working_day(after.date(), self.rng.randint(low, high)), after)

    def name(self) -> str:
        return self.plans.applicant()

    @property
    def _now(self) -> datetime:
        """The business time of the step being taken."""
        return self.timeline.now

    # -- the whole run -------------------------------------------------------------------
    def run(self, progress: Callable[[int], None] | None = None) -> Recorded:
        first = self.start
        with acting_as("system"):
            self.set_up(first)
        day, working = first, 0
        while day <= self.end:
            if self.calendar.is_working_day(day):
                self.day(day, working)
                working += 1
            day += ONE_DAY
            self.timeline.until(datetime.combine(day, time.min, ZONE))
            if self.pending_events() >= SAVE_EVENTS:
                self.save()
                if progress:
                    progress(self.recorded.events)
        self.timeline.until(self.timeline.cut_off)
        self.save()
        return self.recorded

    def pending_events(self) -> int:
        return sum(len(a.pending_events) for a in self.batch.changed.values())

    def save(self) -> None:
        """Save what the batch changed; the saved aggregates stay at hand for
        the next commands, as a batch keeps what it read."""
        changed: list[LedgerAggregate] = list(self.batch.changed.values())
        for aggregate in changed:
            for event in aggregate.pending_events:
                self.recorded.add(event)
        self.batch.save()  # one transaction, about SAVE_EVENTS events
        for aggregate in changed:
            self.batch.read(aggregate)

    def set_up(self, first: date) -> None:
        L = self.ledger
        L.register_commune(*commune.COMMUNE)
        for code, name, field_, authority, inter, days, fee, _share in commune.PROCEDURES:
            L.list_procedure(COMMUNE, code, name, field_, authority, inter, days, fee,
                             commune.ONLINE_ADDRESS + code)
        for name, role, full_name in STAFF:
            L.register_user(name, role, COMMUNE, full_name)
        for year in range(first.year, self.end.year + 1):
            # The day after National Day given off, and its make-up Saturday.
            off = date(year, 9, 3)
            if off.weekday() < 5:
                L.declare_day_off(COMMUNE, off, "Nghỉ bù Quốc khánh theo thông báo của tỉnh.")
                saturday = off + timedelta(days=(5 - off.weekday()) % 7 + 7)
                L.declare_make_up_day(COMMUNE, saturday, "Làm bù ngày nghỉ 03/09.")
        self.calendar = L.work_calendar(COMMUNE)
        self.plans.calendar = self.calendar
        for n, name in enumerate(VILLAGES, 1):
            code = L.add_village(COMMUNE, name, f"thon-{n:02d}")
            self.villages.append(code)
            self.by_village[code] = []
        L.add_village(COMMUNE, MERGED_VILLAGE, "thon-go-moi")
        L.add_supply_item(COMMUNE, SACKS, "Túi đựng rác hữu cơ", "cuộn")
        self.targets(first)

    # -- one working day -----------------------------------------------------------------
    def day(self, day: date, working: int) -> None:
        t, rng = self.timeline, self.rng
        for _ in range(self.n(DOSSIERS_A_DAY)):
            t.at(self.when(day), rng.choice(commune.CLERKS), self.receive)
        for _ in range(self.n(DOCUMENTS_A_DAY)):
            t.at(self.when(day), "vanphong", self.issue)
        for _ in range(self.n(VIOLATIONS_A_DAY)):
            t.at(self.when(day), "diachinh", self.detect)
        for _ in range(self.n(ACCOUNTS_A_DAY)):
            t.at(self.when(day), rng.choice(commune.CLERKS), self.open_account)
        for _ in range(self.n(FEEDBACK_A_DAY)):
            t.at(self.when(day), rng.choice(commune.CLERKS), self.receive_feedback)
        for _ in range(self.n(LOG_INS_A_DAY)):
            name = rng.choice(STAFF)[0]
            t.at(self.when(day), name, self.log_in, name)
        rate = HOUSEHOLDS / REGISTRATION_DAYS if working < REGISTRATION_DAYS \
            else LATER_HOUSEHOLDS_A_DAY
        for _ in range(self.n(rate)):
            t.at(self.when(day), "diachinh", self.register)
        if working == REGISTRATION_DAYS // 2:
            t.at(self.when(day), "system", self.rename_and_merge)
        first_of_month = day.day <= 7 and not any(
            self.calendar.is_working_day(day.replace(day=d)) for d in range(1, day.day))
        if not first_of_month:
            return
        if working > REGISTRATION_DAYS:
            t.at(datetime.combine(day, time(14), ZONE), "diachinh", self.check_round, day)
            t.at(datetime.combine(day, time(15), ZONE), "diachinh", self.sacks, day)
            if day.month % 3 == 1 or not self.sequence["groups"]:
                t.at(datetime.combine(day, time(16), ZONE), "diachinh", self.groups)
        if day.month == 1 and day.year > self.start.year:
            t.at(datetime.combine(day, time(9), ZONE), "system", self.targets, day)
        if day.month == 7:
            t.at(datetime.combine(day, time(9), ZONE), "system", self.revise_target, day)

    # -- dossiers ------------------------------------------------------------------------
    def receive(self) -> None:
        L, rng, t, at = self.ledger, self.rng, self.timeline, self._now
        day = at.date()
        procedure = self.plans.procedure()
        channel, mode = self.plans.channel(day)
        code = f"{COMMUNE}-{day:%y%m%d}-{self.next(f'dossier {day}'):04d}"
        clerk = rng.choice(commune.CLERKS)
        L.receive_dossier(COMMUNE, code, procedure[0], self.name(), channel, mode, at)
        self.dossier_codes.append(code)
        draw = rng.random()
        if draw < commune.REFUSED:
            t.at(at + timedelta(minutes=rng.randrange(5, 60)), clerk, self.dossier_step,
                 "refuse_dossier", code, "Hồ sơ không thuộc thẩm quyền giải quyết của UBND xã.")
            return
        if procedure[6]:
            method = "truc_tuyen" if channel == "truc_tuyen" and rng.random() < 0.7 else "tien_mat"
            # At the counter, as the dossier is received: a step scheduled
            # later could fall after a same-day result and return.
            self.pay(code, procedure[6], method)
        if draw < commune.REFUSED + commune.WITHDRAWN:
            t.at(self.later(at, 1, 3), clerk, self.dossier_step, "withdraw_dossier", code,
                 "Công dân xin rút hồ sơ.")
        elif draw < commune.REFUSED + commune.WITHDRAWN + commune.STOPPED:
            t.at(self.later(at, 1, 3), rng.choice(commune.OFFICERS), self.dossier_step,
                 "stop_dossier", code, "Người nộp không bổ sung đủ giấy tờ theo yêu cầu.")
        elif rng.random() < 0.3:
            t.at(at + timedelta(minutes=rng.randrange(10, 90)), clerk, self.hand_over, code)
        else:
            self.after_receipt(code, at)

    def dossier_step(self, command: str, code: str, *args: Any) -> None:
        getattr(self.ledger, command)(COMMUNE, code, self._now, *args)

    def pay(self, code: str, amount: int, method: str) -> None:
        self.ledger.pay_fee(COMMUNE, code, self._now, amount, method)

    def hand_over(self, code: str) -> None:
        at = self._now
        dossier = self.ledger.dossier(COMMUNE, code)
        self.ledger.hand_over(COMMUNE, code, at, self.rng.choice(commune.OFFICERS),
                              "Thẩm định hồ sơ", max(dossier.due_date, at.date()))
        self.after_receipt(code, at)

    def after_receipt(self, code: str, at: datetime) -> None:
        if self.rng.random() < 0.06:
            self.timeline.at(self.later(at, 1, 2), self.rng.choice(commune.OFFICERS),
                             self.ask_supplement, code)
        else:
            self.towards_result(code, at)

    def ask_supplement(self, code: str) -> None:
        at = self._now
        self.ledger.request_supplement(COMMUNE, code, at, "Thiếu bản sao giấy khai sinh.")
        self.timeline.at(self.later(at, 1, 5), self.rng.choice(commune.CLERKS),
                         self.supplement, code)

    def supplement(self, code: str) -> None:
        at = self._now
        self.ledger.receive_supplement(COMMUNE, code, at)
        self.towards_result(code, at)

    def towards_result(self, code: str, after: datetime) -> None:
        """Resolve on a day ``commune.Generator.resolution_day`` draws, from the
        due date in force; a late one is often apologised for on its due date."""
        rng, t = self.rng, self.timeline
        due = self.ledger.dossier(COMMUNE, code).due_date
        day = max(self.plans.resolution_day(after.date(), due), after.date())
        officer = rng.choice(commune.OFFICERS)
        if day > due and due > after.date() and rng.random() < 0.5:
            t.at(self.when(due, after), officer, self.apologise, code, day)
            return
        t.at(self.when(day, after), officer, self.resolve, code)

    def apologise(self, code: str, day: date) -> None:
        at = self._now
        self.ledger.apologise(COMMUNE, code, at, day, "Hồ sơ cần xác minh thêm tại thực địa.")
        self.timeline.at(self.when(day, at), self.rng.choice(commune.OFFICERS), self.resolve,
                         code)

    def resolve(self, code: str) -> None:
        at, rng = self._now, self.rng
        years = (at.date() - self.start).days / 365.25
        self.ledger.resolve_dossier(COMMUNE, code, at, rng.random() < min(0.7 + 0.1 * years, 0.99),
                                    rng.random() < 0.05)
        if rng.random() < 0.67:
            back = self.working_day(at.date(), rng.choice((0, 0, 0, 1, 1, 2, 3)))
            self.timeline.at(self.when(back, at), rng.choice(commune.CLERKS),
                             self.dossier_step, "return_dossier", code)

    # -- documents -----------------------------------------------------------------------
    def issue(self) -> None:
        L, rng, t, at = self.ledger, self.rng, self.timeline, self._now
        doc_type = self.weighted(DOC_TYPES)
        year = at.year
        number = f"{self.next(f'{doc_type} {year}')}/{SYMBOLS[doc_type]}"
        confidential = rng.random() < 0.05
        L.issue_document(COMMUNE, number, doc_type, f"Về việc triển khai nhiệm vụ số "
                         f"{self.sequence['documents']}", at.date(), LEADER, confidential,
                         self.weighted(TASKS))
        self.next("documents")
        if not confidential and rng.random() < 0.85:
            t.at(at + timedelta(minutes=rng.randrange(30, 240)), "chutich", self.sign, year,
                 number)
        if rng.random() < 0.015:
            t.at(self.later(at, 10, 200), "vanphong", self.revoke, year, number)
        if doc_type == "quyet_dinh":
            if self.decisions and rng.random() < 0.05:
                old = self.decisions.pop(rng.randrange(len(self.decisions)))
                t.at(at + timedelta(minutes=5), "vanphong", self.replace, old, (year, number))
            self.decisions.append((year, number))

    def in_force(self, year: int, number: str, step: str) -> bool:
        """Whether the step may still be taken (a later decision may have
        replaced the document meanwhile)."""
        return self.ledger.document(COMMUNE, year, number).refusal_of(step) is None

    def sign(self, year: int, number: str) -> None:
        if not self.in_force(year, number, "sign"):
            return
        at = self._now
        self.ledger.sign_document(COMMUNE, year, number, at, LEADER,
                                  f"{self.rng.getrandbits(64):016X}")
        if self.rng.random() < 0.45:
            self.timeline.at(self.later(at, 0, 2), "vanphong", self.publish, year, number)

    def publish(self, year: int, number: str) -> None:
        if self.in_force(year, number, "publish"):
            self.ledger.publish_document(COMMUNE, year, number, self._now.date(),
                                         f"https://quangnghiep.gov.vn/van-ban/{year}/"
                                         f"{number.replace('/', '-')}")

    def revoke(self, year: int, number: str) -> None:
        if self.in_force(year, number, "revoke"):
            self.ledger.revoke_document(COMMUNE, year, number, self._now.date(),
                                        "Văn bản ban hành không đúng thẩm quyền.")
            if (year, number) in self.decisions:
                self.decisions.remove((year, number))

    def replace(self, old: tuple[int, str], by: tuple[int, str]) -> None:
        document = self.ledger.document(COMMUNE, *old)
        if document.status == ISSUED and document.steps[-1][2] <= self._now.date():
            self.ledger.replace_document(COMMUNE, *old, *by, "Thay thế quyết định trước.")

    # -- violations ----------------------------------------------------------------------
    def detect(self) -> None:
        L, rng, at = self.ledger, self.rng, self._now
        day = at.date()
        code = f"VP-{day.year}-{self.next(f'violation {day.year}'):04d}"
        legacy = rng.random() < 0.2
        L.detect_violation(COMMUNE, code, rng.choices(VIOLATION_KINDS, VIOLATION_WEIGHTS)[0],
                           rng.choice(self.villages), f"Thửa đất số {rng.randrange(1, 900)}, "
                           f"tờ bản đồ số {rng.randrange(1, 40)}", self.name(),
                           "Xây dựng công trình trên đất nông nghiệp không được phép.",
                           day.year - rng.randint(1, 6) if legacy else day.year,
                           "Tổ công tác xã", day)
        self.attach(code, 1, "anh-hien-truong.jpg")
        draw = rng.random()
        if draw < 0.85:
            self.timeline.at(self.later(at, 0, 5), "diachinh", self.record_violation, code)

    def attach(self, code: str, step: int, name: str) -> None:
        self.ledger.attach_violation_evidence(COMMUNE, code, step,
                                              f"{self.rng.getrandbits(256):064x}",
                                              self.rng.randrange(40_000, 3_000_000),
                                              "image/jpeg" if name.endswith(".jpg")
                                              else "application/pdf", name)

    def record_violation(self, code: str) -> None:
        L, rng, t, at = self.ledger, self.rng, self.timeline, self._now
        L.record_violation(COMMUNE, code, at.date(), f"{self.next('records')}/BB-VPHC")
        if rng.random() < 0.3:
            self.attach(code, L.violation(COMMUNE, code).version, "bien-ban.pdf")
        draw = rng.random()
        if draw < 0.7:
            t.at(self.later(at, 5, 20), "chutich", self.penalise, code)
        elif draw < 0.85:
            t.at(self.later(at, 5, 30), "diachinh", self.close, code)

    def penalise(self, code: str) -> None:
        rng, at = self.rng, self._now
        deadline = at.date() + timedelta(days=rng.randrange(10, 31))
        self.ledger.penalise_violation(COMMUNE, code, at.date(),
                                       f"{self.next('penalties')}/QĐ-XPVPHC",
                                       rng.randrange(1, 60) * 500_000, deadline)
        draw = rng.random()
        if draw < 0.7:
            self.timeline.at(self.later(at, 3, 15), "diachinh", self.settle, code,
                             "comply_violation")
        elif draw < 0.85:
            self.timeline.at(self.later(at, 25, 40), "diachinh", self.settle, code,
                             "enforce_violation")

    def settle(self, code: str, command: str) -> None:
        at = self._now
        getattr(self.ledger, command)(COMMUNE, code, at.date())
        if self.rng.random() < 0.9:
            self.timeline.at(self.later(at, 0, 20), "diachinh", self.close, code)

    def close(self, code: str) -> None:
        self.ledger.close_violation(COMMUNE, code, self._now.date(),
                                    "Đã tháo dỡ công trình, khôi phục hiện trạng đất.")

    # -- households, supplies, groups ----------------------------------------------------
    def register(self) -> None:
        L, rng, at = self.ledger, self.rng, self._now
        code = f"HGD-{self.next('households'):05d}"
        village = rng.choice(self.villages)
        head = self.name()
        L.register_household(COMMUNE, code, village, head, f"Số {rng.randrange(1, 300)}, "
                             f"xóm {rng.randrange(1, 8)}", at.date())
        self.homes[code] = Home(code, village, head)
        self.by_village[village].append(code)
        if rng.random() < 0.75:
            self.timeline.at(self.later(at, 5, 60), "diachinh", self.enrol, code)
        if rng.random() < 0.04:
            self.timeline.at(self.later(at, 30, 600), "diachinh", self.move, code)

    def enrol(self, code: str) -> None:
        at, home = self._now, self.homes[code]
        self.ledger.enrol_household(COMMUNE, code, at.date())
        home.sorting = True
        for item, quantity in ITEMS:
            self.supply(item, quantity, at.date())
            self.ledger.issue_supplies(COMMUNE, item, quantity, at.date(), household=code,
                                       receiver=home.head)
        if self.rng.random() < 0.08:
            self.timeline.at(self.later(at, 100, 600), "diachinh", self.stop, code)

    def supply(self, item: str, needed: int, day: date) -> None:
        """Stock received first when what is left would not cover ``needed``."""
        if self.stock[item] < needed:
            quantity = 1_000 if item != SACKS else 2_000
            self.ledger.receive_supplies(COMMUNE, item, quantity, "Phòng Nông nghiệp và Môi "
                                         "trường huyện", f"{self.next('deliveries')}/PNN",
                                         day)
            self.stock[item] += quantity
        self.stock[item] -= needed

    def stop(self, code: str) -> None:
        self.ledger.stop_household(COMMUNE, code, self._now.date(), "Hộ không tiếp tục "
                                   "tham gia phân loại rác.")
        self.homes[code].sorting = False

    def move(self, code: str) -> None:
        home = self.homes[code]
        village = self.rng.choice([v for v in self.villages if v != home.village])
        self.ledger.move_household(COMMUNE, code, self._now.date(), village)
        self.by_village[home.village].remove(code)
        self.by_village[village].append(code)
        home.village = village

    def check_round(self, day: date) -> None:
        """A quarter of the households sorting, village by village."""
        for village in self.villages:
            sorting = [c for c in self.by_village[village] if self.homes[c].sorting]
            chosen = self.rng.sample(sorting, len(sorting) // 4)
            if chosen:
                results = [(c, self.rng.random() < 0.85, "") for c in chosen]
                self.ledger.check_households(COMMUNE, results, day, "Tổ giám sát thôn")

    def sacks(self, day: date) -> None:
        for village in self.villages:
            self.supply(SACKS, 50, day)
            self.ledger.issue_supplies(COMMUNE, SACKS, 50, day, village=village,
                                       receiver="Trưởng thôn")

    def groups(self) -> None:
        self.next("groups")
        for village in self.villages:
            homes = self.by_village[village]
            members = self.rng.sample(homes, min(len(homes), self.rng.randint(30, 60)))
            self.ledger.set_monitoring_group(COMMUNE, village, self.name(), members)

    def rename_and_merge(self) -> None:
        self.ledger.rename_village(COMMUNE, self.villages[-1], "Thôn Tân Hòa Mới")
        self.ledger.merge_village(COMMUNE, "thon-go-moi", self.villages[0])

    # -- citizens ------------------------------------------------------------------------
    def open_account(self) -> None:
        n = self.next("accounts")
        number = f"{self.rng.choice(sorted(PROVINCE_CODES))}{n * 7919 % 10**9:09d}"
        self.ledger.record_portal_account(COMMUNE, self.name(), number, self._now.date(),
                                          self.rng.choice(commune.CLERKS))

    def receive_feedback(self) -> None:
        rng, at = self.rng, self._now
        code = f"PA-{at.year}-{self.next(f'feedback {at.year}'):04d}"
        dossier = rng.choice(self.dossier_codes) if self.dossier_codes and \
            rng.random() < 0.2 else ""
        self.ledger.receive_feedback(COMMUNE, code, at.date(), rng.choice(FEEDBACK_CHANNELS),
                                     "Đề nghị giải quyết hồ sơ đúng hẹn.", dossier)
        if rng.random() < 0.95:
            self.timeline.at(self.later(at, 1, 15), "vanphong", self.answer, code)

    def answer(self, code: str) -> None:
        self.ledger.answer_feedback(COMMUNE, code, self._now.date(),
                                    f"{self.next('answers')}/UBND-VP")

    def log_in(self, name: str) -> None:
        """A log-in, now and then after a mistyped password; the access
        stream records them as the web's log-in does (``Ledger.record_access``)."""
        access = self.access.get(name)
        if access is None:
            access = self.access[name] = Access.open(name, COMMUNE)
        address = f"192.0.2.{self.rng.randrange(10, 60)}"
        if self.rng.random() < 0.05:
            access.failed(address, "sai mật khẩu")
        access.logged_in(address)
        self.batch.keep(access)

    # -- targets -------------------------------------------------------------------------
    def targets(self, day: date) -> None:
        year = day.year
        for indicator, threshold in (("online_rate", 0.8), ("on_time_rate", 0.95),
                                     ("new_violations", 20), ("citizen_accounts", 3000),
                                     ("sorting_rate", 0.7)):
            self.ledger.set_target(COMMUNE, indicator, date(year, 1, 1), date(year, 12, 31),
                                   threshold, f"{self.next('target decisions')}/QĐ-UBND",
                                   day, "UBND huyện")

    def revise_target(self, day: date) -> None:
        self.ledger.revise_target(COMMUNE, "online_rate", date(day.year, 1, 1),
                                  date(day.year, 12, 31), 0.85,
                                  f"{self.next('target decisions')}/QĐ-UBND", day,
                                  "UBND huyện", "Điều chỉnh theo chỉ đạo của tỉnh.")


def record(ledger: Ledger, events: int = DEFAULT_EVENTS, seed: int = SEED,
           progress: Callable[[int], None] | None = None) -> Recorded:
    """Record the mixed commune into ``ledger`` (an empty log), about
    ``events`` events; returns what was recorded."""
    ledger.id_hash_key = ID_HASH_KEY
    open_dossier_codes, ledger.open_dossier_codes = ledger.open_dossier_codes, None
    admin_names, ledger.admin_names = ledger.admin_names, None
    try:
        with ledger.batch() as batch:
            return MixedCommune(ledger, batch, events / DEFAULT_EVENTS, seed).run(progress)
    finally:
        ledger.open_dossier_codes, ledger.admin_names = open_dossier_codes, admin_names
