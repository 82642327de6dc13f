"""The demo commune: Quảng Nghiệp in the first half of 2023, with as many
dossiers as report 52/BC-UBND (16 June 2023) counts — 1,049 received, 1,041
of them online, 1,047 resolved none late, 2 in progress, results digitised
99,2%, 369 electronic certifications. Names, procedures and dates are made
up; only the totals come from the report."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.people.credentials import set_password
from app.security import write_private
from app.service import LedgerService
from events.base import acting_as
from events.workdays import add_working_days, is_working_day

COMMUNE = ("DEMO-QN", "Xã Quảng Nghiệp (dữ liệu mẫu)")
# (log-in, role, full name); the names are made up for the demo.
USERS = (("admin", "admin", "Lê Văn Quản"), ("motcua", "clerk", "Nguyễn Thị Lan"),
         ("chuyenmon", "officer", "Trần Văn Minh"), ("chutich", "leader", "Phạm Quốc Hùng"),
         ("kiemtoan", "auditor", "Đỗ Thị Hạnh"), ("thanhtra", "inspector", "Vũ Đức Thắng"))
# Demo procedures: (code, name, field, authority, working days, fee). Made up
# for the demo; a commune imports its real catalogue with `import procedures`.
PROCEDURES = (("DEMO.01", "Đăng ký khai sinh", "Hộ tịch", "xa", 3, 0),
              ("DEMO.02", "Đăng ký kết hôn", "Hộ tịch", "xa", 5, 0),
              ("DEMO.03", "Chứng thực bản sao từ bản chính", "Chứng thực", "xa", 1, 2000),
              ("DEMO.04", "Xác nhận tình trạng hôn nhân", "Hộ tịch", "xa", 3, 0),
              ("DEMO.05", "Đăng ký nghĩa vụ quân sự lần đầu", "Nghĩa vụ quân sự", "quan_su",
               7, 0))
ONLINE = "https://dichvucong.example/thu-tuc/"
SURNAMES = ("Nguyễn", "Trần", "Phạm", "Vũ", "Đỗ", "Hoàng", "Bùi", "Đặng")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Quốc Huy")
RECEIVED, IN_PERSON, RESOLVED, NOT_DIGITISED, E_CERTIFIED = 1049, 8, 1047, 8, 369
# National-portal accounts the clerk helped citizens open (the report's 109);
# their ID numbers are made up, under Hải Dương's province code (030).
PORTAL_ACCOUNTS = 109
LOGINS_FILE = "demo-logins.txt"


def load(service: LedgerService, instance: str) -> str:
    rng = random.Random(52)
    ledger, zone = service.ledger, ZoneInfo(service.timezone)
    with acting_as("system"):
        ledger.register_commune(*COMMUNE)
        for code, name, field, authority, days, fee in PROCEDURES:
            ledger.list_procedure(COMMUNE[0], code, name, field, authority, False, days, fee,
                                  ONLINE + code)
    logins = _create_users(service, rng)
    days = [d for d in _days(date(2023, 1, 3), date(2023, 6, 15)) if is_working_day(d)]
    certified = set(rng.sample(range(RESOLVED), E_CERTIFIED))
    for n in range(RECEIVED):
        _dossier(ledger, zone, rng, n, days[n * len(days) // RECEIVED], n in certified)
    with acting_as("motcua"):
        for n in range(PORTAL_ACCOUNTS):
            ledger.record_portal_account(COMMUNE[0], _name(rng), f"030{rng.randrange(10**9):09d}",
                                         days[n * len(days) // PORTAL_ACCOUNTS], "motcua")
    service.catch_up()
    text = _logins_text(logins)
    write_private(Path(instance) / LOGINS_FILE, text)
    return text


def saved_logins(instance: str) -> str:
    path = Path(instance) / LOGINS_FILE
    return path.read_text() if path.exists() else "Sổ cái đã có dữ liệu."


def _create_users(service: LedgerService,
                  rng: random.Random) -> list[tuple[str, str, str, str]]:
    logins = []
    for name, role, full_name in USERS:
        password = secrets.token_urlsafe(9)
        with acting_as("system"):
            service.ledger.register_user(name, role, COMMUNE[0], full_name)
        with service.write() as conn:
            set_password(conn, name, password, must_change=False)
        logins.append((name, role, full_name, password))
    return logins


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _dossier(ledger, zone: ZoneInfo, rng: random.Random, n: int, day: date,  # type: ignore[no-untyped-def]
             certified: bool) -> None:
    procedure, *_, working_days, _fee = PROCEDURES[n % len(PROCEDURES)]
    received = datetime.combine(day, time(8 + n % 8, (n * 7) % 60), zone)
    online = n >= IN_PERSON
    if n >= RESOLVED:  # the last two stay open at the end of June
        received = datetime.combine(date(2023, 6, 27), time(9, n % 60), zone)
        working_days = 7
    due = add_working_days(received.date(), working_days)
    code = f"000.00.12.H23-{received:%y%m%d}-{n % 10000:04d}"
    with acting_as("motcua"):
        ledger.receive_dossier(COMMUNE[0], code, procedure, _name(rng),
                               "truc_tuyen" if online else "truc_tiep",
                               ("toan_trinh" if n % 3 else "mot_phan") if online else "",
                               received, due)
    if n >= RESOLVED:
        return
    ready = datetime.combine(add_working_days(received.date(), rng.randint(1, working_days)),
                             time(15, 0), zone)
    with acting_as("chuyenmon"):
        ledger.resolve_dossier(COMMUNE[0], code, ready, digitised=n >= NOT_DIGITISED,
                               e_certified=certified)
    with acting_as("motcua"):
        ledger.return_dossier(COMMUNE[0], code, ready + timedelta(hours=1))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _logins_text(logins: list[tuple[str, str, str, str]]) -> str:
    lines = ["Tài khoản dùng thử (đơn vị " + COMMUNE[0] + "):"]
    lines += [f"  {name:<10} {role:<10} mật khẩu: {password}   ({full_name})"
              for name, role, full_name, password in logins]
    return "\n".join(lines) + "\n"
