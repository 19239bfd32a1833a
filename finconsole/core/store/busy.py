"""Retry a short write transaction that found the database busy, for a bounded time.

SQLite has one writer at a time. A write transaction waits for the lock up to the busy timeout
(5 s, ``db.SQLITE_PRAGMAS``) and then fails with "database is locked". A shop import commits
a chunk at a time; on a loaded machine one chunk can hold the lock longer than that, and a
background job (the retention run) that gave up at the first busy failure never completed
(``bench consoles``). ``retry`` runs the whole transaction again, with backoff, until
``seconds`` have passed: each try waits its own busy timeout, and between tries the other
writer's next chunk is still being read, so the lock is free.

Only a whole transaction may be retried: inside one, the error is re-raised at once (the
outer transaction must roll back first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from finconsole.core.kernel.errors import (
    DATABASE_BUSY,
    DatabaseError,
    database_error_text,
    is_database_failure,
)
from finconsole.core.store.models import database

T = TypeVar("T")

FIRST_PAUSE = 0.05  # seconds before the first retry; doubled each time up to MAX_PAUSE
MAX_PAUSE = 2.0


def is_busy(exc: BaseException) -> bool:
    """True for "database is locked/busy" (another writer held the lock past the timeout)."""
    if isinstance(exc, DatabaseError):
        return str(exc).casefold().startswith(DATABASE_BUSY.casefold()[:20])
    return is_database_failure(exc) and database_error_text(exc) == DATABASE_BUSY


def retry(work: Callable[[], T], *, seconds: float) -> T:
    """``work()`` (one whole write transaction), tried again while the database is busy,
    until ``seconds`` have passed; then the last busy error is raised."""
    deadline = time.monotonic() + seconds
    pause = FIRST_PAUSE
    while True:
        try:
            return work()
        except Exception as exc:
            if not is_busy(exc) or database.in_transaction() or time.monotonic() >= deadline:
                raise
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, MAX_PAUSE)
