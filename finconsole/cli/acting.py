"""Who acts on the command line: the trust model (README "The command line and who acted").

- The audit trail names the operating-system account of the process's real user id
  (``cli:NAME``, from the password database: never ``LOGNAME``/``USER``, which anyone can set).
- Several people may share one OS account (the SSH account of the console). Name it in
  ``[security] shared_os_account``; run as that account, the destructive commands (``erase``,
  ``merge``, ``restore``, ``user add|disable|unlock|reset-totp``) need ``--as NAME``: the
  person's staff account, checked with their password and a current TOTP code read from the
  terminal, and the event is audited as that person (channel ``cli``) with their role's
  permissions. The one exception is the very first ``user add`` of an empty register (there is
  no one to be yet). Read-only and scheduled commands (``retention run``, ``backup``, ``find``)
  run as the account.
- ``--as NAME`` may be given on any account; it always asks and checks.
"""

from __future__ import annotations

import argparse
import getpass

from finconsole.cli.context import Context, UsageError, stdin_is_terminal
from finconsole.core.kernel.actor import Actor, os_user_name
from finconsole.core.kernel.errors import FinconsoleError

# (command, subcommand or None for all of it)
DESTRUCTIVE = {
    ("erase", None),
    ("merge", None),
    ("restore", None),
    ("user", "add"),
    ("user", "disable"),
    ("user", "unlock"),
    ("user", "reset-totp"),
}


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="NAME",
        help="act as this staff account (its password and code are asked on the terminal)",
    )


def hoist(argv: list[str]) -> list[str]:
    """``--as NAME`` wherever it was typed (``finconsole erase 42 --as kaj``), moved in front
    of the subcommand, where the parser takes it."""
    for i, word in enumerate(argv):
        if word == "--as" and i + 1 < len(argv):
            return [word, argv[i + 1], *argv[:i], *argv[i + 2 :]]
        if word.startswith("--as="):
            return [word, *argv[:i], *argv[i + 1 :]]
    return argv


def command_name(args: argparse.Namespace) -> tuple[str, str | None]:
    return args.command, getattr(args, "user_command", None)


def is_destructive(args: argparse.Namespace) -> bool:
    command, sub = command_name(args)
    if command == "erase" and getattr(args, "preview", False):
        return False
    return (command, None) in DESTRUCTIVE or (command, sub) in DESTRUCTIVE


def on_shared_account(ctx: Context) -> bool:
    shared = ctx.config["security"].get("shared_os_account", "")
    return bool(shared) and os_user_name() == shared


def establish(args: argparse.Namespace, ctx: Context) -> None:
    """Before a command runs: check ``--as`` or refuse a destructive command that needs it."""
    name = getattr(args, "acting_as", None)
    if name:
        ctx.acting_as = login_as(ctx, name, restoring=args.command == "restore")
        return
    if is_destructive(args) and on_shared_account(ctx) and not first_officer(args, ctx):
        words = " ".join(w for w in command_name(args) if w)
        raise UsageError(
            f"`{words}` run as the shared account {os_user_name()} needs --as NAME "
            f"(your staff account), e.g. finconsole --as NAME {words} ..."
        )


def first_officer(args: argparse.Namespace, ctx: Context) -> bool:
    """``user add`` on a register with no account yet: nobody to act as."""
    if command_name(args) != ("user", "add"):
        return False
    from finconsole.core.access import auth

    ctx.connect()
    return not auth.user_exists()


def login_as(ctx: Context, name: str, *, restoring: bool = False) -> Actor:
    """The staff account ``name``, checked with its password and code from the terminal."""
    if not stdin_is_terminal():
        raise UsageError("--as asks for the password and code: it needs a terminal")
    password = getpass.getpass(f"Password of {name}: ")
    code = getpass.getpass("Code from the authenticator app: ")
    from finconsole.core.access import auth

    ctx.connect(allow_pending_restore=restoring)  # restore opens a pending database itself
    try:
        return auth.login(name, password, code, channel="cli")
    except FinconsoleError as exc:
        raise FinconsoleError(f"--as {name}: {exc}") from None
