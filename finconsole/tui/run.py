"""Open the console: connect, then hand over to the Textual app."""

from __future__ import annotations

from finconsole.cli.context import Context


def run_console(ctx: Context) -> int:
    ctx.connect()
    from finconsole.tui.app import FinconsoleApp

    app = FinconsoleApp(ctx.config)
    app.run(mouse=False)
    return app.return_code or 0
