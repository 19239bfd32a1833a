"""Dates as the officer types them: ISO ``2026-03-15`` or Finnish ``15.3.2026``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from finconsole.core.kernel.validation import FieldError

_FINNISH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse(value: object, *, required: bool = False) -> dt.date | None:
    """A ``date`` from a date, an ISO or Finnish string; empty -> None (or an error if required)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = "" if value is None else str(value).strip()
    if not raw:
        if required:
            raise FieldError("is required")
        return None
    match = _FINNISH.match(raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldError("is not a date (use YYYY-MM-DD or D.M.YYYY)") from None


def day_in_month(year: int, month: int, day: int) -> dt.date:
    """``day`` of that month, clamped to the month's end (31 -> 28 Feb, 29 Feb -> 28 Feb)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
