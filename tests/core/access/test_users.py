"""Staff accounts: validation, first run, demo officer, disable, reset TOTP, set-up text."""

from __future__ import annotations

import pytest

from finconsole.core.access import auth, enrolment, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from finconsole.core.store.models import AuditEvent, RecoveryCode, User

PASSWORD = "kissa istuu puussa"
CLI = Actor.cli()


@pytest.mark.parametrize(
    "name",
    [
        "",
        "two words",
        "tab\there",
        "ctl\x07",
        "esc\x1b[2J",
        "zero\u200bwidth",
        "a" * 65,
        "cli:x",
        "semi;colon",
        "system",
    ],
)
def test_bad_usernames_are_refused_without_echo(db, name):
    with pytest.raises(ValidationError) as err:
        users.create(CLI, name, "support", PASSWORD)
    assert set(err.value.fields) == {"username"}
    if name:
        assert name not in str(err.value)
    assert User.select().count() == 0


@pytest.mark.parametrize(
    "password", ["short", "        ", "password123", "Salasana123", "qwertyuiop"]
)
def test_weak_passwords_are_refused_without_echo(db, password):
    with pytest.raises(ValidationError) as err:
        users.create(CLI, "anna", "support", password)
    assert set(err.value.fields) == {"password"}
    assert password.strip() not in str(err.value) or not password.strip()


def test_common_list_is_shipped_and_large():
    assert len(cred.common_passwords()) >= 2000
    assert "password" in cred.common_passwords()


def test_unknown_role(db):
    with pytest.raises(ValidationError) as err:
        users.create(CLI, "anna", "admin", PASSWORD)
    assert set(err.value.fields) == {"role"}


def test_duplicate_username_conflicts(db):
    users.create(CLI, "anna", "support", PASSWORD)
    with pytest.raises(Conflict):
        users.create(CLI, "anna", "officer", PASSWORD)


def test_create_stores_only_hashes_and_audits_names(db):
    setup = users.create(CLI, "anna", "support", PASSWORD)
    assert len(setup.recovery_codes) == 10 and len(set(setup.recovery_codes)) == 10
    stored = [r.code_hash for r in RecoveryCode.select()]
    assert not set(setup.recovery_codes) & set(stored)
    event = AuditEvent.get(AuditEvent.action == "user_created")
    assert event.fields == "role,username" and event.actor == CLI.username
    assert setup.secret not in repr(setup)


def test_support_cannot_manage_users(db, support):
    for call in (
        lambda: users.create(support, "anna", "support", PASSWORD),
        lambda: users.disable(support, "anna"),
        lambda: users.unlock(support, "anna"),
        lambda: users.reset_totp(support, "anna"),
        lambda: users.create_demo_officer(support),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_unknown_user_management_target(db):
    with pytest.raises(NotFound):
        users.unlock(CLI, "nobody")


def test_last_active_officer_cannot_be_disabled(db):
    users.create(CLI, "kaj", "officer", PASSWORD)
    with pytest.raises(Conflict):
        users.disable(CLI, "kaj")
    users.create(CLI, "eeva", "officer", PASSWORD)
    users.disable(CLI, "kaj")
    assert [u["disabled"] for u in users.list_users(CLI)] == [False, True]


def test_reset_totp_makes_the_account_enrol_again(db, clock):
    old = users.create(CLI, "anna", "support", PASSWORD)
    ticket = users.reset_totp(CLI, "anna")
    for code in (old.recovery_codes[0], cred.current_code(old.secret)):
        with pytest.raises(AuthenticationFailed):
            auth.login("anna", PASSWORD, code)
    setup = enrolment.start("anna", ticket.code)
    assert setup.secret != old.secret
    enrolment.complete("anna", ticket.code, PASSWORD, setup.secret, cred.current_code(setup.secret))
    assert AuditEvent.get(AuditEvent.action == "totp_reset").fields == (
        "enrolment_code,password,recovery_codes,totp_secret"
    )


def test_first_officer_needs_a_matching_code_and_only_once(db, clock):
    setup = users.first_officer_setup("kaj", PASSWORD)
    with pytest.raises(ValidationError):
        users.create_first_officer(
            "kaj",
            PASSWORD,
            setup.secret,
            "000000" if cred.current_code(setup.secret) != "000000" else "111111",
        )
    assert not auth.user_exists()
    now_code = cred.current_code(setup.secret)
    actor, codes = users.create_first_officer("kaj", PASSWORD, setup.secret, now_code)
    assert actor.role == "officer" and len(codes) == 10
    with pytest.raises(AuthenticationFailed):  # the confirming code counts as used
        auth.login("kaj", PASSWORD, now_code)
    other = users.first_officer_setup("eeva", PASSWORD)
    with pytest.raises(Conflict):
        users.create_first_officer("eeva", PASSWORD, other.secret, cred.current_code(other.secret))


def test_demo_officer_only_in_an_empty_register(db, clock):
    setup = users.create_demo_officer(CLI)
    assert setup.password and len(setup.recovery_codes) == 10
    auth.login(setup.username, setup.password, cred.current_code(setup.secret))
    assert users.create_demo_officer(CLI) is None
    assert User.select().count() == 1


def test_setup_text_has_qr_uri_secret_and_codes_without_escapes(db):
    setup = users.create(CLI, "anna", "support", PASSWORD)
    text = users.render_setup(setup)
    assert setup.uri in text and setup.secret in text
    assert all(c in text for c in setup.recovery_codes)
    assert "\x1b" not in text and "▀" in text
    assert setup.uri.startswith("otpauth://totp/finconsole:anna?secret=")
