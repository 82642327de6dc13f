"""The command line of CONTRACT.md, through Flask's CLI runner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from app.people.credentials import check_password
from events.base import acting_as
from projections import queries
from tests.conftest import COMMUNE, log_in
from tests.web.test_access import with_dossiers


def test_db_upgrade_is_safe_to_repeat(runner):
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output


def test_db_upgrade_replays_a_projection_a_migration_reset(runner, app):
    """As a migration that changes a projection's shape does: its rows go
    and its position returns to 0. The upgrade replays it before any
    request does, and the rows come back as they were."""
    svc = app.extensions["ledger"]
    with svc.read() as conn:
        before = [a.name for a in queries.accounts(conn, [COMMUNE])]
    assert before
    with svc.write() as conn:
        conn.execute(text("DELETE FROM app_user"))
        conn.execute(text("UPDATE projection_position SET position = 0, events_applied = 0 "
                          "WHERE name = 'users'"))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Đã cập nhật các bảng tổng hợp" in result.output
    assert all(s.behind == 0 for s in svc.engine.status())
    with svc.read() as conn:
        assert [a.name for a in queries.accounts(conn, [COMMUNE])] == before


def test_commune_add_registers_once(runner, app):
    assert runner.invoke(args=["commune", "add", "10923", "Xã Ngọc Kỳ"]).exit_code == 0
    again = runner.invoke(args=["commune", "add", "10923", "Xã Ngọc Kỳ"])
    assert again.exit_code == 1 and "đã được đăng ký" in again.output
    with app.extensions["ledger"].read() as conn:
        assert ("10923", "Xã Ngọc Kỳ") in queries.communes(conn)


def test_users_create_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(args=["users", "create", "lanhdao", "--role", "leader",
                                 "--commune", COMMUNE], input="mot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    with app.extensions["ledger"].read() as conn:
        account = queries.account_by_name(conn, "lanhdao")
        assert account and (account.roles, account.commune) == (("leader",), COMMUNE)
        assert check_password(conn, "lanhdao", "mot-mat-khau-dai")
        assert not check_password(conn, "lanhdao", "sai")


def test_users_create_may_give_the_full_name_printed_on_slips(runner, app):
    result = runner.invoke(args=["users", "create", "motcua2", "--role", "clerk", "--commune",
                                 COMMUNE, "--full-name", "Nguyễn Thị  Lan"],
                           input="mot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    with app.extensions["ledger"].read() as conn:
        account = queries.account_by_name(conn, "motcua2")
        assert account and account.shown_name == "Nguyễn Thị Lan"
        assert queries.staff_names(conn, ["motcua2", "no-such"]) == {
            "motcua2": "Nguyễn Thị Lan", "no-such": "no-such"}
    bad = runner.invoke(args=["users", "create", "motcua3", "--role", "clerk", "--commune",
                              COMMUNE, "--full-name", "x" * 101], input="mot-mat-khau-dai\n")
    assert bad.exit_code != 0 and "Họ và tên cần từ 1 đến 100 ký tự" in bad.output
    with app.extensions["ledger"].read() as conn:
        assert queries.account_by_name(conn, "motcua3") is None


def test_users_create_refuses_short_passwords_and_unknown_roles(runner):
    short = runner.invoke(args=["users", "create", "x", "--role", "clerk"], input="ngan\n")
    assert short.exit_code == 1 and "ít nhất 10 ký tự" in short.output
    role = runner.invoke(args=["users", "create", "x", "--role", "king", "--commune", COMMUNE],
                         input="du-dai-roi-nhe\n")
    assert role.exit_code == 1 and "Vai trò không hợp lệ" in role.output


def test_the_command_line_states_a_domain_refusal_in_vietnamese(runner):
    """The command line prints the domain's own Vietnamese, with its values
    filled in, as CONTRACT.md's users read it."""
    taken = runner.invoke(args=["users", "create", "canbo", "--role", "clerk",
                                "--commune", COMMUNE], input="mot-mat-khau-dai\n")
    assert taken.exit_code == 1 and taken.output.strip() == "Tên đăng nhập canbo đã có."
    again = runner.invoke(args=["commune", "add", COMMUNE, "Quảng Nghiệp"])
    assert again.exit_code == 1
    assert again.output.strip() == f"Đơn vị hành chính mã {COMMUNE} đã được đăng ký."


def test_commune_may_be_left_out_only_while_exactly_one_exists(runner):
    result = runner.invoke(args=["users", "create", "y", "--role", "clerk"],
                           input="du-dai-roi-nhe\n")
    assert result.exit_code == 1 and "--commune" in result.output


def test_projections_status_and_rebuild(runner):
    status = runner.invoke(args=["projections", "status"])
    assert status.exit_code == 0 and "dossiers" in status.output
    rebuilt = runner.invoke(args=["projections", "rebuild", "users"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "sự kiện/giây" in rebuilt.output
    unknown = runner.invoke(args=["projections", "rebuild", "nope"])
    assert unknown.exit_code == 1 and "Không có projection" in unknown.output


def record_every_other_stream(svc) -> None:  # type: ignore[no-untyped-def]
    """A target; households, villages, supplies and a monitoring group; a
    violation with evidence."""
    ledger, day = svc.ledger, date(2023, 3, 1)
    with acting_as("system"):
        ledger.set_target(COMMUNE, "online_rate", date(2023, 1, 1), date(2023, 12, 31), 0.9,
                          "59/QĐ-UBND", date(2023, 1, 10))
        # The village Mạc: the access tests' commune has it (``with_dossiers``).
        ledger.add_supply_item(COMMUNE, "thung", "Thùng rác", "cái")
        ledger.register_household(COMMUNE, "H1", "mac", "Nguyễn Văn A", "", day)
        ledger.check_household(COMMUNE, "H1", day, True, "", "Tổ 1")
        ledger.set_monitoring_group(COMMUNE, "mac", "Lê Văn Tổ", ["H1"])
        ledger.receive_supplies(COMMUNE, "nap_day", 5, "UBND huyện", "", day)
        ledger.detect_violation(COMMUNE, "VP-1", "dat_dai", "mac", "Đồng Bàu", "Lê C", "",
                                2021, "Địa chính", day)
        ledger.record_violation(COMMUNE, "VP-1", day, "1/BB")
        ledger.attach_violation_evidence(COMMUNE, "VP-1", 1, "ab" * 32, 10, "image/png", "a")
    svc.catch_up()


def test_rebuilding_every_projection_gives_back_the_same_rows(runner, app):
    svc = with_dossiers(app).extensions["ledger"]
    with acting_as("canbo"):  # an account opened with help, so that its table has a row
        svc.record(svc.ledger.record_portal_account, COMMUNE, "Lê Văn Tâm", "001089012345",
                   date(2024, 3, 4), "canbo")
    assert log_in(app.test_client(), password="sai-mat-khau-roi").status_code == 422
    record_every_other_stream(svc)
    tables = [p.table for p in svc.engine.projections.values()]

    def everything():  # type: ignore[no-untyped-def]
        with svc.read() as conn:
            rows = {t.name: sorted(map(tuple, conn.execute(select(t)))) for t in tables}
        return rows, {s.name: s.events_applied for s in svc.engine.status()}

    before = everything()
    assert all(before[0].values()), "every table should have rows to rebuild"
    result = runner.invoke(args=["projections", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "sự kiện/giây" in result.output
    assert everything() == before
    assert all(s.behind == 0 and s.error is None for s in svc.engine.status())


def test_demo_load_refuses_a_log_that_is_not_empty(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "đã có dữ liệu" in result.output


