"""``flask import documents FILE.csv``: all or nothing, line errors named,
incremental, and the same tallies as recording each document by hand."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.importing import documents as document_import
from events.base import acting_as
from events.documents import TYPES
from events.documents.values import SYMBOLS
from projections import queries
from projections.documents import DocumentTallyRow
from projections.periods import Period
from tests.conftest import COMMUNE, ZONE, open_service

HEADER = document_import.COLUMNS


def write(path: Path, rows: list[dict[str, str]], name: str = "van-ban.csv") -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    file = path / name
    file.write_text(out.getvalue(), encoding="utf-8")
    return file


def row(number: str, **cells: str) -> dict[str, str]:
    return {"so_ky_hieu": number, "loai": "bao_cao", "trich_yeu": "Báo cáo tháng",
            "ngay_ban_hanh": "2023-06-16", "nguoi_ky": "Nguyễn Văn A", "mat": "0",
            "ky_so": "", "cong_khai": ""} | cells


def run(runner, path: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import", "documents", str(path), "--commune", COMMUNE])


def test_three_bad_lines_are_named_and_nothing_is_recorded(runner, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    head = svc.engine.head()
    future = (date.today() + timedelta(days=3)).isoformat()
    file = write(tmp_path, [row("1/BC-UBND"), row("2/BC-UBND", loai="bien_ban"),
                            row("3/BC-UBND"), row("1/BC-UBND", trich_yeu="Khác"),
                            row("4/BC-UBND", ngay_ban_hanh=future)])
    result = run(runner, file)
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 3", "line 5", "line 6"]
    assert "loai" in reported[0] and "trùng với dòng 2" in reported[1] \
        and "tương lai" in reported[2]
    assert "có 3 dòng lỗi; chưa ghi nhận gì." in result.output
    assert svc.engine.head() == head


def test_a_newer_export_adds_signatures_and_publications_and_reports_conflicts(
        runner, app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    first = run(runner, write(tmp_path, [row("1/BC-UBND"), row("2/BC-UBND"),
                                         row("3/QĐ-UBND", loai="quyet_dinh", mat="1")], "cu.csv"))
    assert first.exit_code == 0, first.output
    assert "3 văn bản mới" in first.output
    newer = write(tmp_path, [row("1/BC-UBND", ky_so="2023-06-16 10:00", cong_khai="2023-06-17"),
                             row("2/BC-UBND", nguoi_ky="Trần Thị B"),
                             row("3/QĐ-UBND", loai="quyet_dinh", mat="1")], "moi.csv")
    second = run(runner, newer)
    assert second.exit_code == 0, second.output
    assert "line 3: xung đột: văn bản 2/BC-UBND: cột nguoi_ky" in second.output
    assert "0 văn bản mới, 1 văn bản bổ sung thông tin, 1 văn bản không đổi, 1 dòng xung đột" \
        in second.output
    with svc.read() as conn:
        counts = queries.document_counts(conn, COMMUNE, Period.parse("2023-06"))
    assert (counts["issued"], counts["confidential"], counts["signed"],
            counts["published"]) == (3, 1, 1, 1)
    assert counts["signed_rate"] == 0.5
    again = run(runner, newer)
    assert "0 văn bản bổ sung thông tin, 2 văn bản không đổi" in again.output
    signing = write(tmp_path, [row("3/QĐ-UBND", loai="quyet_dinh", mat="1",
                                   ky_so="2023-06-18 08:00")], "mat.csv")
    assert "không được ký số" in run(runner, signing).output


def _export(n: int) -> list[dict[str, str]]:
    rng, numbers, rows = random.Random(3), {}, []
    for _ in range(n):
        day = date(2022, 1, 3) + timedelta(days=rng.randrange(700))
        doc_type = rng.choice(TYPES)
        key = (day.year, doc_type)
        numbers[key] = numbers.get(key, 0) + 1
        secret = rng.random() < 0.1
        signed = "" if secret or rng.random() < 0.2 else \
            f"{day + timedelta(days=rng.randrange(5))} 0{rng.randrange(7, 10)}:15"
        published = "" if secret or rng.random() < 0.4 else \
            str(day + timedelta(days=5 + rng.randrange(20)))
        rows.append(row(f"{numbers[key]}/{SYMBOLS[doc_type]}", loai=doc_type,
                        trich_yeu=f"Văn bản {numbers[key]}", ngay_ban_hanh=str(day),
                        mat=str(int(secret)), ky_so=signed, cong_khai=published))
    return rows


def test_an_import_of_5000_gives_the_tallies_of_recording_them_one_by_one(tmp_path) -> None:
    rows = _export(5000)
    imported = open_service(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    by_hand = open_service(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    try:
        with acting_as("system"):
            for svc in (imported, by_hand):
                svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
        data = write(tmp_path, rows).read_bytes()
        checked = document_import.check_file(imported, COMMUNE, data, "van-ban.csv")
        assert checked.problems == []
        assert document_import.record_rows(imported, checked).issued == 5000
        ledger = by_hand.ledger
        with acting_as("canbo"):
            for r in rows:
                day = date.fromisoformat(r["ngay_ban_hanh"])
                ledger.issue_document(COMMUNE, r["so_ky_hieu"], r["loai"], r["trich_yeu"], day,
                                      r["nguoi_ky"], r["mat"] == "1", "khac")
                if r["ky_so"]:
                    at = date.fromisoformat(r["ky_so"][:10])
                    hour, minute = map(int, r["ky_so"][11:].split(":"))
                    ledger.sign_document(COMMUNE, day.year, r["so_ky_hieu"],
                                         datetime(at.year, at.month, at.day, hour, minute,
                                                  tzinfo=ZONE), r["nguoi_ky"], "")
                if r["cong_khai"]:
                    ledger.publish_document(COMMUNE, day.year, r["so_ky_hieu"],
                                            date.fromisoformat(r["cong_khai"]), "")
        by_hand.catch_up()
        tally = DocumentTallyRow.__table__  # type: ignore[attr-defined]
        found = []
        for svc in (imported, by_hand):
            with svc.read() as conn:
                found.append((sorted(tuple(r) for r in conn.execute(select(tally))),
                              [queries.document_counts(conn, COMMUNE, Period.parse(p))
                               for p in ("2022", "2023-H1", "2023-06", "2023-Q4")]))
        assert found[0] == found[1]
        assert found[0][1][0]["issued"] > 2000
    finally:
        imported.close()
        by_hand.close()


def test_the_upload_page_imports_documents_all_or_nothing(app, logged_in, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.imports.test_web import HX, head, progress_url, wait_until_done
    from tests.conftest import csrf_token

    def upload(content: bytes):  # type: ignore[no-untyped-def]
        token = csrf_token(logged_in.get("/imports").text)
        return logged_in.post("/imports", data={"csrf_token": token, "kind": "documents",
                                                "file": (io.BytesIO(content), "van-ban.csv")},
                              headers=HX, content_type="multipart/form-data")
    before = head(app)
    bad = upload(write(tmp_path, [row("1/BC-UBND"), row("2/BC-UBND", loai="x")]).read_bytes())
    assert bad.status_code == 422 and "Dòng 3: cột loai" in bad.text
    assert head(app) == before
    good = upload(write(tmp_path, [row("1/BC-UBND", ky_so="2023-06-16 09:00"),
                                   row("2/BC-UBND")]).read_bytes())
    assert good.status_code == 200
    done, _headers = wait_until_done(logged_in, progress_url(good.text))
    assert "2 văn bản mới" in done
    with app.extensions["ledger"].read() as conn:
        counts = queries.document_counts(conn, COMMUNE, Period.parse("2023"))
    assert (counts["issued"], counts["signed"]) == (2, 1)
