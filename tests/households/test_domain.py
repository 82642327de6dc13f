"""Households, villages, supplies and monitoring groups in the ledger: every
order and value checked at the command, nothing recorded when refused; and
the pure rules (where a household stands on a day, the stock an issue may
take) on their own."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from events.base import acting_as
from events.errors import AlreadyExists, DomainError, InvalidTransition, InvalidValue, NotFound
from events.households import standing, stock
from events.households.standing import Facts
from tests.domain.conftest import COMMUNE, new_ledger

D = date(2023, 1, 2)


@pytest.fixture
def ledger():  # type: ignore[no-untyped-def]
    ledger = new_ledger()
    with acting_as("chuyenvien"):
        for name in ("Mỹ Đức", "Mạc", "Kiêm Tân"):
            ledger.add_village(COMMUNE, name)
        ledger.register_household(COMMUNE, "H1", "my-duc", "Nguyễn Văn A", "Xóm 1", D)
        yield ledger


def recorded(ledger) -> int:  # type: ignore[no-untyped-def]
    return ledger.recorder.max_notification_id() or 0


def refused(ledger, error, command, *args, **kwargs):  # type: ignore[no-untyped-def]
    before = recorded(ledger)
    with pytest.raises(error) as caught:
        command(COMMUNE, *args, **kwargs)
    assert recorded(ledger) == before
    return caught.value


def test_villages_are_named_by_their_name_whatever_the_accents(ledger):
    villages = ledger.villages(COMMUNE)
    assert villages.named("kiem  tan") == "kiem-tan" and villages.named("Mac") == "mac"
    assert refused(ledger, AlreadyExists, ledger.add_village, "KIÊM TÂN").field == "name"
    ledger.rename_village(COMMUNE, "mac", "Thôn Mạc")
    ledger.merge_village(COMMUNE, "mac", "my-duc")
    error = refused(ledger, InvalidValue, ledger.register_household, "H2", "mac", "B", "", D)
    assert "sáp nhập" in error.message


def test_steps_in_order_and_each_date_after_the_step_before(ledger):
    code = "H1"
    assert "chưa tham gia" in refused(ledger, InvalidTransition, ledger.stop_household, code,
                                      D, "Chuyển đi").message
    assert refused(ledger, InvalidValue, ledger.enrol_household, code,
                   D - timedelta(days=1)).field == "on"
    ledger.enrol_household(COMMUNE, code, D + timedelta(days=3))
    refused(ledger, InvalidTransition, ledger.enrol_household, code, D + timedelta(days=4))
    refused(ledger, InvalidValue, ledger.stop_household, code, D, "Chuyển đi")
    refused(ledger, InvalidValue, ledger.stop_household, code, D + timedelta(days=5), " ")
    ledger.stop_household(COMMUNE, code, D + timedelta(days=5), "Chuyển đi")
    ledger.enrol_household(COMMUNE, code, D + timedelta(days=9))
    assert ledger.household(COMMUNE, code).spells == [
        (D + timedelta(days=3), D + timedelta(days=5)), (D + timedelta(days=9), None)]


def test_enrolling_an_unregistered_household_is_refused(ledger):
    refused(ledger, NotFound, ledger.enrol_household, "H9", D)
    refused(ledger, NotFound, ledger.register_household, "H2", "nowhere", "B", "", D)
    refused(ledger, AlreadyExists, ledger.register_household, "H1", "mac", "B", "", D)


@pytest.mark.parametrize("args, field", [
    (("../x", "mac", "B", "", D), "code"), (("H2", "mac", "", "", D), "head"),
    (("H2", "mac", "B\x00", "", D), "head"), (("H2", "mac", "B", "a" * 300, D), "address"),
    (("H2", "mac", "B", "", date(1800, 1, 1)), "registered_on"),
    (("H2", "mac", "B", "", "2023-01-01"), "registered_on"), (("H2", 5, "B", "", D), "village")])
def test_registration_fields_are_checked(ledger, args, field):
    assert refused(ledger, DomainError, ledger.register_household, *args).field == field


def test_checks_and_moves(ledger):
    refused(ledger, InvalidValue, ledger.check_household, "H1", D - timedelta(days=1), True,
            "", "Tổ 1")
    refused(ledger, InvalidValue, ledger.check_household, "H1", D, "yes", "", "Tổ 1")
    refused(ledger, InvalidValue, ledger.check_household, "H1", D, True, "", " ")
    ledger.check_household(COMMUNE, "H1", D, False, "Chưa phân loại", "Tổ 1")
    refused(ledger, InvalidValue, ledger.move_household, "H1", D, "mac")
    refused(ledger, InvalidValue, ledger.move_household, "H1", D + timedelta(days=1), "my-duc")
    ledger.move_household(COMMUNE, "H1", D + timedelta(days=1), "mac")
    assert ledger.household(COMMUNE, "H1").village == "mac"


def test_bulk_actions_record_all_or_nothing(ledger):
    ledger.register_household(COMMUNE, "H2", "my-duc", "B", "", D)
    ledger.enrol_household(COMMUNE, "H2", D)
    refused(ledger, InvalidTransition, ledger.enrol_households, ["H1", "H2"], D)
    refused(ledger, InvalidValue, ledger.enrol_households, [], D)
    ledger.check_households(COMMUNE, [("H1", True, ""), ("H2", False, "Lẫn rác")], D, "Tổ 1")
    assert len(list(ledger.events.get(ledger.household(COMMUNE, "H2").id))) == 3


def test_stock_is_never_negative_and_the_refusal_shows_it(ledger):
    ledger.receive_supplies(COMMUNE, "nap_day", 10, "UBND huyện", "12/QĐ-UBND", D)
    error = refused(ledger, InvalidValue, ledger.issue_supplies, "nap_day", 11, D,
                    village="mac", receiver="Trưởng thôn")
    assert "còn 10" in error.message and error.field == "quantity"
    # Before the receipt there was nothing to issue.
    refused(ledger, InvalidValue, ledger.issue_supplies, "nap_day", 1, D - timedelta(days=1),
            village="mac", receiver="Trưởng thôn")
    ledger.issue_supplies(COMMUNE, "nap_day", 10, D, household="H1", receiver="Nguyễn Văn A")
    assert ledger.stock(COMMUNE, "nap_day").in_stock == 0
    refused(ledger, NotFound, ledger.issue_supplies, "ban_chai", 1, D, village="mac",
            receiver="X")
    refused(ledger, InvalidValue, ledger.receive_supplies, "nap_day", 0, "X", "", D)
    refused(ledger, InvalidValue, ledger.receive_supplies, "nap_day", True, "X", "", D)
    with acting_as("admin"):
        ledger.add_supply_item(COMMUNE, "thung", "Thùng rác", "cái")
    ledger.receive_supplies(COMMUNE, "thung", 2, "Xã", "", D)


def test_a_group_takes_households_of_its_village(ledger):
    ledger.register_household(COMMUNE, "H2", "mac", "B", "", D)
    refused(ledger, InvalidValue, ledger.set_monitoring_group, "my-duc", "Tổ trưởng", ["H2"])
    ledger.set_monitoring_group(COMMUNE, "my-duc", "Lê Văn Tổ", ["H1"])
    ledger.set_monitoring_group(COMMUNE, "my-duc", "Lê Văn Tổ", [])


# -- the pure rules ---------------------------------------------------------------

def test_sorting_as_of_a_date_counts_enrolled_by_then_and_not_stopped_by_then():
    f = Facts(D, (("a", D),), ((D + timedelta(days=2), D + timedelta(days=5)),))
    assert [standing.is_sorting(f, D + timedelta(days=n)) for n in range(7)] == \
        [False, False, True, True, True, False, False]
    assert standing.counts([f], D + timedelta(days=2))[standing.SORTING] == {"a": 1}
    assert standing.counts([f], D - timedelta(days=1))[standing.REGISTERED] == {}


def test_a_move_counts_the_household_once_in_its_new_village_from_the_move_date():
    f = Facts(D, (("a", D), ("b", D + timedelta(days=3))), ((D, None),))
    before, on = standing.counts([f], D + timedelta(days=2)), \
        standing.counts([f], D + timedelta(days=3))
    assert before[standing.REGISTERED] == {"a": 1} and before[standing.SORTING] == {"a": 1}
    assert on[standing.REGISTERED] == {"b": 1} and on[standing.SORTING] == {"b": 1}


def random_facts(rng: random.Random) -> Facts:
    day = D + timedelta(days=rng.randrange(30))
    villages = [(rng.choice("abc"), day)]
    for _ in range(rng.randrange(3)):
        villages.append((rng.choice("abc"), villages[-1][1] + timedelta(days=rng.randrange(1, 9))))
    spells: list[tuple[date, date | None]] = []
    last = day
    for _ in range(rng.randrange(3)):
        start = last + timedelta(days=rng.randrange(5))
        stop = start + timedelta(days=rng.randrange(6)) if rng.random() < .6 else None
        spells.append((start, stop))
        if stop is None:
            break
        last = stop
    return Facts(day, tuple(villages), tuple(spells))


def by_spans(households: list[Facts], day: date) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {standing.REGISTERED: {}, standing.SORTING: {}}
    for f in households:
        for figure, village, first, after in standing.spans(f):
            if first <= day and (after is None or day < after):
                out[figure][village] = out[figure].get(village, 0) + 1
    return out


def test_the_spans_say_what_the_rule_says_on_every_day():
    rng = random.Random(12)
    households = [random_facts(rng) for _ in range(300)]
    for n in range(-2, 80):
        day = D + timedelta(days=n)
        assert by_spans(households, day) == {k: dict(v) for k, v in
                                             standing.counts(households, day).items()}


def test_the_stock_an_issue_may_take_is_the_least_from_its_day_on():
    moves = [(D, 10), (D + timedelta(days=5), -8), (D + timedelta(days=9), 20)]
    assert stock.available(moves, D) == 2
    assert stock.available(moves, D + timedelta(days=9)) == 22
    assert stock.available(moves, D - timedelta(days=1)) == 0


@pytest.mark.parametrize("codes", [None, 10**30, "H1", [], ["H1", None]])
def test_a_bulk_enrolment_of_no_list_is_refused(ledger, codes):
    refused(ledger, DomainError, ledger.enrol_households, codes, D)


@pytest.mark.parametrize("results", [None, 5, [("H1", True)], "abc"])
def test_a_round_of_checks_of_no_list_is_refused(ledger, results):
    refused(ledger, DomainError, ledger.check_households, results, D, "Tổ 1")


def versions(ledger, code: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {type(e).__name__: e.originator_version
            for e in ledger.events.get(ledger.household(COMMUNE, code).id)}


def test_a_correction_is_checked_again_against_every_step(ledger):
    ledger.enrol_household(COMMUNE, "H1", D + timedelta(days=2))
    ledger.stop_household(COMMUNE, "H1", D + timedelta(days=6), "Chuyển đi")
    v = versions(ledger, "H1")
    # The stop would fall before the enrolment; the registration after it.
    refused(ledger, InvalidValue, ledger.correct_household, "H1", v["Stopped"], "Nhập nhầm",
            {"on": D + timedelta(days=1)})
    refused(ledger, InvalidValue, ledger.correct_household, "H1", v["Registered"],
            "Nhập nhầm", {"registered_on": D + timedelta(days=3)})
    refused(ledger, InvalidValue, ledger.correct_household, "H1", v["Enrolled"], "Nhập nhầm",
            {"village": "mac"})
    refused(ledger, InvalidValue, ledger.correct_household, "H1", v["Enrolled"], " ",
            {"on": D})
    refused(ledger, InvalidValue, ledger.correct_household, "H1", 99, "Nhập nhầm", {"on": D})
    ledger.correct_household(COMMUNE, "H1", v["Enrolled"], "Nhập nhầm",
                             {"on": D + timedelta(days=4)})
    ledger.correct_household(COMMUNE, "H1", v["Registered"], "Nhập nhầm",
                             {"head": "Nguyễn Văn Á", "registered_on": D + timedelta(days=1)})
    household = ledger.household(COMMUNE, "H1")
    assert household.spells == [(D + timedelta(days=4), D + timedelta(days=6))]
    assert household.registered_on == D + timedelta(days=1) and household.head == "Nguyễn Văn Á"
    # The earlier correction stays in force when another step is corrected.
    refused(ledger, InvalidValue, ledger.correct_household, "H1", v["Stopped"], "Nhập nhầm",
            {"on": D + timedelta(days=3)})


def test_a_step_dated_after_today_is_refused(ledger):
    later = date.today() + timedelta(days=2)
    assert refused(ledger, InvalidValue, ledger.enrol_household, "H1", later).field == "on"
    refused(ledger, InvalidValue, ledger.register_household, "H2", "mac", "B", "", later)
    refused(ledger, InvalidValue, ledger.receive_supplies, "nap_day", 1, "X", "", later)
