"""Dates and times as shops write them -> naive UTC instants (how the register stores time).

Forms read:
- ISO 8601: ``2026-03-01``, ``2026-03-01 14:22:05 -0400``, ``2017-03-22T16:28:02``,
  ``2026-03-01T12:00:00.123Z``, with ``Z``/``UTC``/``GMT`` or an offset (``+02:00``, ``+0200``).
- US month first, as SkyVerge legacy exports and Excel write them: ``9/6/2016  6:29:00``,
  ``5/31/2016 0:37``, ``5/31/2016 12:37 PM``.
- Finnish: ``1.3.2026``, ``1.3.2026 14.22``, ``1.3.2026 klo 14:22:05``.

A time written with no zone is wall-clock time in the shop's time zone (``[shop] time_zone``,
default Europe/Helsinki), unless the caller says it is UTC (a ``..._gmt`` column). A date
alone is midnight there. Every fault raises ``FieldError`` with a message free of the value.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from finconsole.core.imports.reading.limits import FIRST_YEAR, LAST_YEAR
from finconsole.core.kernel import timezones
from finconsole.core.kernel.validation import FieldError

# Years outside this are typos or placeholders (0001-01-01), and near the ends of datetime's
# range a zone shift would overflow: refuse them as impossible dates (one range for every
# importer: ``limits``).
MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR
_TIME = r"(?:[ T]+(?:klo\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?)?"
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + _ZONE + "$", re.IGNORECASE)
_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + r"(?:\s*([AP]M))?" + _ZONE + "$", re.IGNORECASE
)
_FINNISH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + _ZONE + "$", re.IGNORECASE)


def shop_zone() -> ZoneInfo:
    """The configured shop time zone (``[shop] time_zone``)."""
    from finconsole.core.settings import runtime

    section = runtime.get_config().data.get("shop", {})
    return timezones.zone(section.get("time_zone", timezones.DEFAULT_TIME_ZONE))


def instant(
    value: str, *, required: bool = False, utc: bool = False, zone: ZoneInfo | None = None
) -> dt.datetime | None:
    """``value`` as a naive UTC datetime; empty -> None (or "is missing" if required).

    A time with no zone is read in ``zone`` (default: the shop's), or as UTC when ``utc``.
    """
    raw = " ".join(value.split()) if value else ""
    if not raw:
        if required:
            raise FieldError("is missing")
        return None
    if len(raw) > 64:  # the longest form is ~35 characters: a misplaced column
        raise FieldError("is not a date")
    year, month, day, hour, minute, second, offset = _fields(raw)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError("is not a possible date")
    try:
        at = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise FieldError("is not a possible date") from None
    if offset is not None:
        return at - offset
    if utc:
        return at
    local = at.replace(tzinfo=zone or shop_zone())
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _fields(raw: str) -> tuple[int, int, int, int, int, int, dt.timedelta | None]:
    """(year, month, day, hour, minute, second, offset or None) of any accepted form."""
    if m := _ISO.match(raw):
        year, month, day, hour, minute, second, zone = m.groups()
    elif m := _US.match(raw):
        month, day, year, hour, minute, second, half, zone = m.groups()
        hour = _twelve_hour(hour, half)
    elif m := _FINNISH.match(raw):
        day, month, year, hour, minute, second, zone = m.groups()
    else:
        raise FieldError("is not a date")
    clock = (int(hour or 0), int(minute or 0), int(second or 0))
    return (int(year), int(month), int(day), *clock, _offset(zone))


def _twelve_hour(hour: str | None, half: str | None) -> str | None:
    if hour is None or half is None:
        return hour
    number = int(hour)
    if not 1 <= number <= 12:
        raise FieldError("is not a possible date")
    return str(number % 12 + (12 if half.upper() == "PM" else 0))


def _offset(zone: str | None) -> dt.timedelta | None:
    if not zone:
        return None
    if zone.upper() in ("Z", "UTC", "GMT"):
        return dt.timedelta(0)
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        raise FieldError("is not a possible date")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return delta if zone[0] == "+" else -delta
