"""What a worker shows when a service call fails: the error's own safe message, or, for a
database failure, a line of our own naming the condition (``database_error_text``: never the
driver's text, which can quote the statement's values)."""

from __future__ import annotations

import peewee as pw

from finconsole.core.kernel.errors import FinconsoleError, ValidationError, database_error_sentence
from finconsole.tui.safe import words

SERVICE_ERRORS = (FinconsoleError, pw.PeeweeException)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{field_words(k)}: {m}" for k, m in exc.fields.items())
    if isinstance(exc, FinconsoleError):
        return str(exc)
    return database_error_sentence(exc)


def field_words(name: str) -> str:
    """A service's field name as a person says it: "refusal_reason" -> "Refusal reason",
    "customer.email" -> "Email" (str(ValidationError) is for logs and the command line)."""
    return words(name.rpartition(".")[2]).capitalize()
