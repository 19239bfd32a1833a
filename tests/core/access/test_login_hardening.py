"""Login hardening of #15: codes with spaces, case-insensitive usernames, the dummy hash made
before the first attempt, growing lockouts that always end, settings that cannot overflow."""

from __future__ import annotations

import pytest

from finconsole.core.access import auth, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import AuthenticationFailed, ConfigError, Conflict
from finconsole.core.settings import config
from finconsole.core.store import migrations
from finconsole.core.store.models import AuditEvent, Meta, User

PASSWORD = "kissa istuu puussa"


@pytest.fixture
def sanna(db, clock):
    return users.create(Actor.cli(), "Sanna", "support", PASSWORD)


def failures(action="login_failed"):
    return [e.fields for e in AuditEvent.select().order_by(AuditEvent.id) if e.action == action]


def spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


def test_a_code_typed_with_spaces_is_a_totp_code(sanna, clock):
    actor = auth.login("sanna", PASSWORD, spaced(cred.current_code(sanna.secret)))
    assert actor.username == "sanna"
    assert User.get(User.username == "sanna").failed_attempts == 0
    clock.advance(seconds=30)
    with pytest.raises(AuthenticationFailed):  # a wrong one fails as a code, not a recovery code
        auth.login("sanna", PASSWORD, " 000 000 ")
    assert failures() == ["code"]
    assert User.get(User.username == "sanna").failed_attempts == 1


def test_usernames_are_case_insensitive(sanna):
    assert sanna.username == "sanna"
    assert User.select().where(User.username == "sanna").count() == 1
    for typed in ("Sanna", "SANNA", "sanna"):
        with pytest.raises(AuthenticationFailed):  # the same account either way: counted on it
            auth.login(typed, "wrong password!", "000000")
    assert User.get(User.username == "sanna").failed_attempts == 3
    with pytest.raises(Conflict):
        users.create(Actor.cli(), "SANNA", "support", PASSWORD)
    users.unlock(Actor.cli(), "SaNNa")
    assert User.get(User.username == "sanna").failed_attempts == 0


def test_the_dummy_hash_is_made_before_the_first_attempt(monkeypatch):
    monkeypatch.setattr(cred, "_dummy", [])
    assert not cred.dummy_hash_ready()
    cred.prepare_dummy_hash()
    assert cred.dummy_hash_ready()
    made = list(cred._dummy)
    cred.burn_password_check("anything")  # uses it, does not make another
    assert cred._dummy == made


def lock_out(password="wrong password!"):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.login("sanna", password, "000000")


def test_each_further_lock_lasts_twice_as_long_and_always_ends(sanna, clock):
    lock_out()
    user = User.get(User.username == "sanna")
    assert user.locked_until is not None and user.failed_attempts == 5
    with pytest.raises(AuthenticationFailed):  # during the lock: refused, not counted
        auth.login("sanna", "wrong password!", "000000")
    assert User.get(User.username == "sanna").failed_attempts == 5
    clock.advance(minutes=15)
    lock_out()  # the second lock of the same run: 30 minutes
    clock.advance(minutes=29)
    with pytest.raises(AuthenticationFailed):
        auth.login("sanna", PASSWORD, cred.current_code(sanna.secret))
    clock.advance(minutes=1)
    auth.login("sanna", PASSWORD, cred.current_code(sanna.secret))
    user = User.get(User.username == "sanna")
    assert user.failed_attempts == 0 and user.locked_until is None  # a success resets the run
    assert len(failures("account_locked")) == 2


def test_lock_minutes_grow_to_a_day_at_most():
    assert [auth.lock_minutes(15, n) for n in (1, 2, 3)] == [15, 30, 60]
    assert auth.lock_minutes(15, 10**6) == auth.MAX_LOCK_MINUTES == 24 * 60
    assert auth.lock_minutes(0, 3) == 0  # no lock configured


def test_the_officer_unlocks_from_the_command_line(sanna, clock):
    lock_out()
    users.unlock(Actor.cli(), "sanna")
    auth.login("sanna", PASSWORD, cred.current_code(sanna.secret))


@pytest.mark.parametrize(
    "key, value",
    [
        ("lockout_minutes", 10**12),
        ("lockout_minutes", 525_600 + 1),  # more than a year
        ("session_hours", 10**9),
        ("idle_lock_minutes", 0),
        ("max_failed_logins", 101),
    ],
)
def test_durations_are_range_checked(tmp_path, key, value):
    path = tmp_path / "config.toml"
    path.write_text(f"[security]\n{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"'security.{key}' must be"):
        config.load(str(path))


def test_a_day_long_lockout_is_accepted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[security]\nlockout_minutes = 1440\n", encoding="utf-8")
    assert config.load(str(path))["security"]["lockout_minutes"] == 1440


def test_migration_lowercases_usernames_on_an_older_register(sqlite_db):
    db = sqlite_db
    for name in ("Sanna", "KAJ", "kaj"):
        User.create(username=name, role="support", password_hash="x")
    db.execute_sql('ALTER TABLE "user" DROP COLUMN "enrol_code_hash"')
    db.execute_sql('ALTER TABLE "user" DROP COLUMN "enrol_expires_at"')
    number, enrolment = migrations.numbered("staff_enrolment")
    Meta.update(value=str(number - 1)).where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    names = sorted(u.username for u in User.select(User.username))
    assert names == ["KAJ", "kaj", "sanna"]  # KAJ's lowercase form was taken: left as it was
    assert {"enrol_code_hash", "enrol_expires_at"} <= {c.name for c in db.get_columns("user")}
    enrolment(db)  # idempotent
    assert sorted(u.username for u in User.select(User.username)) == names
