"""How long ``import dossiers`` takes for a 10,000-row file.

Generates a deterministic dossier export (every kind of row: in progress,
resolved, returned, refused, withdrawn, stopped; with and without a due
date), sets up a throw-away SQLite ledger the way the tests do (tables,
one commune, its procedure catalogue), then times the import: checking the
file, recording it in batches and bringing the projections up to date. A
second run of the same file is timed too (it must record nothing), and so is
a newer export imported over an older one: the dossiers that now have a
result are loaded from the log and extended.

    python -m bench.import_bench [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from app.importing.dossiers import COLUMNS, import_dossier_file
from app.service import LedgerService, upgrade
from events.base import acting_as

COMMUNE = "10921"
TARGET_SECONDS = 30.0
# (code, name, field, working days) listed in the bench commune's catalogue.
PROCEDURES = (("1.0", "Chứng thực bản sao từ bản chính", "Chứng thực", 1),
              ("2.000894", "Đăng ký khai sinh", "Hộ tịch", 3),
              ("1.001193", "Đăng ký kết hôn", "Hộ tịch", 5),
              ("1.003011", "Đăng ký thường trú", "Cư trú", 7))
FIRST_DAY = date(2023, 1, 2)
DAYS = 180


def generate_rows(count: int, procedures: Sequence[str] = tuple(p[0] for p in PROCEDURES),
                  seed: int = 52) -> Iterator[dict[str, str]]:
    """``count`` rows of the CONTRACT.md dossier format, the same for the
    same arguments: receipt days spread over the first half of 2023."""
    rng, sequence = random.Random(seed), {}
    for _ in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        sequence[day] = sequence.get(day, 0) + 1
        received = datetime.combine(day, datetime.min.time()) + timedelta(
            minutes=rng.randrange(7 * 60 + 30, 17 * 60 + 45, 5))
        yield _row(rng, f"000.00.12.H23-{day:%y%m%d}-{sequence[day]:04d}",
                   rng.choice(procedures), received)


def _row(rng: random.Random, code: str, procedure: str, received: datetime) -> dict[str, str]:
    channel = rng.choices(("truc_tuyen", "truc_tiep", "buu_chinh"), (7, 2, 1))[0]
    mode = rng.choice(("mot_phan", "toan_trinh")) if channel == "truc_tuyen" else ""
    due = received.date() + timedelta(days=rng.randrange(2, 10)) if rng.random() < .3 else None
    ending = rng.choices(("", "tu_choi", "rut", "dung"), (93, 3, 2, 2))[0]
    result = returned = None
    if ending in ("rut", "dung") and rng.random() < .5:
        result = received.date() + timedelta(days=rng.randrange(0, 5))
    if not ending and rng.random() < .85:
        result = received.date() + timedelta(days=rng.randrange(0, 9))
        if rng.random() < .85:
            returned = result + timedelta(days=rng.randrange(0, 4))
    return {"ma_ho_so": code, "ma_thu_tuc": procedure,
            "nguoi_nop": rng.choice(("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường",
                                     "Phạm Thị Dung", "Vũ Đức Em, thôn Mạc")),
            "kenh": channel, "muc_do": mode, "ngay_tiep_nhan": f"{received:%Y-%m-%d %H:%M}",
            "han_tra": _text(due), "ngay_co_ket_qua": _text(result), "ngay_tra": _text(returned),
            "ket_thuc": ending, "so_hoa_ket_qua": str(int(rng.random() < .95)) if result else "0",
            "chung_thuc_dien_tu": str(int(rng.random() < .3)) if result else "0"}


def _text(day: date | None) -> str:
    return day.isoformat() if day else ""


def csv_text(rows: Sequence[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_file(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.write_text("\ufeff" + csv_text(rows), encoding="utf-8")
    return path


def ledger(folder: Path) -> LedgerService:
    """A fresh SQLite ledger with the bench commune and its catalogue."""
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    upgrade(url)
    svc = LedgerService(url)
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
        for code, name, field, days in PROCEDURES:
            svc.record(svc.ledger.list_procedure, COMMUNE, code, name, field, "xa", False,
                       days, 0, "")
    return svc


def older_export(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The same dossiers as an earlier export showed them: no result yet."""
    return [row | {"ngay_co_ket_qua": "", "ngay_tra": "",
                   "ket_thuc": "tu_choi" if row["ket_thuc"] == "tu_choi" else ""}
            for row in rows]


def run(count: int) -> dict[str, float]:
    """Seconds for: a new file; the same file again; an older export then
    the newer one (whose results load and extend recorded dossiers)."""
    rows = list(generate_rows(count))
    with tempfile.TemporaryDirectory() as folder:
        svc = ledger(Path(folder))
        try:
            path = write_file(Path(folder) / "ho-so.csv", rows)
            seconds = {"new": _timed(svc, path)}
            head = svc.engine.head()
            seconds["again"] = _timed(svc, path)
            assert svc.engine.head() == head, "re-importing the same file recorded events"
        finally:
            svc.close()
    with tempfile.TemporaryDirectory() as folder:
        svc = ledger(Path(folder))
        try:
            _timed(svc, write_file(Path(folder) / "ho-so-cu.csv", older_export(rows)))
            seconds["newer"] = _timed(svc, write_file(Path(folder) / "ho-so-moi.csv", rows))
        finally:
            svc.close()
    return seconds


def _timed(svc: LedgerService, path: Path) -> float:
    started = time.perf_counter()
    checked, outcome = import_dossier_file(svc, COMMUNE, path)
    seconds = time.perf_counter() - started
    assert outcome is not None, checked.problems[:5]
    print(f"  {outcome.summary(path.name)}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    count = parser.parse_args().rows
    print(f"import dossiers: {count:,} rows into a fresh SQLite ledger")
    seconds = run(count)
    for key, label in (("new", "new file"), ("again", "same file again (records nothing)"),
                       ("newer", "newer export over an older one")):
        print(f"{label:<36}{seconds[key]:6.1f} s {count / seconds[key]:9,.0f} rows/s")
    print(f"target: a new {count:,}-row file in under {TARGET_SECONDS:.0f} s")
    if seconds["new"] >= TARGET_SECONDS:
        raise SystemExit(f"too slow: {seconds['new']:.1f} s >= {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
