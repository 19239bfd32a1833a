"""key fingerprint | key rotate NEW_KEY_FILE: the key file the register is bound to."""

from __future__ import annotations

import argparse
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.core.access import keyring
from finconsole.core.erasure import key_rotation
from finconsole.core.settings import runtime


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("key", help="the key file: its fingerprint, rotation")
    key_sub = p.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_sub.add_parser(
        "fingerprint", help="the fingerprint of the key file and of the database's key"
    ).set_defaults(func=cmd_fingerprint)
    rotate = key_sub.add_parser(
        "rotate", help="re-key the register under a new key file (created if missing)"
    )
    rotate.add_argument("new_key_file", metavar="NEW_KEY_FILE")
    rotate.set_defaults(func=cmd_rotate)


def cmd_fingerprint(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()  # refuses a key file that is not the register's, naming both
    print(f"key file {keyring.key_path_text()}: {keyring.fingerprint(runtime.master_key())}")
    return 0


def cmd_rotate(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    result = key_rotation.rotate(ctx.actor, Path(args.new_key_file))
    made = " (created, mode 0600)" if result["created"] else ""
    print(
        f"re-keyed from {result['old_fingerprint']} to {result['new_fingerprint']}{made}: "
        f"{result['erasure_ledger']} ledger entries, {result['totp_secrets']} TOTP secrets, "
        f"{result['recovery_codes']} recovery codes, {result['audit_events']} audit events"
    )
    print(
        f'now set security.key_file = "{Path(args.new_key_file).resolve()}" in the config '
        "and destroy the old key file: it is refused from now on"
    )
    return 0
