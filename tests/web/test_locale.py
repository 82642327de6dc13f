"""Vietnamese first, English for whoever chooses it: the catalogue is
complete, and each user's choice is theirs and stays theirs."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from events.people import ROLE_NAMES, User
from tests.conftest import csrf_token, log_in

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def english_catalogue():  # type: ignore[no-untyped-def]
    with ENGLISH.open("rb") as file:
        return read_po(file, locale="en")


def marked_texts() -> set[str]:
    """Every text the code and templates mark for translation, found as
    ``make messages`` finds them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "Text": None,
                "NC_": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in found}


def test_the_english_catalogue_translates_every_marked_text():
    catalogue = english_catalogue()
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert marked_texts() - ids == set(), "run `make messages` and translate the new entries"
    untranslated = [m.id for m in catalogue if m.id and not all(
        [m.string] if isinstance(m.string, str) else m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()] == []


def test_the_catalogue_holds_every_role_name():
    ids = {m.id for m in english_catalogue()}
    assert set(ROLE_NAMES.values()) <= ids


def header(html: str) -> str:
    match = re.search(r'<header class="top">(.*?)</header>', html, re.S)
    assert match
    return match.group(1)


def switch(client, language: str, back: str = "/"):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").text)
    return client.post("/account/language", data={"csrf_token": token, "language": language,
                                                   "next": back})


def language_events(app, name: str = "canbo") -> list[str]:  # type: ignore[no-untyped-def]
    ledger = app.extensions["ledger"].ledger
    events = ledger.repository.event_store.get(User.id_for(name))
    return [e.language for e in events if isinstance(e, User.LanguageChosen)]


def test_the_interface_is_vietnamese_until_the_user_chooses_english(app, logged_in):
    page = logged_in.get("/").text
    assert '<html lang="vi">' in page and "Công chức Một cửa" in header(page)
    answer = switch(logged_in, "en", "/dossiers?q=x")
    assert answer.status_code == 303 and answer.headers["Location"] == "/dossiers?q=x"
    page = logged_in.get("/").text
    assert '<html lang="en">' in page and "One-stop counter clerk" in header(page)
    assert language_events(app) == ["en"]
    switch(logged_in, "vi")
    assert "Công chức Một cửa" in header(logged_in.get("/").text)
    assert language_events(app) == ["en", "vi"]


def test_the_choice_follows_the_user_to_another_computer_and_no_one_else(app, logged_in):
    switch(logged_in, "en")
    elsewhere = app.test_client()
    log_in(elsewhere)
    assert '<html lang="en">' in elsewhere.get("/").text
    colleague = app.test_client()
    log_in(colleague, "clerk")
    assert '<html lang="vi">' in colleague.get("/").text


def test_an_unknown_language_is_refused_in_vietnamese_and_changes_nothing(app, logged_in):
    answer = switch(logged_in, "fr")
    assert answer.status_code == 303
    page = logged_in.get("/").text
    assert "Ngôn ngữ không hợp lệ" in page and '<html lang="vi">' in page
    assert language_events(app) == []


def test_a_switch_does_not_send_the_user_to_another_site(logged_in):
    answer = switch(logged_in, "en", "//elsewhere.example/")
    assert answer.headers["Location"] == "/"


def test_the_log_in_page_is_vietnamese(client):
    page = client.get("/login").text
    assert '<html lang="vi">' in page and "Đăng nhập" in page


def admin_in(app, language: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, "admin").status_code == 302
    if language != "vi":
        switch(client, language)
    return client


def test_a_form_error_and_a_flash_speak_the_users_language(app):
    for language, short, granted in (
            ("vi", "Mật khẩu cần từ 10 đến 256 ký tự.", "Đã cấp vai trò Lãnh đạo UBND cho canbo."),
            ("en", "A password has 10 to 256 characters.",
             "Gave the role Commune leader to canbo.")):
        client = admin_in(app, language)
        token = csrf_token(client.get("/admin/users").text)
        refused = client.post("/admin/users", data={
            "csrf_token": token, "name": f"new-{language}", "role": "clerk", "password": "short"})
        assert refused.status_code == 422 and short in refused.text
        page = client.post("/admin/users/canbo/grant", data={"csrf_token": token,
                                                             "role": "leader"},
                           follow_redirects=True).text
        assert granted in page
        client.post("/admin/users/canbo/revoke", data={"csrf_token": token, "role": "leader"})


def test_a_bad_period_is_explained_in_the_users_language(app):
    assert "Kỳ không hợp lệ: «2023-13»" in admin_in(app, "vi").get("/?period=2023-13").text
    assert "Invalid period: “2023-13”" in admin_in(app, "en").get("/?period=2023-13").text
    book = admin_in(app, "en").get("/print/book?period=2023-13")
    assert book.status_code == 400 and "Invalid period: “2023-13”" in book.text
