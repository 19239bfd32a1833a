"""One way to call a service from a screen: in a thread worker (the UI never waits on the
database), with the worker's own connection, the result handed back on the UI thread, and a
refusal or database failure told the one way every screen tells it (``error_text``, as an
error notification, never the driver's text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from finconsole.core.store.db import thread_connection
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text

T = TypeVar("T")


def call_service(
    node: DOMNode,
    call: Callable[[], T],
    then: Callable[[T], Any] | None = None,
    *,
    group: str,
    exclusive: bool = True,
    done: str | None = None,
) -> Worker[None]:
    """Run ``call()`` in a worker of ``node``; then ``then(result)`` on the UI thread and the
    ``done`` message, or the error's message. ``exclusive`` drops a running call of the same
    ``group`` (a newer page or filter wins); writes pass ``exclusive=False``."""
    app = node.app

    def run() -> None:
        try:
            with thread_connection():
                result = call()
        except SERVICE_ERRORS as exc:
            app.call_from_thread(app.notify, error_text(exc), severity="error", markup=False)
            return
        if done is not None:
            app.call_from_thread(app.notify, done, markup=False)
        if then is not None:
            app.call_from_thread(then, result)

    return node.run_worker(run, thread=True, exclusive=exclusive, group=group)
