"""finconsole demo [--customers N] [--seed S]: fill an empty register with synthetic data."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.cli.output import ProgressLine
from finconsole.core.access import auth, users
from finconsole.core.access.credentials import render_setup
from finconsole.core.demo import demo
from finconsole.core.kernel.files import write_private
from finconsole.core.settings import runtime


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="fill an empty register with synthetic customers, orders and parcels"
    )
    p.add_argument(
        "--customers", type=_count, default=5_000, metavar="N", help="how many (default 5000)"
    )
    p.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")
    p.add_argument(
        "--officer-file",
        type=Path,
        metavar="PATH",
        help="also keep the demo officer's login set-up in this file (mode 0600)",
    )
    p.set_defaults(func=cmd_demo)


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= value <= demo.MAX_CUSTOMERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {demo.MAX_CUSTOMERS:,}")
    return value


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    if not auth.user_exists():
        # the demo officer's TOTP secret is sealed with the key: fail now, not after the load
        runtime.master_key()
    started = time.monotonic()
    progress = _Progress.for_terminal()
    result = demo.generate(ctx.actor, args.customers, args.seed, progress=progress)
    if progress:
        progress.finish()
    print(f"{result.summary()} in {time.monotonic() - started:.1f} s")
    _demo_officer(ctx, args.officer_file)
    return 0


def _demo_officer(ctx: Context, keep_in: Path | None) -> None:
    """A demo register gets an officer a visitor can log in as, unless it has users already."""
    setup = users.create_demo_officer(ctx.actor)
    if setup is None:
        print("the register already has user accounts: no demo officer added")
        return
    text = (
        f"Demo officer: username {setup.username}\n{render_setup(setup)}\n"
        "No authenticator at hand? The current code is:\n"
        f"  python -c \"import pyotp; print(pyotp.TOTP('{setup.secret}').now())\"\n"
    )
    if keep_in is not None:
        # synthetic data only: keeping the demo login lets `make demo` show it again. Kept
        # before printing: output piped into `head` must not cost the only copy of the login.
        write_private(keep_in, text)
    print(text)


class _Progress(ProgressLine):
    """customers done, rate and ETA."""

    def __call__(self, done: int, total: int) -> None:
        if self.due(final=done >= total):
            rate = done / self.elapsed()
            eta = (total - done) / rate if rate else 0
            self.draw(f"{done:,}/{total:,} customers, {rate:,.0f}/s, ETA {eta:3.0f} s")
