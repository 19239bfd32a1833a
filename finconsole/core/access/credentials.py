"""Credential primitives: password hashing and policy, usernames, TOTP secrets, recovery codes.

Nothing here writes to the database or logs anything: secrets only pass through.
- Passwords: Argon2id with the OWASP parameters (m=19 MiB, t=2, p=1); at least
  ``security.min_password_length`` characters of any Unicode, no composition rules, and not one
  of the common passwords shipped in ``core/store/data/common_passwords.txt`` (NIST SP 800-63B).
- TOTP secrets are stored encrypted (Fernet, key derived from the key file), so a copy of the
  database alone gives away no second factor.
- Recovery codes are stored as keyed hashes (HMAC with a key-file subkey): they have 50 bits of
  entropy, and the key keeps a stolen database from brute-forcing them offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import secrets
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

import argon2
import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from pyotp.exceptions import OTPVerificationError

from finconsole.core.access import keyring
from finconsole.core.kernel import clock
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import runtime

ISSUER = "finconsole"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
MAX_PASSWORD_LENGTH = 1024  # argon2 copes with more; the limit keeps a paste accident sane
USERNAME_MAX = 64

# OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane.
HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


# --- passwords -------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except argon2.exceptions.InvalidHashError:
        return False


_dummy: list[str] = []  # the hash an unknown user's password is checked against


def prepare_dummy_hash() -> None:
    """Make the hash an unknown user's password is verified against, once per process.

    Called when the console opens the database (before any login can be tried): made lazily,
    the first unknown-user attempt of a fresh process (every SSH login is one) cost a hash
    *and* a verification, twice a known user's time, which told usernames apart."""
    if not _dummy:
        _dummy.append(HASHER.hash(secrets.token_urlsafe(16)))


def dummy_hash_ready() -> bool:
    return bool(_dummy)


def burn_password_check(password: str) -> None:
    """Equal work for an unknown user: one verification, as for a known user."""
    prepare_dummy_hash()  # a caller that did not prepare (the command line) still gets one
    password_matches(_dummy[0], password)


@functools.cache
def common_passwords() -> frozenset[str]:
    text = (
        resources.files("finconsole.core.store.data").joinpath("common_passwords.txt").read_text()
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None. The message never repeats the password."""
    minimum = runtime.settings("security")["min_password_length"]
    if not isinstance(password, str) or len(password) < minimum:
        return f"must be at least {minimum} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() == "":
        return "must not be only spaces"
    if unicodedata.normalize("NFKC", password).casefold() in common_passwords():
        return "is one of the most common passwords: choose another"
    return None


# --- usernames -------------------------------------------------------------------------------


def clean_username(name: object) -> str:
    """A username: letters, digits and ``. _ -`` of any script; no spaces or control characters.

    Raises ``FieldError``; the message names what is wrong, never echoing the input.
    """
    if not isinstance(name, str) or not name:
        raise v.FieldError("is required")
    name = unicodedata.normalize("NFC", name)
    if len(name) > USERNAME_MAX:
        raise v.FieldError(f"must be at most {USERNAME_MAX} characters")
    for ch in name:
        if ch.isspace():
            raise v.FieldError("must not contain spaces")
        if unicodedata.category(ch)[0] == "C":
            raise v.FieldError("must not contain control or invisible characters")
        if not (ch.isalnum() or ch in "._-"):
            raise v.FieldError("may contain only letters, digits and . _ -")
    name = name.lower()  # "Sanna" and "sanna" are one account: stored and looked up lowercase
    if name.startswith("cli:") or name in ("system", "unknown", "console"):
        raise v.FieldError("is reserved")
    return name


def username_key(name: object) -> str:
    """The stored form of a typed username (for a look-up: no validation, never raises)."""
    return unicodedata.normalize("NFC", name).lower() if isinstance(name, str) else ""


# --- TOTP ------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def _fernet() -> Fernet:
    try:
        return Fernet(base64.urlsafe_b64encode(runtime.subkey("totp")))
    except ConfigError:
        raise
    except ValueError:
        raise ConfigError("the key file cannot encrypt TOTP secrets") from None


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str | None:
    """The plain secret, or None when this key file did not encrypt it (wrong or new key)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def looks_like_totp(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def typed_code(code: object) -> str:
    """A typed second-factor code without its spaces: authenticator apps show ``123 456``.
    (Recovery codes lose spaces and dashes in their own normalisation.)"""
    return "".join(code.split()) if isinstance(code, str) else ""


def matching_step(secret: str, code: str) -> int | None:
    """The RFC 6238 time step ``code`` belongs to (one step of drift allowed), or None."""
    if not looks_like_totp(code):
        return None
    now = clock.get_clock().now()
    try:
        return pyotp.TOTP(secret).verify_and_get_timecode(code, for_time=now, valid_window=1)
    except OTPVerificationError:
        return None


def current_code(secret: str, at: dt.datetime | None = None) -> str:
    """The code an authenticator shows now (demo output and tests)."""
    return pyotp.TOTP(secret).at(at or clock.get_clock().now())


# --- recovery codes --------------------------------------------------------------------------


def new_recovery_codes() -> list[str]:
    return [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]


def _recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


def hash_recovery_code(code: str) -> str:
    # through the register's keys: rotation re-hashes the stored ones (access.keyring)
    return keyring.keyed_hash("recovery", normalise_recovery_code(code).encode())


# --- what a new user (or a reset) is shown, once ----------------------------------------------


@dataclass(frozen=True)
class TotpSetup:
    """Shown once at set-up: never stored in plain form, never logged."""

    username: str
    secret: str
    uri: str
    recovery_codes: list[str] = field(default_factory=list)
    password: str | None = None  # only for the generated demo account

    def __repr__(self) -> str:  # keep secrets out of tracebacks and logs
        return f"TotpSetup(username={self.username!r}, ...)"


def qr_text(uri: str) -> str:
    """The QR code as half-block characters (no ANSI escapes: safe for a widget)."""
    buf = io.StringIO()
    segno.make(uri, error="m").terminal(out=buf, compact=True, border=1)
    return buf.getvalue().rstrip("\n")


def render_setup(setup: TotpSetup) -> str:
    """The TOTP set-up text both front ends show: QR code, URI, secret, recovery codes."""
    lines = [
        qr_text(setup.uri),
        "",
        "Scan the QR code with an authenticator app, or enter the secret by hand.",
        f"URI:    {setup.uri}",
        f"Secret: {setup.secret}",
    ]
    if setup.password is not None:
        lines.append(f"Password: {setup.password}")
    if setup.recovery_codes:
        lines += ["", "Recovery codes (each works once; keep them somewhere safe):"]
        codes = setup.recovery_codes
        lines += [f"  {a}   {b}" for a, b in zip(codes[0::2], codes[1::2])]
        if len(codes) % 2:
            lines.append(f"  {codes[-1]}")
    lines += ["", "This is shown only once."]
    return "\n".join(lines)
