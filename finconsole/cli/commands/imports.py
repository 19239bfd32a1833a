"""finconsole import KIND FILE [--rejects PATH]: exit 0 all imported, 3 some rows rejected,
1 nothing written (the file cannot be read as that kind at all, or --rejects cannot be
written), 4 stopped part way after some rows were written (the message says how many)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from finconsole.cli.context import Context
from finconsole.cli.output import ProgressLine
from finconsole.core.imports import registry
from finconsole.core.imports.import_result import (
    ImportResult,
    ImportStopped,
    check_writable,
    write_rejects,
)


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
    if args.rejects:
        check_writable(args.rejects)  # before the import writes anything: exit 1 means none
    ctx.run_as_batch()
    ctx.connect()
    progress = _ProgressBar.for_terminal()
    try:
        result = registry.import_file(ctx.actor, args.kind, args.file, progress=progress)
    except ImportStopped as stopped:
        if progress:
            progress.finish()
        _report(args, stopped.result)
        print(f"finconsole: {stopped}", file=sys.stderr)
        return stopped.exit_code
    if progress:
        progress.finish()
    if not _report(args, result):
        return 3
    return 3 if result.rejected else 0


def _report(args: argparse.Namespace, result: ImportResult) -> bool:
    """Print rejects and the summary, write the rejects file; False if it could not be."""
    for reject in result.rejects[:20]:
        print(f"line {reject.line}: {reject.reason}", file=sys.stderr)
    if result.rejected > 20:
        print(f"... and {result.rejected - 20} more rejected rows", file=sys.stderr)
    for warning in result.warnings[:20]:
        print(f"line {warning.line}: warning: {warning.reason}", file=sys.stderr)
    if result.warned > 20:
        print(f"... and {result.warned - 20} more warnings", file=sys.stderr)
    if result.not_kept:
        print(
            f"only the first {len(result.rejects) + len(result.warnings)} rejects and warnings "
            f"are listed ({result.not_kept} more were counted): fix those and import again",
            file=sys.stderr,
        )
    written = True
    if args.rejects and (result.rejects or result.warnings):
        try:  # mode 0600: the rows hold personal data
            write_rejects(args.rejects, result.rejects, result.warnings)
            print(f"rejected rows and warnings written to {args.rejects}")
        except OSError as exc:
            written = False
            print(
                f"finconsole: the rows were imported but the rejects file {args.rejects} "
                f"could not be written: {exc.strerror}",
                file=sys.stderr,
            )
    print(result.summary())
    return written


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
