"""Every page passes axe-core, for every role that can open it, at a phone's
and a desk's width.

One server serves a commune with a user per role and a dossier in each
state that shows forms; one browser walks the pages each role may open
(``app.people.permissions`` decides which), the log-in screen and the error
pages, with every folded form unfolded and the receipt form showing its
errors. axe-core (fetched by ``make``, pinned) runs in the page; a test
fails listing every violation of impact moderate or above, and every page
but the printed sheets that scrolls sideways on a phone or a tablet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app import create_app
from app.people.cli import create_user
from app.people.permissions import may
from events.application import ROLES
from events.base import acting_as
from events.violations import Violation
from tests.browser.conftest import ACCESS_FORMAT
from tests.live import COMMUNE, PASSWORD, LiveServer, serve

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = (1280, 390)
TABLET = 768  # checked for sideways scrolling only
SHEETS = ("/print/", "/procedures/board", "/reports/")  # A4 sheets on screen, wider than a phone
REPORTED = ("moderate", "serious", "critical")
PROCEDURE = "1.001234"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime.now(ZONE).replace(second=0, microsecond=0) - timedelta(hours=2)
# One dossier in each state whose page offers other steps (see ``_dossier``).
STATES = ("received", "supplement", "resolved", "returned", "refused")
CODES = {state: f"000.00.12.H23-{START:%y%m%d}-{9000 + n}" for n, state in enumerate(STATES)}


def _record(url: str) -> None:
    """A user per role (named after it), readers' scopes, and the dossiers."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "a11y", "TESTING": True})
    with app.app_context():
        svc = app.extensions["ledger"]
        for role in ROLES:
            create_user(role, role, COMMUNE, PASSWORD, full_name=f"Cán bộ {role}")
        with acting_as("admin"):  # a procedure with an address, for the QR board
            svc.record(svc.ledger.list_procedure, COMMUNE, "1.001193", "Đăng ký kết hôn",
                       "Hộ tịch", "xa", False, 3, 0, "https://dichvucong.example/1.001193")
        with acting_as("province_admin"):
            for reader in ("auditor", "inspector"):
                svc.record(svc.ledger.assign_scope, reader, [COMMUNE])
        for state, code in CODES.items():
            _dossier(svc, state, code)
        with acting_as("officer"):  # a village, a household checked, lids received
            svc.record(svc.ledger.add_village, COMMUNE, "Kiêm Tân")
            svc.record(svc.ledger.register_household, COMMUNE, "KT-001", "kiem-tan",
                       "Trần Văn Hộ", "xóm 1", START.date())
            svc.record(svc.ledger.check_household, COMMUNE, "KT-001", START.date(), False,
                       "Lẫn rác vô cơ", "Lê Văn Tổ")
            svc.record(svc.ledger.set_monitoring_group, COMMUNE, "kiem-tan", "Lê Văn Tổ",
                       ["KT-001"])
            svc.record(svc.ledger.receive_supplies, COMMUNE, "nap_day", 266, "UBND huyện",
                       "59/QĐ-UBND", START.date())
            # a legacy violation with its record made, so that its page offers the next steps
            svc.record(svc.ledger.detect_violation, COMMUNE, "VP-001", "dat_dai", "kiem-tan",
                       "Đồng Bàu", "Lê Văn C", "Đổ đất lấn ruộng", 2021, "Địa chính",
                       START.date())
            svc.record(svc.ledger.record_violation, COMMUNE, "VP-001", START.date(),
                       "03/BB-UBND")
    svc.close()


def _dossier(svc, state: str, code: str) -> None:  # type: ignore[no-untyped-def]
    ledger = svc.ledger

    def at(minutes: int) -> datetime:
        return START + timedelta(minutes=minutes)

    def act(actor: str, command, *args) -> None:  # type: ignore[no-untyped-def]
        with acting_as(actor):
            svc.record(command, COMMUNE, code, *args)

    act("clerk", ledger.receive_dossier, PROCEDURE, "Trần Thị Bình", "truc_tiep", "", at(0))
    if state == "refused":
        return act("clerk", ledger.refuse_dossier, at(5), "Không thuộc thẩm quyền của xã")
    if state == "received":
        return None
    act("clerk", ledger.hand_over, at(5), "officer", "Thẩm định hồ sơ",
        (at(0) + timedelta(days=3)).date())
    if state == "supplement":  # late too: an apology and a new date (its slip, Mẫu 04)
        act("officer", ledger.apologise, at(8), (at(0) + timedelta(days=10)).date(),
            "Cần xác minh thêm tại thôn")
        return act("officer", ledger.request_supplement, at(10), "Thiếu bản sao giấy tờ")
    act("officer", ledger.resolve_dossier, at(10), True, False)
    if state == "returned":
        act("clerk", ledger.return_dossier, at(15))
    return None


@pytest.fixture(scope="module")
def commune(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not AXE.is_file():
        pytest.fail(f"{AXE.name} is missing: run `make tests/browser/vendor/axe.min.js` "
                    "in the repository root (it fetches the pinned axe-core and checks it).")
    with serve(tmp_path_factory.mktemp("a11y"), ACCESS_FORMAT, prepare=_record) as server:
        yield server


# (path, the endpoint that decides who may open it)
PAGES = (
    ("/", "dashboard.index"),
    ("/dossiers", "dossiers.index"),
    *((f"/dossiers/{code}", "dossiers.show") for code in CODES.values()),
    ("/procedures", "catalogue.index"),
    (f"/procedures/{PROCEDURE}", "catalogue.show"),
    ("/procedures/1.001193", "catalogue.show"),  # with its address and QR code
    ("/procedures/board", "catalogue.board"),
    ("/imports", "imports.index"),
    ("/admin/users", "admin.users"),
    ("/admin/scopes", "admin.scopes"),
    ("/admin/calendar", "admin.calendar"),
    ("/account/password", "account.password"),
    (f"/print/dossiers/{CODES['resolved']}/receipt", "printing.receipt"),
    (f"/print/dossiers/{CODES['resolved']}/control", "printing.control_slip"),
    (f"/print/book?period={START:%Y-%m}", "printing.book"),
    (f"/print/dossiers/{CODES['supplement']}/supplement", "printing.supplement"),
    (f"/print/dossiers/{CODES['supplement']}/apology", "printing.apology"),
    (f"/print/dossiers/{CODES['refused']}/refusal", "printing.refusal"),
)
PAGES += (("/citizens/accounts", "citizens.accounts"), ("/citizens/feedback", "citizens.feedback"))
PAGES += (("/households", "households.index"), ("/households/ho/KT-001", "households.show"),
          ("/households/thon/kiem-tan", "households.village"),
          ("/households/supplies", "households.supplies"), ("/households/new", "households.new"),
          ("/households/reference", "households.reference"))
PAGES += (("/violations", "violations.index"), ("/violations/new", "violations.new"),
          (f"/violations/{Violation.id_for(COMMUNE, 'VP-001')}", "violations.show"))
PAGES += (("/reports", "reports.index"), (f"/reports/{START:%Y}.html", "reports.as_html"))
NOT_FOUND = "/dossiers/000.00.12.H23-000101-0001"


def violations(page: Page, where: str) -> list[str]:
    """axe-core's violations of impact moderate or above on the page as it
    stands, at each width, one line each with the elements concerned; and,
    but for the printed A4 sheets, a page that scrolls sideways."""
    page.add_script_tag(path=str(AXE))
    found = []
    for width in (*WIDTHS, TABLET):
        page.set_viewport_size({"width": width, "height": 900})
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width and not where.startswith(SHEETS):
            found.append(f"{where} @{width}px: scrolls sideways to {scrolled} px")
        if width not in WIDTHS:
            continue
        results = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' '))}));
        }""")
        found += [f"{where} @{width}px: {v['id']} ({v['impact']}) {v['help']}: "
                  f"{', '.join(v['targets'][:5])}"
                  for v in results if v["impact"] in REPORTED]
    return found


def visit(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, url
    # Folded step forms are audited as a user opening them sees them.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def log_in(context: BrowserContext, server: LiveServer, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.locator('input[name="name"]').fill(name)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{server.url}/")
    return page


@pytest.fixture
def a11y_context(browser: Browser, browser_context_args: dict) -> Iterator[BrowserContext]:  # type: ignore[type-arg]
    # The pages' Content-Security-Policy would refuse the injected script.
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


def fail_on(found: list[str]) -> None:
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_opens_passes_axe(role: str, commune: LiveServer,
                                            a11y_context: BrowserContext) -> None:
    page = log_in(a11y_context, commune, role)
    found: list[str] = []
    forbidden = None
    for path, endpoint in PAGES:
        if may([role], endpoint):
            visit(page, commune.url + path)
            found += violations(page, path)
        elif forbidden is None:
            forbidden = path
    if may([role], "dossiers.receive"):
        # The receipt form as a clerk sees it after a mistake: every error shown.
        visit(page, commune.url + "/")
        form = page.locator("#receive-form")
        form.locator('[name="applicant"]').fill("")
        form.locator('[name="procedure_code"]').fill("")
        page.get_by_role("button", name="Tiếp nhận", exact=True).click()
        expect(form.locator("p.error").first).to_be_visible()
        found += violations(page, "/ (receipt form with errors)")
    visit(page, commune.url + NOT_FOUND, 404)
    found += violations(page, "404")
    if forbidden is not None:
        visit(page, commune.url + forbidden, 403)
        found += violations(page, f"403 {forbidden}")
    fail_on(found)


def test_the_log_in_screen_passes_axe(commune: LiveServer,
                                      a11y_context: BrowserContext) -> None:
    page = a11y_context.new_page()
    visit(page, f"{commune.url}/login")
    found = violations(page, "/login")
    page.locator('input[name="name"]').fill("khong-co-ai")
    page.locator('input[name="password"]').fill("sai-mat-khau-roi")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.locator(".error, .flash").first).to_be_visible()
    fail_on(found + violations(page, "/login (wrong password)"))
