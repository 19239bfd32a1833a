"""Import (officer): load a Shopify or WooCommerce export from a file on this machine.

The path field starts on the newest file in the account's inbox (``files/inbox/``, where sftp
puts uploads), names the others and completes to them; a bare name is taken from the inbox.

The import runs in a thread worker; its progress callback posts to the event loop, which
moves the progress bar, so the console stays responsive. The summary and the rejected lines
(line numbers and reasons only, never row data) are shown at the end.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Label, ProgressBar, Select, Static

from finconsole.core.imports import registry
from finconsole.core.imports.import_result import ImportResult, ImportStopped
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms import file_fields
from finconsole.tui.widgets.keybar import KeyBar

# the shop exports of the one registry of import kinds (tracking data comes from the CLI)
KIND_LABELS = {k.name: k.label for k in registry.KINDS.values() if k.shop}
SHOWN_REJECTS = 50


class ImportScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ImportScreen #form { height: auto; padding: 0 1; }
    ImportScreen #kind { width: 30; }
    ImportScreen #path { width: 1fr; }
    ImportScreen ProgressBar { margin: 1 1 0 1; }
    ImportScreen #summary { padding: 1 1 0 1; }
    ImportScreen #inbox { padding: 0 1; color: $text-muted; }
    ImportScreen #rejects { padding: 0 1; height: 1fr; overflow-y: auto; }
    """
    BINDINGS = [
        Binding("ctrl+r", "run_import", "Run import"),
        Binding("ctrl+t", "focus_kind", "Kind"),
        Binding("ctrl+o", "focus_path", "File path"),
        Binding("escape", "app.navigate('register')", "Back"),  # as F1 promises
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(" Import the webshop's export (CSV) from a file path:")
        yield Static("", id="inbox", markup=False)
        with Horizontal(id="form"):
            yield Select(
                [(label, kind) for kind, label in KIND_LABELS.items()],
                value="shopify-customers",
                allow_blank=False,
                id="kind",
            )
            yield Input(placeholder="file in the inbox, or /path/to/export.csv", id="path")
        yield ProgressBar(total=None, show_eta=True, id="progress")
        yield Static(
            "Kind: Ctrl+T, path: Ctrl+O; Enter or Ctrl+R runs the import.",
            id="summary",
            markup=False,
        )
        yield Static("", id="rejects", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_inbox()
        self.query_one("#path", Input).focus()

    def show_inbox(self) -> None:
        """Offer what is in the inbox: the newest file pre-filled, the others completed."""
        config = self.app.config
        path = self.query_one("#path", Input)
        path.suggester = file_fields.inbox_suggester(config)
        files = file_fields.inbox_files(config)
        if files and not path.value:
            path.value = str(files[0])
        self.query_one("#inbox", Static).update(file_fields.inbox_listing(config))

    def action_focus_kind(self) -> None:
        self.query_one("#kind", Select).focus()

    def action_focus_path(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run_import()

    def action_run_import(self) -> None:
        if self.running:
            self.notify("An import is already running.", severity="warning")
            return
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.notify("Type the path of the export file first.", severity="warning")
            return
        kind = str(self.query_one("#kind", Select).value)
        self.running = True
        self.query_one("#progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#summary", Static).update(f"Importing {KIND_LABELS[kind]}...")
        self.query_one("#rejects", Static).update("")
        self.import_worker(kind, file_fields.inbox_target(self.app.config, path))

    @work(thread=True, exclusive=True, group="import")
    def import_worker(self, kind: str, path: Path) -> None:
        def progress(rows: int, done: int, total: int) -> None:
            self.app.call_from_thread(self.show_progress, rows, done, total)

        try:
            with thread_connection():
                result = registry.import_file(self.app.user, kind, path, progress=progress)
        except ImportStopped as stopped:
            self.app.call_from_thread(self.show_stopped, stopped)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.show_failure, str(exc))
        except OSError as exc:
            self.app.call_from_thread(self.show_failure, f"cannot read the file: {exc.strerror}")
        except Exception as exc:  # a bug in an importer must not take the console down
            message = f"internal error ({type(exc).__name__}): please report it"
            self.app.call_from_thread(self.show_failure, message)
        else:
            self.app.call_from_thread(self.show_result, result)

    def show_progress(self, rows: int, done: int, total: int) -> None:
        if not self.is_attached:
            return  # the officer moved on; the import carries on and reports when done
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#summary", Static).update(f"{rows:,} rows read...")

    def show_failure(self, message: str) -> None:
        self.running = False
        if not self.is_attached:
            self.app.notify(f"Import failed: {message}", severity="error", markup=False)
            return
        self.query_one("#progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#summary", Static).update(f"Nothing imported: {message}")
        self.notify(message, severity="error", markup=False)

    def show_stopped(self, stopped: ImportStopped) -> None:
        """Stopped part way: say what was written before it, never "nothing imported"."""
        self.running = False
        written = stopped.result.written
        message = f"Import stopped after {written} records were written: {stopped.reason}"
        self.app.notify(message, severity="error", markup=False)
        if not self.is_attached:
            return
        self.query_one("#summary", Static).update(
            f"Stopped part way: {stopped.reason}\nWritten before it: {stopped.result.summary()}"
        )
        self.show_rejects(stopped.result)

    def show_result(self, result: ImportResult) -> None:
        self.running = False
        self.app.notify("Import finished: " + result.summary(), markup=False)
        if not self.is_attached:
            return
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=bar.total or 1, progress=bar.total or 1)
        self.query_one("#summary", Static).update("Done: " + result.summary())
        self.show_rejects(result)

    def show_rejects(self, result: ImportResult) -> None:
        parts = []
        lists = (
            ("Rejected rows", result.rejects, result.rejected),
            ("Warnings", result.warnings, result.warned),
        )
        for title, rows, counted in lists:
            lines = [f"line {r.line}: {r.reason}" for r in rows[:SHOWN_REJECTS]]
            if counted > SHOWN_REJECTS:
                lines.append(
                    f"... and {counted - SHOWN_REJECTS} more (the command line's --rejects "
                    "writes them to a file)"
                )
            if lines:
                parts.append(f"{title}:\n" + "\n".join(lines))
        self.query_one("#rejects", Static).update(
            "\n".join(parts) if parts else "No rows were rejected."
        )
