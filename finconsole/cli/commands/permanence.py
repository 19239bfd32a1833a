"""``finconsole compact``: make pending erasures permanent in the database files now.

An erasure deletes at once; emptying the SQLite WAL or rewriting the PostgreSQL tables
(``VACUUM FULL``) can be prevented by another session's reader. Such work is pending until
the next command, the console, ``retention run`` or this command finishes it.
Exit 0 done (or nothing pending), 1 still pending (the reason on stderr).
"""

from __future__ import annotations

import argparse

from finconsole.cli.context import Context
from finconsole.core.erasure import erasure
from finconsole.core.kernel.errors import FinconsoleError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compact", help="make pending erasures permanent in the database files now")
    p.set_defaults(func=cmd_compact)


def cmd_compact(args: argparse.Namespace, ctx: Context) -> int:
    ctx.connect()
    outcome = erasure.compact(ctx.actor)
    if not outcome.done:
        raise FinconsoleError(
            f"{outcome.pending} deletion(s) still not permanent: {outcome.reason}; "
            "try again when that session has finished"
        )
    print("every erasure is permanent: no deleted data remains in the database files")
    return 0
