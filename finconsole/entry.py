"""The ``finconsole`` command: with no subcommand the console (``finconsole.tui``), otherwise
the command line (``finconsole.cli``). The one module that knows both front ends, so that they
never import each other (an import-linter contract in pyproject.toml holds them to it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from finconsole.cli import main as cli_main
from finconsole.core.settings.config import Config


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_console=open_console)


def open_console(config: Config, connect: Callable[[], None]) -> int:
    # imported only when the console opens: subcommands do not pay for Textual
    from finconsole.tui.run import run_console

    return run_console(config, connect)
