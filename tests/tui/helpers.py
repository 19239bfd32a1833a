"""Shared helpers for Pilot tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.widgets import Input
from textual.worker import WorkerCancelled

from finconsole.core.settings import runtime
from finconsole.tui.app import FinconsoleApp


def make_app(actor) -> FinconsoleApp:
    # the test's own config (autouse fixture): its key file, not one in the current folder
    return FinconsoleApp(runtime.get_config(), actor=actor)


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let workers finish and their results paint (a worker may start another)."""
    for _ in range(rounds):
        await workers_done(app)
        await pilot.pause()


async def workers_done(app) -> None:
    """Wait for the app's workers. An exclusive worker cancelled by its successor (a second
    keystroke before the first search finished) is expected, not a failure: wait again for
    the successor instead of letting WorkerCancelled end the test (seen under load)."""
    for _ in range(10):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def wait_until(app, pilot, condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Settle until ``condition()`` holds, up to ``timeout`` seconds: on a loaded machine a
    screen switch (a module import, a database worker) may take more rounds than settle()."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await workers_done(app)
        await pilot.pause(0.05)
    return condition()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def submit(app, pilot, last: str, **values: str) -> None:
    """Fill the screen's inputs by id, then press Enter in ``#last`` (a login-like form)."""
    for widget_id, value in values.items():
        app.screen.query_one(f"#{widget_id}", Input).value = value
    app.screen.query_one(f"#{last}", Input).focus()
    await pilot.press("enter")
    await settle(app, pilot)


def record_inquiry(officer, customer_id: int) -> None:
    """An authority's inquiry about one customer: it leaves the officer a task to tell them."""
    from finconsole.core.transparency import inquiries

    inquiries.record(
        officer,
        {
            "authority": "Poliisi",
            "received_at": "2026-03-15",
            "scope": "one",
            "reference": "P-1",
            "customer_ids": [customer_id],
        },
    )
