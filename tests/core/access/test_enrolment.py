"""Staff who enrol themselves: a one-time code (shown once, stored hashed, expiring); the
person sets their own password and TOTP secret; wrong codes count as failed logins."""

from __future__ import annotations

import pytest

from finconsole.core.access import auth, enrolment, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    PermissionDenied,
    ValidationError,
)
from finconsole.core.store.models import AuditEvent, RecoveryCode, User

PASSWORD = "kissa istuu puussa"
CLI = Actor.cli()


@pytest.fixture
def ticket(db, clock):
    return users.create_enrolling(CLI, "Sanna", "support")


def enrol(ticket, password=PASSWORD):
    setup = enrolment.start("sanna", ticket.code)
    actor, codes = enrolment.complete(
        "sanna", ticket.code, password, setup.secret, cred.current_code(setup.secret)
    )
    return setup, actor, codes


def test_the_code_is_shown_once_stored_hashed_and_nothing_else_is_set(ticket):
    assert ticket.username == "sanna" and enrolment.looks_like_code(ticket.code)
    assert ticket.code not in repr(ticket)
    user = User.get(User.username == "sanna")
    assert user.enrol_code_hash == enrolment.hash_code(ticket.code)
    assert ticket.code not in user.enrol_code_hash
    assert user.totp_secret_enc is None and not RecoveryCode.select().exists()
    assert not cred.password_matches(user.password_hash, "")  # no password logs in
    event = AuditEvent.get(AuditEvent.action == "user_created")
    assert event.fields == "enrolment_code,role,username"


def test_the_person_sets_their_own_password_and_secret(ticket, clock):
    setup, actor, codes = enrol(ticket)
    assert actor.username == "sanna" and actor.role == "support" and len(codes) == 10
    clock.advance(seconds=30)
    auth.login("Sanna", PASSWORD, cred.current_code(setup.secret))
    auth.login("sanna", PASSWORD, codes[0])
    user = User.get(User.username == "sanna")
    assert user.enrol_code_hash is None and user.enrol_expires_at is None
    with pytest.raises(AuthenticationFailed):  # the enrolment code is spent
        enrolment.start("sanna", ticket.code)
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert "enrolment_completed" in actions


def test_nothing_is_stored_until_a_code_confirms_the_secret(ticket):
    setup = enrolment.start("sanna", ticket.code)
    with pytest.raises(ValidationError) as err:
        enrolment.complete("sanna", ticket.code, PASSWORD, setup.secret, "000000")
    assert "code" in err.value.fields
    with pytest.raises(ValidationError) as err:
        enrolment.complete("sanna", ticket.code, "password", setup.secret, "000000")
    assert "password" in err.value.fields  # a common password: refused, never echoed
    assert User.get(User.username == "sanna").enrol_code_hash is not None
    enrol(ticket)  # the code still works


def test_an_expired_code_fails_like_a_wrong_one(ticket, clock):
    clock.advance(hours=72)
    with pytest.raises(AuthenticationFailed):
        enrolment.start("sanna", ticket.code)
    assert User.get(User.username == "sanna").failed_attempts == 1


def test_wrong_codes_count_and_lock_like_failed_logins(ticket):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            enrolment.start("sanna", enrolment.new_code())
    with pytest.raises(AuthenticationFailed):  # locked: even the right code, for now
        enrolment.start("sanna", ticket.code)
    users.unlock(CLI, "sanna")
    enrol(ticket)


def test_unknown_user_gets_the_same_answer_and_work(db, clock, monkeypatch):
    calls = []
    real = cred.burn_password_check
    monkeypatch.setattr(cred, "burn_password_check", lambda p: calls.append(1) or real(p))
    users.create_enrolling(CLI, "sanna", "support")
    for name in ("nobody", "sanna"):
        with pytest.raises(AuthenticationFailed):
            enrolment.start(name, enrolment.new_code())
    assert calls == [1, 1]


def test_codes_are_told_apart():
    code = enrolment.new_code()
    assert enrolment.looks_like_code(code) and enrolment.looks_like_code(code.lower())
    assert not enrolment.looks_like_code("123456")
    assert not enrolment.looks_like_code(cred.new_recovery_codes()[0])


def test_only_an_officer_enrols_and_names_are_checked(db, clock, support):
    with pytest.raises(PermissionDenied):
        users.create_enrolling(support, "x", "support")
    with pytest.raises(ValidationError):
        users.create_enrolling(CLI, "bad name", "cook")
    users.create_enrolling(CLI, "sanna", "support")
    with pytest.raises(Conflict):
        users.create_enrolling(CLI, "SANNA", "officer")
