"""Injected time, so deadlines, TOTP and retention are exact in tests."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Timezone-aware current time (UTC)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that only moves when told to: for tests."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


_clock: Clock = SystemClock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> None:
    global _clock
    _clock = clock


def now() -> dt.datetime:
    """Current time from the installed clock, UTC, without tzinfo (as stored in the database)."""
    return _clock.now().astimezone(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    return now().date()
