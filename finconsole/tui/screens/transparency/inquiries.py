"""Recorded authority inquiries (officer), newest first: the log the register description's
promise is checked against (who asked, when, about whom, and that the customer was told)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel.text import printable
from finconsole.core.store.db import thread_connection
from finconsole.core.transparency import inquiries
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar

SCOPE_TITLES = {"one": "one customer", "several": "several", "general": "in general"}


class InquiriesScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    InquiriesScreen #inquiries { height: 1fr; }
    InquiriesScreen #inquiry-detail { height: auto; max-height: 7; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Recorded inquiries, newest first. esc goes back to the form.", markup=False)
        yield DataTable(id="inquiries", cursor_type="row", zebra_stripes=True)
        yield Static("", id="inquiry-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Received", "Authority", "About", "Customers", "Reference")
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="inquiries")
    def load(self) -> None:
        try:
            with thread_connection():
                rows = inquiries.list_inquiries(self.app.user, limit=500)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                literal(r["received_at"].isoformat()),
                literal(r["authority"]),
                literal(SCOPE_TITLES.get(r["scope"], r["scope"])),
                literal(", ".join(f"#{cid}" for cid in r["customer_ids"]) or "-"),
                literal(r["reference"]),
            )
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        row = self.query_one(DataTable).cursor_row
        detail = self.query_one("#inquiry-detail", Static)
        if not self.rows or row is None or row >= len(self.rows):
            detail.update("No inquiries recorded." if not self.rows else "")
            return
        detail.update(printable(detail_text(self.rows[row])))


def detail_text(r: dict[str, Any]) -> str:
    parts = [f"Inquiry {r['id']} from {r['authority']}, received {r['received_at'].isoformat()}."]
    if r["description"]:
        parts.append(f"Asked: {r['description']}")
    parts.append(f"Recorded by {r['created_by']} on {r['created_at']:%Y-%m-%d}.")
    return " ".join(parts)
