"""The demo's 1,049 dossiers of the first half of 2023, as report 52/BC-UBND
counts them: 1,041 filed online, 1,047 resolved none late and returned, 2
still in progress at the end of June, results digitised 99,2%, 369
electronic certified copies. Receipts fall on working days (Tết 2023 and the
public holidays included, per ``events.workdays``), or at a weekend for some
online filings, which count from the Monday; every step is taken on a
working day, within the procedure's deadline; fees are paid, mostly online.
Applicants' names are made up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.demo.catalogue import Listing
from events.application import Ledger
from events.base import acting_as
from events.dossiers import deadlines
from events.workdays import WorkCalendar

RECEIVED, IN_PERSON, RESOLVED, NOT_DIGITISED, E_CERTIFIED = 1049, 8, 1047, 8, 369
FIRST, LAST_RECEIPT, LAST_STEP = date(2023, 1, 3), date(2023, 6, 23), date(2023, 6, 30)
UNIT = "000.00.12.H23"  # the dossier codes' unit part
# How often each procedure is asked for online, in the proportions a
# commune's counter sees; certified copies lead (the electronic ones the most).
ONLINE_MIX = {"CT.02": 470, "CT.03": 45, "CT.17": 6, "CT.01": 8, "HT.01": 70, "HT.24": 25,
              "HT.05": 28, "HT.08": 20, "HT.27": 12, "HT.19": 95, "HT.20": 25, "HT.21": 6,
              "HT.14": 12, "HT.15": 8, "HT.06": 4, "HT.23": 5, "BTXH.15": 14, "BTXH.16": 5,
              "BTXH.07": 6, "BTXH.01": 4, "NCC.07": 6, "NCC.13": 5, "NCC.01": 3,
              "NVQS.01": 22, "NVQS.03": 6, "NVQS.04": 4, "CA.01": 30, "CA.05": 25,
              "CA.06": 6, "CA.08": 8, "CA.02": 6, "CA.11": 12, "DD.02": 3, "DD.04": 6,
              "TT.01": 2, "CN.01": 3}
# Filed in person: contracts and inheritances signed before the officer.
IN_PERSON_MIX = ("CT.05", "CT.05", "CT.13", "CT.06", "CT.07", "CT.05", "CT.14", "CT.08")
CERTIFIED_COPY = "CT.02"
OFFICERS = {"quan_su": "quansu", "cong_an": "congan"}
SURNAMES = ("Nguyễn", "Trần", "Phạm", "Vũ", "Đỗ", "Hoàng", "Bùi", "Đặng", "Lê", "Phan",
            "Đinh", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phương", "Quân",
         "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến")


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class Plan:
    """One dossier's life, decided before anything is recorded."""
    procedure: Listing
    received: datetime
    online: bool
    resolved: bool = True
    digitised: bool = True
    certified: bool = False
    code: str = ""


def record(ledger: Ledger, commune: str, procedures: dict[str, Listing], rng: random.Random,
           zone: ZoneInfo) -> None:
    calendar = WorkCalendar()
    plans = _plans(procedures, rng, zone, calendar)
    with ledger.batch() as batch:
        for plan in plans:
            _record(ledger, commune, plan, rng, zone, calendar)
        batch.save()


def _plans(procedures: dict[str, Listing], rng: random.Random, zone: ZoneInfo,
           calendar: WorkCalendar) -> list[Plan]:
    days = [FIRST + timedelta(days=i) for i in range((LAST_RECEIPT - FIRST).days + 1)]
    days = [d for d in days if calendar.is_working_day(d)]
    in_person = set(rng.sample(range(RESOLVED), IN_PERSON))
    codes, weights = list(ONLINE_MIX), list(ONLINE_MIX.values())
    plans = []
    for n in range(RECEIVED):
        online = n not in in_person
        code = rng.choices(codes, weights)[0] if online else IN_PERSON_MIX[len(plans) % 8]
        day = days[n * len(days) // RECEIVED]
        received = _moment(day, online, rng, zone, calendar)
        plans.append(Plan(procedures[code], received, online, digitised=online))
    for plan in plans[RESOLVED:]:  # the last two stay open at the end of June
        plan.resolved = False
        plan.received = datetime.combine(date(2023, 6, 28), time(9, rng.randrange(60)), zone)
        plan.procedure = procedures["HT.19"]
    copies = [p for p in plans if p.resolved and p.procedure.code == CERTIFIED_COPY]
    for plan in rng.sample(copies, E_CERTIFIED):
        plan.certified = True
    plans.sort(key=lambda p: p.received)
    _number(plans)
    return plans


def _moment(day: date, online: bool, rng: random.Random, zone: ZoneInfo,
            calendar: WorkCalendar) -> datetime:
    """At the counter in office hours; online at any hour, now and then at
    the weekend before a Monday (counted from the Monday)."""
    if not online:
        return datetime.combine(day, time(rng.randint(7, 15), rng.randrange(60)), zone)
    if day.weekday() == 0 and rng.random() < 0.35:
        weekend = day - timedelta(days=rng.choice((1, 2)))
        if not calendar.is_working_day(weekend):
            day = weekend
    return datetime.combine(day, time(rng.randint(6, 21), rng.randrange(60)), zone)


def _number(plans: list[Plan]) -> None:
    """Codes per day of receipt: unit, yyMMdd, the day's sequence."""
    sequence: dict[date, int] = {}
    for plan in plans:
        day = plan.received.date()
        sequence[day] = sequence.get(day, 0) + 1
        plan.code = f"{UNIT}-{day:%y%m%d}-{sequence[day]:04d}"


def _record(ledger: Ledger, commune: str, plan: Plan, rng: random.Random, zone: ZoneInfo,
            calendar: WorkCalendar) -> None:
    procedure, received = plan.procedure, plan.received
    officer = OFFICERS.get(procedure.authority,
                           "tuphap" if procedure.field in ("Hộ tịch", "Chứng thực")
                           else "chuyenmon")
    due = deadlines.due_date(received, procedure.working_days, calendar)
    with acting_as("motcua"):
        ledger.receive_dossier(commune, plan.code, procedure.code, person(rng),
                               "truc_tuyen" if plan.online else "truc_tiep",
                               ("toan_trinh" if rng.random() < 0.7 else "mot_phan")
                               if plan.online else "", received)
        start = _next_office_moment(received, calendar, zone)
        ledger.hand_over(commune, plan.code, start, officer, "Thẩm định, giải quyết hồ sơ", due)
        if procedure.fee and plan.online:
            _pay(ledger, commune, plan, start + timedelta(minutes=5), rng)
    if not plan.resolved:
        return
    ready = _ready(start, due, rng, zone, calendar)
    with acting_as(officer):
        ledger.resolve_dossier(commune, plan.code, ready, digitised=plan.digitised,
                               e_certified=plan.certified)
    returned = ready + timedelta(minutes=rng.randint(5, 90))
    with acting_as("motcua"):
        if procedure.fee and not plan.online:
            _pay(ledger, commune, plan, returned - timedelta(minutes=2), rng)
        ledger.return_dossier(commune, plan.code, returned)


def _next_office_moment(received: datetime, calendar: WorkCalendar, zone: ZoneInfo
                        ) -> datetime:
    """When the clerk passes the dossier on: at once in office hours, else
    at the start of the next working day."""
    local = received.astimezone(zone)
    if calendar.is_working_day(local.date()) and time(7, 0) <= local.time() < time(16, 30):
        return local + timedelta(minutes=10)
    day = calendar.after(local.date(), 1) if local.time() >= time(7, 0) or \
        not calendar.is_working_day(local.date()) else local.date()
    return datetime.combine(calendar.on_or_after(day), time(7, 45), zone)


def _ready(start: datetime, due: date, rng: random.Random, zone: ZoneInfo,
           calendar: WorkCalendar) -> datetime:
    """A working day from the hand-over to the due date (never after the
    period), the same day only if there is time left in it."""
    days = [start.date()] if start.time() < time(14, 30) else []
    day = start.date()
    while (day := calendar.after(day, 1)) <= min(due, LAST_STEP - timedelta(days=1)):
        days.append(day)
    chosen = rng.choice(days or [start.date()])
    if chosen == start.date():
        return start + timedelta(minutes=rng.randint(20, 120))
    return datetime.combine(chosen, time(rng.randint(8, 15), rng.randrange(60)), zone)


def _pay(ledger: Ledger, commune: str, plan: Plan, at: datetime, rng: random.Random) -> None:
    """Per copy for copies and extracts; online for most online filings
    (some applicants still cannot pay by card), in cash at the counter."""
    copies = rng.randint(1, 4) if plan.procedure.code in ("CT.02", "CT.17", "HT.20",
                                                          "HT.21", "HT.22") else 1
    online = plan.online and rng.random() < 0.93
    ledger.pay_fee(commune, plan.code, at, plan.procedure.fee * copies,
                   "truc_tuyen" if online else "tien_mat")
