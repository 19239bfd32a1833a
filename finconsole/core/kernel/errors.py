"""Typed errors that every front end turns into a clear message.

Messages never carry personal data: they name fields and record ids, never values.
"""

from __future__ import annotations

import sys


class FinconsoleError(Exception):
    """Base of every error a user may see. ``str(err)`` is the one-line message."""

    exit_code = 1


class ConfigError(FinconsoleError):
    """The configuration file is missing a value, has an unknown key or a wrong type."""


class DatabaseError(FinconsoleError):
    """The database cannot be reached, is newer than this code, or refused a write."""


class PermissionDenied(FinconsoleError):
    """The actor's role does not allow the operation."""

    def __init__(self, operation: str, role: str) -> None:
        super().__init__(f"permission denied: a {role} user may not {operation.replace('_', ' ')}")
        self.operation = operation
        self.role = role


class NotFound(FinconsoleError):
    """No record with that id (or the actor may not see it)."""


class ValidationError(FinconsoleError):
    """One or more fields are invalid. ``fields`` maps field name to message."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        summary = "; ".join(f"{name}: {msg}" for name, msg in self.fields.items())
        super().__init__(f"invalid input: {summary}")


class Conflict(FinconsoleError):
    """The record changed since it was read. ``fields`` lists what another user changed."""

    def __init__(self, message: str, fields: list[str] | None = None) -> None:
        self.fields = list(fields or [])
        if self.fields:
            message = f"{message} (changed meanwhile: {', '.join(self.fields)})"
        super().__init__(message)


class ErasureBlocked(FinconsoleError):
    """Erasure cannot be (fully) done now. ``reasons`` say which law or case holds the data."""

    exit_code = 3

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("erasure blocked: " + "; ".join(self.reasons))


class AuthenticationFailed(FinconsoleError):
    """Login failed. Deliberately says nothing about which part was wrong."""

    def __init__(self) -> None:
        super().__init__("login failed: wrong username, password or code, or the account is locked")


# --- database failures, told without the driver's text ------------------------------------------

_BUSY = "the database is busy (another console is writing): try again in a moment"
_FULL = "the disk is full: nothing was saved; free some space and try again"
_GONE = "the database did not answer: try again in a moment"
_READ_ONLY = "the database is read-only here: nothing was saved"
_DENIED = (
    "permission denied: this user may not read or write the database (check the file's "
    "owner and mode, or the database role's privileges)"
)
# (a phrase of the driver's first line, what the user is told); the first match wins
DATABASE_CONDITIONS = (
    ("locked", _BUSY),
    ("deadlock", _BUSY),
    ("disk is full", _FULL),
    ("no space", _FULL),
    ("disk i/o", "the database file could not be read or written (disk I/O error)"),
    ("read-only", _READ_ONLY),
    ("readonly", _READ_ONLY),
    ("malformed", "the database file is damaged: restore it from a backup"),
    (
        "not a database",
        "the database file is not an SQLite database (or is damaged): check "
        "database.url, or restore it from a backup",
    ),
    (
        "unable to open database file",
        "the database file cannot be opened: check that it and "
        "its folder exist and this user may read and write them",
    ),
    ("permission denied", _DENIED),
    ("must be owner", _DENIED),
    ("could not connect", _GONE),
    ("connection", _GONE),
    ("server closed", _GONE),
)
DATABASE_OTHER = "the database refused the operation: nothing was saved"
DATABASE_GONE = _GONE
DATABASE_BUSY = _BUSY


def database_error_text(exc: BaseException) -> str:
    """One line for a driver's error that names the condition (locked, disk full ...) but
    never repeats the driver's text: its detail lines, and on PostgreSQL some first lines,
    quote the statement's values."""
    lines = str(exc).strip().splitlines()
    first = lines[0].casefold() if lines else ""
    for phrase, text in DATABASE_CONDITIONS:
        if phrase in first:
            return text
    return DATABASE_OTHER


# the database drivers' base error classes, by module: looked up, never imported, so the
# kernel loads no driver (the console paints its login first)
_DRIVER_ERRORS = (
    ("peewee", "DatabaseError"),
    ("sqlite3", "Error"),
    ("pysqlite3.dbapi2", "Error"),
    ("psycopg2", "Error"),
    ("psycopg", "Error"),
)


def is_database_failure(exc: BaseException) -> bool:
    """True for an error raised by peewee or by a database driver used directly (bulk writes
    and backups use the driver's own cursor and connection)."""
    for module_name, class_name in _DRIVER_ERRORS:
        module = sys.modules.get(module_name)
        base = getattr(module, class_name, None) if module is not None else None
        if isinstance(base, type) and isinstance(exc, base):
            return True
    return False


def database_error_sentence(exc: BaseException) -> str:
    """``database_error_text`` as a sentence, for the console."""
    text = database_error_text(exc)
    return text[0].upper() + text[1:] + "."


class PossibleDuplicate(FinconsoleError):
    """The customer being saved looks like one already in the register (same email, phone, or
    name and address). ``matches`` are the look-alikes (id, name, reasons) for the front end to
    show; saving again with ``allow_duplicate=True`` goes on. The message names ids only."""

    def __init__(self, matches: list[dict]) -> None:
        self.matches = list(matches)
        described = ", ".join(
            f"#{m['id']} (same {' and '.join(r.replace('_', ' and ') for r in m['reasons'])})"
            for m in self.matches
        )
        super().__init__(f"possible duplicate of customer {described}")
