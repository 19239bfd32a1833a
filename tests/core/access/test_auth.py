"""Login: both factors, replay, drift, lockout, disabled and unknown users, recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from finconsole.core.access import auth, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel import clock as clock_mod
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import AuthenticationFailed, ValidationError
from finconsole.core.settings import keys, runtime
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import AuditEvent, RecoveryCode, User

PASSWORD = "kissa istuu puussa"


@pytest.fixture
def anna(db, clock):
    return users.create(Actor.cli(), "anna", "support", PASSWORD)


def code(setup, **shift):
    """The code the user's authenticator shows now (or shifted by ``shift``)."""
    return cred.current_code(setup.secret, clock_mod.get_clock().now() + timedelta(**shift))


def events(action=None):
    query = AuditEvent.select().order_by(AuditEvent.id)
    return [e for e in query if action is None or e.action == action]


def test_login_success(anna, clock):
    actor = auth.login("anna", PASSWORD, code(anna))
    assert (actor.username, actor.role, actor.channel) == ("anna", "support", "tui")
    user = User.get(User.username == "anna")
    assert user.last_login_at == clock.now().replace(tzinfo=None)
    assert events("login")[-1].target_id == user.id


@pytest.mark.parametrize(
    "password, typed_code, factor",
    [("wrong password!", None, "password"), (PASSWORD, "000000", "code"), (PASSWORD, "", "code")],
)
def test_wrong_factor_is_counted_and_audited_without_values(anna, password, typed_code, factor):
    typed = code(anna) if typed_code is None else typed_code
    if typed == "000000" and code(anna) == "000000":
        typed = "111111"
    with pytest.raises(AuthenticationFailed) as err:
        auth.login("anna", password, typed)
    assert str(err.value) == str(AuthenticationFailed())
    assert User.get(User.username == "anna").failed_attempts == 1
    failed = events("login_failed")[-1]
    assert failed.fields == factor and failed.outcome == "failed"
    for event in events():
        assert password not in repr(event.__data__) and anna.secret not in repr(event.__data__)


def test_replayed_code_is_refused_and_next_step_works(anna, clock):
    first = code(anna)
    auth.login("anna", PASSWORD, first)
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, first)
    assert events("login_failed")[-1].fields == "code_replayed"
    clock.advance(seconds=30)
    auth.login("anna", PASSWORD, code(anna))


def test_one_step_of_drift_is_allowed_two_are_not(anna):
    auth.login("anna", PASSWORD, code(anna, seconds=-30))
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, code(anna, seconds=90))


def test_unknown_user_gets_the_same_answer_and_the_same_work(db, clock, monkeypatch):
    users.create(Actor.cli(), "anna", "support", PASSWORD)
    calls = []
    real = cred.password_matches
    monkeypatch.setattr(cred, "password_matches", lambda h, p: calls.append(1) or real(h, p))
    with pytest.raises(AuthenticationFailed) as unknown:
        auth.login("nobody", PASSWORD, "123456")
    with pytest.raises(AuthenticationFailed) as known:
        auth.login("anna", "wrong password!", "123456")
    assert str(unknown.value) == str(known.value)
    assert calls == [1, 1]
    assert events("login_failed")[0].actor == "unknown"  # the typed name is not stored
    assert "nobody" not in "".join(e.actor + e.fields for e in events())


def test_lockout_after_five_failures_then_expiry(anna, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.login("anna", "wrong password!", code(anna))
    assert len(events("account_locked")) == 1
    with pytest.raises(AuthenticationFailed):  # even the right credentials, while locked
        auth.login("anna", PASSWORD, code(anna))
    assert events()[-1].action == "login_refused"
    clock.advance(minutes=15)
    auth.login("anna", PASSWORD, code(anna))
    assert User.get(User.username == "anna").failed_attempts == 0


def test_officer_unlocks_a_locked_account(anna, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.login("anna", "wrong password!", "123456")
    users.unlock(Actor.cli(), "anna")
    auth.login("anna", PASSWORD, code(anna))
    assert events("account_unlocked")[0].actor.startswith("cli:")


def test_lockout_follows_config(anna, runtime_config):
    runtime_config["security"]["max_failed_logins"] = 2
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            auth.login("anna", "wrong password!", "123456")
    assert User.get(User.username == "anna").locked_until is not None


def test_disabled_user_is_refused(db, clock):
    users.create(Actor.cli(), "kaj", "officer", PASSWORD)
    anna = users.create(Actor.cli(), "anna", "support", PASSWORD)
    users.disable(Actor.cli(), "anna")
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, code(anna))
    assert events()[-1].action == "login_refused"


def test_recovery_code_works_once_in_any_spelling(anna):
    first = anna.recovery_codes[0]
    auth.login("anna", PASSWORD, first.lower().replace("-", " "))
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, first)
    assert events("login_failed")[-1].fields == "recovery_code"
    assert events("login")[0].fields == "recovery_code"
    assert RecoveryCode.select().where(RecoveryCode.used_at.is_null()).count() == 9


def test_unicode_password(db, clock):
    password = "sálasanä 🔑 пароль"
    setup = users.create(Actor.cli(), "ünïcode", "support", password)
    assert auth.login("ünïcode", password, code(setup)).username == "ünïcode"


def test_secret_is_encrypted_and_useless_without_the_key_file(anna, tmp_path):
    stored = User.get(User.username == "anna").totp_secret_enc
    assert anna.secret not in stored
    other = tmp_path / "other"
    other.mkdir()
    keys.create_key_file(other / "finconsole.key")
    runtime.set_config(Config(defaults(), other / "config.toml"))
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, code(anna))


def test_password_hash_uses_owasp_argon2id(anna):
    stored = User.get(User.username == "anna").password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_reauthenticate_needs_a_fresh_code(anna, clock):
    actor = auth.login("anna", PASSWORD, code(anna))
    with pytest.raises(AuthenticationFailed):
        auth.reauthenticate(actor, PASSWORD, code(anna))  # same step: replay
    clock.advance(seconds=30)
    assert auth.reauthenticate(actor, PASSWORD, code(anna)) == actor
    assert events()[-1].action == "session_unlock"


def test_change_password(anna, clock):
    actor = auth.login("anna", PASSWORD, code(anna))
    clock.advance(seconds=30)
    with pytest.raises(ValidationError) as err:
        auth.change_password(actor, PASSWORD, code(anna), "short")
    assert "new_password" in err.value.fields
    with pytest.raises(AuthenticationFailed):
        auth.change_password(actor, "wrong password!", code(anna), "a new long password")
    auth.change_password(actor, PASSWORD, code(anna), "a new long password")
    clock.advance(seconds=30)
    with pytest.raises(AuthenticationFailed):
        auth.login("anna", PASSWORD, code(anna))
    auth.login("anna", "a new long password", code(anna))
    assert events("password_change")[0].fields == ""


def test_garbage_input_is_a_clean_failure(anna):
    for username, password, typed in [
        ("", "", ""),
        (None, None, None),
        ("anna", PASSWORD, "12345\x00"),
        ("anna\x1b[2J", PASSWORD, "x" * 500),
    ]:
        with pytest.raises(AuthenticationFailed):
            auth.login(username, password, typed)
