"""Typed errors that every front end turns into a clear message.

Messages never carry personal data: they name fields and record ids, never values.
"""

from __future__ import annotations


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
