"""finconsole import KIND FILE [--rejects PATH]: exit 0 all imported, 3 some rows rejected,
1 the file cannot be read as that kind at all."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.core.imports import registry
from finconsole.core.imports.import_result import write_rejects


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import the webshop's exports or carrier tracking data")
    p.add_argument(
        "kind",
        choices=sorted(registry.KINDS),
        metavar="KIND",
        help="one of: " + ", ".join(sorted(registry.KINDS)),
    )
    p.add_argument("file", type=Path)
    p.add_argument("--rejects", type=Path, metavar="PATH", help="write rejected rows here (CSV)")
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    progress = _ProgressBar() if sys.stderr.isatty() else None
    result = registry.import_file(ctx.actor, args.kind, args.file, progress=progress)
    if progress:
        progress.finish()
    for reject in result.rejects[:20]:
        print(f"line {reject.line}: {reject.reason}", file=sys.stderr)
    if result.rejected > 20:
        print(f"... and {result.rejected - 20} more rejected rows", file=sys.stderr)
    if args.rejects and result.rejects:
        write_rejects(args.rejects, result.rejects)  # mode 0600: the rows hold personal data
        print(f"rejected rows written to {args.rejects}")
    print(result.summary())
    return 3 if result.rejected else 0


class _ProgressBar:
    """rows, rows/s and ETA on one terminal line (stderr), redrawn at most 5 times a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, rows: int, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        share = done / total if total else 0
        eta = elapsed / share - elapsed if share > 0 else 0
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r[{bar:<30}] {share:4.0%} {rows:,} rows {rows / elapsed:,.0f}/s ETA {eta:4.0f}s "
        )
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
