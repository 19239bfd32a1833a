"""export, audience, requests: access copies, purpose-limited audiences, the request queue.

``finconsole export CUSTOMER_ID [--format json|text] [--lang fi|en] [-o PATH]``
``finconsole audience --purpose marketing|statistics [-o PATH]``
``finconsole requests [--json]`` (``requests add``: see commands/outbox.py)
Files written hold personal data: mode 0600.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO, cast

from finconsole.cli.commands.outbox import add_request_parser
from finconsole.cli.context import Context
from finconsole.cli.output import print_rows
from finconsole.core.kernel.files import private_file
from finconsole.core.register import audience
from finconsole.core.rights import export, requests


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="everything held about one customer (access, portability)")
    p.add_argument("customer_id", type=int, metavar="CUSTOMER_ID")
    p.add_argument("--format", choices=export.FORMATS, default="json")
    p.add_argument(
        "--lang", choices=export.LANGUAGES, help="letter language (default: the customer's)"
    )
    p.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here (mode 0600)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("audience", help="CSV of customers that may be used for a purpose")
    p.add_argument("--purpose", choices=audience.EXPORTABLE, required=True)
    p.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here (mode 0600)")
    p.set_defaults(func=cmd_audience)

    p = sub.add_parser("requests", help="open data-subject requests, most urgent first")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_requests)
    rsub = p.add_subparsers(dest="requests_command", metavar="ACTION")
    add_request_parser(rsub)


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    if args.output:
        path = export.write_export(
            ctx.actor, args.customer_id, args.output, fmt=args.format, lang=args.lang
        )
        print(f"wrote {path}")
    else:
        sys.stdout.write(
            export.export_customer(ctx.actor, args.customer_id, fmt=args.format, lang=args.lang)
        )
    return 0


def cmd_audience(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    if not args.output:
        count = audience.write_csv(ctx.actor, args.purpose, sys.stdout)
        print(f"{count} rows", file=sys.stderr)
        return 0
    count = _write_audience_file(ctx, args.purpose, args.output)
    print(f"wrote {count} rows to {args.output}")
    return 0


def _write_audience_file(ctx: Context, purpose: str, path: Path) -> int:
    """Stream into a private file (``files.private_file``): complete, or not there at all."""
    with private_file(path, newline="") as fh:
        return audience.write_csv(ctx.actor, purpose, cast(TextIO, fh))


def cmd_requests(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = requests.list_open(ctx.actor)
    if not args.json:  # the marker column is for people, not in the JSON
        for row in rows:
            row["mark"] = {"overdue": "OVERDUE", "due_soon": "due soon"}.get(row["urgency"], "")
    print_rows(
        rows,
        [
            ("mark", "!"),
            ("reference", "Reference"),
            ("kind", "Kind"),
            ("status", "Status"),
            ("due", "Due"),
            ("channel", "Channel"),
        ],
        as_json=args.json,
        empty="no open requests",
    )
    return 0
