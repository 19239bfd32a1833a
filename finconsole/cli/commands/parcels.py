"""finconsole parcels overdue [--json]: what needs chasing today, for a daily cron mail."""

from __future__ import annotations

import argparse

from finconsole.cli.context import Context
from finconsole.cli.output import print_rows
from finconsole.core.parcels import parcels

OVERDUE_COLUMNS = [
    ("kind", "Kind"),
    ("carrier", "Carrier"),
    ("tracking_code", "Tracking code"),
    ("order_number", "Order"),
    ("customer_id", "Customer"),
    ("status", "Status"),
    ("last_event_at", "Last event"),
    ("deadline", "Deadline"),
]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parcels", help="follow parcels: suspected lost, pickups, claims")
    parcel_sub = p.add_subparsers(dest="parcels_command", metavar="ACTION", required=True)
    overdue = parcel_sub.add_parser(
        "overdue", help="suspected-lost parcels, ending pickups and claims nearing their deadline"
    )
    overdue.add_argument("--json", action="store_true", help="print a JSON array")
    overdue.set_defaults(func=cmd_overdue)


def cmd_overdue(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = parcels.overdue(ctx.actor)
    print_rows(rows, OVERDUE_COLUMNS, as_json=args.json, empty="nothing overdue")
    return 0
