"""audit verify | audit show: check the hash chain, read the trail."""

from __future__ import annotations

import argparse
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.cli.output import print_table
from finconsole.core.access import audit
from finconsole.core.kernel.errors import FinconsoleError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="verify or show the audit trail")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_sub.add_parser("verify", help="check the whole hash chain")
    verify.add_argument(
        "--against",
        metavar="BACKUP",
        action="append",
        default=[],
        help="also check that no event a backup holds was removed since (repeatable)",
    )
    verify.set_defaults(func=cmd_verify)
    show = audit_sub.add_parser("show", help="events, newest first")
    show.add_argument("--customer", type=int, metavar="ID")
    show.add_argument("--user", metavar="NAME")
    show.add_argument("--action", metavar="PREFIX")
    show.add_argument("--limit", type=int, default=100, metavar="N")
    show.set_defaults(func=cmd_show)


def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    report = audit.verify(ctx.actor)
    if not report.ok:
        where = f"at event {report.broken_id}" if report.broken_id else "at its end"
        raise FinconsoleError(
            f"audit chain broken {where}: {report.reason} "
            f"({report.checked} events before it are intact)"
        )
    for backup in args.against:
        witness = audit.verify_against_backup(ctx.actor, Path(backup))
        if not witness.ok:
            raise FinconsoleError(f"audit chain broken: {witness.reason}")
        print(witness.checkpoint)
    note = f" ({report.checkpoint})" if report.checkpoint else ""
    print(f"audit chain intact: {report.checked} events{note}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = audit.search(
        ctx.actor,
        username=args.user,
        customer_id=args.customer,
        action=args.action,
        limit=max(1, args.limit),
    )
    for row in rows:
        kind, record = row["target_type"] or "", row["target_id"]
        row["target"] = kind if record is None else f"{kind}:{record}"  # as the console shows it
        row["customer_id"] = audit.customers_text(row)
    print_table(
        rows,
        [
            ("id", "ID"),
            ("at", "When (UTC)"),
            ("actor", "Who"),
            ("channel", "Via"),
            ("action", "Action"),
            ("target", "Target"),
            ("customer_id", "Customer"),
            ("fields", "Fields"),
            ("outcome", "Outcome"),
        ],
    )
    return 0
