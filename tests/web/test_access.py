"""Roles, scopes and the log-in, walked over every route rather than sampled."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.people.permissions import ENDPOINTS, OPEN, ROLES, P, may
from app.people.sessions import SESSIONS, now
from events.base import acting_as
from events.documents import Document
from events.people import Access, User
from events.targets import Target
from events.violations import Violation
from tests.conftest import COMMUNE, OTHER_COMMUNE, PASSWORD, csrf_token, log_in

CODE = "000.00.12.H23-260105-0001"
OTHER_CODE = "000.00.13.H23-260105-0001"
ARGS = {"code": CODE, "name": "canbo", "job": "0" * 32, "kind": "xlsx", "period": "2026-01"}
# A target in each commune: the same indicator and period, another commune's.
TARGET = ("online_rate", date(2026, 1, 1), date(2026, 12, 31))
ARGS["target_id"] = str(Target.id_for(COMMUNE, *TARGET))
# A document in each commune: the same number and symbol, another commune's.
DOCUMENT = "1/BC-UBND"
ARGS["document_id"] = str(Document.id_for(COMMUNE, 2026, DOCUMENT))
OTHER_DOCUMENT_ID = str(Document.id_for(OTHER_COMMUNE, 2026, DOCUMENT))
# A village and a household in each commune, under the same codes.
ARGS["village"] = "kiem-tan"
ARGS["household"] = "KT-0001"
# A period, for its report's pages.
ARGS["period_text"] = "2026-H1"
# A violation with an evidence file in each commune: the same code, another commune's.
VIOLATION, EVIDENCE = "VP-2026-0001", "ab" * 32
ARGS |= {"violation_id": str(Violation.id_for(COMMUNE, VIOLATION)), "sha256": EVIDENCE}
OTHER_VIOLATION_ID = str(Violation.id_for(OTHER_COMMUNE, VIOLATION))


@pytest.fixture
def ledger_app(app):  # type: ignore[no-untyped-def]
    """The app with one dossier in each commune."""
    return with_dossiers(app)


def with_dossiers(app):  # type: ignore[no-untyped-def]
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        for commune, code in ((COMMUNE, CODE), (OTHER_COMMUNE, OTHER_CODE)):
            svc.record(svc.ledger.receive_dossier, commune, code, "1.0", "Ngô Văn D",
                       "truc_tiep", "", _t(), _t().date() + timedelta(days=3))
            svc.record(svc.ledger.issue_document, commune, DOCUMENT, "bao_cao", "Báo cáo",
                       _t().date(), "Nguyễn Văn A", False, "khac")
            # Feedback under the same code, so that its pages are walked as found.
            svc.record(svc.ledger.receive_feedback, commune, code, _t().date(), "truc_tiep",
                       "Chậm trả kết quả", code)
            # A target, so that its pages and forms are walked as found.
            svc.record(svc.ledger.set_target, commune, *TARGET, 0.9, "59/QĐ-UBND",
                       _t().date(), "UBND huyện")
            # A village and a household, so that their pages and forms are walked as found.
            svc.record(svc.ledger.add_village, commune, "Kiêm Tân", ARGS["village"])
            svc.record(svc.ledger.add_village, commune, "Mạc", "mac")  # to move or merge into
            svc.record(svc.ledger.register_household, commune, ARGS["household"],
                       ARGS["village"], "Nguyễn Văn Kiêm", "thôn Kiêm Tân", _t().date())
            # And a violation with a file, so that its pages and forms are walked as found.
            svc.record(svc.ledger.detect_violation, commune, VIOLATION, "dat_dai", "mac",
                       "Đồng Bàu", "Lê C", "", 2026, "Địa chính", _t().date())
            svc.record(svc.ledger.attach_violation_evidence, commune, VIOLATION, 1, EVIDENCE,
                       10, "image/png", "a.png")
    return app


def _t():  # type: ignore[no-untyped-def]
    from tests.conftest import vn
    return vn(2026, 1, 5, 9)


def routes(app, methods):  # type: ignore[no-untyped-def]
    """Every rule of the URL map with these methods, as (endpoint, method, url)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & methods):
            args = {a: ARGS[a] for a in rule.arguments}
            found.append((rule.endpoint, method, rule.build(args)[1]))
    return found


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def client_for(app, name):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def test_every_route_is_in_the_permission_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - OPEN <= set(ENDPOINTS), endpoints - OPEN - set(ENDPOINTS)


def test_every_route_but_login_and_health_needs_a_log_in(ledger_app):
    client = ledger_app.test_client()
    for endpoint, method, url in routes(ledger_app, {"GET", "POST"}):
        token = {"csrf_token": csrf_token(client.get("/login").text)}
        response = client.open(url, method=method, data=token if method == "POST" else None)
        if endpoint in OPEN:
            assert response.status_code in (200, 422), url
        else:
            assert response.status_code in (302, 401), (method, url)
            assert response.status_code == 401 or "/login" in response.headers["Location"]


def test_every_state_changing_request_without_csrf_is_400_and_records_nothing(ledger_app):
    admin = client_for(ledger_app, "admin")
    before = head(ledger_app)
    unsafe = routes(ledger_app, {"POST", "PUT", "PATCH", "DELETE"})
    assert len(unsafe) >= 10
    for client in (admin, ledger_app.test_client()):
        for _endpoint, method, url in unsafe:
            response = client.open(url, method=method, data={"name": "x", "role": "admin"})
            assert response.status_code == 400, (method, url)
    assert head(ledger_app) == before


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_gets_exactly_the_routes_its_permissions_allow(ledger_app, role):
    client = client_for(ledger_app, role)
    token = csrf_token(client.get("/account/password").text)
    for endpoint, method, url in routes(ledger_app, {"GET", "POST"}):
        if endpoint in OPEN or endpoint == "auth.logout":
            continue
        response = client.open(url, method=method, data={"csrf_token": token})
        allowed = may({role}, endpoint)
        assert (response.status_code != 403) == allowed, (role, method, url, response.status_code)


@pytest.mark.parametrize("role", ["auditor", "inspector"])
def test_readers_can_change_nothing(ledger_app, role):
    client = client_for(ledger_app, role)
    token = csrf_token(client.get("/").text)
    before = head(ledger_app)
    for endpoint, _method, url in routes(ledger_app, {"POST"}):
        if ENDPOINTS.get(endpoint) in (P.ANY_USER, None):
            continue
        # Checking the log's hash chain is theirs to do: it records nothing in it.
        refused = ENDPOINTS[endpoint] is not P.VIEW_AUDIT
        assert (client.post(url, data={"csrf_token": token}).status_code == 403) == refused, url
    assert head(ledger_app) == before
    assert "Tiếp nhận hồ sơ" not in client.get("/").text  # no form they cannot use


def test_another_communes_dossier_is_not_found(ledger_app):
    clerk, officer = client_for(ledger_app, "canbo"), client_for(ledger_app, "officer")
    assert clerk.get(f"/dossiers/{CODE}").status_code == 200
    assert clerk.get(f"/dossiers/{OTHER_CODE}").status_code == 404
    assert clerk.get(f"/?commune={OTHER_COMMUNE}").status_code == 404
    assert OTHER_CODE not in clerk.get("/dossiers?q=H23").text
    token = csrf_token(officer.get("/").text)
    response = officer.post(f"/dossiers/{OTHER_CODE}/resolve", data={
        "csrf_token": token, "resolve-occurred_at": "2026-01-06T10:00"})
    assert response.status_code == 404


def test_an_inspector_reads_the_communes_in_scope(ledger_app):
    svc = ledger_app.extensions["ledger"]
    inspector = client_for(ledger_app, "inspector")
    assert inspector.get(f"/dossiers/{OTHER_CODE}").status_code == 404
    with acting_as("province_admin"):
        svc.record(svc.ledger.assign_scope, "inspector", [OTHER_COMMUNE])
    assert inspector.get(f"/dossiers/{OTHER_CODE}").status_code == 200
    page = inspector.get(f"/?commune={OTHER_COMMUNE}&period=2026-01")
    assert page.status_code == 200 and 'data-count="received">1<' in page.text
    # The communes to choose from, by their names.
    assert f'<option value="{OTHER_COMMUNE}" selected>Đại Hợp</option>' in page.text
    assert f'<option value="{COMMUNE}">Quảng Nghiệp</option>' in page.text
    assert inspector.get("/?commune=99999").status_code == 404
    province = client_for(ledger_app, "province_admin")
    scopes = province.get("/admin/scopes").text
    assert re.search(r'<td>inspector</td>.*?<td>Đại Hợp</td>', scopes, re.S)


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replayed(app, cookie: str):  # type: ignore[no-untyped-def]
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/")


def test_a_cookie_captured_before_log_out_is_refused_after(app):
    client = client_for(app, "canbo")
    cookie = _session_cookie(client)
    assert _replayed(app, cookie).status_code == 200
    token = csrf_token(client.get("/").text)
    client.post("/logout", data={"csrf_token": token})
    assert _replayed(app, cookie).status_code == 302


def test_disabling_a_user_ends_their_sessions(app):
    cookie = _session_cookie(client_for(app, "canbo"))
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    assert admin.post("/admin/users/canbo/disable", data={"csrf_token": token}).status_code == 303
    assert _replayed(app, cookie).status_code == 302
    refused = log_in(app.test_client(), "canbo")
    assert refused.status_code == 422 and "vô hiệu hóa" in refused.text


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app):
    other = _session_cookie(client_for(app, "canbo"))
    client = client_for(app, "canbo")
    token = csrf_token(client.get("/account/password").text)
    response = client.post("/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "mat-khau-moi-hon", "confirm":
        "mat-khau-moi-hon"})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    assert _replayed(app, other).status_code == 302
    assert log_in(app.test_client(), "canbo", "mat-khau-moi-hon").status_code == 302


@pytest.mark.parametrize("column, age", [("last_seen_at", timedelta(minutes=31)),
                                         ("created_at", timedelta(hours=12, minutes=1))])
def test_idle_and_absolute_timeouts_end_a_session(app, column, age):
    client = client_for(app, "canbo")
    assert client.get("/").status_code == 200
    with app.extensions["ledger"].write() as conn:
        conn.execute(update(SESSIONS).values({column: now() - age}))
    assert client.get("/").status_code == 302


def test_an_admin_set_password_must_be_changed_first(app):
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    created = admin.post("/admin/users", data={"csrf_token": token, "name": "moi",
                                               "role": "clerk", "password": "tam-thoi-123"})
    assert created.status_code == 303
    short = admin.post("/admin/users", data={"csrf_token": token, "name": "moi2",
                                             "role": "clerk", "password": "ngan"})
    assert short.status_code == 422 and "Mật khẩu cần từ 10 đến 256 ký tự." in short.text
    newcomer = app.test_client()
    assert log_in(newcomer, "moi", "tam-thoi-123").status_code == 302
    assert newcomer.get("/").headers["Location"].endswith("/account/password")
    token = csrf_token(newcomer.get("/account/password").text)
    newcomer.post("/account/password", data={
        "csrf_token": token, "current": "tam-thoi-123", "new": "cua-rieng-toi-1",
        "confirm": "cua-rieng-toi-1"})
    assert newcomer.get("/").status_code == 200


def test_roles_are_granted_and_revoked_as_events(app):
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    officer_routes = f"/dossiers/{CODE}/resolve"
    clerk = client_for(app, "canbo")
    clerk_token = csrf_token(clerk.get("/").text)
    assert clerk.post(officer_routes, data={"csrf_token": clerk_token}).status_code == 403
    admin.post("/admin/users/canbo/grant", data={"csrf_token": token, "role": "officer"})
    assert clerk.post(officer_routes, data={"csrf_token": clerk_token}).status_code == 404
    admin.post("/admin/users/canbo/revoke", data={"csrf_token": token, "role": "officer"})
    assert clerk.post(officer_routes, data={"csrf_token": clerk_token}).status_code == 403
    events = list(app.extensions["ledger"].ledger.events.get(User.id_for("canbo")))
    assert [type(e).__name__ for e in events][-2:] == ["RoleGranted", "RoleRevoked"]
    assert events[-1].actor == "admin"


def test_an_admin_sets_a_users_full_name_and_a_bad_one_changes_nothing(app):
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    before = head(app)
    empty = admin.post("/admin/users/canbo/full-name", data={"csrf_token": token,
                                                            "full_name": ""})
    assert empty.status_code == 422 and "Hãy nhập họ và tên." in empty.text
    assert head(app) == before
    done = admin.post("/admin/users/canbo/full-name", data={"csrf_token": token,
                                                           "full_name": "Nguyễn Thị Lan"})
    assert done.status_code == 303
    assert "<td>Nguyễn Thị Lan</td>" in admin.get("/admin/users").text
    events = list(app.extensions["ledger"].ledger.events.get(User.id_for("canbo")))
    assert (type(events[-1]).__name__, events[-1].actor) == ("FullNameSet", "admin")
    clerk = client_for(app, "canbo")
    assert "Nguyễn Thị Lan (canbo)" in clerk.get("/").text  # who is logged in, by name
    assert clerk.post("/admin/users/canbo/full-name", data={
        "csrf_token": csrf_token(clerk.get("/").text), "full_name": "Tự đặt"}).status_code == 403


def test_log_ins_failures_and_log_outs_are_events(app):
    log_in(app.test_client(), "canbo", "sai-mat-khau-roi")
    client = client_for(app, "canbo")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    events = list(app.extensions["ledger"].ledger.events.get(Access.id_for("canbo")))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Opened", "LoginFailed", "LoggedIn", "LoggedOut"]
    assert events[1].reason == "bad_password" and events[1].address == "10.0.0.1"


def test_five_failures_lock_the_account_for_fifteen_minutes(app):
    for attempt in range(5):
        response = log_in(app.test_client(), "canbo", f"sai-{attempt}-mat-khau")
    assert response.status_code == 429 and "tạm khóa" in response.text
    right = log_in(app.test_client(), "canbo")
    assert right.status_code == 429 and "tạm khóa" in right.text
    events = app.extensions["ledger"].ledger.events.get(Access.id_for("canbo"))
    assert "Locked" in [type(e).__name__ for e in events]
    assert log_in(app.test_client(), "officer").status_code == 302  # not the address: one account


def test_security_headers_and_cookie_flags(app):
    client = app.test_client()
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = log_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    token = csrf_token(secure.get("/login", base_url="https://localhost").text)
    answer = secure.post("/login", base_url="https://localhost", data={
        "csrf_token": token, "name": "canbo", "password": PASSWORD},
        headers={"Referer": "https://localhost/login"})  # CSRF checks it over HTTPS
    assert re.search(r"; Secure", answer.headers["Set-Cookie"])


def test_a_commune_admins_scope_grant_is_403_and_a_province_admin_grants_to_readers_only(
        ledger_app):
    admin = client_for(ledger_app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    before = head(ledger_app)
    for name in ("admin", "inspector"):
        response = admin.post(f"/admin/users/{name}/scope",
                              data={"csrf_token": token, "communes": OTHER_COMMUNE})
        assert response.status_code == 403, name
    assert head(ledger_app) == before
    assert admin.get(f"/?commune={OTHER_COMMUNE}").status_code == 404
    province = client_for(ledger_app, "province_admin")
    token, before = csrf_token(province.get("/admin/scopes").text), head(ledger_app)
    for name in ("canbo", "officer", "leader", "admin", "province_admin"):
        refused = province.post(f"/admin/users/{name}/scope",
                                data={"csrf_token": token, "communes": OTHER_COMMUNE})
        assert refused.status_code == 422 and "thanh tra" in refused.text, name
    assert head(ledger_app) == before
    granted = province.post("/admin/users/inspector/scope",
                            data={"csrf_token": token, "communes": OTHER_COMMUNE})
    assert granted.status_code == 303
    inspector = client_for(ledger_app, "inspector")
    assert inspector.get(f"/dossiers/{OTHER_CODE}").status_code == 200
    event = list(ledger_app.extensions["ledger"].ledger.events.get(User.id_for("inspector")))[-1]
    assert (type(event).__name__, event.granted, event.actor) == \
        ("ScopeChanged", [OTHER_COMMUNE], "province_admin")
    assert province.post("/admin/users/inspector/scope",
                         data={"csrf_token": token, "communes": ""}).status_code == 303
    assert inspector.get(f"/dossiers/{OTHER_CODE}").status_code == 404


def _record_scope(app, name: str, event_class) -> None:  # type: ignore[no-untyped-def]
    """A scope over the other commune as the log may hold it from before
    only a province admin could give one."""
    svc = app.extensions["ledger"]
    with acting_as("admin"):
        user = svc.ledger.user(name)
        user._record(event_class, communes=[OTHER_COMMUNE])
        svc.record(svc.ledger.save, user)


def test_a_scope_a_commune_admin_gave_itself_before_reads_nothing_more(ledger_app):
    _record_scope(ledger_app, "admin", User.ScopeAssigned)
    admin = client_for(ledger_app, "admin")
    assert admin.get(f"/?commune={OTHER_COMMUNE}").status_code == 404
    assert admin.get(f"/dossiers/{OTHER_CODE}").status_code == 404


def test_a_commune_admin_manages_no_account_that_reaches_other_communes(ledger_app):
    _record_scope(ledger_app, "inspector", User.ScopeAssigned)
    admin = client_for(ledger_app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    before = head(ledger_app)
    for name in ("inspector", "province_admin"):  # taking either over would read further
        reset = admin.post(f"/admin/users/{name}/password",
                           data={"csrf_token": token, "password": "mat-khau-cua-toi"})
        assert reset.status_code == 404, name
    assert head(ledger_app) == before
    assert log_in(ledger_app.test_client(), "inspector").status_code == 302


def test_an_admin_cannot_revoke_their_own_admin_role(app):
    admin = client_for(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    before = head(app)
    response = admin.post("/admin/users/admin/revoke", data={"csrf_token": token,
                                                            "role": "admin"})
    assert response.status_code == 422
    assert "Không thể tự thu hồi vai trò quản trị của mình" in response.text
    assert head(app) == before
    assert admin.get("/admin/users").status_code == 200


def test_another_communes_document_is_not_found_and_only_the_leader_signs(ledger_app):
    clerk, leader = client_for(ledger_app, "canbo"), client_for(ledger_app, "leader")
    assert clerk.get(f"/documents/{ARGS['document_id']}").status_code == 200
    assert clerk.get(f"/documents/{OTHER_DOCUMENT_ID}").status_code == 404
    assert "Ký số" not in clerk.get(f"/documents/{ARGS['document_id']}").text.split(
        "Thao tác")[-1]
    token = csrf_token(leader.get("/").text)
    sign = {"csrf_token": token, "sign-signed_at": "2026-01-05T10:00",
            "sign-signer": "Chủ tịch", "sign-certificate_serial": "5A01"}
    assert leader.post(f"/documents/{OTHER_DOCUMENT_ID}/sign", data=sign).status_code == 404
    assert leader.post(f"/documents/{ARGS['document_id']}/sign", data=sign).status_code == 303
    assert "5A01" in clerk.get(f"/documents/{ARGS['document_id']}").text


def test_another_communes_violation_and_its_evidence_are_not_found(ledger_app):
    leader = client_for(ledger_app, "leader")
    mine, other = ARGS["violation_id"], OTHER_VIOLATION_ID
    assert leader.get(f"/violations/{mine}").status_code == 200
    assert leader.get(f"/violations/{other}").status_code == 404
    assert leader.get(f"/violations/{other}/evidence/{EVIDENCE}").status_code == 404
    officer = client_for(ledger_app, "officer")
    token = csrf_token(officer.get("/").text)
    before = head(ledger_app)
    assert officer.post(f"/violations/{other}/record", data={
        "csrf_token": token, "record-recorded_on": "2026-01-05"}).status_code == 404
    assert head(ledger_app) == before


def test_another_communes_households_are_not_found(ledger_app):
    officer = client_for(ledger_app, "officer")
    household, village = ARGS["household"], ARGS["village"]
    assert officer.get(f"/households/ho/{household}").status_code == 200
    assert officer.get(f"/households/ho/{household}?commune={OTHER_COMMUNE}").status_code == 404
    assert officer.get(f"/households/thon/{village}?commune={OTHER_COMMUNE}").status_code == 404
    assert officer.get(f"/households?commune={OTHER_COMMUNE}").status_code == 404


def test_an_inspector_follows_the_households_pages_of_a_commune_in_scope(ledger_app):
    svc = ledger_app.extensions["ledger"]
    with acting_as("province_admin"):
        svc.record(svc.ledger.assign_scope, "inspector", [OTHER_COMMUNE])
    inspector = client_for(ledger_app, "inspector")
    table = inspector.get(f"/households/figures?commune={OTHER_COMMUNE}",
                          headers={"HX-Request": "true"}).text
    village = f"/households/thon/{ARGS['village']}?commune={OTHER_COMMUNE}"
    assert village in table
    assert inspector.get(village).status_code == 200
    page = inspector.get(f"/households/ho/{ARGS['household']}?commune={OTHER_COMMUNE}").text
    assert village in page
    assert "/households/ho/KT-0001/enrol" not in page  # reads, records nothing
