"""The audit trail (officer only): filter by user, customer, action and dates; newest first.

Keyset pages of PAGE_SIZE events: the table never holds the whole trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from finconsole.core.access import audit
from finconsole.core.kernel.text import printable
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import move_within_page
from finconsole.tui.widgets.service_call import call_service

PAGE_SIZE = 200
COLUMNS = ("When (UTC)", "Who", "Action", "Target", "Cust.", "Fields", "Outcome")
FILTERS = (
    ("f-user", "user"),
    ("f-customer", "customer"),
    ("f-action", "action"),
    ("f-since", "from date"),
    ("f-until", "to date"),
)


class AuditScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    AuditScreen #audit-filters { height: 3; }
    AuditScreen #audit-filters Input { width: 1fr; }
    AuditScreen #audit-table { height: 1fr; }
    AuditScreen #audit-status { height: 1; color: $text-muted; padding: 0 1; }
    AuditScreen #audit-detail { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+f", "focus_filters", "Filter"),
        # priority: the table binds PageDown/PageUp to its own scrolling (move_within_page)
        Binding("pagedown", "next_page", "Next page", priority=True),
        Binding("pageup", "previous_page", "Prev page", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters: dict[str, Any] = {}
        self.pages: list[int | None] = [None]  # before_id at the start of each page seen
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            for widget_id, placeholder in FILTERS:
                yield Input(id=widget_id, placeholder=placeholder)
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail", markup=False)
        yield Static("", id="audit-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.load(self.filters, None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.filters = self.read_filters()
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.pages = [None]
        self.load(self.filters, None)
        self.query_one(DataTable).focus()

    def read_filters(self) -> dict[str, Any]:
        """The filter fields as search arguments; ValueError names a bad field."""
        value = {wid: self.query_one(f"#{wid}", Input).value.strip() for wid, _ in FILTERS}
        filters: dict[str, Any] = {"username": value["f-user"] or None}
        filters["action"] = value["f-action"] or None
        if value["f-customer"]:
            if not value["f-customer"].isdigit():
                raise ValueError("customer id must be a number")
            filters["customer_id"] = int(value["f-customer"])
        for key, wid in (("since", "f-since"), ("until", "f-until")):
            if value[wid]:
                try:
                    filters[key] = dt.date.fromisoformat(value[wid])
                except ValueError:
                    label = dict(FILTERS)[wid]  # what the field says: "from date", "to date"
                    raise ValueError(f"{label}: use a date like 2026-03-15") from None
        return filters

    def load(self, filters: dict[str, Any], before_id: int | None) -> None:
        def page() -> list[dict[str, Any]]:
            return audit.search(self.app.user, **filters, before_id=before_id, limit=PAGE_SIZE)

        call_service(self, page, self.show_rows, group="audit")

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            [
                literal(r["at"].strftime("%Y-%m-%d %H:%M:%S") if r["at"] else "?"),
                literal(r["actor"]),
                literal(r["action"]),
                literal(target_text(r)),
                literal(audit.customers_text(r)),
                literal(r["fields"]),
                literal(r["outcome"]),
            ]
            for r in rows
        )
        more = " (PgDn for older)" if len(rows) == PAGE_SIZE else ""
        status = f"{len(rows)} events, newest first, page {len(self.pages)}{more}"
        self.query_one("#audit-status", Static).update(status)
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The highlighted event in full: at 80 columns its fields are beyond the table's edge."""
        row = self.query_one(DataTable).cursor_row
        text = event_text(self.rows[row]) if 0 <= row < len(self.rows) else ""
        self.query_one("#audit-detail", Static).update(printable(text))

    def action_focus_filters(self) -> None:
        self.query_one("#f-user", Input).focus()

    def action_next_page(self) -> None:
        if move_within_page(self.query_one(DataTable), forward=True):
            return
        if len(self.rows) == PAGE_SIZE:
            self.pages.append(self.rows[-1]["id"])
            self.load(self.filters, self.pages[-1])

    def action_previous_page(self) -> None:
        if move_within_page(self.query_one(DataTable), forward=False):
            return
        if len(self.pages) > 1:
            self.pages.pop()
            self.load(self.filters, self.pages[-1])


def target_text(event: dict[str, Any]) -> str:
    """'customer:12'; only the kind for an event on many records (a batch has no one id)."""
    kind, record = event["target_type"] or "", event["target_id"]
    return kind if record is None else f"{kind}:{record}"


def event_text(event: dict[str, Any]) -> str:
    target = f" {target_text(event)}" if event["target_type"] else ""
    customers = audit.customers_text(event)
    return (
        f"{event['action']}{target} by {event['actor']}"
        + (f", customer {customers}" if customers else "")
        + f"; fields: {event['fields'] or '-'}; outcome: {event['outcome']}"
    )
