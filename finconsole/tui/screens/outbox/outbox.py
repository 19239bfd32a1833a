"""The outbox (officer): every message to a customer or recipient, its state and reason.

Keys: c cancels a queued or failed message, r queues it again, p marks it sent by post (after
printing it: v shows the letter), s sends what is due now, f cycles the state shown. Sending
runs in a thread worker; so does the console's own background sending (``app.py``), which
notifies the officer at once of a failure.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel.text import printable
from finconsole.core.outbox import outbox
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar

FILTERS = (None, "queued", "failed", "sent", "cancelled")


def lines(text: str) -> str:
    """Several lines of text shown literally: control characters escaped, line breaks kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


def when(row: dict) -> str:
    at = row["sent_at"] or row["created_at"]
    return at.strftime("%d.%m. %H:%M") if at else ""


class OutboxScreen(Screen):
    app = ConsoleApp()
    DEFAULT_CSS = """
    OutboxScreen #outbox-status { height: 1; padding: 0 1; color: $text-muted; }
    OutboxScreen DataTable { height: 1fr; }
    OutboxScreen #outbox-detail { height: 3; padding: 0 1; }
    """
    BINDINGS = [
        Binding("v", "view", "View letter"),
        Binding("c", "cancel", "Cancel"),
        Binding("r", "resend", "Resend"),
        Binding("p", "posted", "Sent by post"),
        Binding("s", "send_now", "Send now"),
        Binding("f", "filter", "Filter"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.state_filter: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="outbox-status", markup=False)
        yield DataTable(id="outbox", cursor_type="row", zebra_stripes=True)
        yield Static("", id="outbox-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Id", "State", "Kind", "To", "When", "Reason")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="outbox")
    def load(self) -> None:
        try:
            with thread_connection():
                rows = outbox.list_messages(self.app.user, state=self.state_filter)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.app.say, error_text(exc), error=True)
            return
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[dict]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                literal(row["id"]),
                literal(row["state"]),
                literal(words(row["kind"])),
                literal(row["to"]),
                literal(when(row)),
                literal(row["reason"]),
            )
        shown = self.state_filter or "all"
        failed = sum(1 for r in rows if r["state"] == "failed")
        text = f"{len(rows)} message(s), {shown}" + (f" · {failed} FAILED" if failed else "")
        self.query_one("#outbox-status", Static).update(text if rows else "The outbox is empty.")
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The subject and the whole reason: the table cuts them at 80 columns."""
        row = self.selected()
        text = ""
        if row is not None:
            text = row["subject"] or "(the text was erased with the person)"
            if row["reason"]:
                text += f"\n{row['reason']}"
        self.query_one("#outbox-detail", Static).update(lines(text))

    def selected(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # --- actions -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    def action_filter(self) -> None:
        index = FILTERS.index(self.state_filter)
        self.state_filter = FILTERS[(index + 1) % len(FILTERS)]
        self.load()

    def _act(self, name: str) -> None:
        row = self.selected()
        if row is None:
            self.app.notify("No message selected.", severity="warning")
            return
        self.change(name, row["id"])

    def action_cancel(self) -> None:
        self._act("cancel")

    def action_resend(self) -> None:
        self._act("resend")

    def action_posted(self) -> None:
        self._act("posted")

    @work(thread=True, group="outbox-write")
    def change(self, name: str, message_id: int) -> None:
        services = {
            "cancel": (outbox.cancel, "cancelled"),
            "resend": (outbox.resend, "queued again"),
            "posted": (outbox.mark_sent_by_post, "marked sent by post"),
        }
        service, done = services[name]
        try:
            with thread_connection():
                service(self.app.user, message_id)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.app.say, error_text(exc), error=True)
            return
        self.app.call_from_thread(self.app.say, f"Message {message_id} {done}.")
        self.app.call_from_thread(self.load)

    def action_send_now(self) -> None:
        self.send_now()

    @work(thread=True, exclusive=True, group="outbox-send")
    def send_now(self) -> None:
        try:
            with thread_connection():
                report = outbox.send_due(self.app.user)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.app.say, error_text(exc), error=True)
            return
        failed = bool(report.failed or report.retrying)
        self.app.call_from_thread(self.app.say, f"Outbox: {report.in_words()}", error=failed)
        self.app.call_from_thread(self.load)

    def action_view(self) -> None:
        row = self.selected()
        if row is None:
            self.app.notify("No message selected.", severity="warning")
            return
        self.open_letter(row["id"])

    @work(thread=True, group="outbox-letter")
    def open_letter(self, message_id: int) -> None:
        try:
            with thread_connection():
                text = outbox.letter_text(self.app.user, message_id)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.app.say, error_text(exc), error=True)
            return
        self.app.call_from_thread(self.app.push_screen, LetterScreen(message_id, text))


class LetterScreen(Screen):
    """A message as a letter, to print and post (the terminal's own print or copy)."""

    DEFAULT_CSS = """
    LetterScreen #letter-title { height: 1; padding: 0 1; color: $text-muted; }
    LetterScreen #letter-text { padding: 0 1; }
    """
    app = ConsoleApp()
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, message_id: int, text: str) -> None:
        super().__init__()
        self.message_id = message_id
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Message {self.message_id} as a letter", id="letter-title", markup=False)
        with VerticalScroll(id="letter-scroll"):
            yield Static(lines(self.text), id="letter-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#letter-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
