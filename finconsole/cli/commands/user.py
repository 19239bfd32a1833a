"""user add | list | disable | unlock | reset-totp: staff accounts, audited as ``cli:NAME``.

``user add`` and ``reset-totp`` print a one-time enrolment code: the person chooses their own
password and scans their own QR code at the console, so whoever runs the command never sees
them. ``unlock`` lifts a lockout from the local command line (a stranger at the login cannot
keep an account locked against it)."""

from __future__ import annotations

import argparse
import getpass
import sys

from finconsole.cli.context import Context, UsageError, stdin_is_terminal
from finconsole.cli.output import print_table
from finconsole.core.access import users
from finconsole.core.kernel.actor import ROLES
from finconsole.core.kernel.errors import FinconsoleError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="staff accounts: add, list, disable, unlock, reset-totp")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = user_sub.add_parser(
        "add",
        help="add an account and print its one-time enrolment code (the person sets "
        "their own password and second factor at the console)",
    )
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="scripts: read a password from standard input and print the TOTP set-up instead "
        "of an enrolment code (whoever runs it sees the secret)",
    )
    add.set_defaults(func=cmd_add)

    user_sub.add_parser("list", help="list the accounts").set_defaults(func=cmd_list)
    for name, func, text in (
        ("disable", cmd_disable, "refuse the account from now on"),
        ("unlock", cmd_unlock, "lift a lockout after failed logins"),
        ("reset-totp", cmd_reset_totp, "the account enrols again: a new one-time code"),
    ):
        q = user_sub.add_parser(name, help=text)
        q.add_argument("name")
        q.set_defaults(func=func)


def read_new_password(from_stdin: bool) -> str:
    """From stdin with the flag; else asked twice on a terminal; never waits without one."""
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not stdin_is_terminal():
        raise UsageError("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise FinconsoleError("the passwords do not match")
    return first


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    if not args.password_stdin:
        ctx.connect()
        ticket = users.create_enrolling(ctx.actor, args.name, args.role)
        print(f"created {args.role} account {ticket.username}: enrolment pending")
        print(ticket.in_words())
        return 0
    password = read_new_password(args.password_stdin)
    ctx.connect()
    setup = users.create(ctx.actor, args.name, args.role, password)
    print(f"created {args.role} account {setup.username}")
    print(users.render_setup(setup))
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = users.list_users(ctx.actor)
    for row in rows:
        row["state"] = state_of(row)
    print_table(
        rows,
        [
            ("username", "Username"),
            ("role", "Role"),
            ("state", "State"),
            ("failed_attempts", "Failures"),
            ("last_login_at", "Last login (UTC)"),
        ],
    )
    return 0


def state_of(row: dict) -> str:
    if row["disabled"]:
        return "disabled"
    if row["enrolling"]:
        return "enrolment expired" if row["enrolment_expired"] else "enrolling"
    return "locked" if row["locked"] else "active"


def cmd_disable(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    users.disable(ctx.actor, args.name)
    print(f"disabled {args.name}")
    return 0


def cmd_unlock(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    users.unlock(ctx.actor, args.name)
    print(f"unlocked {args.name}")
    return 0


def cmd_reset_totp(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    ticket = users.reset_totp(ctx.actor, args.name)
    print(
        f"{ticket.username} enrols again: the old password, codes and recovery codes no longer work"
    )
    print(ticket.in_words())
    return 0
