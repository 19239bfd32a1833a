"""Staff accounts: create, list, disable, unlock, reset the second factor. Officer only.

``create_enrolling`` (the command line's ``user add``) and ``reset_totp`` return a one-time
enrolment code: the person sets their own password and second factor (``enrolment``), so the
officer never sees them. ``create`` (demo, tests, ``--password-stdin`` scripts) returns the
set-up data (TOTP secret, recovery codes, a generated password) once as a ``TotpSetup``.
The database keeps only the encrypted secret and hashes. Audit events name the account and
the fields changed, never the values.
"""

from __future__ import annotations

import secrets
from typing import Any

import peewee as pw

from finconsole.core.access import audit, auth, enrolment
from finconsole.core.access import credentials as cred
from finconsole.core.access.credentials import TotpSetup
from finconsole.core.access.enrolment import Enrolment
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import OFFICER, ROLES, Actor
from finconsole.core.kernel.errors import Conflict, ValidationError
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import User, database

DEMO_USERNAME = "officer"


def clean_new_user(username: str, role: str, password: str) -> tuple[str, str]:
    """Validate a new account's username, role and password together; (username, role)."""
    errors: dict[str, str] = {}
    try:
        username = cred.clean_username(username)
    except v.FieldError as exc:
        errors["username"] = str(exc)
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    problem = cred.password_problem(password)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    return username, role


def create(actor: Actor, username: str, role: str, password: str) -> TotpSetup:
    """A new account; its TOTP set-up and recovery codes are in the result, shown once."""
    permissions.require(actor, "manage_users")
    username, role = clean_new_user(username, role, password)
    secret = cred.new_totp_secret()
    password_hash = cred.hash_password(password)
    with write_transaction():
        user, codes = _insert(username, role, password_hash, secret)
        audit.record(actor, "user_created", "user", user.id, fields=["username", "role"])
    return TotpSetup(username, secret, cred.totp_uri(secret, username), codes)


def _insert(username: str, role: str, password_hash: str, secret: str) -> tuple[User, list[str]]:
    if User.select().where(User.username == username).exists():
        raise Conflict("a user with that username already exists")
    try:
        with write_transaction():
            user = User.create(
                username=username,
                role=role,
                password_hash=password_hash,
                totp_secret_enc=cred.encrypt_secret(secret),
            )
    except pw.IntegrityError:
        raise Conflict("a user with that username already exists") from None
    return user, enrolment.replace_recovery_codes(user)


# --- first run and demo ----------------------------------------------------------------------


def first_officer_setup(username: str, password: str) -> TotpSetup:
    """Step one of the first run: validate, and draw a secret to confirm (nothing is stored)."""
    username, _ = clean_new_user(username, OFFICER, password)
    secret = cred.new_totp_secret()
    return TotpSetup(username, secret, cred.totp_uri(secret, username))


def create_first_officer(
    username: str, password: str, secret: str, code: str, *, channel: str = "tui"
) -> tuple[Actor, list[str]]:
    """Step two: with a current code for ``secret``, create the first officer and log in.

    Only while no account exists (``Conflict`` otherwise), so this door closes once used.
    Returns the logged-in actor and the recovery codes to show once.
    """
    username, _ = clean_new_user(username, OFFICER, password)
    step = cred.matching_step(secret, cred.typed_code(code))
    if step is None:
        raise ValidationError({"code": "does not match: check the authenticator's clock"})
    password_hash = cred.hash_password(password)
    with write_transaction():
        if not is_sqlite():  # two first-run consoles at once: only one may create an officer
            database.execute_sql('LOCK TABLE "user" IN SHARE ROW EXCLUSIVE MODE')
        if auth.user_exists():
            raise Conflict("the register already has users: log in instead")
        user, codes = _insert(username, OFFICER, password_hash, secret)
        User.update(totp_last_step=step, last_login_at=clock.now()).where(
            User.id == user.id
        ).execute()
        actor = auth.actor_of(user, channel)
        audit.record(actor, "user_created", "user", user.id, fields=["username", "role"])
        audit.record(actor, "login", "user", user.id)
    return actor, codes


def create_demo_officer(actor: Actor) -> TotpSetup | None:
    """A demo officer with a generated password, or None if the register has any user."""
    permissions.require(actor, "manage_users")
    if auth.user_exists():
        return None
    password = secrets.token_urlsafe(12)
    setup = create(actor, DEMO_USERNAME, OFFICER, password)
    return TotpSetup(setup.username, setup.secret, setup.uri, setup.recovery_codes, password)


# --- management ------------------------------------------------------------------------------


def list_users(actor: Actor) -> list[dict[str, Any]]:
    permissions.require(actor, "manage_users")
    now = clock.now()
    return [
        {
            "username": u.username,
            "role": u.role,
            "disabled": u.disabled,
            "locked": u.locked_until is not None and u.locked_until > now,
            "enrolling": u.enrol_code_hash is not None,
            "enrolment_expired": u.enrol_expires_at is not None and u.enrol_expires_at <= now,
            "failed_attempts": u.failed_attempts,
            "created_at": u.created_at,
            "last_login_at": u.last_login_at,
        }
        for u in User.select().order_by(User.username)
    ]


def disable(actor: Actor, username: str) -> None:
    """Refuse the account from now on. The last active officer cannot be disabled."""
    permissions.require(actor, "manage_users")
    with write_transaction():
        user = auth.require_user(username)
        if user.disabled:
            return
        if user.role == OFFICER and _active_officers() <= 1:
            raise Conflict("cannot disable the last active officer")
        User.update(disabled=True).where(User.id == user.id).execute()
        audit.record(actor, "user_disabled", "user", user.id, fields=["disabled"])


def enable(actor: Actor, username: str) -> None:
    permissions.require(actor, "manage_users")
    with write_transaction():
        user = auth.require_user(username)
        User.update(disabled=False).where(User.id == user.id).execute()
        audit.record(actor, "user_enabled", "user", user.id, fields=["disabled"])


def _active_officers() -> int:
    return User.select().where((User.role == OFFICER) & (User.disabled == False)).count()  # noqa: E712


def unlock(actor: Actor, username: str) -> None:
    """Lift a lockout and clear the failure count."""
    permissions.require(actor, "manage_users")
    with write_transaction():
        user = auth.require_user(username)
        User.update(failed_attempts=0, locked_until=None).where(User.id == user.id).execute()
        audit.record(
            actor, "account_unlocked", "user", user.id, fields=["failed_attempts", "locked_until"]
        )


def reset_totp(actor: Actor, username: str) -> Enrolment:
    """A lost phone (or a forgotten password): the account enrols again. Its password, second
    factor and recovery codes stop working now; the person sets new ones with the one-time
    code returned here (shown once to the officer, who never sees what the person chooses)."""
    permissions.require(actor, "manage_users")
    with write_transaction():
        user = auth.require_user(username)
        ticket = enrolment.issue(user)
        audit.record(
            actor,
            "totp_reset",
            "user",
            user.id,
            fields=["password", "totp_secret", "recovery_codes", "enrolment_code"],
        )
    return ticket


def create_enrolling(actor: Actor, username: str, role: str) -> Enrolment:
    """A new account that its owner sets up: no password or secret yet, a one-time enrolment
    code to log in with (returned once). ``ValidationError``, ``Conflict`` as for ``create``."""
    permissions.require(actor, "manage_users")
    errors: dict[str, str] = {}
    try:
        username = cred.clean_username(username)
    except v.FieldError as exc:
        errors["username"] = str(exc)
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        if User.select().where(User.username == username).exists():
            raise Conflict("a user with that username already exists")
        user = User.create(username=username, role=role, password_hash=enrolment.NO_PASSWORD)
        ticket = enrolment.issue(user)
        audit.record(
            actor, "user_created", "user", user.id, fields=["username", "role", "enrolment_code"]
        )
    return ticket


# The set-up text both front ends show (QR code, URI, secret, recovery codes).
render_setup = cred.render_setup
