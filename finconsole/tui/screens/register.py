"""Register (home): search as you type, a paged results table, Enter opens the customer."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from finconsole.core.db import thread_connection
from finconsole.core.services import search
from finconsole.tui.safe import literal

PAGE_SIZE = 200
COLUMNS = ("Name", "Email", "Phone", "City", "Flags")


class RegisterScreen(Screen):
    BINDINGS = [
        Binding("ctrl+f", "focus_search", "Search"),
        Binding("pagedown", "next_page", "Next page"),
        Binding("pageup", "previous_page", "Prev page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[int] = [0]  # after_id at the start of each page seen

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Find: name, email, phone, order number, tracking code", id="search"
        )
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.run_search("", 0)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.pages = [0]
        self.run_search(event.value, 0)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, after_id: int) -> None:
        with thread_connection():
            rows = search.search(self.app.actor, query, limit=PAGE_SIZE, after_id=after_id)
        self.app.call_from_thread(self.show_rows, query, rows)

    def show_rows(self, query: str, rows: list[dict]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            [
                literal(f"{r['last_name']}, {r['first_name']}"),
                literal(r["email"] or ""),
                literal(r["phone"] or ""),
                literal(r["city"]),
                literal(" ".join(r["flags"])),
            ]
            for r in rows
        )
        self._rows = rows
        label = "recently updated" if not query.strip() else "matches"
        self.query_one("#status", Static).update(f"{len(rows)} {label} (page {len(self.pages)})")

    def action_focus_search(self) -> None:
        self.query_one(Input).focus()

    def action_next_page(self) -> None:
        rows = getattr(self, "_rows", [])
        if len(rows) == PAGE_SIZE and self.query_one(Input).value.strip():
            self.pages.append(rows[-1]["id"])
            self.run_search(self.query_one(Input).value, self.pages[-1])

    def action_previous_page(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self.run_search(self.query_one(Input).value, self.pages[-1])
