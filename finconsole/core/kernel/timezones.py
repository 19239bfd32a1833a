"""The shop's time zone: where a time written without a zone (``2017-03-22T16:28:02``) is.

Shop exports and carrier feeds often write local wall-clock times with no offset; reading them
as UTC would shift every order by two or three hours. ``[shop] time_zone`` names the zone
(an IANA name, default ``Europe/Helsinki``).
"""

from __future__ import annotations

import functools
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from finconsole.core.kernel.errors import ConfigError

DEFAULT_TIME_ZONE = "Europe/Helsinki"


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name (cached: imports ask once a row)."""
    return ZoneInfo(name)


def is_zone(name: object) -> bool:
    if not isinstance(name, str) or not name or name != name.strip() or ".." in name:
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def check_time_zone(section: dict[str, Any], where: str) -> None:
    """``[shop] time_zone`` must be a time zone this machine knows (e.g. Europe/Helsinki)."""
    name = section.get("time_zone", DEFAULT_TIME_ZONE)
    if not is_zone(name):
        raise ConfigError(
            f"{where}: 'shop.time_zone' must be a time zone name such as Europe/Helsinki"
        )
