"""The printed forms over HTTP, each read from the recorded events: the
receipt (Mẫu số 01), the control slip (Mẫu số 06) and the book (Mẫu số 07)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.importing.dossiers import import_dossier_file
from events.base import acting_as
from events.errors import InvalidTransition, InvalidValue
from tests.conftest import COMMUNE, OTHER_COMMUNE, log_in, vn
from tests.imports.rows import row, write
from tests.printing.qr import decode_svg, qr_svgs

CODE = "000.00.12.H23-260105-0001"
ROOT = Path(__file__).resolve().parents[2]


def text(html: str) -> str:
    """What a reader sees: the markup without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def field(html: str, name: str) -> str:
    """The text of the element marked ``data-field="name"``."""
    match = re.search(rf'data-field="{name}">(.*?)</(?:p|span|strong|dd)>', html, re.S)
    assert match, f"no field {name}"
    return text(match.group(1))


def outcomes(html: str) -> list[str]:
    return re.findall(r'data-field="outcome">([^<]*)<', html)


def act(app, actor: str, command: str, *args, commune: str = COMMUNE, code: str = CODE,
        **kwargs) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as(actor):
        svc.record(getattr(svc.ledger, command), commune, code, *args, **kwargs)


def receive(app, code: str = CODE, commune: str = COMMUNE, at=None,  # type: ignore[no-untyped-def]
            applicant: str = "Nguyễn Văn An", **kwargs) -> None:
    act(app, "canbo", "receive_dossier", "2.000894", applicant, "truc_tuyen", "toan_trinh",
        at or vn(2026, 1, 5, 9, 30), commune=commune, code=code, **kwargs)


@pytest.fixture
def clerk(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client


@pytest.fixture
def worked(app):  # type: ignore[no-untyped-def]
    """A dossier that went through two steps, one late and one early, and
    was resolved a day before its due date (08/01/2026) and returned."""
    receive(app)
    act(app, "canbo", "hand_over", vn(2026, 1, 5, 10), "dc-officer", "Thẩm định",
        date(2026, 1, 6))
    act(app, "dc-officer", "hand_over", vn(2026, 1, 7, 8), "chu-tich", "Ký duyệt",
        date(2026, 1, 8))
    act(app, "chu-tich", "resolve_dossier", vn(2026, 1, 7, 15), True, False)
    act(app, "canbo", "return_dossier", vn(2026, 1, 8, 9))
    return app


# -- Mẫu số 01: the receipt ---------------------------------------------------------

def test_the_receipt_shows_what_the_received_event_recorded(worked, clerk):
    page = clerk.get(f"/print/dossiers/{CODE}/receipt")
    assert page.status_code == 200
    html = page.text
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text(html) and "Mẫu số 01" in html
    assert field(html, "code") == CODE
    assert field(html, "applicant") == "Nguyễn Văn An"
    assert field(html, "procedure") == "Đăng ký khai sinh"
    assert field(html, "procedure_code") == "2.000894"
    assert field(html, "channel") == "Trực tuyến (toàn trình)"
    assert field(html, "received_at") == "09 giờ 30 phút, ngày 05 tháng 01 năm 2026"
    assert field(html, "due_date") == "ngày 08 tháng 01 năm 2026"  # 3 working days
    assert field(html, "clerk") == "canbo"
    assert "Quảng Nghiệp" in html and "Thời gian giải quyết hồ sơ theo quy định: 3 ngày" in html
    assert 'data-field="appointment"' not in html


def test_the_receipts_qr_code_reads_back_as_the_dossier_code(worked, clerk):
    svgs = qr_svgs(clerk.get(f"/print/dossiers/{CODE}/receipt").text)
    assert len(svgs) == 1
    assert decode_svg(svgs[0]) == [CODE]


def test_a_new_due_date_and_an_apology_show_on_the_receipt(app, clerk):
    receive(app)
    act(app, "dc-officer", "request_supplement", vn(2026, 1, 6, 8), "Thiếu bản sao giấy tờ")
    # Due 8/1; asked on 6/1 with two working days left, which continue from 12/1.
    act(app, "canbo", "receive_supplement", vn(2026, 1, 9, 8))
    act(app, "dc-officer", "apologise", vn(2026, 1, 14, 16), date(2026, 1, 20),
        "Chờ xác minh")
    html = clerk.get(f"/print/dossiers/{CODE}/receipt").text
    assert field(html, "due_date") == "ngày 13 tháng 01 năm 2026"
    assert "Hạn ban đầu 08/01/2026" in html
    assert field(html, "appointment") == "ngày 20 tháng 01 năm 2026"
    assert "theo văn bản xin lỗi ngày 14 tháng 01 năm 2026" in html


def test_a_corrected_receipt_prints_the_corrected_values(app, clerk):
    receive(app, applicant="Nguyen Van An")
    act(app, "canbo", "correct_dossier", vn(2026, 1, 5, 11), 1, "Gõ thiếu dấu",
        {"applicant": "Nguyễn Văn An", "channel": "truc_tiep", "online_mode": ""})
    html = clerk.get(f"/print/dossiers/{CODE}/receipt").text
    assert field(html, "applicant") == "Nguyễn Văn An"
    assert field(html, "channel") == "Trực tiếp"
    slip = clerk.get(f"/print/dossiers/{CODE}/control").text
    assert "Đính chính ngày 05/01/2026 (canbo): Gõ thiếu dấu" in slip


def test_a_dossier_refused_at_the_counter_prints_its_refusal_and_no_appointment(app, clerk):
    receive(app)
    act(app, "canbo", "refuse_dossier", vn(2026, 1, 5, 9, 45),
        "Thiếu tờ khai theo mẫu; hồ sơ không thuộc thẩm quyền của xã")
    html = clerk.get(f"/print/dossiers/{CODE}/receipt").text
    assert "Giấy từ chối tiếp nhận hồ sơ" in text(html) and "Mẫu số 01" in html
    assert "hẹn trả kết quả" not in text(html).replace("không có ngày hẹn trả kết quả", "")
    assert field(html, "refused") == "từ chối tiếp nhận"
    assert field(html, "refusal_reason") == ("Thiếu tờ khai theo mẫu; hồ sơ không thuộc thẩm "
                                            "quyền của xã")
    assert field(html, "refused_at") == "09 giờ 45 phút, ngày 05 tháng 01 năm 2026"
    assert field(html, "applicant") == "Nguyễn Văn An"
    for appointment in ("due_date", "appointment", "fee"):
        assert f'data-field="{appointment}"' not in html
    assert "08 tháng 01 năm 2026" not in html  # the due date it would have had
    assert field(html, "no_appointment") == ("Hồ sơ không được tiếp nhận nên không có ngày "
                                            "hẹn trả kết quả.")


def test_an_imported_refused_row_prints_its_refusal_too(app, clerk, tmp_path):
    path = write(tmp_path, [row("R-1", ma_thu_tuc="2.000894", ket_thuc="tu_choi")])
    checked, outcome = import_dossier_file(app.extensions["ledger"], COMMUNE, path)
    assert checked.problems == [] and outcome is not None and outcome.received == 1
    html = clerk.get("/print/dossiers/R-1/receipt").text
    assert field(html, "refusal_reason") == "Từ chối tiếp nhận (theo tệp nhập)"
    assert 'data-field="due_date"' not in html and 'data-field="appointment"' not in html
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" not in text(html)


# -- Mẫu số 06: the control slip ---------------------------------------------------

def test_the_control_slip_has_a_row_per_step_judged_by_its_deadline(worked, clerk):
    page = clerk.get(f"/print/dossiers/{CODE}/control")
    assert page.status_code == 200
    html = page.text
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in html and "Mẫu số 06" in html
    rows = re.findall(r'<tr class="[^"]*" data-step="\d+">(.*?)</tr>', html, re.S)
    labels = [re.search(r"<td>(.*?)</td>", row).group(1) for row in rows]  # type: ignore[union-attr]
    assert labels == ["Tiếp nhận hồ sơ", "Chuyển xử lý: Thẩm định", "Chuyển xử lý: Ký duyệt",
                      "Có kết quả giải quyết", "Trả kết quả cho người nộp"]
    # Thẩm định was due 06/01 and handed on 07/01; Ký duyệt was due 08/01 and
    # ended with the result on 07/01; the result came a day before 08/01.
    assert outcomes(html) == ["—", "Quá hạn", "Trước hạn", "Trước hạn", "—"]
    assert "<td>canbo</td>\n      <td>dc-officer</td>" in rows[1]
    assert "06/01/2026" in rows[1] and "xong ngày 07/01/2026" in rows[1]
    assert "05/01/2026 10:00" in rows[1]
    assert field(html, "verdict") == "Trước hạn"
    assert field(html, "status") == "Đã trả kết quả"
    assert "Kết quả đã số hóa" in rows[3]


def test_a_step_ending_on_its_deadline_is_on_time_and_an_open_one_is_in_progress(app, clerk):
    receive(app)
    act(app, "canbo", "hand_over", vn(2026, 1, 5, 10), "dc-officer", "Thẩm định",
        date(2026, 1, 6))
    act(app, "dc-officer", "hand_over", vn(2026, 1, 6, 17), "chu-tich", "Ký duyệt",
        date(2099, 1, 8))
    html = clerk.get(f"/print/dossiers/{CODE}/control").text
    assert outcomes(html) == ["—", "Đúng hạn", "Đang xử lý"]
    assert 'data-field="verdict"' not in html


def test_a_late_result_is_late_even_after_an_apology(app, clerk):
    receive(app)
    act(app, "canbo", "apologise", vn(2026, 1, 8, 16), date(2026, 1, 12), "Chờ xác minh")
    act(app, "canbo", "hand_over", vn(2026, 1, 9, 8), "dc-officer", "Thẩm định",
        date(2026, 1, 12))
    act(app, "dc-officer", "resolve_dossier", vn(2026, 1, 12, 10), False, False)
    html = clerk.get(f"/print/dossiers/{CODE}/control").text
    assert outcomes(html) == ["—", "Đúng hạn", "Quá hạn"]
    assert field(html, "verdict") == "Quá hạn"
    assert "Xin lỗi ngày 08/01/2026, hẹn lại ngày 12/01/2026: Chờ xác minh" in html


def test_a_withdrawn_dossiers_open_step_is_not_judged(app, clerk):
    receive(app)
    act(app, "canbo", "hand_over", vn(2026, 1, 5, 10), "dc-officer", "Thẩm định",
        date(2026, 1, 6))
    act(app, "canbo", "withdraw_dossier", vn(2026, 1, 9, 10), "Công dân xin rút")
    html = clerk.get(f"/print/dossiers/{CODE}/control").text
    assert outcomes(html) == ["—", "—", "—"]
    assert "Rút hồ sơ" in html and "Công dân xin rút" in html
    assert field(html, "status") == "Đã rút"


# -- scope ---------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["receipt", "control"])
def test_another_communes_dossier_is_not_found(app, clerk, form):
    receive(app, commune=OTHER_COMMUNE)
    assert clerk.get(f"/print/dossiers/{CODE}/{form}").status_code == 404
    assert clerk.get(f"/print/dossiers/NO-SUCH-CODE/{form}").status_code == 404
    other = app.test_client()
    assert log_in(other, "other-clerk").status_code == 302
    assert other.get(f"/print/dossiers/{CODE}/{form}").status_code == 200


def test_an_inspector_prints_dossiers_of_the_communes_in_scope(app):
    receive(app, commune=OTHER_COMMUNE)
    inspector = app.test_client()
    assert log_in(inspector, "inspector").status_code == 302
    assert inspector.get(f"/print/dossiers/{CODE}/receipt").status_code == 404
    svc = app.extensions["ledger"]
    with acting_as("province_admin"):
        svc.record(svc.ledger.assign_scope, "inspector", [OTHER_COMMUNE])
    page = inspector.get(f"/print/dossiers/{CODE}/receipt")
    assert page.status_code == 200 and "Đại Hợp" in page.text


# -- Mẫu số 07: the book ---------------------------------------------------------------

def book_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)">', html)


def test_the_book_lists_the_periods_dossiers_in_the_order_received(worked, clerk):
    receive(worked, code="HS-0002", at=vn(2026, 1, 5, 8), applicant="Lê Thị Hoa")
    receive(worked, code="HS-0003", at=vn(2026, 1, 20, 8))
    receive(worked, code="HS-FEB", at=vn(2026, 2, 2, 8))
    receive(worked, code="HS-OTHER", at=vn(2026, 1, 6, 8), commune=OTHER_COMMUNE)
    act(worked, "canbo", "refuse_dossier", vn(2026, 1, 20, 9), "Sai thẩm quyền",
        code="HS-0003")
    page = clerk.get("/print/book?period=2026-01")
    assert page.status_code == 200
    html = page.text
    assert "Sổ theo dõi hồ sơ" in html and "Mẫu số 07" in html
    assert field(html, "period") == "Từ ngày 01 tháng 01 năm 2026 đến ngày 31 tháng 01 năm 2026"
    assert book_codes(html) == ["HS-0002", CODE, "HS-0003"]
    row = re.search(rf'<tr data-code="{re.escape(CODE)}">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    cells = [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["2", CODE, "Đăng ký khai sinh (2.000894)", "Nguyễn Văn An",
                     "05/01/2026 09:30", "08/01/2026", "07/01/2026", "08/01/2026",
                     "Đã trả kết quả", "Trước hạn"]
    assert "Chưa có kết quả, quá hạn" in html  # HS-0002, due 08/01/2026, still open
    assert "Từ chối tiếp nhận ngày 20/01/2026" in text(html)
    assert field(html, "summary") == ("Tổng số: 3 hồ sơ. Trước hạn: 1; "
                                      "Chưa có kết quả, quá hạn: 1; Từ chối tiếp nhận: 1.")


def test_the_book_shows_each_dossier_as_it_stood_at_the_periods_end(app, clerk):
    """Overdue at the end of January and resolved in February: January's
    book still says it was open and overdue, February's that it was late."""
    receive(app)  # due 08/01/2026
    act(app, "dc-officer", "resolve_dossier", vn(2026, 2, 3, 9), True, False)
    january = clerk.get("/print/book?period=2026-01").text
    row = re.search(rf'<tr data-code="{re.escape(CODE)}">(.*?)</tr>', january, re.S).group(1)  # type: ignore[union-attr]
    assert "Chưa có kết quả, quá hạn" in row and "Đang giải quyết" in row
    assert "03/02/2026" not in row
    quarter = clerk.get("/print/book?period=2026-Q1").text
    assert "Quá hạn" in quarter and "Chưa có kết quả" not in quarter


def test_a_bad_period_is_a_400_page_in_vietnamese(clerk):
    page = clerk.get("/print/book?period=2026-13")
    assert page.status_code == 400
    assert "Kỳ không hợp lệ: «2026-13»" in page.text


def test_the_book_stays_within_the_users_communes(app, clerk):
    assert clerk.get(f"/print/book?period=2026&commune={OTHER_COMMUNE}").status_code == 404
    page = clerk.get("/print/book")  # the current year by default
    assert page.status_code == 200 and "Không có hồ sơ nào được tiếp nhận" in page.text


# -- print and CSP -----------------------------------------------------------------------

def test_the_forms_have_no_inline_script_or_style_and_print_on_a4(worked, clerk):
    for url in (f"/print/dossiers/{CODE}/receipt", f"/print/dossiers/{CODE}/control",
                "/print/book?period=2026-01"):
        html = clerk.get(url).text
        assert "<script" not in html and "<style" not in html and " style=" not in html, url
        assert "/static/print.css" in html and "Ctrl</kbd>+<kbd>P" in html
    css = (ROOT / "static" / "print.css").read_text(encoding="utf-8")
    assert "size: A4 portrait" in css and "size: A4 landscape" in css
    assert re.search(r"@media print \{[^@]*\.screen-only \{ display: none; \}", css)


# -- staff names ------------------------------------------------------------------

def set_full_name(app, login: str, full_name: str) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        svc.record(svc.ledger.set_full_name, login, full_name)


def test_staff_are_printed_and_shown_by_their_full_name_where_one_is_set(worked, clerk):
    set_full_name(worked, "canbo", "Nguyễn Thị Lan")
    assert field(clerk.get(f"/print/dossiers/{CODE}/receipt").text, "clerk") == "Nguyễn Thị Lan"
    slip = clerk.get(f"/print/dossiers/{CODE}/control").text
    # dc-officer has no full name: the log-in name stands in for it.
    assert "<td>Nguyễn Thị Lan</td>\n      <td>dc-officer</td>" in slip
    page = text(clerk.get(f"/dossiers/{CODE}").text)
    assert "Nguyễn Thị Lan → dc-officer: Thẩm định" in page
    assert page.count("Nguyễn Thị Lan") >= 3  # the receipt, the hand-over, the return


def test_a_full_name_must_be_printable_and_new(app):
    svc = app.extensions["ledger"]
    head = svc.engine.head()
    for bad, message in (("", "cần từ 1 đến 100"), ("x" * 101, "cần từ 1 đến 100"),
                         ("Lan\x00", "ký tự điều khiển")):
        with acting_as("admin"), pytest.raises(InvalidValue, match=message):
            svc.record(svc.ledger.set_full_name, "canbo", bad)
    set_full_name(app, "canbo", "Nguyễn Thị Lan")
    with acting_as("admin"), pytest.raises(InvalidTransition, match="đã là Nguyễn Thị Lan"):
        svc.record(svc.ledger.set_full_name, "canbo", " Nguyễn  Thị Lan ")
    assert svc.engine.head() == head + 1


def test_a_long_book_streams_on_postgresql(postgres_app):
    """More lines than the database hands over at once (a thousand): the
    book is sent as it is read, through a server-side cursor, whole."""
    svc = postgres_app.extensions["ledger"]
    codes = [f"HS-{n:04d}" for n in range(1005)]
    with acting_as("canbo"), svc.ledger.batch() as batch:
        for n, code in enumerate(codes):
            svc.ledger.receive_dossier(COMMUNE, code, "2.000894", f"Người nộp {n}", "truc_tiep",
                                       "", vn(2026, 1, 5, 7) + timedelta(minutes=n))
        batch.save()
    client = postgres_app.test_client()
    assert log_in(client).status_code == 302
    page = client.get("/print/book?period=2026-01")
    assert page.status_code == 200 and page.is_streamed
    html = page.get_data(as_text=True)
    assert book_codes(html) == codes
    assert field(html, "summary").startswith("Tổng số: 1.005 hồ sơ.")
