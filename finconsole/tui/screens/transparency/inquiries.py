"""Recorded authority inquiries (officer), newest first: the log the register description's
promise is checked against (who asked, when, about whom, and that the customer was told)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel.text import printable
from finconsole.core.transparency import inquiries, withdrawal
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import row_at_cursor
from finconsole.tui.widgets.request_dialogs import TextDialog
from finconsole.tui.widgets.service_call import call_service

SCOPE_TITLES = {"one": "one customer", "several": "several", "general": "in general"}


class InquiriesScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    InquiriesScreen #inquiries { height: 1fr; }
    InquiriesScreen #inquiry-detail { height: auto; max-height: 7; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("o", "open_customer", "Customer"),
        Binding("w", "withdraw", "Withdraw"),
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

    def load(self) -> None:
        def page() -> list[dict[str, Any]]:
            return inquiries.list_inquiries(self.app.user, limit=500)

        call_service(self, page, self.show, group="inquiries")

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                literal(r["received_at"].isoformat()),
                literal(r["authority"]),
                literal(
                    "WITHDRAWN" if r["withdrawn_at"] else SCOPE_TITLES.get(r["scope"], r["scope"])
                ),
                literal(", ".join(f"#{cid}" for cid in r["customer_ids"]) or "-"),
                literal(r["reference"]),
            )
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        row = self.highlighted()
        detail = self.query_one("#inquiry-detail", Static)
        if row is None:
            detail.update("No inquiries recorded." if not self.rows else "")
            return
        detail.update(printable(detail_text(row)))

    def highlighted(self) -> dict[str, Any] | None:
        return row_at_cursor(self.query_one(DataTable), self.rows)

    def action_open_customer(self) -> None:
        """The (first) customer the inquiry is about."""
        row = self.highlighted()
        if row is None or not row["customer_ids"]:
            self.app.say("This inquiry names no customer.", error=True)
            return
        self.app.open_customer(row["customer_ids"][0])

    def action_withdraw(self) -> None:
        """An inquiry recorded by mistake is withdrawn with a reason (audited), not deleted:
        its open tasks are closed and its notices not yet sent are cancelled."""
        row = self.highlighted()
        if row is None:
            return
        if row["withdrawn_at"]:
            self.app.say(f"Inquiry {row['id']} is already withdrawn.", error=True)
            return
        ident = row["id"]

        def perform(values: dict[str, Any]) -> dict[str, Any]:
            return withdrawal.withdraw_inquiry(self.app.user, ident, values["text"])

        def done(result: dict[str, Any] | None) -> None:
            if result:
                self.app.say(f"Inquiry {ident} withdrawn; its open tasks are closed.")
                self.load()

        prompt = "Why (e.g. recorded twice)"
        dialog = TextDialog(f"Withdraw inquiry {ident}", prompt, perform, "Withdraw")
        self.app.push_screen(dialog, done)


def detail_text(r: dict[str, Any]) -> str:
    parts = [f"Inquiry {r['id']} from {r['authority']}, received {r['received_at'].isoformat()}."]
    if r["description"]:
        parts.append(f"Asked: {r['description']}")
    parts.append(f"Recorded by {r['created_by']} on {r['created_at']:%Y-%m-%d}.")
    if r["withdrawn_at"]:
        parts.append(
            f"WITHDRAWN {r['withdrawn_at']:%Y-%m-%d} by {r['withdrawn_by']}: "
            f"{r['withdrawal_reason']}"
        )
    return " ".join(parts)
