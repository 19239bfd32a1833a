"""Logging in: password plus a TOTP code (or a single-use recovery code).

Whatever was wrong (unknown user, wrong password, wrong or replayed code, locked or disabled
account) the caller gets the same ``AuthenticationFailed``, and an unknown user costs the same
password-hash work as a known one. Failures are counted per account in the database, so a second
console or a restart does not reset them; after ``security.max_failed_logins`` in a row the
account locks for ``security.lockout_minutes``, and each further lock of the same run of failures
lasts twice as long as the one before, up to ``MAX_LOCK_MINUTES``: a guesser is slowed down
more and more, but a stranger cannot lock anyone out for good (the lock always ends, attempts
during a lock are refused without counting, and ``finconsole user unlock NAME`` on the local
command line lifts it at once). Usernames are case-insensitive; a code typed with spaces
(``123 456``, as authenticator apps show it) is a TOTP code. The audit trail records each
attempt (which factor failed, never what was typed).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from finconsole.core.access import audit
from finconsole.core.access import credentials as cred
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import AuthenticationFailed, NotFound, ValidationError
from finconsole.core.settings import runtime
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import RecoveryCode, User


def actor_of(user: User, channel: str) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, channel=channel)


def _unknown(channel: str) -> Actor:
    # Never the typed name: people type their password into the username field.
    return Actor(user_id=None, username="unknown", role="", channel=channel)


MAX_LOCK_MINUTES = 24 * 60  # the longest a run of failures locks an account


def login(username: str, password: str, code: str, *, channel: str = "tui") -> Actor:
    """The logged-in ``Actor``; raises ``AuthenticationFailed`` for any kind of failure."""
    with write_transaction():
        user = find_locked(username)
        actor = _check(user, password, code, channel, action="login")
        if actor is not None and user is not None:  # a checked actor always has its row
            User.update(last_login_at=clock.now()).where(User.id == user.id).execute()
    if actor is None:
        raise AuthenticationFailed()
    return actor


def reauthenticate(actor: Actor, password: str, code: str) -> Actor:
    """Continue a locked session: the password and a fresh code again."""
    with write_transaction():
        user = _locked_row(User.id == actor.user_id) if actor.user_id else None
        checked = _check(user, password, code, actor.channel, action="session_unlock")
    if checked is None:
        raise AuthenticationFailed()
    return checked


def change_password(actor: Actor, old_password: str, code: str, new_password: str) -> None:
    """Change one's own password; the old password and a current code are required."""
    problem = cred.password_problem(new_password)
    if problem:
        raise ValidationError({"new_password": problem})
    new_hash = cred.hash_password(new_password)
    with write_transaction():
        user = _locked_row(User.id == actor.user_id) if actor.user_id else None
        checked = _check(user, old_password, code, actor.channel, action="password_change")
        if checked is not None and user is not None:
            now = clock.now()
            User.update(password_hash=new_hash, password_changed_at=now).where(
                User.id == user.id
            ).execute()
    if checked is None:
        raise AuthenticationFailed()


def user_exists() -> bool:
    """Whether any account exists (the console offers the first-run set-up when none does)."""
    return User.select().exists()


def require_user(username: str) -> User:
    """The account ``username`` names, in any letter case (locked in the caller's
    transaction)."""
    user = find_locked(username)
    if user is None:
        raise NotFound("no user with that username")
    return user


# --- the one check behind every way in -------------------------------------------------------


def find_locked(username: str) -> User | None:
    """The account ``username`` names, in any letter case, locked for the caller's
    transaction (two consoles counting failures at once are serialised)."""
    key = cred.username_key(username)
    if not key:
        return None
    found = _locked_row(User.username == key)
    if found is None:  # an account whose lowercase name was taken when names became
        # case-insensitive (the migration left it as it was): its exact spelling still works
        exact = unicodedata.normalize("NFC", username)
        found = _locked_row(User.username == exact) if exact != key else None
    return found


def _locked_row(condition) -> User | None:
    """The user row, locked for this transaction: two consoles checking the same code (or
    counting failures) at once are serialised. SQLite's IMMEDIATE transaction already is."""
    query = User.select().where(condition)
    if not is_sqlite():
        query = query.for_update()
    return query.first()


def _check(user: User | None, password: str, code: str, channel: str, *, action: str):
    """Verify both factors and keep the failure count; the Actor on success, else None.

    Runs inside the caller's write transaction, so counting and auditing commit together.
    """
    password = password if isinstance(password, str) else ""
    code = cred.typed_code(code)
    if user is None:
        cred.burn_password_check(password)
        audit.record(_unknown(channel), f"{action}_failed", "user", outcome="failed")
        return None
    actor = actor_of(user, channel)
    now = clock.now()
    password_ok = cred.password_matches(user.password_hash, password)
    if user.disabled or is_locked(user, now):
        audit.record(actor, f"{action}_refused", "user", user.id, outcome="refused")
        return None
    if not password_ok:
        count_failure(user, actor, action, now, "password")
        return None
    step, recovery, why = _second_factor(user, code)
    if why:
        count_failure(user, actor, action, now, why)
        return None
    _succeeded(user, password, step, recovery, now)
    audit.record(actor, action, "user", user.id, fields=["recovery_code"] if recovery else [])
    return actor


def is_locked(user: User, now: dt.datetime) -> bool:
    """Whether a lockout holds the account now."""
    if user.locked_until is None:
        return False
    # When the lock runs out the count goes on (a success or an unlock resets it), so the
    # next lock of the same run lasts longer.
    return now < user.locked_until


def _second_factor(user: User, code: str) -> tuple[int | None, RecoveryCode | None, str]:
    """(time step, recovery code row, reason of failure or '')."""
    if cred.looks_like_totp(code):
        secret = cred.decrypt_secret(user.totp_secret_enc) if user.totp_secret_enc else None
        step = cred.matching_step(secret, code) if secret else None
        if step is None:
            return None, None, "code"
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return None, None, "code_replayed"
        return step, None, ""
    if not code:
        return None, None, "code"
    recovery = (
        RecoveryCode.select()
        .where(
            (RecoveryCode.user == user.id)
            & (RecoveryCode.code_hash == cred.hash_recovery_code(code))
            & RecoveryCode.used_at.is_null()
        )
        .first()
    )
    return (None, recovery, "") if recovery else (None, None, "recovery_code")


def count_failure(user: User, actor: Actor, action: str, now: dt.datetime, factor: str) -> None:
    """One more failure in the account's run (``factor``: what was wrong); locks it at every
    ``max_failed_logins``-th. Inside the caller's write transaction."""
    security = runtime.settings("security")
    attempts = user.failed_attempts + 1
    limit = security["max_failed_logins"]
    locks = limit > 0 and attempts % limit == 0
    minutes = lock_minutes(security["lockout_minutes"], attempts // limit) if locks else 0
    until = now + dt.timedelta(minutes=minutes) if locks and minutes else None
    locks = until is not None
    User.update(failed_attempts=attempts, locked_until=until).where(User.id == user.id).execute()
    audit.record(actor, f"{action}_failed", "user", user.id, fields=[factor], outcome="failed")
    if locks:
        audit.record(actor, "account_locked", "user", user.id, fields=["locked_until"])


def lock_minutes(base: int, nth: int) -> int:
    """How long the ``nth`` lock of one run of failures lasts: ``base`` doubled each time,
    at most ``MAX_LOCK_MINUTES`` (the doubling stops before it can overflow anything)."""
    if base <= 0 or nth <= 0:
        return 0
    return min(MAX_LOCK_MINUTES, base << min(nth - 1, 16))


def _succeeded(
    user: User, password: str, step: int | None, recovery: RecoveryCode | None, now: dt.datetime
) -> None:
    changes: dict = {User.failed_attempts: 0, User.locked_until: None}
    if step is not None:
        changes[User.totp_last_step] = step
    if cred.needs_rehash(user.password_hash):
        changes[User.password_hash] = cred.hash_password(password)
    User.update(changes).where(User.id == user.id).execute()
    if recovery is not None:
        RecoveryCode.update(used_at=now).where(RecoveryCode.id == recovery.id).execute()
