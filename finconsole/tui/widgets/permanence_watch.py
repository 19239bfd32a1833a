"""An erasure whose permanence a reader blocked: the console retries in the background and
says when it is done.

The data is deleted at once; what waits is emptying the SQLite WAL (or, on PostgreSQL,
rewriting the tables' files). One app-wide worker retries every ``RETRY_SECONDS`` for up to
``permanence.BACKGROUND_SECONDS`` and notifies the outcome wherever the officer is.
"""

from __future__ import annotations

import time

from textual.app import App
from textual.worker import get_current_worker

from finconsole.core.erasure import erasure
from finconsole.core.store import permanence
from finconsole.core.store.db import is_sqlite, thread_connection
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text

RETRY_SECONDS = 1.0  # SQLite: a checkpoint try is cheap
PG_RETRY_SECONDS = 60.0  # PostgreSQL: a try rewrites tables
DONE_TEXT = "Erasure now permanent: no trace of the erased data remains in the database files."
PENDING_TEXT = (
    "The data is erased; another session still reads an older copy, so making it permanent "
    "in the database files is pending. The console retries and tells you when it is done."
)


def after_erasure(app: App, reason: str) -> None:
    """An erasure not yet permanent: a large PostgreSQL register waits for the retention run
    (said so); a busy reader is waited for here."""
    if reason == permanence.SCHEDULED:
        app.notify(f"Erased. {reason[0].upper()}{reason[1:]}.", severity="warning", markup=False)
        return
    app.notify(PENDING_TEXT, severity="warning", markup=False)
    watch(app)


def announce(app: App, count: int, reason: str = "") -> None:
    """At an officer's start: erasures still pending are named, and retried (a large
    PostgreSQL register's wait for the retention run is only named)."""
    if reason == permanence.SCHEDULED:
        text = f"{count} erasure(s) not yet compacted in the database files: {reason}."
        app.notify(text, severity="warning", markup=False)
        return
    text = f"{count} erasure(s) not yet permanent in the database files: retrying."
    app.notify(text, severity="warning", markup=False)
    watch(app)


def watch(app: App, *, seconds: float = permanence.BACKGROUND_SECONDS) -> None:
    """Start (or keep) the background retry."""
    app.run_worker(
        lambda: _retry(app, seconds),
        thread=True,
        exclusive=True,
        group="permanence",
        name="permanence",
    )


def _retry(app: App, seconds: float) -> None:
    worker = get_current_worker()
    deadline = time.monotonic() + seconds
    outcome = permanence.Outcome(False, reason="not tried")
    try:
        with thread_connection():
            while not worker.is_cancelled:
                outcome = erasure.settle()
                if outcome.done or time.monotonic() > deadline:
                    break
                pause = RETRY_SECONDS if is_sqlite() else PG_RETRY_SECONDS
                while not worker.is_cancelled and pause > 0:  # a cancel ends it within 1 s
                    time.sleep(min(pause, 1.0))
                    pause -= 1.0
    except SERVICE_ERRORS as exc:
        app.call_from_thread(app.notify, error_text(exc), severity="error", markup=False)
        return
    if worker.is_cancelled:
        return
    if outcome.done:
        app.call_from_thread(app.notify, DONE_TEXT, markup=False)
    else:
        text = (
            f"Still not permanent after {int(seconds)} s ({outcome.reason}): "
            "run 'finconsole compact' when that session ends."
        )
        app.call_from_thread(app.notify, text, severity="warning", markup=False)
