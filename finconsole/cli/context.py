"""What every command needs: the config and, on first use, the database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from finconsole.core import bootstrap
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.settings import config as config_mod


class UsageError(FinconsoleError):
    """A usage problem the shell should see as exit status 2 (DESIGN.md's contract)."""

    exit_code = 2


class Context:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._config: config_mod.Config | None = None
        self._connected = False
        # the console, for ``ssh-session`` (set by cli.main from the entry point; the command
        # line never imports the console itself)
        self.open_console: Callable[[Any, Callable[[], None]], int] | None = None
        # the staff account checked by ``--as NAME`` (cli/acting.py), else the OS account
        self.acting_as: Actor | None = None
        self.console = False  # set when the console opens: nothing may print under it

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            self._config = bootstrap.use_config(self.config_path)
        return self._config

    def connect(self, *, migrate: bool = False, allow_pending_restore: bool = False) -> None:
        """Open the configured database (once).

        A database restored from a backup is refused until its erasure ledger is replayed
        (only ``finconsole restore`` itself opens it then).
        """
        if not self._connected:
            notes = bootstrap.open_database(
                self.config.database_url,
                migrate=migrate,
                allow_pending_restore=allow_pending_restore,
            )
            self._connected = True
            # for a person at a terminal: a script's stderr stays one line an error, and the
            # console tells an officer itself (permanence_watch)
            if not self.console and sys.stderr is not None and sys.stderr.isatty():
                for note in notes or []:
                    print(f"finconsole: note: {note}", file=sys.stderr)

    def run_as_batch(self) -> None:
        """A long batch command (import, retention run): yield the CPU to consoles typing on
        this machine (``[batch] nice``; helper processes forked later inherit it)."""
        from finconsole.core.settings import priority

        _ = self.config  # the config in force is the one the niceness is read from
        priority.run_as_batch()

    @property
    def actor(self) -> Actor:
        return self.acting_as or Actor.cli()

    def close(self) -> None:
        if self._connected:
            from finconsole.core.store import db

            db.close()
            self._connected = False


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
