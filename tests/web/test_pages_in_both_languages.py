"""Every page of the people, dashboard, import, dossier, error and catalogue
areas and the tracking book, as each role sees it: in Vietnamese no English
word of the interface, no role code and no field code; in English the
interface's own words in English, but a printed form's sheet still in
Vietnamese."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.people.cli import create_user
from app.people.permissions import may
from app.service import upgrade
from events.application import ROLES
from events.base import acting_as
from events.dossiers import values
from events.dossiers.corrections import FIELD_NAMES
from events.violations import Violation
from tests.conftest import (
    COMMUNE,
    OTHER_COMMUNE,
    PASSWORD,
    csrf_token,
    list_procedures,
    log_in,
    vn,
)

# Pages, by the endpoint that answers them; each role sees those it may,
# and the refusal page for the others.
PAGES = {"dashboard.index": "/", "dashboard.counts": "/dashboard/counts",
         "dashboard.fields": "/dashboard/fields",
         "account.password": "/account/password", "admin.users": "/admin/users",
         "admin.scopes": "/admin/scopes", "admin.calendar": "/admin/calendar",
         "imports.index": "/imports", "catalogue.index": "/procedures",
         "catalogue.show": "/procedures/1.001193", "printing.book": "/print/book?period=2023",
         "dossiers.index": "/dossiers", "dossiers.show": "/dossiers/{code}"}
PAGES |= {"citizens.accounts": "/citizens/accounts", "citizens.feedback": "/citizens/feedback",
          "citizens.show_feedback": "/citizens/feedback/{code}"}
PAGES |= {"violations.index": "/violations", "violations.new": "/violations/new",
          "violations.show": f"/violations/{Violation.id_for(COMMUNE, 'VP-2023-0001')}"}
PAGES |= {"households.index": "/households?period=2023", "households.show": "/households/ho/KT-001",
          "households.village": "/households/thon/kiem-tan",
          "households.supplies": "/households/supplies", "households.new": "/households/new",
          "households.reference": "/households/reference"}
PAGES |= {"reports.index": "/reports?period=2023-H1", "reports.as_html": "/reports/2023-H1.html"}
# Printed forms: the page stays Vietnamese, only the bar above the sheet follows the user.
PRINTED = {"printing.book": "Sổ theo dõi hồ sơ", "reports.as_html": "BÁO CÁO"}
# A phrase of each page in English (the refusal page's, for one refused).
IN_ENGLISH = {"dashboard.index": "Report period", "dashboard.counts": "Received in the period",
              "dashboard.fields": "Counting the figures by field",
              "account.password": "Current password", "admin.users": "Create a user",
              "admin.scopes": "Reading scopes of inspectors and auditors",
              "admin.calendar": "Extra days off",
              "imports.index": "Import dossiers from a CSV file",
              "catalogue.index": "Catalogue of administrative procedures",
              "catalogue.show": "Handled by Commune Police",
              "printing.book": "Period",
              "dossiers.index": "Due this week", "dossiers.show": "Timeline",
              "receive errors": "Enter the dossier code.",
              "period error": "The list below is not filtered by period.",
              "refused": "You are not allowed to do this."}
IN_ENGLISH |= {"citizens.accounts": "National public service portal accounts opened with help",
               "citizens.feedback": "Citizen feedback", "citizens.show_feedback": "Answer due"}
IN_ENGLISH |= {"reports.index": "Choose the reporting period",
               "reports.as_html": "Download the Word file"}
IN_ENGLISH |= {"violations.index": "Violations register",
               "violations.new": "Record a newly detected violation",
               "violations.show": "deadline to comply passed"}
IN_ENGLISH |= {"households.index": "Organic waste sorting at source",
               "households.show": "Enrolled in sorting", "households.village": "Monitoring group",
               "households.supplies": "In stock",
               "households.new": "Register a household in waste sorting",
               "households.reference": "Villages and supply items",
               "household errors": "Enter the household code."}
ENGLISH_WORDS = ("dashboard", "overview", "log in", "log out", "login", "logout", "password",
                 "user", "users", "role", "roles", "save", "submit", "search", "error", "import",
                 "create", "delete", "edit", "cancel", "status", "name", "date", "period",
                 "dossier", "dossiers", "procedure", "procedures", "overdue", "received",
                 "resolved", "returned", "online", "commune", "grant", "revoke", "enable",
                 "disable", "actions", "show", "none", "required", "invalid", "field", "system",
                 "true", "false", "this field")
CODES = (*ROLES, *FIELD_NAMES)
# Log-in names that are no English word and no code.
USERS = {role: f"nguoidung{i}" for i, role in enumerate(ROLES, 1)}
# A dossier received with its papers, its fee paid, waiting for a supplement.
CODE = "000.00.12.H23-230109-0001"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A commune whose users are named as people are, not after their roles."""
    from app import create_app
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('languages')) / 'ledger.sqlite3'}"
    upgrade(url)
    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True})
    with flask_app.app_context():
        svc = flask_app.extensions["ledger"]
        with acting_as("system"):
            svc.record(svc.ledger.register_commune, COMMUNE, "Quảng Nghiệp")
            svc.record(svc.ledger.register_commune, OTHER_COMMUNE, "Đại Hợp")
        for role, name in USERS.items():
            create_user(name, role, COMMUNE, PASSWORD, full_name=f"Nguyễn Văn {name[-1]}")
        with acting_as("system"):
            list_procedures(svc, COMMUNE)
        with acting_as(USERS["clerk"]):
            svc.record(svc.ledger.receive_dossier, COMMUNE, CODE, "2.000894", "Vũ Văn Nam",
                       "truc_tuyen", "toan_trinh", vn(2023, 1, 9, 9), phone="0912345678",
                       address="Thôn 3", papers=values.papers_from_text(
                           "Tờ khai đăng ký khai sinh; bản chính; 1"))
            svc.record(svc.ledger.pay_fee, COMMUNE, CODE, vn(2023, 1, 9, 10), 8000, "tien_mat")
            svc.record(svc.ledger.request_supplement, COMMUNE, CODE, vn(2023, 1, 10, 9),
                       "Thiếu giấy chứng sinh")
            svc.record(svc.ledger.receive_feedback, COMMUNE, CODE, vn(2023, 1, 10).date(),
                       "dien_thoai", "Hỏi tiến độ hồ sơ", CODE)
        with acting_as(USERS["officer"]):  # a legacy violation, its penalty overdue
            svc.record(svc.ledger.add_village, COMMUNE, "Mạc")
            svc.record(svc.ledger.detect_violation, COMMUNE, "VP-2023-0001", "dat_dai", "mac",
                       "Đồng Bàu", "Lê Văn C", "Xây tường rào", 2021, "Địa chính",
                       vn(2023, 1, 9).date())
            svc.record(svc.ledger.record_violation, COMMUNE, "VP-2023-0001",
                       vn(2023, 1, 10).date(), "03/BB")
            svc.record(svc.ledger.penalise_violation, COMMUNE, "VP-2023-0001",
                       vn(2023, 1, 11).date(), "5/QĐ-XPHC", 1_000_000, vn(2023, 2, 1).date())
        with acting_as(USERS["admin"]):  # a procedure listed, then amended: a history
            svc.record(svc.ledger.list_procedure, COMMUNE, "1.001193",
                       "Đăng ký thường trú", "Đăng ký, quản lý cư trú", "cong_an", True, 7, 0,
                       "https://dichvucong.gov.vn/p/1.001193")
            svc.record(svc.ledger.amend_procedure, COMMUNE, "1.001193",
                       "Đăng ký thường trú", "Đăng ký, quản lý cư trú", "cong_an", False, 5,
                       15000, "https://dichvucong.gov.vn/p/1.001193")
            # A village with a household sorting waste, checked once; lids received.
            svc.record(svc.ledger.add_village, COMMUNE, "Kiêm Tân")
            svc.record(svc.ledger.register_household, COMMUNE, "KT-001", "kiem-tan",
                       "Trần Văn Hộ", "xóm 1", vn(2023, 1, 9).date())
            svc.record(svc.ledger.enrol_household, COMMUNE, "KT-001", vn(2023, 1, 9).date())
            svc.record(svc.ledger.check_household, COMMUNE, "KT-001", vn(2023, 2, 1).date(),
                       False, "Lẫn rác vô cơ", "Lê Văn Tổ")
            svc.record(svc.ledger.receive_supplies, COMMUNE, "nap_day", 266, "UBND huyện",
                       "59/QĐ-UBND", vn(2023, 1, 9).date())
    yield flask_app
    flask_app.extensions["ledger"].close()


class VisibleText(HTMLParser):
    """What a reader sees or hears of a page, in the page's language: text
    and the attributes shown or read aloud, leaving out scripts, styles,
    ``<code>`` (the file format's column names are codes by contract) and
    anything marked as written in another language (the switch's
    "English")."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}
    SHOWN = ("placeholder", "aria-label", "title", "alt", "hx-confirm")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []
        self.page_language = ""

    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.page_language = values.get("lang") or ""
            return
        other = values.get("lang") not in (None, self.page_language)
        if not self.hidden() and not other:
            self.parts += [values[a] or "" for a in self.SHOWN if a in values]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.parts.append(values.get("value") or "")
        if tag not in self.VOID:
            self.open.append((tag, other or tag in ("script", "style", "code")))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden():
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def words_in(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I)]


def printed(html: str) -> tuple[str, str]:
    """A printed form's sheet, as the page's own language reads it, and the
    bar above it, marked as in the user's language."""
    assert '<html lang="vi">' in html
    bar = re.search(r'<nav class="screen-only" lang="en">(.*?)</nav>', html, re.S)
    assert bar, "the bar is not marked as English"
    return visible(html), " ".join(re.sub(r"<[^>]+>", " ", bar.group(1)).split())


def pages_of(client, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every page, as ``role`` is answered; and the forms sent empty, with
    their errors."""
    shown = {}
    for endpoint, url in PAGES.items():
        answer = client.get(url.format(code=CODE))
        assert answer.status_code == (200 if may({role}, endpoint) else 403), (role, url)
        shown[endpoint if answer.status_code == 200 else "refused"] = answer.text
    token = csrf_token(shown["account.password"])
    shown["password errors"] = client.post("/account/password", data={"csrf_token": token}).text
    if may({role}, "admin.create_user"):
        shown["user errors"] = client.post("/admin/users", data={"csrf_token": token}).text
    if may({role}, "catalogue.list_procedure"):
        shown["procedure errors"] = client.post("/procedures", data={"csrf_token": token}).text
    if may({role}, "admin.declare_day_off"):
        shown["calendar errors"] = client.post("/admin/calendar/day-off", data={
            "csrf_token": token, "off-day": "2026-13-45"}).text
    if may({role}, "dossiers.index"):
        shown["period error"] = client.get("/dossiers?from=2023-13-45").text
        shown["no dossier found"] = client.get("/dossiers?q=khong-co-ai").text
    if may({role}, "dossiers.receive"):
        shown["receive errors"] = client.post("/dossiers", data={"csrf_token": token}).text
    # A step sent empty: its field's error, or why the dossier cannot take it now.
    for step in ("receive_supplement", "request_supplement"):
        if may({role}, f"dossiers.{step}"):
            shown["step errors"] = client.post(f"/dossiers/{CODE}/{step.replace('_', '-')}",
                                               data={"csrf_token": token}).text
            break
    if may({role}, "households.register"):
        shown["household errors"] = client.post("/households", data={"csrf_token": token}).text
    shown["missing page"] = client.get("/no-such-page").text
    return shown


def switch(client, language: str) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    answer = client.post("/account/language", data={"csrf_token": token, "language": language})
    assert answer.status_code == 303


@pytest.mark.parametrize("role", ROLES)
def test_each_page_speaks_vietnamese_then_english(app, role):
    client = app.test_client()
    assert log_in(client, USERS[role]).status_code == 302
    for name, html in pages_of(client, role).items():
        text = visible(html)
        assert '<html lang="vi">' in html, name
        assert words_in(text, ENGLISH_WORDS) == [], (role, name, text)
        assert words_in(text, CODES) == [], (role, name, text)
    switch(client, "en")
    english = pages_of(client, role)
    for name, html in english.items():
        if name in PRINTED:
            sheet, bar = printed(html)
            assert PRINTED[name] in sheet and words_in(sheet, ENGLISH_WORDS) == [], (role, name)
            assert IN_ENGLISH[name] in bar and "Print" in bar, (role, name, bar)
            continue
        assert '<html lang="en">' in html, name
        assert "Overview" in visible(html) and "Log out" in visible(html), (role, name)
        # English names may be English words ("clerk"); codes with "_" are no word.
        assert words_in(visible(html), tuple(c for c in CODES if "_" in c)) == [], (role, name)
        if name in IN_ENGLISH:
            assert IN_ENGLISH[name] in visible(html), (role, name)
    assert "Enter your current password." in visible(english["password errors"])
    if "procedure errors" in english:
        assert "Enter the procedure code." in visible(english["procedure errors"])
    if "calendar errors" in english:  # WTForms' own message, through the catalogue
        assert "Not a valid date (format YYYY-MM-DD)." in visible(english["calendar errors"])
    if "dossiers.show" in english:
        dossier = visible(english["dossiers.show"])
        assert "Print the supplement request slip (form 02)" in dossier
        assert "1 copy" in dossier and "8.000 VND · Cash" in dossier, dossier
    if may({role}, "dossiers.withdraw"):  # the question asked before a step with no way back
        assert ("Record that the citizen withdraws this dossier? This cannot be undone once "
                "recorded.") in visible(english["dossiers.show"])
    if may({role}, "dossiers.receive"):
        assert "Procedure (code or name)" in visible(english["dashboard.index"])
        assert "Enter the time." in visible(english["step errors"])
    elif "step errors" in english:
        assert ("«Request a supplement» is not possible for a dossier in this state."
                in visible(english["step errors"]))
    if "no dossier found" in english:
        assert "No dossier matches «khong-co-ai»." in visible(english["no dossier found"])
    switch(client, "vi")


def test_the_log_in_page_and_its_errors_are_vietnamese(app):
    client = app.test_client()
    page = client.get("/login").text
    refused = client.post("/login", data={"csrf_token": csrf_token(page)}).text
    for html in (page, refused):
        text = visible(html)
        assert "Đăng nhập" in text and words_in(text, ENGLISH_WORDS + CODES) == [], text
    assert "Hãy nhập tên đăng nhập." in visible(refused)


def test_the_checker_sees_what_it_must():
    """The checks above can fail: an English word, a role code in a label,
    a field code in text all show."""
    html = ('<html lang="vi"><p>Tên người nộp</p><button lang="en">English</button>'
            '<input type="submit" value="Save"><span aria-label="clerk"></span>'
            '<p>amount: 5</p><code>kenh</code></html>')
    text = visible(html)
    assert words_in(text, ENGLISH_WORDS) == ["save"]
    assert words_in(text, CODES) == ["clerk", "amount"]
    assert "English" not in text and "kenh" not in text
