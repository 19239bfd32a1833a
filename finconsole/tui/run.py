"""Open the console: paint the login screen, then connect while the user types.

The database is opened (and its schema and a pending restore checked) in a worker once the
first screen is painted, so start-up does not wait for the driver imports and the connection.
When it cannot be opened, the console closes and the error is the command line's one line on
stderr with exit status 1, as before the console painted first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from finconsole.core.settings.config import Config


def run_console(config: Config, connect: Callable[[], None]) -> int:
    """Run the console on ``config``; ``connect`` opens the database (called in a worker)."""
    from finconsole.tui.app import FinconsoleApp

    app = FinconsoleApp(config, connect=connect)
    app.run(mouse=False)
    if app.startup_error is not None:
        raise app.startup_error  # cli.main prints its one line and exits 1
    if app.crash_message is not None:  # the terminal is restored: no traceback, one line
        print(app.crash_message, file=sys.stderr)
        return 1
    return app.return_code or 0
