"""requests add, inquiries add, outbox: what other systems feed in, and what goes out.

``finconsole requests add --customer ID|--email ADDR --kind KIND [--channel C] [--note T]``
prints the reference and due date (a web form or a mail filter can call it).
``finconsole inquiries add --customer ID [--customer ID ...] --authority NAME [--court-order REF]``
``finconsole disclosures announce --customer ID --recipient NAME --kind K --fields F --on DATE``
``finconsole outbox list [--state S] [--json] | send | cancel ID | resend ID | show ID | posted ID``
``outbox send`` is the cron/systemd job: exit 0 all due sent (or nothing due), 3 some failed
or wait for a retry, 1 an error.
"""

from __future__ import annotations

import argparse

from finconsole.cli.context import Context
from finconsole.cli.output import print_json, print_rows
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.outbox import outbox
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.transparency import disclosures, inquiries

CHANNELS = {"email": "email", "phone": "phone", "web": "web_form", "letter": "letter"}


def add_request_parser(sub: argparse._SubParsersAction) -> None:
    """``requests add``: called by commands/requests.py, which owns ``requests``."""
    p = sub.add_parser("add", help="record a request (prints its reference and due date)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer", type=int, metavar="ID", help="the customer who asked")
    who.add_argument("--email", metavar="ADDRESS", help="the address the request came from")
    p.add_argument("--kind", choices=requests.KINDS, required=True)
    p.add_argument("--channel", choices=tuple(CHANNELS), default="email")
    p.add_argument("--purpose", choices=requests.OBJECTION_PURPOSES, help="for an objection")
    p.add_argument("--note", metavar="TEXT", default="", help="what the person wrote")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_request_add)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inquiries", help="authority inquiries")
    isub = p.add_subparsers(dest="inquiries_command", metavar="ACTION", required=True)
    a = isub.add_parser("add", help="record an inquiry; the customers are told at once")
    a.add_argument("--customer", type=int, action="append", required=True, metavar="ID")
    a.add_argument("--authority", required=True, metavar="NAME")
    a.add_argument("--court-order", default="", metavar="REF", help="the court order, if any")
    a.add_argument("--reference", default="", metavar="REF", help="the authority's reference")
    a.add_argument("--received", metavar="DATE", help="when it came (default today)")
    a.add_argument("--description", default="", metavar="TEXT")
    a.set_defaults(func=cmd_inquiry_add)

    p = sub.add_parser("disclosures", help="disclosures of a customer's data")
    dsub = p.add_subparsers(dest="disclosures_command", metavar="ACTION", required=True)
    d = dsub.add_parser("announce", help="tell the customer of a planned disclosure, ahead")
    d.add_argument("--customer", type=int, required=True, metavar="ID")
    d.add_argument("--recipient", required=True, metavar="NAME")
    d.add_argument("--kind", choices=("debt_collection", "invoicing"), required=True)
    d.add_argument("--fields", required=True, metavar="LIST", help="e.g. first_name,email")
    d.add_argument("--on", required=True, metavar="DATE", help="the planned disclosure day")
    d.set_defaults(func=cmd_disclosure_announce)

    p = sub.add_parser("outbox", help="messages to customers and recipients")
    osub = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    o = osub.add_parser("list", help="messages, newest first")
    o.add_argument("--state", choices=outbox.STATES)
    o.add_argument("--json", action="store_true", help="print a JSON array")
    o.set_defaults(func=cmd_outbox_list)
    o = osub.add_parser("send", help="send what is due (run it from cron or a systemd timer)")
    o.set_defaults(func=cmd_outbox_send)
    for name, helptext in (
        ("cancel", "do not send a message"),
        ("resend", "queue a failed, cancelled or sent message again"),
        ("show", "print a message as a letter (to post it)"),
        ("posted", "mark a message sent by post"),
    ):
        o = osub.add_parser(name, help=helptext)
        o.add_argument("message_id", type=int, metavar="ID")
        o.set_defaults(func=cmd_outbox_action, action=name)


def cmd_request_add(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    data = {
        "kind": args.kind,
        "channel": CHANNELS[args.channel],
        "objection_purpose": args.purpose,
        "details": args.note,
    }
    reply_to = ""
    if args.customer is not None:
        data["customer_id"] = args.customer
    else:
        found = customers.id_by_email(ctx.actor, args.email)
        if found is not None:
            data["customer_id"] = found
        else:  # an unknown person: the officer links the request once identified
            data["subject_description"] = f"asked from {args.email.strip()}"
            reply_to = args.email.strip()
    row = requests.record(ctx.actor, data, reply_to=reply_to)
    if args.json:
        keys = ("id", "reference", "kind", "status", "received_at", "due", "customer_id")
        print_json([{k: row[k] for k in keys}])
    else:
        print(f"{row['reference']} due {row['due'].isoformat()}")
    return 0


def cmd_inquiry_add(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    data = {
        "authority": args.authority,
        "received_at": args.received or ctx_today(),
        "scope": "one" if len(args.customer) == 1 else "several",
        "reference": args.reference,
        "description": args.description,
        "customer_ids": args.customer,
    }
    row = inquiries.record(ctx.actor, data, court_order=args.court_order)
    print(f"inquiry {row['id']} recorded")
    for message_id in row["message_ids"]:  # "told at once": sent now if [mail] is set
        sent = outbox.send_one(ctx.actor, message_id)
        print(f"notice {message_id}: {'sent' if sent else 'queued in the outbox'}")
    return 0


def cmd_disclosure_announce(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    data = {
        "customer_id": args.customer,
        "recipient_name": args.recipient,
        "recipient_kind": args.kind,
        "data_fields": args.fields,
        "planned_on": args.on,
    }
    row = disclosures.announce(ctx.actor, data)
    print(f"notice {row['message_id']} queued: disclosure on {row['planned_on'].isoformat()}")
    return 0


def ctx_today() -> str:
    from finconsole.core.kernel import clock

    return clock.today().isoformat()


COLUMNS = [
    ("id", "Id"),
    ("state", "State"),
    ("kind", "Kind"),
    ("language", "Lang"),
    ("to", "To"),
    ("reference", "Ref"),
    ("created_at", "Queued"),
    ("sent_at", "Sent"),
    ("reason", "Reason"),
]


def cmd_outbox_list(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    rows = outbox.list_messages(ctx.actor, state=args.state)
    print_rows(rows, COLUMNS, as_json=args.json, empty="the outbox is empty")
    return 0


def cmd_outbox_send(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    report = outbox.send_due(ctx.actor)
    print(report.in_words())
    for reason in report.reasons:
        print(reason)
    return 3 if report.failed or report.retrying else 0


def cmd_outbox_action(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    if args.action == "show":
        print(outbox.letter_text(ctx.actor, args.message_id), end="")
        return 0
    actions = {
        "cancel": (outbox.cancel, "cancelled"),
        "resend": (outbox.resend, "queued again"),
        "posted": (outbox.mark_sent_by_post, "marked sent by post"),
    }
    if args.action not in actions:
        raise ValidationError({"action": "unknown"})
    service, done = actions[args.action]
    service(ctx.actor, args.message_id)
    print(f"message {args.message_id} {done}")
    return 0
