"""What the domain says to a user (a refused command, the names of statuses
and events on a dossier's timeline) reaches them in their language: the
Vietnamese as the domain writes it, or its English translation."""

from __future__ import annotations

import pytest

from events.base import acting_as
from tests.conftest import COMMUNE, csrf_token, log_in, vn
from tests.web.test_dossier_page import CODE, receive
from tests.web.test_locale import switch

HX = {"HX-Request": "true"}
LANGUAGES = ("vi", "en")


def user_in(app, name: str, language: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    if language == "en":
        switch(client, "en")
    return client


def post(client, page: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(page).text)
    return client.post(url, data=data | {"csrf_token": token}, headers=HX)


def head(app) -> int:  # type: ignore[no-untyped-def]
    return app.extensions["ledger"].engine.head()


def refused(app, answer, said: str, not_said: str) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 422
    assert said in answer.text and not_said not in answer.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dossier_step_out_of_order_is_refused_in_the_users_language(app, language):
    receive(app)
    clerk, officer = user_in(app, "canbo", language), user_in(app, "officer", language)
    page = f"/dossiers/{CODE}"
    before = head(app)
    early = post(clerk, page, f"{page}/receive-supplement",
                 {"receive_supplement-occurred_at": "2023-01-10T09:00"})
    messages = {"vi": "Hồ sơ không đang chờ bổ sung.",
                "en": "The dossier is not awaiting a supplement."}
    refused(app, early, messages[language], messages["en" if language == "vi" else "vi"])
    post(clerk, page, f"{page}/refuse", {"refuse-occurred_at": "2023-01-09T09:30",
                                         "refuse-reason": "Không thuộc thẩm quyền"})
    after_refusal = head(app)
    assert after_refusal > before
    # A message with names in it: the step and the status are translated too.
    late = post(officer, page, f"{page}/resolve", {"resolve-occurred_at": "2023-01-10T09:00"})
    messages = {"vi": "Không thể ghi nhận kết quả: hồ sơ đang ở trạng thái «từ chối tiếp nhận».",
                "en": "Cannot record the result: the dossier’s status is “refused at the "
                      "counter”."}
    refused(app, late, messages[language], messages["en" if language == "vi" else "vi"])
    assert head(app) == after_refusal


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_procedure_amendment_is_refused_in_the_users_language(app, language):
    admin = user_in(app, "admin", language)
    url = "/procedures/2.000894"
    terms = {"amend-name": "Đăng ký khai sinh", "amend-field": "Hộ tịch",
             "amend-authority": "xa", "amend-working_days": "-2", "amend-fee": "0",
             "amend-online_address": ""}
    before = head(app)
    negative = post(admin, url, f"{url}/amend", terms)
    messages = {"vi": "Thời hạn giải quyết không được âm.",
                "en": "Processing time cannot be negative."}
    refused(app, negative, messages[language], messages["en" if language == "vi" else "vi"])
    assert 'id="amend-working_days-error"' in negative.text
    assert head(app) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_duplicate_user_name_is_refused_in_the_users_language(app, language):
    admin = user_in(app, "admin", language)
    before = head(app)
    taken = post(admin, "/admin/users", "/admin/users", {
        "name": "canbo", "role": "clerk", "password": "mot-mat-khau-dai"})
    messages = {"vi": "Tên đăng nhập canbo đã có.",
                "en": "The user name canbo is already taken."}
    refused(app, taken, messages[language], messages["en" if language == "vi" else "vi"])
    assert head(app) == before


def test_a_day_declared_twice_is_refused_in_each_users_language(app):
    declare = {"make_up-day": "2024-05-04", "make_up-reason": "Làm bù ngày 29/4"}
    admins = {language: user_in(app, "admin", language) for language in LANGUAGES}
    first = post(admins["vi"], "/admin/calendar", "/admin/calendar/make-up-day", declare)
    assert first.status_code == 303
    before = head(app)
    messages = {"vi": "Ngày 04/05/2024 đã là ngày làm bù.",
                "en": "04/05/2024 is already a make-up working day."}
    for language, other in (("vi", "en"), ("en", "vi")):
        again = post(admins[language], "/admin/calendar", "/admin/calendar/make-up-day",
                     declare)
        refused(app, again, messages[language], messages[other])
    assert head(app) == before


def test_the_timeline_names_events_and_statuses_in_the_users_language(app):
    receive(app)
    svc = app.extensions["ledger"]
    with acting_as("canbo"):
        svc.record(svc.ledger.hand_over, COMMUNE, CODE, vn(2023, 1, 9, 10), "officer",
                   "Thẩm định", vn(2023, 1, 11, 0).date())
    vietnamese = user_in(app, "canbo", "vi").get(f"/dossiers/{CODE}").text
    english = user_in(app, "canbo", "en").get(f"/dossiers/{CODE}").text
    assert '<p class="status status-dang_xu_ly">đang giải quyết</p>' in vietnamese
    assert '<p class="status status-dang_xu_ly">in progress</p>' in english
    for vi, en in (("Tiếp nhận", "Received"), ("Chuyển xử lý", "Handed over")):
        assert f"<td>{vi}</td>" in vietnamese and f"<td>{vi}</td>" not in english
        assert f"<td>{en}</td>" in english
    assert "Trực tuyến (Toàn trình)" in vietnamese and "Online (Full)" in english


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_phone_or_paper_at_the_counter_is_refused_in_the_users_language(app, language):
    from tests.web.test_counter import receive_form
    clerk = user_in(app, "canbo", language)
    before = head(app)
    bad_phone = post(clerk, "/", "/dossiers", receive_form(phone="12ab"))
    messages = {"vi": "Số điện thoại «12ab» không hợp lệ: cần từ 8 đến 15 chữ số.",
                "en": "The phone number «12ab» is not valid: it needs 8 to 15 digits."}
    refused(app, bad_phone, messages[language], messages["en" if language == "vi" else "vi"])
    bad_paper = post(clerk, "/", "/dossiers", receive_form(papers="Tờ khai; bản nháp"))
    messages = {"vi": "Dòng 1: không hiểu «bản nháp»", "en": "Line 1: «bản nháp» is not understood"}
    refused(app, bad_paper, messages[language], messages["en" if language == "vi" else "vi"])
    assert head(app) == before
