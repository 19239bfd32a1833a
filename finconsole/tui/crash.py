"""What escapes every handler: one line in a private log, a plain message, never a traceback.

Textual's own error screen prints the traceback with each frame's local variables: a customer
row being imported, a password being checked. The console replaces it (``FinconsoleApp``'s
``_handle_exception`` calls ``handle``): the log line names only the exception's type and
where in finconsole's code it happened (file, line, function), never its message (a message
can quote a value: ``KeyError('secret@mail.fi')``) and never a local variable.

- A failed worker (a query, a save) leaves the screen working: the user is told the action
  failed and may carry on or retry.
- An exception in the event loop stops the widget whose handler raised (Textual stops
  processing its messages), so the console closes; the message is printed on stderr after the
  terminal is restored.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from textual.worker import WorkerFailed

if TYPE_CHECKING:
    from finconsole.tui.app import FinconsoleApp

LOG_NAME = "finconsole-errors.log"
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # .../finconsole


def handle(app: FinconsoleApp, error: BaseException) -> None:
    """Log ``error`` in one line and tell the user; close the console unless a worker failed."""
    inner = error.error if isinstance(error, WorkerFailed) else error
    incident = secrets.token_hex(3)
    written = write_log(log_path(app), log_line(inner, incident))
    where = f"logged in {log_path(app)}" if written else "not logged: the log cannot be written"
    if isinstance(error, WorkerFailed) and app.is_running and not app._exit:
        app.notify(
            f"Something went wrong: the action was not completed (error {incident}, {where}). "
            "Try again; if it keeps failing, tell the register officer.",
            severity="error",
            markup=False,
            timeout=15,
        )
        return
    app.crash_message = (
        f"finconsole: an internal error closed the console (error {incident}, {where}). "
        "Start it again; what was saved before stays saved."
    )
    app._return_code = 1
    app._exception_event.set()  # a Pilot waiting on the app stops waiting (as in Textual's own)
    app._close_messages_no_wait()


def log_path(app: FinconsoleApp) -> Path:
    return app.config.base_dir / LOG_NAME


def log_line(error: BaseException, incident: str) -> str:
    """``<time> error <id> <Type> at <file>:<line> in <function>``: nothing typed or stored."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"{at} error {incident} {type(error).__name__} at {origin(error.__traceback__)}"


def origin(tb: TracebackType | None) -> str:
    """The innermost frame in finconsole's own code (else the innermost of all)."""
    last = ours = None
    while tb is not None:
        last = tb
        if Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(PACKAGE_DIR):
            ours = tb
        tb = tb.tb_next
    chosen = ours or last
    if chosen is None:
        return "an unknown place"
    code = chosen.tb_frame.f_code
    path = Path(code.co_filename)
    try:
        shown = str(path.resolve().relative_to(PACKAGE_DIR.parent))
    except ValueError:
        shown = path.name
    return f"{shown}:{chosen.tb_lineno} in {code.co_name}"


def write_log(path: Path, line: str) -> bool:
    """Append ``line`` to a log only its owner can read; False when it cannot be written."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        os.fchmod(fd, 0o600)  # an older file made with a looser mode
        os.write(fd, (line + "\n").encode())
    except OSError:
        return False
    finally:
        os.close(fd)
    return True
