"""The catalogue's rules: a bad value names its field and records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from events.base import acting_as
from events.catalogue import Procedure
from events.errors import AlreadyExists, DomainError, InvalidTransition, InvalidValue, NotFound
from tests.conftest import COMMUNE

GOOD: dict[str, Any] = {"name": "Đăng ký khai sinh", "field": "Hộ tịch", "authority": "xa",
                        "inter_agency": False, "working_days": 3, "fee": 0,
                        "online_address": "https://dichvucong.gov.vn/p/home/dvc-chi-tiet.html"}

BAD = [
    ({"code": "  "}, "code"),
    ({"code": "1.000/894"}, "code"),
    ({"code": "x" * 65}, "code"),
    ({"name": " "}, "name"),
    ({"name": "x" * 1001}, "name"),
    ({"field": ""}, "field"),
    ({"authority": "huyen"}, "authority"),
    ({"authority": ""}, "authority"),
    ({"inter_agency": 1}, "inter_agency"),
    ({"working_days": -1}, "working_days"),
    ({"working_days": 2.5}, "working_days"),
    ({"working_days": True}, "working_days"),
    ({"working_days": "3"}, "working_days"),
    ({"fee": -5000}, "fee"),
    ({"fee": 10**13}, "fee"),
    ({"online_address": "dichvucong.gov.vn"}, "online_address"),
    ({"online_address": "ftp://dichvucong.gov.vn/x"}, "online_address"),
    ({"online_address": "javascript:alert(1)"}, "online_address"),
    ({"online_address": "https://"}, "online_address"),
    ({"online_address": "https://dich vu.gov.vn"}, "online_address"),
    ({"online_address": "http://host:port/x"}, "online_address"),
    ({"name": "Đăng ký\x00khai sinh"}, "name"),  # PostgreSQL stores no NUL in text
    ({"field": "Hộ\x7ftịch"}, "field"),
]


def list_procedure(service, code: str = "1.000894", **overrides: Any) -> None:  # type: ignore[no-untyped-def]
    with acting_as("quantri"):
        service.record(service.ledger.list_procedure, COMMUNE, code, **(GOOD | overrides))


def amend(service, code: str = "1.000894", **overrides: Any) -> None:  # type: ignore[no-untyped-def]
    with acting_as("quantri"):
        service.record(service.ledger.amend_procedure, COMMUNE, code, **(GOOD | overrides))


def test_each_bad_value_names_its_field_and_records_nothing(service):
    head = service.engine.head()
    for bad, field in BAD:
        overrides = dict(bad)
        code = overrides.pop("code", "1.000894")
        with pytest.raises(InvalidValue) as raised:
            list_procedure(service, code, **overrides)
        assert raised.value.field == field, (overrides, raised.value.message)
        assert raised.value.message
    assert service.engine.head() == head


def test_amending_checks_the_same_rules(service):
    list_procedure(service)
    head = service.engine.head()
    for overrides, field in BAD:
        if "code" in overrides:
            continue
        with pytest.raises(InvalidValue) as raised:
            amend(service, **overrides)
        assert raised.value.field == field
    with pytest.raises(InvalidValue, match="không có gì để sửa"):
        amend(service)
    assert service.engine.head() == head


def test_values_are_normalised_before_they_are_recorded(service):
    decomposed = "Ho\u0302\u0323  ti\u0323ch"  # "Hộ tịch" typed with combining marks
    list_procedure(service, " 1.000894 ", name="  Đăng ký   khai sinh ", field=decomposed,
                   online_address=" https://dichvucong.gov.vn/x ")
    procedure = service.ledger.procedure(COMMUNE, "1.000894")
    assert procedure.terms == GOOD | {"field": "Hộ tịch",
                                      "online_address": "https://dichvucong.gov.vn/x"}


def test_a_code_is_listed_once(service):
    list_procedure(service)
    head = service.engine.head()
    with pytest.raises(AlreadyExists) as raised:
        list_procedure(service, name="Tên khác")
    assert raised.value.field == "code" and "1.000894" in raised.value.message
    assert service.engine.head() == head


def test_the_same_code_in_another_commune_is_another_procedure(service):
    with acting_as("system"):
        service.record(service.ledger.register_commune, "10922", "Xã Đại Hợp")
    list_procedure(service)
    with acting_as("quantri"):
        service.record(service.ledger.list_procedure, "10922", "1.000894", **GOOD)
    assert Procedure.id_for(COMMUNE, "1.000894") != Procedure.id_for("10922", "1.000894")


def test_an_unknown_commune_or_code_is_refused(service):
    with acting_as("quantri"), pytest.raises(NotFound) as raised:
        service.ledger.list_procedure("99999", "1.000894", **GOOD)
    assert raised.value.field == "commune"
    with pytest.raises(NotFound) as raised:
        amend(service, "KHONG-CO")
    assert raised.value.field == "code"


def test_an_abolished_procedure_can_be_neither_amended_nor_abolished_again(service):
    list_procedure(service)
    with acting_as("quantri"), pytest.raises(InvalidValue) as raised:
        service.ledger.abolish_procedure(COMMUNE, "1.000894", "   ")
    assert raised.value.field == "reason"
    with acting_as("quantri"):
        service.record(service.ledger.abolish_procedure, COMMUNE, "1.000894",
                       "Bãi bỏ theo Quyết định 12/QĐ-UBND")
    head = service.engine.head()
    for attempt in (lambda: amend(service, fee=5000),
                    lambda: service.ledger.abolish_procedure(COMMUNE, "1.000894", "Lần nữa")):
        with acting_as("quantri"), pytest.raises(InvalidTransition) as raised:
            attempt()
        assert raised.value.field == "code" and "đã bị bãi bỏ" in raised.value.message
    assert service.engine.head() == head


def test_the_history_is_kept_event_by_event(service):
    list_procedure(service)
    amend(service, fee=8000, online_address="")
    with acting_as("quantri"):
        service.record(service.ledger.abolish_procedure, COMMUNE, "1.000894", "Hết hiệu lực")
    procedure = service.ledger.procedure(COMMUNE, "1.000894")
    events = list(service.ledger.events.get(procedure.id))
    assert [type(e).__name__ for e in events] == ["Listed", "Amended", "Abolished"]
    assert all(e.commune == COMMUNE and e.actor == "quantri" for e in events)
    assert (events[1].fee, events[1].online_address, events[2].reason) == (8000, "", "Hết hiệu lực")
    assert procedure.abolished and procedure.fee == 8000


def test_events_need_an_actor(service):
    with pytest.raises(DomainError):
        service.ledger.list_procedure(COMMUNE, "1.000894", **GOOD)
