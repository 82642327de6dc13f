"""Random sequences of every ``Ledger`` command, corrections included, with
extreme, long, naive, unicode, empty and wrongly typed values mixed among
valid ones; whatever the ledger accepts, the read models must hold.

Each command either records its events or refuses with a ``DomainError``
and records nothing; any other exception is a hole in the rules. After the
sequence every projection catches up without error, and a rebuild of all of
them from the log gives the same rows. Each example begins on an empty
database, so one example's failure is not carried into the next.

``LEDGER_RANDOM_COMMANDS_EXAMPLES`` sets the number of examples (100; a
longer hunt for holes: 1000 or more).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from app.service import LedgerService, upgrade
from projections.search import fts_name
from events.application import ROLES
from events.base import acting_as
from events.dossiers.corrections import CORRECTABLE
from events.errors import DomainError
from tests.conftest import COMMUNE, OTHER_COMMUNE, PROCEDURES, ZONE, vn

EXAMPLES = int(os.environ.get("LEDGER_RANDOM_COMMANDS_EXAMPLES", "100"))
COMMUNES = (COMMUNE, OTHER_COMMUNE)
START = vn(2024, 3, 4, 8, 0)  # a Monday: every sequence's business clock starts here
ACTOR = "cb"
# Commands a clerk may not give: run as a province admin, so they can succeed.
ACTORS = {"assign_scope": "tinh"}
# Staff in each commune: (log-in name, role); the other commune's names end in -2.
STAFF = (("cb", "clerk"), ("chuyenvien", "officer"), ("chutich", "leader"),
         ("kiemtra", "auditor"))
USERS = [n for n, _r in STAFF] + [f"{n}-2" for n, _r in STAFF]
CODES = ("HS-1", "HS-2")  # dossier codes, few, so that steps often find their dossier
PROCEDURE_CODES = tuple(code for code, *_ in PROCEDURES) + ("P-3",)

# -- values ---------------------------------------------------------------------
# Each argument is drawn mostly valid; a bad one comes from a short list of
# what breaks things (so that each turns up often) or from any text.

PLUS_14, MINUS_12 = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))
NFD = "Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031bng"  # "Nguyễn Thị Hương", decomposed
NASTY_TEXT = ["", " ", "\x00", "a\x00b", "\ud800", "\x1b[31m", "\r\n", "\u202eRTL\u202c",
              "\u200b", NFD, "👨‍👩‍👧‍👦", "مرحبا", "<script>alert(1)</script>"]
long_text = st.builds(lambda n, c: c * n, st.sampled_from([33, 64, 65, 80, 101, 256, 1001]),
                      st.sampled_from(["x", "ư", "e\u0301", "😀", " "]))
text = st.one_of(st.sampled_from(NASTY_TEXT), long_text, st.text(max_size=12))
WRONG_TYPES = [None, True, 0, -1, 10**30, 2**63, 1.5, b"bytes", ["x"], {},
               date(2024, 3, 4)]
anything = st.one_of(text, st.sampled_from(WRONG_TYPES))
# The extremes, the bounds of the read models' columns, and what is no integer.
INTEGERS = [10**30, 2**63, -1, -(2**63) - 1, 2**63 - 1, 10**12 + 1, True, None, "3", 3.0]
integers = st.sampled_from(INTEGERS)


@dataclass(frozen=True)
class Clock:
    """A business time read off the sequence's clock, which only moves on:
    ``advance`` after the time before, in the business zone or at ``offset``."""
    advance: timedelta
    offset: timedelta | None = None


@dataclass(frozen=True)
class Back:
    """A time ``by`` before the clock (a correction of an earlier step), as
    ISO text, or without its offset (``naive``)."""
    by: timedelta
    as_text: bool = True
    naive: bool = False


@dataclass(frozen=True)
class FromNow:
    """A time ``by`` from the server's clock when the command runs."""
    by: timedelta


@dataclass(frozen=True)
class Day:
    """The clock's day in the business zone, ``days`` on."""
    days: int


ADVANCES = [timedelta(0), timedelta(minutes=1), timedelta(hours=3), timedelta(hours=8),
            timedelta(days=1), timedelta(days=5)]
valid_time = st.builds(Clock, st.sampled_from(ADVANCES),
                       st.sampled_from([None, None, None, timedelta(hours=14),
                                        timedelta(hours=-12)]))
BAD_TIMES = [
    datetime(2024, 3, 4, 9, 0),                                  # naive
    datetime(1, 1, 1, 0, 30, tzinfo=PLUS_14),
    datetime(9999, 12, 31, 23, 59, tzinfo=MINUS_12),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(1990, 1, 1, 0, 30, tzinfo=PLUS_14),                 # 1989 in UTC
    datetime(1900, 1, 1, tzinfo=ZONE),
    datetime(2100, 1, 1, tzinfo=ZONE),
    datetime(2024, 3, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")),  # in a DST gap
    FromNow(timedelta(minutes=30)),                              # ahead, within tolerance
    FromNow(timedelta(hours=2)),
    date(2024, 3, 4), "2024-03-04T09:00:00+07:00", 1709517600, None,
]
times = st.sampled_from(BAD_TIMES)

valid_day = st.builds(Day, st.integers(-2, 20))
BAD_DAYS = [date(1, 1, 1), date(9999, 12, 31), date(1989, 12, 31), date(2101, 1, 1),
            date(2024, 2, 10), START, "2024-03-05", None, 10**30]
days = st.sampled_from(BAD_DAYS)

# A correction's time is text: these are refused, or accepted out of order.
BAD_TIME_TEXTS = ["2024-03-04T09:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00",
                  "9999-12-31T23:59:59-12:00", "1990-01-01T00:30+14:00",
                  "2100-01-01T00:00+07:00", "not a time", "", "2024-03-04T09:00+07:00\x00",
                  "２０２４-03-04T09:00+07:00", "2024-03-04T09:00:00+14:00"]


def unknown(*names: str) -> st.SearchStrategy:
    return st.sampled_from(names)


communes = st.sampled_from([COMMUNE, COMMUNE, COMMUNE, OTHER_COMMUNE])
commune_names = unknown("99999", f" {COMMUNE} ", "x" * 32, "x" * 33, "a/b")
# Mostly the first commune's staff who may act on dossiers, to whom its
# dossiers are handed over.
users = st.sampled_from(["cb", "chuyenvien", "chutich"] * 3 + USERS)
user_names = unknown("khong-co", "CB", " cb ", "x" * 64, "x" * 65, "c\u0301b")
codes = st.sampled_from([CODES[0], *CODES])  # the first is received first
code_names = unknown(" HS-1 ", "HS 3", "HS/1", "h" * 64, "h" * 65, "h" * 80, "HS-1\x00",
                     "Ｈ" * 64, "\u200b", "e\u0301" * 40)
procedure_codes = st.sampled_from(PROCEDURE_CODES)
procedure_names = unknown("9.9", "p" * 64, "p" * 65, "p" * 80, " 1.0 ", "1.0\x00", "mã-việt")
reasons = st.sampled_from(["Thiếu giấy tờ", "Nhập sai", "Đúng quy định", NFD])
roles = st.sampled_from(ROLES)
CHANNELS = [("truc_tiep", ""), ("buu_chinh", ""), ("truc_tuyen", "toan_trinh"),
            ("truc_tuyen", "mot_phan")]
channels = st.sampled_from(CHANNELS)
applicants = st.sampled_from(["Lê Văn Tâm", NFD, "Trần Thị B", "A" * 255])
addresses = st.sampled_from(["10.0.0.1", "2001:db8::1", "192.168.1.20"])
amounts = st.sampled_from([0, 25_000, 10**12])
phones = st.sampled_from(["", "0912 345 678", "+84 220.3123.456", "1" * 15])
bad_phones = st.sampled_from(["1" * 16, "0912-ABC", "++84912345678", " - ", "0" * 7])
addresses_lived = st.sampled_from(["", "Thôn Mạc, xã Quảng Nghiệp", NFD, "đ" * 255])
PAPER = {"name": "Tờ khai", "form": "ban_sao", "copies": 2}
papers = st.lists(st.sampled_from([PAPER, {"name": NFD}, {"name": "G" * 255, "copies": 99},
                                   {"name": "Giấy chứng sinh", "form": "ban_chup"}]),
                  max_size=30)
bad_papers = st.one_of(
    st.lists(st.just({"name": "Giấy"}), min_size=31, max_size=31),
    st.lists(st.one_of(st.sampled_from([
        {"name": ""}, {"name": "G" * 256}, {"name": "a\x00"}, {"name": None},
        {"name": "Giấy", "copies": 0}, {"name": "Giấy", "copies": 100},
        {"name": "Giấy", "copies": "2"}, {"name": "Giấy", "form": "BAN_SAO"},
        {"name": "Giấy", "form": None}, {"name": "Giấy", "extra": 1}, {}, "Giấy", None]),
        anything), min_size=1, max_size=3),
    st.sampled_from([{"name": "Giấy"}, "Giấy", b"x", 3]))

# -- commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    name: str
    valid: st.SearchStrategy
    bad: st.SearchStrategy


def arg(name: str, valid: st.SearchStrategy, *bad: st.SearchStrategy) -> Arg:
    return Arg(name, valid, st.one_of(*bad, anything))


COMMUNE_ARG = arg("commune", communes, commune_names)
DOSSIER_ARGS = (COMMUNE_ARG, arg("code", codes, code_names), arg("at", valid_time, times))
REASON_ARG = arg("reason", reasons)
PROCEDURE_TERMS = (
    arg("name", st.sampled_from(["Cấp giấy xác nhận", NFD, "T" * 1000])),
    arg("field", st.sampled_from(["Hộ tịch", "Chứng thực"]), st.just("F" * 256)),
    arg("authority", st.sampled_from(["xa", "quan_su", "cong_an"])),
    arg("inter_agency", st.booleans()),
    arg("working_days", st.sampled_from([0, 1, 3, 5, 1000]), integers),
    arg("fee", st.sampled_from([0, 25_000, 10**12]), integers),
    arg("online_address", st.sampled_from(["", "https://dichvucong.gov.vn/p/1"]),
        st.sampled_from(["javascript:alert(1)", "http://[::1", "http://x:99999",
                         "https://" + "a" * 1000])),
)


def access_action(kind: str, address: Any, reason: Any, until: Any) -> Callable[[Any], None]:
    actions: dict[str, Callable[[Any], None]] = {
        "logged_in": lambda a: a.logged_in(address),
        "failed": lambda a: a.failed(address, reason),
        "locked": lambda a: a.locked(address, until),
        "logged_out": lambda a: a.logged_out(address),
    }
    return actions[kind]


@dataclass(frozen=True)
class Access:
    """``record_access``'s action, drawn as data so that examples print."""
    kind: str
    address: Any
    reason: Any = "bad_password"
    until: Any = None


access_actions = st.builds(
    Access, st.sampled_from(["logged_in", "failed", "locked", "logged_out"]),
    st.one_of(addresses, addresses, anything),
    st.one_of(st.sampled_from(["bad_password", "unknown_user"]), anything),
    st.one_of(st.just(FromNow(timedelta(minutes=15))), times))

# A correction's changes: valid values of each correctable field, and bad ones.
VALID_VALUES: dict[str, st.SearchStrategy] = {
    "applicant": applicants,
    "channel": st.sampled_from(["truc_tiep", "buu_chinh", "truc_tuyen"]),
    "online_mode": st.sampled_from(["", "mot_phan", "toan_trinh"]),
    "procedure_code": procedure_codes,
    "occurred_at": st.builds(Back, st.sampled_from([timedelta(0), timedelta(hours=1),
                                                    timedelta(days=1), timedelta(days=30)])),
    "digitised": st.booleans(), "e_certified": st.booleans(),
    "amount": amounts, "method": st.sampled_from(["tien_mat", "truc_tuyen"]),
}
BAD_VALUES: dict[str, st.SearchStrategy] = {
    "applicant": st.just("A" * 256), "channel": st.sampled_from(["", "TRUC_TIEP", "truc_tuyen "]),
    "online_mode": st.sampled_from(["toan", "mot_phan "]),
    "procedure_code": procedure_names,
    "occurred_at": st.one_of(st.sampled_from(BAD_TIME_TEXTS), times,
                             st.builds(Back, st.just(-timedelta(days=1))),
                             st.builds(Back, st.just(timedelta(hours=1)), st.just(True),
                                       st.just(True))),
    "digitised": st.sampled_from(["1", 1, None]), "e_certified": st.sampled_from(["có", 0]),
    "amount": integers, "method": st.sampled_from(["tien mat", "TIEN_MAT"]),
}


@dataclass(frozen=True)
class Version:
    """The dossier's latest event of ``kind`` (event number 1 if it has none):
    a correction names it by its number, which only the log knows."""
    kind: str


def changes(kind: str, values: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Changes of one or two of ``kind``'s correctable fields to ``values``
    (a valid channel comes with a valid online mode)."""
    def value(field: str) -> st.SearchStrategy:
        return values[field] if values is VALID_VALUES else st.one_of(values[field], anything)

    def of(fields: list[str]) -> st.SearchStrategy:
        drawn = st.fixed_dictionaries({f: value(f) for f in fields})
        if values is VALID_VALUES and "channel" in fields:
            return st.tuples(drawn, channels).map(
                lambda d: d[0] | {"channel": d[1][0], "online_mode": d[1][1]})
        return drawn
    return st.lists(st.sampled_from(CORRECTABLE[kind]), min_size=1, max_size=2,
                    unique=True).flatmap(of)


kinds = st.sampled_from(list(CORRECTABLE))
corrections = kinds.flatmap(lambda k: st.tuples(st.just(Version(k)), changes(k, VALID_VALUES)))
bad_corrections = st.one_of(
    kinds.flatmap(lambda k: st.tuples(st.just(Version(k)), changes(k, BAD_VALUES))),
    # Another kind's fields, a version that is not one, changes that are none.
    st.tuples(st.builds(Version, st.sampled_from(["HandedOver", "Apologised", "Corrected"])),
              changes("Received", VALID_VALUES)),
    st.tuples(st.sampled_from([0, -1, 99, 10**30, "1", None, True]),
              changes("Received", VALID_VALUES)),
    st.tuples(st.just(Version("Received")),
              st.sampled_from([{}, None, "occurred_at", ["amount"], {"code": "X"},
                               {"due_date": date(2024, 3, 5)}, {1: 2},
                               {"amount": 1, "status": "da_tra"}])),
)

# A target's key: few periods, so that revisions and withdrawals find theirs.
TARGET_KEY = (COMMUNE_ARG,
              arg("indicator", st.sampled_from(["online_rate", "on_time_rate",
                                                "citizen_accounts", "new_violations"]),
                  st.sampled_from(["", "ONLINE_RATE", "ty_le", "online_rate "])),
              arg("start", st.sampled_from([date(2024, 1, 1), date(2024, 7, 1)]), days),
              arg("end", st.sampled_from([date(2024, 6, 30), date(2024, 12, 31)]), days))
DECISION = (arg("threshold", st.sampled_from([0, 0.5, 0.925, 1, 1.0, 100, 10**7]),
                st.sampled_from([1.5, -1, -0.0001, float("nan"), float("inf"), True, "90",
                                 10**30, 10**7 + 1, 2.5])),
            arg("document", st.sampled_from(["59/QĐ-UBND", NFD, "D" * 64]),
                st.sampled_from(["D" * 65, "", " ", "59/QĐ\x00"])),
            arg("document_date", valid_day, days),
            arg("issuer", st.sampled_from(["", "UBND huyện Tứ Kỳ", NFD, "I" * 255]),
                st.just("I" * 256)))

# Each command's arguments, by name: a strategy for valid values and one for bad.
COMMANDS: dict[str, tuple[Arg, ...]] = {
    "set_target": (*TARGET_KEY, *DECISION),
    "revise_target": (*TARGET_KEY, *DECISION, REASON_ARG),
    "withdraw_target": (*TARGET_KEY, REASON_ARG),
    "register_commune": (arg("code", st.sampled_from(["10923", *COMMUNES]),
                             st.sampled_from(["x" * 32, "x" * 33, "a/b", "10 923"])),
                         arg("name", st.sampled_from(["Xã Mới", NFD]))),
    "register_user": (arg("name", st.sampled_from(["moi", "moi-2", *USERS]),
                          st.sampled_from(["x" * 64, "x" * 65])),
                      arg("role", roles, st.sampled_from(["root", "Clerk"])), COMMUNE_ARG,
                      arg("full_name", st.sampled_from(["", "Phạm Văn Cường", NFD]),
                          st.just("A" * 101))),
    "set_full_name": (arg("name", users, user_names),
                      arg("full_name", st.sampled_from(["Phạm Văn Cường", NFD, "A" * 100]),
                          st.just("A" * 101))),
    "choose_language": (arg("name", users, user_names),
                        arg("language", st.sampled_from(["vi", "en"]),
                            st.sampled_from(["fr", "", "EN"]))),
    "grant_role": (arg("name", users, user_names), arg("role", roles)),
    "revoke_role": (arg("name", users, user_names), arg("role", roles)),
    "disable_user": (arg("name", users, user_names),),
    "enable_user": (arg("name", users, user_names),),
    "assign_scope": (arg("name", users, user_names),
                     arg("communes", st.lists(communes, max_size=2),
                         st.lists(commune_names, min_size=1, max_size=3))),
    "record_password_change": (arg("name", users, user_names),
                               arg("set_by_admin", st.booleans())),
    "record_access": (arg("name", users, user_names), COMMUNE_ARG,
                      # The action comes from code, not from a user: its values vary.
                      Arg("action", access_actions, access_actions)),
    "declare_day_off": (COMMUNE_ARG, arg("day", valid_day, days), REASON_ARG),
    "declare_make_up_day": (COMMUNE_ARG, arg("day", valid_day, days), REASON_ARG),
    "list_procedure": (COMMUNE_ARG, arg("code", procedure_codes, procedure_names),
                       *PROCEDURE_TERMS),
    "amend_procedure": (COMMUNE_ARG, arg("code", procedure_codes, procedure_names),
                        *PROCEDURE_TERMS),
    "abolish_procedure": (COMMUNE_ARG, arg("code", procedure_codes, procedure_names),
                          REASON_ARG),
    "receive_dossier": (COMMUNE_ARG, arg("code", codes, code_names),
                        arg("procedure_code", procedure_codes, procedure_names),
                        arg("applicant", applicants),
                        Arg("channel_and_mode", channels, st.one_of(
                            st.tuples(anything, st.sampled_from(["", "toan_trinh"])),
                            st.tuples(st.sampled_from(["truc_tuyen", "truc_tiep"]),
                                      anything))),
                        arg("received_at", valid_time, times),
                        arg("due_date", st.one_of(st.none(), valid_day), days),
                        arg("source", st.sampled_from(["", "import.csv"])),
                        arg("phone", phones, bad_phones), arg("address", addresses_lived),
                        arg("papers", papers, bad_papers)),
    "hand_over": (*DOSSIER_ARGS, arg("to_user", users, user_names),
                  arg("step", st.sampled_from(["Thẩm định", "Ký duyệt"])),
                  arg("step_due", valid_day, days)),
    "request_supplement": (*DOSSIER_ARGS, REASON_ARG),
    "receive_supplement": DOSSIER_ARGS,
    "refuse_dossier": (*DOSSIER_ARGS, REASON_ARG),
    "withdraw_dossier": (*DOSSIER_ARGS, arg("reason", st.sampled_from(["", "Rút"]))),
    "stop_dossier": (*DOSSIER_ARGS, REASON_ARG),
    "resolve_dossier": (*DOSSIER_ARGS, arg("digitised", st.booleans()),
                        arg("e_certified", st.booleans())),
    "return_dossier": DOSSIER_ARGS,
    "apologise": (*DOSSIER_ARGS, arg("new_appointment", valid_day, days), REASON_ARG),
    "pay_fee": (*DOSSIER_ARGS, arg("amount", amounts, integers),
                arg("method", st.sampled_from(["tien_mat", "truc_tuyen"]))),
    "correct_dossier": (*DOSSIER_ARGS, REASON_ARG,
                        Arg("version_and_changes", corrections, bad_corrections)),
}
# The document register's commands: few numbers, so that steps find their document.
DOCUMENT_NUMBERS = ("1/BC-UBND", "2/QĐ-UBND")
document_numbers = st.sampled_from(DOCUMENT_NUMBERS)
number_names = unknown("52", "BC-UBND", "0/BC-UBND", "1/BC--UBND", "1/" + "B" * 41,
                       " 1/bc-ubnd ", "1/BC UBND", "1/BC-UBND\x00", "１/BC-UBND", "999999/X")
years = st.sampled_from([2024, 2024, 2024, 2023])
# A document is issued on the clock's day or just before, so that its steps can follow.
issue_days = st.builds(Day, st.integers(-3, 0))
DOCUMENT_ARGS = (COMMUNE_ARG, arg("year", years, integers),
                 arg("number_symbol", document_numbers, number_names))
serials = st.sampled_from(["", "0A:1B:2C", "f" * 64])
bad_serials = st.sampled_from(["g" * 65, "ab cd", "Đ1"])
web_addresses = st.sampled_from(["", "https://quangnghiep.example/vb/1"])
bad_web_addresses = st.sampled_from(["javascript:alert(1)", "https://" + "a" * 1000, "http://x:99999"])
DOCUMENT_VALUES: dict[str, st.SearchStrategy] = {
    "title": st.sampled_from(["Báo cáo 6 tháng", NFD, "T" * 1000]),
    "signer": applicants, "doc_type": st.sampled_from(["bao_cao", "ke_hoach", "khac"]),
    "task": st.sampled_from(["cai_cach_hanh_chinh", "phan_loai_rac", "khac"]),
    "issued_on": st.sampled_from(["2024-03-04", "2024-03-06", "2024-01-01"]),
    "confidential": st.booleans(),
    "signed_at": st.builds(Back, st.sampled_from([timedelta(0), timedelta(hours=1),
                                                  timedelta(days=1)])),
    "certificate_serial": serials,
    "published_on": st.sampled_from(["2024-03-05", "2024-03-20"]), "address": web_addresses}
document_corrections = st.tuples(
    st.sampled_from([1, 2, 3, 4]),
    st.lists(st.sampled_from(list(DOCUMENT_VALUES)), min_size=1, max_size=2, unique=True)
    .flatmap(lambda fs: st.fixed_dictionaries({f: DOCUMENT_VALUES[f] for f in fs})))
bad_document_corrections = st.one_of(
    st.tuples(st.sampled_from([1, 2, 0, 99, "1", None]),
              st.lists(st.sampled_from(list(DOCUMENT_VALUES)), min_size=1, max_size=2,
                       unique=True).flatmap(
                  lambda fs: st.fixed_dictionaries({f: anything for f in fs}))),
    st.tuples(st.just(1), st.sampled_from([{}, None, {"number": 3}, {"issued_on": "2023-12-31"},
                                           {"issued_on": "1989-01-01"},
                                           {"signed_at": "2024-03-04T09:00"}])))
COMMANDS |= {
    "issue_document": (COMMUNE_ARG, arg("number_symbol", document_numbers, number_names),
                       arg("doc_type", st.sampled_from(["bao_cao", "quyet_dinh", "ke_hoach"]),
                           st.sampled_from(["bien_ban", "BAO_CAO", ""])),
                       arg("title", DOCUMENT_VALUES["title"], st.just("T" * 1001)),
                       arg("issued_on", issue_days, days), arg("signer", applicants),
                       arg("confidential", st.sampled_from([False, False, True])),
                       arg("task", DOCUMENT_VALUES["task"], st.sampled_from(["moi", ""])),
                       arg("source", st.sampled_from(["", "van-ban.csv:2"]))),
    "sign_document": (*DOCUMENT_ARGS, arg("at", valid_time, times), arg("signer", applicants),
                      arg("certificate_serial", serials, bad_serials)),
    "publish_document": (*DOCUMENT_ARGS, arg("published_on", valid_day, days),
                         arg("address", web_addresses, bad_web_addresses)),
    "revoke_document": (*DOCUMENT_ARGS, arg("revoked_on", valid_day, days), REASON_ARG),
    "replace_document": (*DOCUMENT_ARGS, arg("by_year", years, integers),
                         arg("by_number_symbol", document_numbers, number_names),
                         arg("reason", st.sampled_from(["", "Điều chỉnh"]))),
    "correct_document": (*DOCUMENT_ARGS, arg("at", valid_time, times), REASON_ARG,
                         Arg("version_and_changes", document_corrections,
                             bad_document_corrections)),
}

# Citizens: portal accounts opened with help, and feedback.
ID_NUMBERS = ["001089012345", "079190000001", "001 089 012 345"]
FEEDBACK_CODES = ("PA-1", "PA-2")
feedback_codes = st.sampled_from(FEEDBACK_CODES)
FEEDBACK_CHANNELS = ["truc_tiep", "dien_thoai", "cong_dich_vu_cong", "thu_don", "khac"]
FEEDBACK_VALID: dict[str, st.SearchStrategy] = {
    "received_on": valid_day, "answered_on": valid_day,
    "channel": st.sampled_from(FEEDBACK_CHANNELS),
    "subject": st.sampled_from(["Đèn đường hỏng", NFD, "S" * 1000]),
    "dossier_code": st.sampled_from(["", *CODES]), "procedure_code": st.sampled_from(
        ["", *PROCEDURE_CODES]), "document": st.sampled_from(["5/UBND-VP", "D" * 64])}
FEEDBACK_BAD: dict[str, st.SearchStrategy] = {
    "received_on": days, "answered_on": days, "channel": st.sampled_from(["", "Fax"]),
    "subject": st.sampled_from(["", "S" * 1001, "a\x00"]), "dossier_code": code_names,
    "procedure_code": procedure_names, "document": st.sampled_from(["", "D" * 65])}


def feedback_changes(values: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Changes of the receipt's fields or of the answer's, one or two of them."""
    fields = st.sampled_from([("received_on", "channel", "subject", "dossier_code",
                               "procedure_code"), ("answered_on", "document")])
    return fields.flatmap(lambda names: st.lists(st.sampled_from(names), min_size=1,
                                                 max_size=2, unique=True)).flatmap(
        lambda chosen: st.fixed_dictionaries({n: values[n] for n in chosen}))


COMMANDS |= {
    "record_portal_account": (
        COMMUNE_ARG, arg("citizen_name", applicants, st.just("A" * 256)),
        arg("id_number", st.sampled_from(ID_NUMBERS),
            st.sampled_from(["", "00108901234", "999089012345", "００１089012345"])),
        arg("opened_on", valid_day, days), arg("clerk", users, user_names)),
    "receive_feedback": (
        COMMUNE_ARG, arg("code", feedback_codes, code_names),
        arg("received_on", valid_day, days),
        arg("channel", FEEDBACK_VALID["channel"], FEEDBACK_BAD["channel"]),
        arg("subject", FEEDBACK_VALID["subject"], FEEDBACK_BAD["subject"]),
        arg("dossier_code", FEEDBACK_VALID["dossier_code"], code_names),
        arg("procedure_code", FEEDBACK_VALID["procedure_code"], procedure_names),
        arg("working_days", st.sampled_from([1, 10, 90]), integers)),
    "answer_feedback": (
        COMMUNE_ARG, arg("code", feedback_codes, code_names),
        arg("answered_on", valid_day, days),
        arg("document", FEEDBACK_VALID["document"], FEEDBACK_BAD["document"])),
    "correct_feedback": (
        COMMUNE_ARG, arg("code", feedback_codes, code_names), REASON_ARG,
        arg("changes", feedback_changes(FEEDBACK_VALID), feedback_changes(FEEDBACK_BAD),
            st.sampled_from([{}, None, {"code": "X"}, {"received_on": "2024-03-05",
                                                       "document": "1/UBND"}]))),
}

# The dossier's steps come up more often than the rest, so that sequences
# go through the lifecycle.
WEIGHTS = {"receive_dossier": 4, "hand_over": 2, "request_supplement": 2,
           "receive_supplement": 2, "resolve_dossier": 3, "return_dossier": 2, "pay_fee": 2,
           "apologise": 2, "correct_dossier": 5}
WEIGHTS |= {"issue_document": 8, "sign_document": 6, "publish_document": 4,
            "revoke_document": 2, "replace_document": 2, "correct_document": 6}
WEIGHTS |= {"receive_feedback": 2, "answer_feedback": 2, "correct_feedback": 2}


# The households stream's commands.
VILLAGE_CODES = ("mac", "my-duc", "kiem-tan")
household_codes = st.sampled_from(["HO-1", "HO-1", "HO-2"])
household_code_names = unknown(" HO-1 ", "HO 3", "../x", "h" * 65, "HO-1\x00")
village_codes = st.sampled_from(VILLAGE_CODES)
village_names = st.sampled_from(["Mạc", "Kiêm Tân", "kiem tan", NFD, "T" * 255])
items = st.sampled_from(["nap_day", "men_vi_sinh", "thung"])
quantities = st.sampled_from([1, 3, 10, 10**7])
HOUSEHOLD_ARGS = (COMMUNE_ARG, arg("code", household_codes, household_code_names))
ON_ARG = arg("on", valid_day, days)
COMMANDS |= {
    "add_village": (COMMUNE_ARG, arg("name", village_names, st.just("T" * 256)),
                    arg("code", st.sampled_from([None, "kiem-tan", "thon-4"]),
                        st.sampled_from(["../x", "", "k" * 65]))),
    "rename_village": (COMMUNE_ARG, arg("code", village_codes), arg("name", village_names)),
    "merge_village": (COMMUNE_ARG, arg("code", village_codes), arg("into", village_codes)),
    "add_supply_item": (COMMUNE_ARG, arg("code", st.sampled_from(["thung", "nap_day"])),
                        arg("name", st.sampled_from(["Thùng rác", NFD])),
                        arg("unit", st.sampled_from(["cái", "U" * 32]), st.just("U" * 33))),
    "register_household": (*HOUSEHOLD_ARGS, arg("village", village_codes),
                           arg("head", applicants), arg("address", addresses_lived),
                           arg("registered_on", valid_day, days)),
    "enrol_household": (*HOUSEHOLD_ARGS, ON_ARG),
    "stop_household": (*HOUSEHOLD_ARGS, ON_ARG, REASON_ARG),
    "check_household": (*HOUSEHOLD_ARGS, ON_ARG, arg("compliant", st.booleans()),
                        arg("note", st.sampled_from(["", "Lẫn rác", NFD])),
                        arg("checker", st.sampled_from(["Tổ 1", NFD]))),
    "move_household": (*HOUSEHOLD_ARGS, ON_ARG, arg("village", village_codes)),
    "correct_household": (*HOUSEHOLD_ARGS, arg("version", st.sampled_from([1, 2, 3]),
                                               st.sampled_from([0, 99, True, "1"])),
                          REASON_ARG,
                          arg("changes", st.fixed_dictionaries({"on": valid_day}),
                              st.sampled_from([{}, {"village": "mac"}, {"on": "2024-13-01"},
                                               {"head": ""}, {"registered_on": None}]))),
    "enrol_households": (COMMUNE_ARG, arg("codes", st.lists(household_codes, max_size=2)),
                         ON_ARG),
    "check_households": (COMMUNE_ARG, arg("results", st.lists(st.tuples(
                             household_codes, st.booleans(), st.sampled_from(["", NFD])),
                             max_size=2)), ON_ARG, arg("checker", st.sampled_from(["Tổ 1"]))),
    "set_monitoring_group": (COMMUNE_ARG, arg("village", village_codes),
                             arg("responsible", st.sampled_from(["Lê Văn Tổ", NFD])),
                             arg("households", st.lists(household_codes, max_size=2))),
    "receive_supplies": (COMMUNE_ARG, arg("item", items), arg("quantity", quantities, integers),
                         arg("supplier", st.sampled_from(["UBND huyện", NFD])),
                         arg("document", st.sampled_from(["", "12/QĐ-UBND", "D" * 64]),
                             st.just("D" * 65)), ON_ARG),
    "issue_supplies": (COMMUNE_ARG, arg("item", items), arg("quantity", quantities, integers),
                       ON_ARG, arg("village", st.sampled_from(["", *VILLAGE_CODES])),
                       arg("household", st.sampled_from(["", "HO-1"])),
                       arg("receiver", st.sampled_from(["Trưởng thôn", NFD]))),
}
WEIGHTS |= {"register_household": 3, "enrol_household": 2, "stop_household": 2,
            "receive_supplies": 2, "issue_supplies": 2}


# The violations register's commands.
violation_codes = st.sampled_from(["VP-1", "VP-1", "VP-2"])
violation_code_names = unknown(" VP-1 ", "VP 3", "../x", "v" * 65, "VP-1\x00")
VIOLATION_ARGS = (COMMUNE_ARG, arg("code", violation_codes, violation_code_names))
violation_kinds = st.sampled_from(["dat_dai", "hanh_lang_giao_thong", "hanh_lang_thuy_loi",
                                   "moi_truong"])


def violation_number(name: str) -> Arg:
    return arg(name, st.sampled_from(["", "05/BB-UBND", "B" * 64]), st.just("B" * 65))


violation_changes = st.one_of(
    st.fixed_dictionaries({"detected_on": valid_day}),
    st.fixed_dictionaries({"recorded_on": valid_day, "record_number": st.just("7/BB")}),
    st.fixed_dictionaries({"began": st.sampled_from([2019, 2024]), "kind": violation_kinds,
                           "village": village_codes, "lat": st.just(15.2),
                           "lon": st.just(108.9)}),
    st.fixed_dictionaries({"amount": st.sampled_from([0, 5]), "deadline": valid_day}),
    st.fixed_dictionaries({"closed_on": valid_day, "remedy": st.just(NFD)}))
COMMANDS |= {
    "detect_violation": (
        *VIOLATION_ARGS, arg("kind", violation_kinds, st.sampled_from(["dat", ""])),
        arg("village", village_codes), arg("place", applicants),
        arg("offender", applicants), arg("description", st.sampled_from(["", NFD, "M" * 2000]),
                                         st.just("M" * 2001)),
        arg("began", st.sampled_from([2020, 2023, 2024]), integers),
        arg("detected_by", st.sampled_from(["Địa chính", NFD])),
        arg("detected_on", valid_day, days),
        arg("lat", st.sampled_from([None, None, 15.12, -90]),
            st.sampled_from([float("nan"), float("inf"), 91, "15"])),
        arg("lon", st.sampled_from([None, None, 108.8, 180]),
            st.sampled_from([float("-inf"), -181, 10**30]))),
    "record_violation": (*VIOLATION_ARGS, arg("recorded_on", valid_day, days),
                         violation_number("record_number")),
    "penalise_violation": (*VIOLATION_ARGS, arg("decided_on", valid_day, days),
                           violation_number("decision_number"),
                           arg("amount", st.sampled_from([0, 2_500_000, 10**12]), integers),
                           arg("deadline", st.one_of(st.none(), valid_day), days)),
    "comply_violation": (*VIOLATION_ARGS, arg("complied_on", valid_day, days)),
    "enforce_violation": (*VIOLATION_ARGS, arg("enforced_on", valid_day, days)),
    "close_violation": (*VIOLATION_ARGS, arg("closed_on", valid_day, days),
                        arg("remedy", st.sampled_from(["", "Đã tháo dỡ", NFD]))),
    "attach_violation_evidence": (
        *VIOLATION_ARGS, arg("step", st.sampled_from([1, 2]), st.sampled_from([0, 99, "1"])),
        arg("sha256", st.sampled_from(["ab" * 32, "0" * 64]),
            st.sampled_from(["AB" * 32, "x" * 64, ""])),
        arg("size", st.sampled_from([1, 10**6]), integers),
        arg("content_type", st.sampled_from(["image/png", "application/pdf"]),
            st.sampled_from(["text/html", "image/svg+xml"])),
        arg("name", st.sampled_from(["anh.png", NFD]), st.just("n" * 256))),
    "correct_violation": (
        *VIOLATION_ARGS, arg("version", st.sampled_from([1, 2, 3]),
                             st.sampled_from([0, 99, True, "1"])),
        REASON_ARG,
        arg("changes", violation_changes,
            st.sampled_from([{}, {"code": "X"}, {"detected_on": "2024-13-01"},
                             {"lat": float("nan")}, {"amount": 2**63}, {"place": ""},
                             {"began": None}, {"deadline": "x"}, {"village": "khong-co"},
                             {"lat": 10.0}]))),
}
WEIGHTS |= {"detect_violation": 3, "record_violation": 2, "penalise_violation": 2,
            "close_violation": 2}

# The period reports: a leader's narrative for a period, then its issue into
# the documents register; few periods, so that an issue finds its draft.
REPORT_PERIOD = (COMMUNE_ARG,
                 arg("start", st.sampled_from([date(2024, 1, 1), date(2024, 3, 1)]), days),
                 arg("end", st.sampled_from([date(2024, 6, 30), date(2024, 3, 31)]), days))
report_sections = st.fixed_dictionaries({}, optional={
    "han_che": st.sampled_from(["", NFD, "H" * 20_000, "Dòng một\r\nDòng hai"]),
    "de_xuat": st.sampled_from(["Đề nghị cấp trên hỗ trợ", " "])})
bad_report_sections = st.sampled_from([None, [], "han_che", {"khac": "x"},
                                       {"han_che": "H" * 20_001}, {"han_che": None},
                                       {"han_che": "a\x00b"}, {1: "x"}, {"bai_hoc": ["x"]}])
COMMANDS |= {
    "draft_report": (*REPORT_PERIOD, arg("sections", report_sections, bad_report_sections)),
    "issue_report": (*REPORT_PERIOD, arg("number_symbol", document_numbers, number_names),
                     arg("issued_on", issue_days, days), arg("signer", applicants),
                     arg("title", DOCUMENT_VALUES["title"], st.just("T" * 1001)),
                     arg("task", DOCUMENT_VALUES["task"], st.sampled_from(["moi", ""])),
                     arg("sha256", st.sampled_from(["ab" * 32, "0" * 64]),
                         st.sampled_from(["AB" * 32, "", "a" * 63, None, 5])),
                     arg("position", st.sampled_from([0, 7, 10**6]), integers)),
}
WEIGHTS |= {"draft_report": 2, "issue_report": 2}


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[tuple[str, Any], ...]

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.args)})"


WEIGHTED = [name for name in COMMANDS for _ in range(WEIGHTS.get(name, 1))]


@st.composite
def commands(draw: st.DrawFn, names: list[str] = WEIGHTED,
             valid: dict[str, st.SearchStrategy] | None = None) -> Command:
    """One of ``names``, its arguments valid (``valid`` overrides what is),
    or, four times in ten, one of them bad."""
    name = draw(st.sampled_from(names))
    spec, valid = COMMANDS[name], valid or {}
    bad = draw(st.sampled_from([a.name for a in spec])) if draw(st.integers(0, 9)) >= 6 \
        else None
    return Command(name, tuple(
        (a.name, draw(a.bad if a.name == bad else valid.get(a.name, a.valid))) for a in spec))


# A dossier's life, in order; a drawn life leaves some steps after the receipt out.
LIFE = ("receive_dossier", "hand_over", "request_supplement", "receive_supplement",
        "apologise", "hand_over", "pay_fee", "resolve_dossier", "correct_dossier",
        "return_dossier", "correct_dossier", "correct_dossier", "refuse_dossier",
        "withdraw_dossier", "stop_dossier")


@st.composite
def lives(draw: st.DrawFn) -> list[Command]:
    """The steps of one dossier's life, each mostly with valid values."""
    commune, suffix = draw(st.sampled_from([(COMMUNE, ""), (OTHER_COMMUNE, "-2")]))
    valid = {"commune": st.just(commune), "code": st.just(draw(codes)),
             "to_user": st.sampled_from([f"{n}{suffix}" for n in ("cb", "chuyenvien",
                                                                  "chutich")]),
             "procedure_code": st.sampled_from(PROCEDURE_CODES[:2]),  # listed
             # Half of a life's corrections are bad ones.
             "version_and_changes": st.one_of(corrections, bad_corrections)}
    steps = [LIFE[0], *(step for step in LIFE[1:] if draw(st.integers(0, 3)))]
    return [draw(commands([step], valid)) for step in steps]


# A document's life, in order; a drawn life leaves some steps after the issue out.
DOCUMENT_LIFE = ("issue_document", "sign_document", "correct_document", "publish_document",
                 "correct_document", "replace_document", "revoke_document")


@st.composite
def document_lives(draw: st.DrawFn) -> list[Command]:
    """The steps of one document's life, each mostly with valid values."""
    number = draw(document_numbers)
    valid = {"commune": st.just(COMMUNE), "number_symbol": st.just(number),
             "year": st.just(2024), "version_and_changes": st.one_of(
                 document_corrections, bad_document_corrections)}
    steps = [DOCUMENT_LIFE[0], *(step for step in DOCUMENT_LIFE[1:] if draw(st.integers(0, 2)))]
    return [draw(commands([step], valid)) for step in steps]


# A violation's life, in order; a drawn life leaves some steps after the detection out.
VIOLATION_LIFE = ("detect_violation", "record_violation", "attach_violation_evidence",
                  "penalise_violation", "correct_violation", "comply_violation",
                  "enforce_violation", "close_violation", "correct_violation")


@st.composite
def violation_lives(draw: st.DrawFn) -> list[Command]:
    """The steps of one violation's life, each mostly with valid values."""
    valid = {"commune": st.just(COMMUNE), "code": st.just(draw(violation_codes))}
    steps = [VIOLATION_LIFE[0], *(s for s in VIOLATION_LIFE[1:] if draw(st.integers(0, 2)))]
    return [draw(commands([step], valid)) for step in steps]


# A household's life, in order; a drawn life leaves some steps after the
# registration out.
HOUSEHOLD_LIFE = ("register_household", "enrol_household", "check_household",
                  "issue_supplies", "move_household", "check_household", "correct_household",
                  "stop_household", "enrol_household", "check_household")


@st.composite
def household_lives(draw: st.DrawFn) -> list[Command]:
    """The steps of one household's life, each mostly with valid values."""
    code = draw(household_codes)
    valid = {"commune": st.just(COMMUNE), "code": st.just(code),
             "household": st.just(code)}
    steps = [HOUSEHOLD_LIFE[0], *(s for s in HOUSEHOLD_LIFE[1:] if draw(st.integers(0, 2)))]
    return [draw(commands([step], valid)) for step in steps]


@st.composite
def sequences(draw: st.DrawFn) -> list[Command]:
    """Random commands, with one or two dossiers' lives woven among them,
    and at times a document's, a violation's or a household's."""
    sequence = draw(st.lists(commands(), max_size=30))
    for life in draw(st.lists(lives(), min_size=1, max_size=2)) + \
            draw(st.lists(document_lives(), max_size=1)) + \
            draw(st.lists(violation_lives(), max_size=1)) + \
            draw(st.lists(household_lives(), max_size=1)):
        slots = sorted(draw(st.lists(st.integers(0, len(sequence)), min_size=len(life),
                                     max_size=len(life))))
        for offset, (slot, step) in enumerate(zip(slots, life, strict=True)):
            sequence.insert(slot + offset, step)
    return sequence


# -- running a sequence ----------------------------------------------------------------


class Run:
    """Resolves the drawn values against the sequence's clock and runs each
    command as the ledger's callers do."""

    def __init__(self, service: LedgerService) -> None:
        self.service, self.ledger = service, service.ledger
        self.clock = START

    def value(self, v: Any) -> Any:
        if isinstance(v, Clock):
            self.clock += v.advance
            return self.clock if v.offset is None else \
                self.clock.astimezone(timezone(v.offset))
        if isinstance(v, Back):
            moment = self.clock - v.by
            if v.naive:
                moment = moment.replace(tzinfo=None)
            return moment.isoformat() if v.as_text else moment
        if isinstance(v, FromNow):
            return datetime.now(UTC) + v.by
        if isinstance(v, Day):
            return self.clock.astimezone(ZONE).date() + timedelta(days=v.days)
        if isinstance(v, Access):
            return access_action(v.kind, self.value(v.address), self.value(v.reason),
                                 self.value(v.until))
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        return v

    def arguments(self, command: Command) -> dict[str, Any]:
        """The command's arguments by name, as the ledger's method takes them."""
        args = {k: self.value(v) for k, v in command.args}
        if "channel_and_mode" in args:
            args["channel"], args["online_mode"] = args.pop("channel_and_mode")
        if "version_and_changes" in args:
            args["version"], args["changes"] = args.pop("version_and_changes")
            if isinstance(args["version"], Version):
                args["version"] = self.version(args["commune"], args["code"],
                                               args["version"].kind)
        return args

    def call(self, command: Command) -> None:
        args = self.arguments(command)
        method = getattr(self.ledger, command.name)
        head = self.head()
        try:
            with acting_as(ACTORS.get(command.name, ACTOR)):
                method(**args)
        except DomainError:
            assert self.head() == head, f"{command!r} was refused but recorded events"
        except Exception as error:
            raise AssertionError(f"{command!r} raised {type(error).__name__}: {error!r} "
                                 "instead of a DomainError") from error

    def version(self, commune: Any, code: Any, kind: str) -> int:
        try:
            dossier = self.ledger.dossier(commune, code)
        except DomainError:
            return 1
        found = [e.originator_version for e in self.ledger.events.get(dossier.id)
                 if type(e).__name__ == kind]
        return found[-1] if found else 1

    def head(self) -> int:
        return self.ledger.recorder.max_notification_id() or 0


def prepare(service: LedgerService) -> None:
    """Two communes, each with the test procedures and its staff, and a
    dossier received in the first, so that most sequences have one to act on."""
    ledger = service.ledger
    ledger.id_hash_key = b"random-commands-key"
    with acting_as("system"):
        for commune, suffix in ((COMMUNE, ""), (OTHER_COMMUNE, "-2")):
            ledger.register_commune(commune, f"Xã {commune}")
            for code, name, field, days in PROCEDURES:
                ledger.list_procedure(commune, code, name, field, "xa", False, days, 25_000,
                                      "")
            for name, role in STAFF:
                ledger.register_user(name + suffix, role, commune)
        ledger.register_user("tinh", "province_admin", COMMUNE)
    with acting_as(ACTOR):
        ledger.receive_dossier(COMMUNE, CODES[0], PROCEDURES[1][0], "Lê Văn Tâm", "truc_tiep",
                               "", START)
    with acting_as("system"):  # villages for households to live in
        ledger.add_village(COMMUNE, "Mạc")
        ledger.add_village(COMMUNE, "Mỹ Đức")


def read_models(service: LedgerService) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's tables (the dossiers' tallies too), by table."""
    out = {}
    with service.read() as conn:
        for projection in service.engine.projections.values():
            for table in projection.tables():
                out[table.name] = sorted(tuple(map(repr, row))
                                         for row in conn.execute(select(table)))
    return out


def assert_projected(service: LedgerService, when: str) -> None:
    statuses = service.engine.status()
    failed = {s.name: s.error for s in statuses if s.error}
    assert not failed, f"projections failed {when}: {failed}"
    behind = {s.name: s.behind for s in statuses if s.behind}
    assert not behind, f"projections behind {when}: {behind}"


# -- the databases -------------------------------------------------------------------


@pytest.fixture
def ledger_database(database_url: str) -> str:
    """The test's database with every table created, once: each example
    empties the tables instead (a schema per example would double the run
    on PostgreSQL)."""
    upgrade(database_url)
    allow_emptying(database_url)
    return database_url


def allow_emptying(url: str) -> None:
    """Lift the triggers that keep the stored events and checkpoints
    append-only (migration 0022): this test empties the log between
    examples, which the database otherwise refuses."""
    service = LedgerService(url)
    try:
        with service.write() as conn:
            for table in ("stored_events", "ledger_events", "audit_checkpoint"):
                if service.url.is_sqlite:
                    for change in ("update", "delete"):
                        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{change}")
                elif table != "stored_events":
                    for trigger in ("append_only", "no_truncate"):
                        conn.exec_driver_sql(
                            f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}")
    finally:
        service.close()


@contextmanager
def fresh_service(url: str) -> Iterator[LedgerService]:
    """A service on the database at ``url``, every table emptied but the
    migrations' own. A search index's tables (SQLite's FTS5 keeps its own)
    follow their table through its triggers, never emptied directly."""
    service = LedgerService(url)
    try:
        tables = [f'"{t}"' for t in inspect(service.db).get_table_names()
                  if t != "alembic_version" and not t.startswith(fts_name("dossier"))
                  and not t.startswith(fts_name("household"))]
        with service.write() as conn:
            for table in tables:
                conn.exec_driver_sql(f"DELETE FROM {table}")
        yield service
    finally:
        service.close()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(sequence=sequences())
def test_whatever_the_ledger_accepts_the_read_models_hold(ledger_database: str,
                                                          sequence: list[Command]) -> None:
    with fresh_service(ledger_database) as service:
        prepare(service)
        run = Run(service)
        for command in sequence:
            run.call(command)
        try:
            service.engine.catch_up()
        except Exception:  # noqa: BLE001  (the status below says which and why)
            pass
        assert_projected(service, "catching up")
        caught_up = read_models(service)
        # Shared among two processes, as `projections rebuild` does (each
        # page worked out as a rebuild in one process works it out too).
        service.engine.rebuild(*service.engine.projections, workers=2)
        assert_projected(service, "after a rebuild in two processes")
        assert read_models(service) == caught_up
