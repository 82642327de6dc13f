"""Dossier files for the import tests, and the same dossiers recorded the
way the counter's forms record them: one command at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

from app.importing.dossiers import COLUMNS
from app.service import LedgerService
from bench.import_bench import csv_text
from events.dossiers import Dossier
from tests.conftest import ZONE

HEADER = ",".join(COLUMNS)
TODAY = date(2023, 12, 31)  # the day open dossiers are judged on
# Lines 3 to 6: a bad date, an unknown procedure, an unknown channel, a duplicate code.
BAD = [
    "C-1,2.000894,Nguyễn Văn An,truc_tiep,,2023-02-13 08:30,,,,,0,0",           # 2: good
    "C-2,2.000894,Nguyễn Văn An,truc_tiep,,2023-02-30 08:30,,,,,0,0",           # 3: date
    "C-3,9.999999,Nguyễn Văn An,truc_tiep,,2023-02-13 08:30,,,,,0,0",           # 4: procedure
    "C-4,2.000894,Nguyễn Văn An,qua_mang,,2023-02-13 08:30,,,,,0,0",            # 5: channel
    "C-1,1.0,Trần Thị Bình,truc_tuyen,toan_trinh,2023-02-14 09:00,,,,,0,0",     # 6: duplicate
]


def row(code: str, **cells: str) -> dict[str, str]:
    """A good row: received in person on 2023-02-13 at 08:30, in progress."""
    return {"ma_ho_so": code, "ma_thu_tuc": "2.000894", "nguoi_nop": "Nguyễn Văn An",
            "kenh": "truc_tiep", "muc_do": "", "ngay_tiep_nhan": "2023-02-13 08:30",
            "han_tra": "", "ngay_co_ket_qua": "", "ngay_tra": "", "ket_thuc": "",
            "so_hoa_ket_qua": "0", "chung_thuc_dien_tu": "0"} | cells


def write(folder: Path, rows: Sequence[dict[str, str]], name: str = "ho-so.csv") -> Path:
    path = folder / name
    path.write_text("\ufeff" + csv_text(rows), encoding="utf-8")
    return path


def write_lines(folder: Path, lines: Sequence[str], name: str = "ho-so.csv") -> Path:
    path = folder / name
    path.write_text("\r\n".join([HEADER, *lines]) + "\r\n", encoding="utf-8")
    return path


def _moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


def _at_five(text: str, earliest: datetime) -> datetime:
    return max(datetime.combine(date.fromisoformat(text), time(17), tzinfo=ZONE), earliest)


def record_one_by_one(svc: LedgerService, commune: str, rows: Sequence[dict[str, str]],
                      filename: str) -> None:
    """Each row through the Ledger's commands, as the counter would."""
    ledger = svc.ledger
    for line, r in enumerate(rows, start=2):
        code, received = r["ma_ho_so"], _moment(r["ngay_tiep_nhan"])
        due = date.fromisoformat(r["han_tra"]) if r["han_tra"] else None
        ledger.receive_dossier(commune, code, r["ma_thu_tuc"], r["nguoi_nop"], r["kenh"],
                               r["muc_do"], received, due, source=f"{filename}:{line}")
        ended = _at_five(r["ngay_co_ket_qua"], received) if r["ngay_co_ket_qua"] else received
        if r["ket_thuc"] == "tu_choi":
            ledger.refuse_dossier(commune, code, received, "Từ chối tiếp nhận (theo tệp nhập)")
        elif r["ket_thuc"] == "rut":
            ledger.withdraw_dossier(commune, code, ended, "Rút hồ sơ (theo tệp nhập)")
        elif r["ket_thuc"] == "dung":
            ledger.stop_dossier(commune, code, ended, "Dừng giải quyết (theo tệp nhập)")
        elif r["ngay_co_ket_qua"]:
            ledger.resolve_dossier(commune, code, ended, r["so_hoa_ket_qua"] == "1",
                                   r["chung_thuc_dien_tu"] == "1")
            if r["ngay_tra"]:
                ledger.return_dossier(commune, code, _at_five(r["ngay_tra"], ended))
    svc.catch_up()


def history(svc: LedgerService, commune: str, code: str) -> list[tuple[object, ...]]:
    """What each event of a dossier says, but for the commune and the clock."""
    skip = {"originator_id", "originator_version", "timestamp", "commune"}
    return [(type(e).__name__, *sorted((k, v) for k, v in vars(e).items() if k not in skip))
            for e in svc.ledger.events.get(Dossier.id_for(commune, code))]
