"""Open the console: paint the login screen, then connect while the user types.

The database is opened (and its schema and a pending restore checked) in a worker once the
first screen is painted, so start-up does not wait for the driver imports and the connection.
When it cannot be opened, the console closes and the error is the command line's one line on
stderr with exit status 1, as before the console painted first.

The console needs a terminal. Without one (``ssh -T host``, ``ssh host ls``, a cron job) it
says so in one line and exits 2 at once: a full-screen program reading an empty stdin and
drawing escape codes into a pipe would otherwise spin until killed. The one way around the
check, for tests and benchmarks that drive the console headless, is the environment variable
``FINCONSOLE_NO_TERMINAL_CHECK=1`` (never set it for a login).

A hang-up (the SSH connection dropped), SIGTERM (systemd, ``kill``) or a closed terminal end
the console cleanly: the app is asked to exit (its unmount handlers run), and a watchdog ends
the process a few seconds later if something (a worker stuck on the database) holds it up, so
no console outlives its session.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.settings.config import Config

BYPASS_VARIABLE = "FINCONSOLE_NO_TERMINAL_CHECK"
# How long a hung-up console may take to finish its exit before the process is ended.
EXIT_GRACE_SECONDS = 5.0
# The exit status of a console ended by a signal (the shell's 128 + SIGHUP convention).
HANGUP_STATUS = 129


class NoTerminal(FinconsoleError):
    """The console was started without a terminal."""

    exit_code = 2


def require_terminal() -> None:
    """Raise ``NoTerminal`` unless stdin, stdout and stderr (Textual draws on stderr) are all
    terminals, or the bypass variable is set."""
    if os.environ.get(BYPASS_VARIABLE) == "1":
        return
    streams = (sys.stdin, sys.stdout, sys.stderr)
    if all(_is_terminal(stream) for stream in streams):
        return
    raise NoTerminal(
        "the console needs a terminal (connect with `ssh -t`); "
        "files go in and out with sftp, commands run locally"
    )


def _is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False


def run_console(config: Config, connect: Callable[[], None]) -> int:
    """Run the console on ``config``; ``connect`` opens the database (called in a worker)."""
    require_terminal()
    from finconsole.tui.app import FinconsoleApp

    app = FinconsoleApp(config, connect=connect)
    ended_by: list[int] = []
    previous = install_exit_signals(app, ended_by)
    try:
        app.run(mouse=False)
    finally:
        restore_signals(previous)
    if ended_by:
        return HANGUP_STATUS
    if app.startup_error is not None:
        raise app.startup_error  # cli.main prints its one line and exits 1
    if app.crash_message is not None:  # the terminal is restored: no traceback, one line
        print(app.crash_message, file=sys.stderr)
        return 1
    return app.return_code or 0


def install_exit_signals(app: Any, ended_by: list[int]) -> dict[int, Any]:
    """SIGHUP and SIGTERM ask ``app`` to exit and arm the watchdog; returns the old handlers."""

    def on_signal(signum: int, _frame: object) -> None:
        if ended_by:
            return  # a second signal while exiting: the watchdog is already armed
        ended_by.append(signum)
        start_watchdog(EXIT_GRACE_SECONDS)
        # The handler runs on the main thread, where the event loop runs: hand the exit to the
        # loop rather than tearing the app down in the middle of whatever it was doing.
        loop = getattr(app, "_loop", None)
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(hang_up, app)
        else:
            hang_up(app)

    previous: dict[int, Any] = {}
    for signum in (signal.SIGHUP, signal.SIGTERM):
        previous[signum] = signal.signal(signum, on_signal)
    return previous


def hang_up(app: Any) -> None:
    """The session ended by a signal: its audit event (logout_hangup) first, then the exit."""
    try:
        app.end_session("hangup")
    finally:
        app.exit(None, HANGUP_STATUS)


def restore_signals(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def start_watchdog(seconds: float) -> threading.Thread:
    """End the process ``seconds`` from now unless it has exited by then (a daemon thread:
    it never keeps the process alive itself)."""

    def end() -> None:
        os._exit(HANGUP_STATUS)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()
    return timer
