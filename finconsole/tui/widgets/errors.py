"""What a worker shows when a service call fails: the error's own safe message, or, for a
database failure, a fixed line (driver messages can quote SQL parameters)."""

from __future__ import annotations

import peewee as pw

from finconsole.core.errors import FinconsoleError

SERVICE_ERRORS = (FinconsoleError, pw.PeeweeException)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, FinconsoleError):
        return str(exc)
    return "The database did not answer: try again in a moment."
