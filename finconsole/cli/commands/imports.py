"""finconsole import KIND FILE [--rejects PATH]: exit 0 all imported, 3 some rows rejected,
1 the file cannot be read as that kind at all."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.cli.output import ProgressLine
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
    progress = _ProgressBar.for_terminal()
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


class _ProgressBar(ProgressLine):
    """A bar of the file read, rows, rows/s and ETA."""

    def __call__(self, rows: int, done: int, total: int) -> None:
        if self.due():
            elapsed = self.elapsed()
            share = done / total if total else 0
            eta = elapsed / share - elapsed if share > 0 else 0
            bar = "#" * int(share * 30)
            self.draw(
                f"[{bar:<30}] {share:4.0%} {rows:,} rows {rows / elapsed:,.0f}/s ETA {eta:4.0f}s"
            )
