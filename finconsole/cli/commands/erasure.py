"""erase, merge, retention run, backup, restore.

``finconsole erase ID [--preview] [--request REF] [--yes] [--letter PATH] [--lang fi|en]``:
exit 0 everything erased, 3 holds kept part (printed with reasons and dates), 1 error.
``erase``, ``merge`` and ``restore`` ask on a terminal; with no terminal they need ``--yes``
(else exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finconsole.cli import context as context_mod
from finconsole.cli.context import Context, UsageError
from finconsole.core.erasure import (
    backup,
    erasure,
    erasure_letter,
    erasure_record,
    ledger_copy,
    merge,
    retention,
)
from finconsole.core.erasure.erasure_letter import KIND_SHORT, REASON_SHORT, kept_by_order
from finconsole.core.kernel.errors import FinconsoleError


class Cancelled(FinconsoleError):
    """The user answered no at the confirmation prompt."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("erase", help="erase a customer (or --preview what would happen)")
    p.add_argument("customer_id", type=int, metavar="CUSTOMER_ID")
    p.add_argument("--preview", action="store_true", help="show what would be erased or kept")
    p.add_argument("--request", metavar="REF", help="the erasure request this closes")
    p.add_argument("--yes", action="store_true", help="do not ask (required with no terminal)")
    p.add_argument("--letter", type=Path, metavar="PATH", help="write the reply letter here")
    p.add_argument("--lang", choices=("fi", "en"), help="letter language (default: customer's)")
    p.set_defaults(func=cmd_erase)

    p = sub.add_parser("merge", help="merge customer OTHER into KEEP (two records of one person)")
    p.add_argument("keep", type=int, metavar="KEEP", help="the customer id that stays")
    p.add_argument("other", type=int, metavar="OTHER", help="the customer id merged away")
    p.add_argument("--yes", action="store_true", help="do not ask (required with no terminal)")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("retention", help="scheduled retention work")
    rsub = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    r = rsub.add_parser("run", help="complete erasures whose hold ended, and other due jobs")
    r.set_defaults(func=cmd_retention_run)

    p = sub.add_parser("backup", help="write a consistent online backup (SQLite)")
    p.add_argument("path", type=Path, metavar="PATH")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup and re-apply later erasures")
    p.add_argument("path", type=Path, metavar="PATH", nargs="?")
    p.add_argument("--yes", action="store_true", help="do not ask (required with no terminal)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted restore")
    p.add_argument(
        "--save-ledger",
        type=Path,
        metavar="FILE",
        help="before restoring with the server's tools (pg_restore): keep the erasure ledger",
    )
    p.add_argument(
        "--ledger",
        type=Path,
        metavar="FILE",
        help="after such a restore: re-apply the erasures the saved ledger holds",
    )
    p.set_defaults(func=cmd_restore)


def confirm(question: str, yes: bool, flag_hint: str) -> None:
    """Ask on a terminal; without one, ``--yes`` is required (exit 2 otherwise)."""
    if yes:
        return
    if not context_mod.stdin_is_terminal():
        raise UsageError(f"standard input is not a terminal: {flag_hint} needs --yes")
    answer = input(f"{question} Type yes to go on: ").strip().lower()
    if answer not in ("yes", "y", "kyllä", "k"):
        raise Cancelled("cancelled: nothing was changed")


# --- erase ------------------------------------------------------------------------------------


def print_items(result: erasure.ErasureResult) -> None:
    for item in result.erased:
        print(f"  erase  {KIND_SHORT.get(item.kind, item.kind)} ({item.count})")
    for ref, items in kept_by_order(result.kept).items():
        holds = "; ".join(
            f"{REASON_SHORT[i.reason]} until {i.until.isoformat() if i.until else 'settled'}"
            for i in items
        )
        print(f"  keep   order {ref} (billing name and address, lines, totals): {holds}")


def cmd_erase(args: argparse.Namespace, ctx: Context) -> int:
    if args.letter and not args.preview:
        erasure_record.check_writable(args.letter)  # before anything is erased
    ctx.connect()
    actor = ctx.actor
    if args.letter and not args.preview and _erased_already(args.customer_id):
        return _letter_only(args, ctx)
    if args.preview:
        result = erasure.preview(actor, args.customer_id)
        print(f"customer {args.customer_id}: erasure would")
        print_items(result)
        if result.kept:
            print(_later(result))
        return 0
    preview = erasure.preview(actor, args.customer_id)
    kept = f", keeping {len(preview.kept)} held order record(s)" if preview.kept else ""
    confirm(f"Erase customer {args.customer_id} permanently{kept}?", args.yes, "erase")
    result = erasure.erase(actor, args.customer_id, request_ref=args.request)
    print(f"customer {args.customer_id}: erasure {result.status}")
    print_items(result)
    if result.kept:
        print(_later(result))
    if not result.permanent:
        print(
            f"note: the data is erased but not yet gone from the database files: "
            f"{result.permanence_note}; the next command, 'finconsole retention run' or "
            "'finconsole compact' finishes it"
        )
    if result.request_ref:
        state = "done" if result.status == "complete" else "waiting_for_hold"
        print(f"request {result.request_ref}: {state}")
    if args.letter:
        # from every run of this erasure (a re-run on a held shell finds little left)
        done = erasure_record.result_of(actor, args.customer_id, language=result.language)
        erasure_letter.save(erasure.reply_letter(done, args.lang), args.letter)
        print(f"reply letter written to {args.letter}")
    return 0 if result.status == "complete" else 3


def _erased_already(customer_id: int) -> bool:
    """Erased completely before (no row left): ``--letter`` then only writes the letter."""
    return erasure_record.was_erased(customer_id) and not erasure.exists(customer_id)


def _letter_only(args: argparse.Namespace, ctx: Context) -> int:
    done = erasure_record.result_of(ctx.actor, args.customer_id)
    erasure_letter.save(erasure.reply_letter(done, args.lang), args.letter)
    print(f"customer {args.customer_id} was erased on {done.at:%Y-%m-%d}: nothing more to erase")
    print(f"reply letter written to {args.letter}")
    return 0 if done.status == "complete" else 3


def _later(result: erasure.ErasureResult) -> str:
    if result.completes_on:
        return f"held data is erased by 'finconsole retention run' from {result.completes_on}"
    return "held data is erased by 'finconsole retention run' once the invoice or case is settled"


# --- merge ------------------------------------------------------------------------------------


def _moves_text(moves: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in moves.items() if n) or "nothing else"


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    seen = merge.preview(ctx.actor, args.keep, args.other)
    confirm(
        f"Merge customer {args.other} into {args.keep} ({_moves_text(seen['moves'])})? "
        f"Customer {args.other} is deleted for good.",
        args.yes,
        "merge",
    )
    done = merge.merge(ctx.actor, args.keep, args.other)
    print(f"customer {args.other} merged into {args.keep}: moved {_moves_text(done['moves'])}")
    objecting = [p for p, at in done["objections"].items() if at]
    print(f"objections of customer {args.keep}: {', '.join(objecting) or 'none'}")
    if not done["permanent"]:
        print("warning: another connection kept the WAL busy; run 'finconsole retention run'")
    return 0


# --- retention, backup, restore ---------------------------------------------------------------


def cmd_retention_run(args: argparse.Namespace, ctx: Context) -> int:
    ctx.run_as_batch()
    ctx.connect()
    report = retention.run(ctx.actor)
    print(report.summary())
    if not report.ok:
        for name, message in report.errors.items():
            print(f"finconsole: {name}: {message}", file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    done = backup.backup(ctx.actor, args.path)
    print(f"backup written to {done['path']} ({done['bytes']:,} bytes, taken {done['taken_at']})")
    print("it holds personal data: store it safely; the key file is not in it")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    chosen = [args.path is not None, args.resume, bool(args.save_ledger), bool(args.ledger)]
    if sum(chosen) > 1:
        raise UsageError("restore takes one of PATH, --resume, --save-ledger, --ledger")
    ctx.connect(allow_pending_restore=True)
    if args.save_ledger:
        count = ledger_copy.save(ctx.actor, args.save_ledger)
        print(f"saved {count} erasure ledger entries to {args.save_ledger} (mode 0600)")
        print(f"after restoring the database, run: finconsole restore --ledger {args.save_ledger}")
        return 0
    if args.ledger:
        register, entries = ledger_copy.read(args.ledger)
        confirm(
            f"Re-apply the erasures of the saved ledger ({len(entries)} entries) to this "
            "register? Customers erased since its backup are erased again.",
            args.yes,
            "restore --ledger",
        )
        done = ledger_copy.replay_read(ctx.actor, register, entries)
        print(
            f"erasure ledger brought up to date: {done['added']} entries added, "
            f"{done['finished']} completed; {done['erased']} customer(s) erased again"
        )
        return 0
    if args.resume:
        count = backup.resume(ctx.actor)
        print(f"restore finished: {count} erasure(s) re-applied")
        return 0
    if args.path is None:
        raise UsageError("restore needs PATH (or --resume)")
    info = backup.inspect(args.path)
    confirm(
        f"Replace the whole register with the backup taken {info['taken_at']}? "
        "Changes made since are lost; erasures made since are re-applied.",
        args.yes,
        "restore",
    )
    done = backup.restore(ctx.actor, args.path)
    print(f"restored the backup taken {done['taken_at']}")
    print(
        f"erasure ledger carried over ({done['ledger_entries']} entries); "
        f"{done['replayed']} erasure(s) made since the backup re-applied"
    )
    return 0
