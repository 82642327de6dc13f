"""Who may give scopes and the province admin's role, and the admins a commune
keeps: rules of the ledger's commands, so they hold whoever calls them (the
web pages, the command line, a script)."""

from __future__ import annotations

import pytest

from events.application import Ledger
from events.base import acting_as
from events.errors import DomainError, InvalidTransition, NotFound
from events.people import User
from tests.domain.conftest import COMMUNE, new_ledger

OTHER = "10922"


@pytest.fixture
def people() -> Ledger:
    """The test commune and another, an admin in each, an inspector and a
    province admin (registered at the command line)."""
    ledger = new_ledger()
    with acting_as("system"):
        ledger.register_commune(OTHER, "Đại Hợp")
        ledger.register_user("quantri", "admin", COMMUNE)
        ledger.register_user("thanhtra", "inspector", COMMUNE)
        ledger.register_user("quantri-2", "admin", OTHER)
        ledger.register_user("tinh", "province_admin", COMMUNE)
    return ledger


def refused(ledger: Ledger, actor: str, command: str, *args: object,
            kind: type[DomainError] = DomainError) -> DomainError:
    """The command is refused and the log is unchanged."""
    before = ledger.recorder.max_notification_id()
    with acting_as(actor), pytest.raises(kind) as caught:
        getattr(ledger, command)(*args)
    assert ledger.recorder.max_notification_id() == before
    return caught.value


def test_a_commune_admin_grants_no_scope_not_even_to_itself(people):
    for name in ("quantri", "thanhtra"):
        error = refused(people, "quantri", "assign_scope", name, [OTHER])
        assert "quản trị cấp tỉnh" in error.message
    refused(people, "system", "assign_scope", "thanhtra", [OTHER])  # nor the command line


def test_a_province_admin_grants_and_revokes_scopes_of_inspectors_and_auditors(people):
    for name in ("canbo", "chuyenvien", "chutich", "quantri", "tinh"):
        error = refused(people, "tinh", "assign_scope", name, [OTHER], kind=InvalidTransition)
        assert "thanh tra" in error.message
    refused(people, "tinh", "assign_scope", "thanhtra", ["99999"], kind=NotFound)
    with acting_as("tinh"):
        people.assign_scope("thanhtra", [OTHER])
        people.assign_scope("kiemtoan", [OTHER])  # a province auditor
        people.assign_scope("thanhtra", [])
    granted, revoked = list(people.events.get(User.id_for("thanhtra")))[-2:]
    assert (granted.granted, granted.revoked, granted.actor) == ([OTHER], [], "tinh")
    assert (revoked.communes, revoked.granted, revoked.revoked) == ([], [], [OTHER])
    # Both communes' audit trails find the grant and the revocation.
    assert granted.communes_concerned == revoked.communes_concerned == [COMMUNE, OTHER]
    refused(people, "tinh", "assign_scope", "thanhtra", [], kind=InvalidTransition)


def test_a_disabled_province_admin_grants_nothing(people):
    with acting_as("system"):
        people.disable_user("tinh")
    refused(people, "tinh", "assign_scope", "thanhtra", [OTHER])


def test_only_the_command_line_or_a_province_admin_gives_the_province_role(people):
    refused(people, "quantri", "register_user", "moi", "province_admin", COMMUNE)
    refused(people, "quantri", "grant_role", "quantri", "province_admin")
    refused(people, "quantri", "revoke_role", "tinh", "province_admin")
    with acting_as("tinh"):
        people.grant_role("thanhtra", "province_admin")
    assert "province_admin" in people.user("thanhtra").roles


def test_an_admin_keeps_their_own_admin_role(people):
    with acting_as("system"):
        people.grant_role("canbo", "admin")  # so that quantri is not the last admin
    error = refused(people, "quantri", "revoke_role", "quantri", "admin",
                    kind=InvalidTransition)
    assert "của mình" in error.message
    refused(people, "tinh", "revoke_role", "tinh", "province_admin", kind=InvalidTransition)


def test_a_commune_keeps_an_enabled_admin(people):
    for command in ("disable_user", "revoke_role"):
        args = ("quantri", "admin")[:1 if command == "disable_user" else 2]
        error = refused(people, "system", command, *args, kind=InvalidTransition)
        assert "quản trị cuối cùng" in error.message
    refused(people, "system", "disable_user", "quantri-2", kind=InvalidTransition)
    with acting_as("system"):
        people.grant_role("canbo", "admin")
        people.disable_user("quantri")  # canbo remains
        people.revoke_role("quantri", "admin")  # a disabled admin is no admin of the commune
    refused(people, "system", "revoke_role", "canbo", "admin", kind=InvalidTransition)
    refused(people, "system", "disable_user", "canbo", kind=InvalidTransition)
