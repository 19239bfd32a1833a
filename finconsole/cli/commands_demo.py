"""finconsole demo [--customers N] [--seed S]: fill an empty register with synthetic data."""

from __future__ import annotations

import argparse
import sys
import time

from finconsole.cli.context import Context
from finconsole.core.services import demo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="fill an empty register with synthetic customers, orders and parcels"
    )
    p.add_argument(
        "--customers", type=_count, default=5_000, metavar="N", help="how many (default 5000)"
    )
    p.add_argument("--seed", type=int, default=1, metavar="S", help="same seed, same data")
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
    started = time.monotonic()
    progress = _Progress() if sys.stderr.isatty() else None
    result = demo.generate(ctx.actor, args.customers, args.seed, progress=progress)
    if progress:
        progress.finish()
    print(f"{result.summary()} in {time.monotonic() - started:.1f} s")
    return 0


class _Progress:
    """customers done, rate and ETA on one stderr line, redrawn at most 5 times a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        eta = (total - done) / rate if rate else 0
        sys.stderr.write(f"\r{done:,}/{total:,} customers, {rate:,.0f}/s, ETA {eta:3.0f} s ")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
