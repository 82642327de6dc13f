"""The demo commune: Quảng Nghiệp in the first half of 2023, recorded through
the Ledger's commands so that its report gives every figure report
52/BC-UBND (16 June 2023) states: the catalogue (``catalogue``), 1,049
dossiers (``dossiers``), 498 documents (``documents``), 109 portal accounts,
no feedback, the three villages' waste sorting and supplies (``households``),
the legacy violations (``violations``) and the targets of QĐ 59/QĐ-UBND.
Names, codes and dates are made up; only the figures come from the report.
Each stream is recorded in one batch, so a load takes seconds, and from one
seeded random generator, so two loads record the same facts."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.demo import documents, dossiers, households, violations
from app.demo.catalogue import listings
from app.people.credentials import set_password
from app.security import write_private
from app.service import LedgerService
from events.application import Ledger
from events.base import acting_as
from events.workdays import WorkCalendar

COMMUNE = ("DEMO-QN", "Xã Quảng Nghiệp (dữ liệu mẫu)")
# (log-in, role, full name); the names are made up for the demo. The one-stop
# counter's staff as the report gives them: civil servants, a police officer
# and a military officer.
USERS = (("admin", "admin", "Lê Văn Quản"), ("motcua", "clerk", "Nguyễn Thị Lan"),
         ("chuyenmon", "officer", "Trần Văn Minh"), ("tuphap", "officer", "Đỗ Thị Huyền"),
         ("vanphong", "officer", "Ngô Thị Thu"), ("congan", "officer", "Vũ Văn Kiên"),
         ("quansu", "officer", "Bùi Đức Trung"), ("chutich", "leader", "Phạm Quốc Hùng"),
         ("kiemtoan", "auditor", "Đỗ Thị Hạnh"), ("thanhtra", "inspector", "Vũ Đức Thắng"))
# National-portal accounts the clerk helped citizens open (the report's 109);
# their ID numbers are made up, under Hải Dương's province code (030).
PORTAL_ACCOUNTS = 109
# QĐ 59/QĐ-UBND of 10/01/2023 (Chủ tịch UBND huyện Tứ Kỳ) sets the year's
# breakthrough tasks; report 52/BC-UBND does not state its thresholds, so
# these are the demo's own: (indicator, threshold).
TARGETS = (("online_rate", 0.8), ("digitised_rate", 0.8), ("on_time_rate", 0.98),
           ("online_payment_rate", 0.5), ("signed_rate", 1.0), ("sorting_rate", 0.8),
           ("new_violations", 0), ("citizen_accounts", 100))
DECISION = ("59/QĐ-UBND", date(2023, 1, 10), "Chủ tịch UBND huyện Tứ Kỳ")
LOGINS_FILE = "demo-logins.txt"


def load(service: LedgerService, instance: str) -> str:
    rng = random.Random(52)
    ledger, zone, commune = service.ledger, ZoneInfo(service.timezone), COMMUNE[0]
    with acting_as("system"):
        ledger.register_commune(*COMMUNE)
    logins = _create_users(service)
    procedures = _list_catalogue(ledger, commune)
    with acting_as("chutich"):
        _set_targets(ledger, commune)
    dossiers.record(ledger, commune, procedures, rng, zone)
    _portal_accounts(ledger, commune, rng)
    documents.record(ledger, commune, rng, zone)
    households.record(ledger, commune, rng)
    violations.record(ledger, commune)
    service.catch_up()
    text = _logins_text(logins)
    write_private(Path(instance) / LOGINS_FILE, text)
    return text


def saved_logins(instance: str) -> str:
    path = Path(instance) / LOGINS_FILE
    return path.read_text() if path.exists() else "Sổ cái đã có dữ liệu."


def _create_users(service: LedgerService) -> list[tuple[str, str, str, str]]:
    logins = []
    for name, role, full_name in USERS:
        password = secrets.token_urlsafe(9)
        with acting_as("system"):
            service.ledger.register_user(name, role, COMMUNE[0], full_name)
        with service.write() as conn:
            set_password(conn, name, password, must_change=False)
        logins.append((name, role, full_name, password))
    return logins


def _list_catalogue(ledger: Ledger, commune: str) -> dict[str, dossiers.Listing]:
    procedures = {p.code: p for p in listings()}
    with acting_as("admin"), ledger.batch() as batch:
        for p in procedures.values():
            ledger.list_procedure(commune, p.code, p.name, p.field, p.authority,
                                  p.inter_agency, p.working_days, p.fee, p.online_address)
        batch.save()
    return procedures


def _set_targets(ledger: Ledger, commune: str) -> None:
    number, day, issuer = DECISION
    for indicator, threshold in TARGETS:
        ledger.set_target(commune, indicator, date(2023, 1, 1), date(2023, 12, 31),
                          threshold, number, day, issuer)


def _portal_accounts(ledger: Ledger, commune: str, rng: random.Random) -> None:
    calendar = WorkCalendar()
    days = [date(2023, 1, 3) + timedelta(days=i) for i in range(170)]
    days = [d for d in days if calendar.is_working_day(d)]
    with acting_as("motcua"), ledger.batch() as batch:
        for n in range(PORTAL_ACCOUNTS):
            ledger.record_portal_account(commune, dossiers.person(rng),
                                         f"030{rng.randrange(10**9):09d}",
                                         days[n * len(days) // PORTAL_ACCOUNTS], "motcua")
        batch.save()


def _logins_text(logins: list[tuple[str, str, str, str]]) -> str:
    lines = ["Tài khoản dùng thử (đơn vị " + COMMUNE[0] + "):"]
    lines += [f"  {name:<10} {role:<10} mật khẩu: {password}   ({full_name})"
              for name, role, full_name, password in logins]
    return "\n".join(lines) + "\n"
