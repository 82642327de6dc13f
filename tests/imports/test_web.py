"""The upload page: checked in the request, recorded in the background, with a
live progress line any worker can answer."""

from __future__ import annotations

import io
import re
import time

from bench.import_bench import csv_text, generate_rows
from events.dossiers import Dossier
from projections import queries
from projections.periods import Period
from tests.conftest import COMMUNE, csrf_token, log_in
from tests.imports.rows import BAD, HEADER, TODAY, row

HX = {"HX-Request": "true"}


def upload(client, content: bytes, name: str = "ho-so.csv", htmx: bool = True):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/imports").text)
    return client.post("/imports", data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       headers=HX if htmx else {}, content_type="multipart/form-data")


def progress_url(html: str) -> str:
    match = re.search(r'data-job="([A-Za-z0-9_-]+)"', html)
    assert match, html
    return f"/imports/progress?job={match.group(1)}"


def wait_until_done(client, url: str) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.get(url, headers=HX)
        assert response.status_code == 200
        if "hx-trigger" not in response.text:
            return response.text, dict(response.headers)
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def counts(app, period: str = "2023-H1") -> queries.DossierCounts:  # type: ignore[no-untyped-def]
    with app.extensions["ledger"].read() as conn:
        return queries.dossier_counts(conn, COMMUNE, Period.parse(period), TODAY)


def test_the_page_offers_the_upload_form_for_the_users_own_commune(logged_in):
    page = logged_in.get("/imports")
    assert page.status_code == 200 and "<html" in page.text
    assert 'type="file"' in page.text and 'hx-encoding="multipart/form-data"' in page.text
    assert "sổ của <strong>Quảng Nghiệp</strong>" in page.text
    assert "<code>ma_ho_so</code>, <code>ma_thu_tuc</code>" in page.text


def test_only_those_who_may_import_see_the_page(client):
    assert client.get("/imports").status_code == 302
    assert log_in(client, "officer").status_code == 302
    assert client.get("/imports").status_code == 403


def test_an_upload_is_recorded_in_the_background_with_live_progress(app, logged_in):
    rows = list(generate_rows(1200, ("1.0", "2.000894"), seed=11))
    before = head(app)
    started = upload(logged_in, ("\ufeff" + csv_text(rows)).encode("utf-8"), "thang-1.csv")
    assert started.status_code == 200 and "<html" not in started.text
    assert "Đã xử lý" in started.text and "/1.200 dòng" in started.text
    url = progress_url(started.text)
    assert f'hx-get="{url}"' in started.text and 'hx-trigger="every 1s"' in started.text
    done, headers = wait_until_done(logged_in, url)
    assert "Đã xử lý 1.200/1.200 dòng" in done
    assert "Đã nhập thang-1.csv: 1.200 hồ sơ mới" in done
    assert headers["HX-Trigger"] == "ledger-changed"
    assert head(app) > before + 1200
    tallies = counts(app)
    assert tallies.received + tallies.refused == 1200 and tallies.resolved > 0
    first = next(iter(app.extensions["ledger"].ledger.events.get(
        Dossier.id_for(COMMUNE, rows[0]["ma_ho_so"]))))
    assert (first.actor, first.source) == ("canbo", "thang-1.csv:2")
    whole = logged_in.get(url)
    assert whole.status_code == 200 and "<html" in whole.text and "1.200 hồ sơ mới" in whole.text


def test_a_plain_upload_is_sent_to_the_page_of_its_job(app, logged_in):
    response = upload(logged_in, csv_text([row("K-1")]).encode("utf-8"), htmx=False)
    assert response.status_code == 303
    job = response.headers["Location"].split("job=")[1]
    wait_until_done(logged_in, f"/imports/progress?job={job}")
    page = logged_in.get(response.headers["Location"])
    assert page.status_code == 200 and "Đã nhập ho-so.csv: 1 hồ sơ mới" in page.text
    assert counts(app, "2023-02").received == 1


def test_conflicts_are_listed_when_the_job_ends(app, logged_in):
    first = upload(logged_in, csv_text([row("L-1"), row("L-2")]).encode("utf-8"))
    wait_until_done(logged_in, progress_url(first.text))
    newer = upload(logged_in, csv_text([row("L-1", ngay_co_ket_qua="2023-02-14"),
                                        row("L-2", nguoi_nop="Lê Văn Cường")]).encode("utf-8"))
    done, _headers = wait_until_done(logged_in, progress_url(newer.text))
    assert "1 hồ sơ bổ sung thông tin" in done and "1 dòng xung đột" in done
    assert "Dòng 3: xung đột: hồ sơ L-2: cột nguoi_nop" in done
    assert counts(app, "2023-02").resolved == 1


def test_bad_files_are_refused_in_vietnamese_and_nothing_is_recorded(app, logged_in):
    before = head(app)
    header = upload(logged_in, b"ma,ten\n1,2\n")
    assert header.status_code == 422 and "<html" not in header.text
    assert "Dòng 1: dòng tiêu đề sai: thiếu cột ma_ho_so" in header.text
    latin = upload(logged_in, (HEADER + "\nM-1,2.000894,").encode() + "Đăng".encode("cp1258"))
    assert latin.status_code == 422 and "Dòng 2: tệp không ở mã UTF-8" in latin.text
    rows = upload(logged_in, "\n".join([HEADER, *BAD]).encode("utf-8"), "loi.csv")
    assert rows.status_code == 422 and "loi.csv: có 4 dòng lỗi; chưa ghi nhận gì." in rows.text
    assert re.findall(r"Dòng (\d+): ", rows.text) == ["3", "4", "5", "6"]
    assert "line " not in rows.text
    token = csrf_token(logged_in.get("/imports").text)
    nothing = logged_in.post("/imports", data={"csrf_token": token}, headers=HX,
                             content_type="multipart/form-data")
    assert nothing.status_code == 422 and "Hãy chọn tệp CSV cần nhập." in nothing.text
    plain = upload(logged_in, b"ma,ten\n", htmx=False)
    assert plain.status_code == 422 and "<html" in plain.text and "dòng tiêu đề sai" in plain.text
    assert head(app) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(app, logged_in):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = head(app)
    content = csv_text([row(f"N-{n}") for n in range(100)]).encode("utf-8")
    assert len(content) > 4096
    refused = upload(logged_in, content)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "Tệp tải lên quá lớn: tối đa 4 KB." in refused.text
    plain = upload(logged_in, content, htmx=False)
    assert plain.status_code == 413 and "Tệp tải lên quá lớn: tối đa 4 KB." in plain.text
    assert head(app) == before


def test_a_job_is_seen_only_by_the_user_who_started_it(app, logged_in):
    started = upload(logged_in, csv_text([row("O-1")]).encode("utf-8"))
    url = progress_url(started.text)
    wait_until_done(logged_in, url)
    other = app.test_client()
    assert log_in(other, "admin").status_code == 302
    assert other.get(url, headers=HX).status_code == 404
    assert other.get("/imports/progress?job=../../secret_key", headers=HX).status_code == 404
    assert logged_in.get("/imports/progress?job=../../secret_key").status_code == 404
    assert logged_in.get("/imports/progress", headers=HX).status_code == 404


def test_a_header_of_a_million_columns_is_answered_at_once(app, logged_in):
    """A first line of 1,000,000 columns (about 7 MB) is refused by its width
    with a message, in one linear pass: the quadratic check it replaced kept a
    worker busy past gunicorn's 30 s timeout for 60,000 columns."""
    before = head(app)
    content = (",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode()
    started = time.monotonic()
    answer = upload(logged_in, content, "rong.csv")
    elapsed = time.monotonic() - started
    assert answer.status_code == 422
    assert "dòng tiêu đề có 1.000.000 cột; tối đa 64 cột" in answer.text
    print(f"answered in {elapsed:.3f} s")
    assert elapsed < 1.0, f"the header check took {elapsed:.2f} s"
    assert head(app) == before


def test_a_jobs_progress_file_is_readable_by_the_server_only(app, logged_in):
    import stat
    from pathlib import Path
    rows = list(generate_rows(5, ("1.0", "2.000894"), seed=3))
    started = upload(logged_in, ("\ufeff" + csv_text(rows)).encode("utf-8"), "nho.csv")
    wait_until_done(logged_in, progress_url(started.text))
    folder = Path(app.config.get("IMPORT_JOBS_FOLDER") or Path(app.instance_path) / "imports")
    files = list(folder.glob("*.json"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
