"""finconsole notice [--lang fi|en] [--format text|markdown] [--record] [-o PATH]: the register
description (or the Art 30 record of processing) generated from the config and the schema."""

from __future__ import annotations

import argparse
import sys

from finconsole.cli.context import Context
from finconsole.core.transparency import documents


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "notice", help="write the register description (or --record: the record of processing)"
    )
    p.add_argument("--lang", choices=documents.LANGS, default="fi")
    p.add_argument("--format", choices=documents.FORMATS, default="text", dest="fmt")
    p.add_argument(
        "--record", action="store_true", help="the GDPR Art 30 record of processing activities"
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write to this file (default stdout)")
    p.set_defaults(func=cmd_notice)


def cmd_notice(args: argparse.Namespace, ctx: Context) -> int:
    # No database needed: the text comes from the configuration and the schema.
    text = documents.generate(
        ctx.actor, lang=args.lang, fmt=args.fmt, record=args.record, config=ctx.config
    )
    if args.output:
        path = documents.save(text, args.output)
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0
