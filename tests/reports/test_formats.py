"""The period report in its three formats, on the demo commune's first half
of 2023: the command line's HTML and Word file and the web's three answers
say the figures of the JSON, written the Vietnamese way (``1.049``,
``99,2%``), and the Word file is laid out as Nghị định 30/2020/NĐ-CP asks.
The demo is loaded once for the module (it takes seconds)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from app import create_app
from app.people.cli import create_user
from app.reports.narrative import SECTIONS
from app.service import upgrade
from events.base import acting_as
from tests.conftest import PASSWORD, log_in

PERIOD = "2023-H1"
READERS = {"lanhdao": "leader", "kiemtoan2": "auditor", "thanhtra2": "inspector"}
OTHERS = {"motcua2": "clerk", "chuyenmon2": "officer", "quantri2": "admin",
          "tinh2": "province_admin"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded into a fresh database, a user per role, and the
    report of the half-year in each format, written by the command line."""
    folder = tmp_path_factory.mktemp("report-formats")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "ID_HASH_KEY": "demo-test-key",
                      "TESTING": True})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        for name, role in (READERS | OTHERS).items():
            create_user(name, role, "DEMO-QN", PASSWORD)
    files = {}
    for kind in ("json", "html", "docx"):
        files[kind] = folder / f"bao-cao.{kind}"
        done = runner.invoke(args=["report", PERIOD, "--format", kind, "-o", str(files[kind])])
        assert done.exit_code == 0, done.output
    yield app, runner, files
    app.extensions["ledger"].close()


@pytest.fixture(scope="module")
def report(demo):
    return json.loads(demo[2]["json"].read_text(encoding="utf-8"))


def vn(value: int) -> str:
    """A count as a Vietnamese reader writes it: 1.049."""
    return f"{value:,}".replace(",", ".")


def rate(value: float) -> str:
    """A rate as a Vietnamese reader writes it: 99,2%."""
    return f"{value * 100:.1f}".replace(".", ",") + "%"


def expected(report: dict) -> list[str]:
    """Phrases the document must hold, each figure taken from the JSON."""
    d, h = report["dossiers"], report["households"]
    supplies = {s["item"]: s for s in report["supplies"]}
    p = report["procedures"]
    return [
        f"{vn(d['received'])} hồ sơ", f"đã giải quyết {vn(d['resolved'])}",
        f"đang giải quyết {vn(d['in_progress'])}", f"đã trả kết quả {vn(d['returned'])}",
        f"{vn(d['by_channel']['truc_tuyen'])}/{vn(d['received'])} hồ sơ, đạt "
        f"{rate(d['online_rate'])}",
        f"Số hóa hồ sơ kết quả giải quyết TTHC đạt {rate(d['digitised_rate'])}",
        f"chứng thực điện tử {vn(d['e_certified'])} hồ sơ",
        f"{vn(d['paid_online'])} hồ sơ thanh toán trực tuyến, đạt "
        f"{rate(d['online_payment_rate'])}",
        f"của xã {p['commune']} (có {p['inter_agency']} TTHC liên thông); {p['military']} ",
        f"{p['police']} TTHC lĩnh vực Công an", f"{p['with_qr']} mã QR-code",
        f"{p['fields']} lĩnh vực", f"tạo {vn(report['citizen_accounts'])} tài khoản",
        f"Có {vn(report['documents']['signed'])} văn bản ký số",
        f"{vn(h['sorting'])}/{vn(h['registered'])} hộ, đạt {rate(h['sorting_rate'])}",
        f"{vn(supplies['nap_day']['received'])} nắp đậy hố rác",
        f"{vn(supplies['men_vi_sinh']['received'])} gói men vi sinh",
        f"Số vi phạm mới trong kỳ về đất đai, hành lang giao thông, hành lang thủy lợi và môi "
        f"trường: {report['violations']['new']}.",
    ]


def seed_rows(report: dict) -> list[list[str]]:
    """Table rows the document must hold: the supplies by village, the
    documents by type, the households in all."""
    supplies = {s["item"]: s for s in report["supplies"]}
    by_type = report["documents"]["by_type"]
    h = report["households"]
    return [*([village, vn(supplies["nap_day"]["by_village"][village]),
               vn(supplies["men_vi_sinh"]["by_village"][village])]
              for village in ("Mỹ Đức", "Mạc", "Kiêm Tân")),
            ["Nghị quyết", vn(by_type["nghi_quyet"])], ["Kế hoạch", vn(by_type["ke_hoach"])],
            ["Thông báo", vn(by_type["thong_bao"])],
            ["Tổng số", vn(h["registered"]), vn(h["sorting"]), rate(h["sorting_rate"])]]


def word_text(data: bytes) -> tuple[docx.document.Document, str, list[list[str]]]:
    """The Word file read back: the document, its paragraphs' text (those of
    the tables' cells too), and every table row's cells."""
    word = docx.Document(io.BytesIO(data))
    rows = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    cells = [cell for row in rows for cell in row]
    return word, "\n".join([p.text for p in word.paragraphs] + cells), rows


def page_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_rows(html: str) -> list[list[str]]:
    return [[page_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_the_seed_s_figures_as_a_vietnamese_reader_writes_them(report):
    d, h = report["dossiers"], report["households"]
    assert (vn(d["received"]), rate(d["online_rate"]), rate(d["digitised_rate"])) == (
        "1.049", "99,2%", "99,2%")
    assert (vn(h["registered"]), vn(h["sorting"]), rate(h["sorting_rate"])) == (
        "1.101", "901", "81,8%")


def test_the_word_file_says_the_json_s_figures(demo, report):
    _word, text, rows = word_text(demo[2]["docx"].read_bytes())
    flat = " ".join(text.split())
    for phrase in expected(report):
        assert phrase in flat, phrase
    for row in seed_rows(report):
        assert row in rows, row


def test_the_html_says_the_json_s_figures(demo, report):
    html = demo[2]["html"].read_text(encoding="utf-8")
    for phrase in expected(report):
        assert phrase in page_text(html), phrase
    for row in seed_rows(report):
        assert row in html_rows(html), row
    # Saved by the command line, the page stands alone: its style within, no links.
    assert "<style>" in html and "/static/" not in html and "<nav" not in html


def test_the_word_file_is_laid_out_as_an_administrative_document(demo):
    word, text, _rows = word_text(demo[2]["docx"].read_bytes())
    page = word.sections[0]
    sizes = (page.page_width, page.page_height, page.top_margin, page.bottom_margin,
             page.left_margin, page.right_margin)
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 20, 20, 30, 15]
    normal = word.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    heading = [cell.text for cell in word.tables[0].rows[0].cells]
    assert heading[0].split("\n")[:3] == ["ỦY BAN NHÂN DÂN", "XÃ QUẢNG NGHIỆP", ""]
    assert "Số:" in heading[0] and "/BC-UBND" in heading[0]
    assert heading[1].split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                          "Độc lập - Tự do - Hạnh phúc"]
    assert re.search(r"Quảng Nghiệp, ngày \d\d tháng \d{1,2} năm \d{4}", heading[1])
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[:2] == ["BÁO CÁO", "Kết quả thực hiện nhiệm vụ trọng tâm, đột phá "
                              "6 tháng đầu năm 2023"]
    for numeral in ("I", "II", "III", "IV", "V", "VI"):
        assert any(p.startswith(f"{numeral}. ") for p in paragraphs), numeral
    assert "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN 6 THÁNG CUỐI NĂM 2023" in paragraphs
    ending = [cell.text for cell in word.tables[-1].rows[0].cells]
    assert ending[0].startswith("Nơi nhận:") and "Lưu: VT." in ending[0]
    assert ending[1].startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    # Each section a leader writes is a highlighted gap, to be seen and filled in.
    gaps = [p for p in word.paragraphs if p.text.startswith("[Phần do lãnh đạo UBND xã viết")]
    assert len(gaps) == len(SECTIONS)
    assert all(p.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW for p in gaps)


def test_without_o_the_word_file_goes_to_a_named_file_and_html_to_the_output(
        demo, tmp_path, monkeypatch):
    _app, runner, files = demo
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(args=["report", "2023-06", "--format", "docx", "--commune", "DEMO-QN"])
    assert done.exit_code == 0 and "bao-cao-2023-06.docx" in done.output
    assert docx.Document(str(Path(tmp_path) / "bao-cao-2023-06.docx")).paragraphs[0].text == \
        "BÁO CÁO"
    html = runner.invoke(args=["report", PERIOD, "--format", "html", "--commune", "DEMO-QN"])
    assert html.exit_code == 0 and html.output == files["html"].read_text(encoding="utf-8")


def _client(app, name):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def test_the_web_gives_the_command_line_s_report(demo, report):
    app, _runner, files = demo
    client = _client(app, "lanhdao")
    as_json = client.get(f"/reports/{PERIOD}.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert as_json.data == files["json"].read_bytes()
    page = client.get(f"/reports/{PERIOD}.html")
    assert page.status_code == 200
    for phrase in expected(report):
        assert phrase in page_text(page.text), phrase
    assert f'href="/reports/{PERIOD}.docx"' in page.text  # and a way to the Word file
    word = client.get(f"/reports/{PERIOD}.docx")
    assert word.status_code == 200
    assert word.headers["Content-Disposition"] == 'attachment; filename="bao-cao-2023-H1.docx"'
    _doc, text, rows = word_text(word.data)
    _doc, cli_text, cli_rows = word_text(files["docx"].read_bytes())
    assert (text, rows) == (cli_text, cli_rows)


def test_leaders_auditors_and_inspectors_read_reports_and_no_one_else(demo):
    app = demo[0]
    paths = ["/reports", f"/reports/{PERIOD}.json", f"/reports/{PERIOD}.html",
             f"/reports/{PERIOD}.docx"]
    for name in READERS:
        client = _client(app, name)
        assert [client.get(p).status_code for p in paths] == [200] * 4, name
        assert 'href="/reports"' in client.get("/").text  # in the navigation
    for name in OTHERS:
        client = _client(app, name)
        assert [client.get(p).status_code for p in paths] == [403] * 4, name
        assert 'href="/reports"' not in client.get("/").text


def test_a_bad_period_is_told_in_vietnamese(demo):
    client = _client(demo[0], "lanhdao")
    for kind in ("html", "docx"):
        answer = client.get(f"/reports/2023-H3.{kind}")
        assert answer.status_code == 404 and "Kỳ không hợp lệ: «2023-H3»" in answer.text
    assert client.get("/reports/2023-H3.json").json == {"error": (
        "Kỳ không hợp lệ: «2023-H3» (ví dụ: 2023-H1, 2023-Q2, 2023-06, 2023 hoặc "
        "2023-01-01..2023-06-30).")}
    chooser = client.get("/reports?from=2023-06-30&to=2023-01-01")
    assert chooser.status_code == 422
    assert "Kỳ không hợp lệ: «2023-06-30..2023-01-01»" in chooser.text
    assert "/reports/2023-06-30..2023-01-01.docx" not in chooser.text


def test_the_chooser_offers_presets_dates_and_the_three_formats(demo):
    client = _client(demo[0], "lanhdao")
    page = client.get("/reports?from=2023-01-01&to=2023-06-30").text
    for kind in ("html", "docx", "json"):
        assert f'href="/reports/2023-01-01..2023-06-30.{kind}"' in page
    assert "Tháng này" in page and "Năm trước" in page
    fragment = client.get(f"/reports?period={PERIOD}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "6 tháng đầu năm 2023" in fragment.text
    assert f'href="/reports/{PERIOD}.docx"' in fragment.text
    ranged = client.get("/reports/2023-01-01..2023-06-30.json")
    assert ranged.json["dossiers"]["received"] == 1049


def test_an_inspector_reads_the_report_of_another_commune_in_scope_only(demo):
    app = demo[0]
    svc = app.extensions["ledger"]
    with acting_as("system"):
        svc.record(svc.ledger.register_commune, "10922", "Xã Đại Hợp")
    inspector = _client(app, "thanhtra2")
    other = f"/reports/{PERIOD}.json?commune=10922"
    assert inspector.get(other).status_code == 404
    with acting_as("tinh2"):
        svc.record(svc.ledger.assign_scope, "thanhtra2", ["DEMO-QN", "10922"])
    answer = inspector.get(other).json
    assert answer["commune"] == {"code": "10922", "name": "Xã Đại Hợp"}
    assert answer["dossiers"]["received"] == 0
    page = inspector.get(f"/reports?period={PERIOD}&commune=10922").text
    assert f'href="/reports/{PERIOD}.docx?commune=10922"' in page
    assert "XÃ ĐẠI HỢP" in inspector.get(f"/reports/{PERIOD}.html?commune=10922").text
