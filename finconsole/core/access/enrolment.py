"""Staff who enrol themselves: the officer never sees a colleague's password or second factor.

``finconsole user add NAME --role R`` (and ``user reset-totp NAME``) leaves the account with
a one-time enrolment code instead of a password and a TOTP secret: shown once to the officer,
stored as a keyed hash, working for ``security.enrolment_hours``. The person logs in with their
username and that code (in the Code field), chooses their own password, scans their own QR
code, confirms it with a current code and gets their recovery codes. Nothing is stored until
that code is confirmed, and then the enrolment code is spent.

A wrong or expired enrolment code counts as a failed login of the account (the same lockout)
and costs the same password-hash work whether or not the account exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from finconsole.core.access import audit, auth
from finconsole.core.access import credentials as cred
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import AuthenticationFailed, ValidationError
from finconsole.core.settings import runtime
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import RecoveryCode, User

# Stored as the password hash of an account that is enrolling: no password ever matches it.
NO_PASSWORD = "!enrolling"
CODE_LENGTH = 12  # 60 bits; recovery codes have 10 characters, TOTP codes 6 digits


@dataclass(frozen=True)
class Enrolment:
    """What the officer passes on, once: never logged, never stored in plain form."""

    username: str
    role: str
    code: str
    expires_at: dt.datetime

    def __repr__(self) -> str:  # keep the code out of tracebacks and logs
        return f"Enrolment(username={self.username!r}, ...)"

    def in_words(self) -> str:
        until = self.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        return "\n".join(
            [
                f"Enrolment code for {self.username}: {self.code}",
                f"It works once, until {until}. Give it to {self.username} in person or by",
                "phone. At the console they type their username and this code in the Code",
                "field (the password stays empty), then choose their own password and scan",
                "their own QR code. You never see either.",
            ]
        )


# --- the code ----------------------------------------------------------------------------


def new_code() -> str:
    chars = "".join(secrets.choice(cred.RECOVERY_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: object) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -") if isinstance(code, str) else ""


def looks_like_code(code: object) -> bool:
    """Whether a typed code is an enrolment code (not a TOTP or recovery code)."""
    plain = normalise_code(code)
    return len(plain) == CODE_LENGTH and all(ch in cred.RECOVERY_ALPHABET for ch in plain)


def hash_code(code: str) -> str:
    key = runtime.subkey("enrolment")
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def issue(user: User) -> Enrolment:
    """A new enrolment for ``user``: its password, second factor and recovery codes stop
    working. Inside the caller's write transaction (the caller audits)."""
    code = new_code()
    hours = runtime.settings("security")["enrolment_hours"]
    expires = clock.now() + dt.timedelta(hours=hours)
    User.update(
        password_hash=NO_PASSWORD,
        totp_secret_enc=None,
        totp_last_step=None,
        enrol_code_hash=hash_code(code),
        enrol_expires_at=expires,
        failed_attempts=0,
        locked_until=None,
    ).where(User.id == user.id).execute()
    RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    return Enrolment(user.username, user.role, code, expires)


def replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working); shown once."""
    RecoveryCode.delete().where(RecoveryCode.user == user.id).execute()
    codes = cred.new_recovery_codes()
    RecoveryCode.insert_many(
        [{"user": user.id, "code_hash": cred.hash_recovery_code(c)} for c in codes]
    ).execute()
    return codes


# --- the person enrolling ----------------------------------------------------------------


def start(username: str, code: str, *, channel: str = "tui") -> cred.TotpSetup:
    """Check the enrolment code; a new TOTP secret to scan (nothing is stored yet).
    ``AuthenticationFailed`` for a wrong, spent or expired code, as for any failed login."""
    with write_transaction():
        user = _checked(username, code, channel)
    if user is None:
        raise AuthenticationFailed()
    secret = cred.new_totp_secret()
    return cred.TotpSetup(user.username, secret, cred.totp_uri(secret, user.username))


def check_password(password: str) -> None:
    """The chosen password, checked before the QR code is shown (``ValidationError``)."""
    problem = cred.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})


def complete(
    username: str, code: str, password: str, secret: str, totp_code: str, *, channel: str = "tui"
) -> tuple[Actor, list[str]]:
    """Store the person's own password and TOTP secret once a current code confirms the
    secret; spend the enrolment code and log in. Returns the actor and the recovery codes."""
    check_password(password)
    step = cred.matching_step(secret, cred.typed_code(totp_code))
    if step is None:
        raise ValidationError({"code": "does not match: check the authenticator's clock"})
    password_hash = cred.hash_password(password)
    with write_transaction():
        user = _checked(username, code, channel)
        if user is not None:
            actor, codes = _store(user, password_hash, secret, step, channel)
    if user is None:
        raise AuthenticationFailed()
    return actor, codes


def _store(
    user: User, password_hash: str, secret: str, step: int, channel: str
) -> tuple[Actor, list[str]]:
    now = clock.now()
    User.update(
        password_hash=password_hash,
        password_changed_at=now,
        totp_secret_enc=cred.encrypt_secret(secret),
        totp_last_step=step,
        enrol_code_hash=None,
        enrol_expires_at=None,
        failed_attempts=0,
        locked_until=None,
        last_login_at=now,
    ).where(User.id == user.id).execute()
    codes = replace_recovery_codes(user)
    actor = auth.actor_of(user, channel)
    audit.record(
        actor,
        "enrolment_completed",
        "user",
        user.id,
        fields=["password", "totp_secret", "recovery_codes"],
    )
    audit.record(actor, "login", "user", user.id, fields=["enrolment_code"])
    return actor, codes


def _checked(username: str, code: str, channel: str) -> User | None:
    """The enrolling account if ``code`` is its current enrolment code, else None (counted
    and audited). Equal hash work whether the account exists or not."""
    user = auth.find_locked(username)
    cred.burn_password_check(normalise_code(code))
    if user is None:
        unknown = Actor(user_id=None, username="unknown", role="", channel=channel)
        audit.record(unknown, "enrolment_failed", "user", outcome="failed")
        return None
    actor = auth.actor_of(user, channel)
    now = clock.now()
    if user.disabled or auth.is_locked(user, now):
        audit.record(actor, "enrolment_refused", "user", user.id, outcome="refused")
        return None
    if not _code_matches(user, code, now):
        auth.count_failure(user, actor, "enrolment", now, "enrolment_code")
        return None
    return user


def _code_matches(user: User, code: str, now: dt.datetime) -> bool:
    if user.enrol_code_hash is None or user.enrol_expires_at is None:
        return False
    if now >= user.enrol_expires_at:
        return False
    return hmac.compare_digest(user.enrol_code_hash, hash_code(code))
