"""The command line. Every subcommand prints what a service returns.

Contract (DESIGN.md): exit 0 done, 1 error (one line on stderr), 2 usage, 3 done in part.
Each command module (cli/commands/) has ``register(subparsers)``, which adds its parsers and
sets ``func``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from finconsole.cli import acting
from finconsole.cli.context import Context
from finconsole.core.kernel import helpers
from finconsole.core.kernel.errors import (
    FinconsoleError,
    database_error_text,
    is_database_failure,
)
from finconsole.core.settings import config as config_mod

# Command modules (cli/commands/) by name, imported only when a subcommand is parsed: opening
# the console (no subcommand) must not pay for every command's imports (startup target,
# bench_console).
COMMAND_MODULES = [
    "register",
    "imports",
    "erasure",
    "permanence",
    "requests",
    "outbox",
    "notice",
    "user",
    "audit",
    "key",
    "parcels",
    "demo",
    "ssh",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finconsole", description="The customer register console of a webshop."
    )
    parser.add_argument("--config", metavar="PATH", help="config file (default ./config.toml)")
    acting.add_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"finconsole.cli.commands.{name}").register(sub)
    return parser


def console_config(argv: Sequence[str]) -> tuple[bool, str | None]:
    """(True, config path) when ``argv`` only opens the console: nothing, or --config PATH;
    also ``ssh-session`` when the SSH client asked for no command (an interactive login), so
    that the forced command paints the login as fast as the plain console."""
    args = list(argv)
    if args[-1:] == ["ssh-session"] and not os.environ.get("SSH_ORIGINAL_COMMAND", "").strip():
        args = args[:-1]
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--config" and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--config=") and len(args[0]) > 9:
        return True, args[0][len("--config=") :]
    return False, None


# Opens the console on a config with a database-opening callable (``finconsole.entry`` passes
# the TUI's): the command line itself never imports the console.
ConsoleOpener = Callable[[config_mod.Config, Callable[[], None]], int]


def main(argv: Sequence[str] | None = None, open_console: ConsoleOpener | None = None) -> int:
    only_console, config_path = console_config(sys.argv[1:] if argv is None else argv)
    if only_console:
        args = argparse.Namespace(command=None, config=config_path, acting_as=None)
    else:
        args = build_parser().parse_args(acting.hoist(list(sys.argv[1:] if argv is None else argv)))
    ctx = Context(args.config)
    ctx.open_console = open_console
    try:
        if args.command is None:
            if open_console is None:
                return fail("no console in this program: give a command (see --help)", 2)
            if args.acting_as:
                return fail("--as is for commands: the console asks who you are itself", 2)
            ctx.console = True
            return open_console(ctx.config, ctx.connect)
        acting.establish(args, ctx)
        helpers.unwind_on_termination()  # `kill PID`: helpers stopped, scratch removed
        return int(args.func(args, ctx) or 0)
    except helpers.Terminated as exc:
        return fail("terminated: nothing half-done was kept", 128 + exc.signum)
    except FinconsoleError as exc:
        return fail(str(exc), exc.exit_code)
    except BrokenPipeError:
        # the reader went away (`finconsole find x | head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        return fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:  # a bug: still one line (no personal data from str(exc))
        if is_database_failure(exc):
            return fail(f"database error: {database_error_text(exc)}")
        if os.environ.get("FINCONSOLE_DEBUG"):
            raise
        return fail(
            f"internal error ({type(exc).__name__}): please report it; "
            "FINCONSOLE_DEBUG=1 shows the details"
        )
    finally:
        ctx.close()


def fail(message: str, code: int = 1) -> int:
    print(f"finconsole: {message}", file=sys.stderr)
    return code
