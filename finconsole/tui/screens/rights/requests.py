"""Requests: the open data-subject requests, the most urgent first.

For the officer, open tasks (tell a customer of an authority inquiry, inform the recipients of
a disclosure after rectification or erasure) stand above the requests until marked done.

A marker column says OVERDUE or "due soon" (within a week) in words, so the highlight does
not rest on colour alone. Enter opens a request, n records a new one (support too), v notes
the identity check, l links it to a customer; the officer also extends, executes, refuses
and closes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel import permissions
from finconsole.core.rights import requests
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.screens.rights.request_actions import REQUEST_BINDINGS, RequestActions
from finconsole.tui.screens.transparency.tasks import TaskPanel
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.service_call import call_service

COLUMNS = ("!", "Due", "Reference", "Kind", "Status", "Subject")
MARKERS = {
    "overdue": Text("OVERDUE", style="bold reverse red"),
    "due_soon": Text("due soon", style="bold yellow"),
}


def kind_label(req: dict[str, Any]) -> str:
    if req["kind"] == "objection" and req["objection_purpose"]:
        return f"objection: {req['objection_purpose']}"
    return req["kind"]


def subject_label(req: dict[str, Any]) -> str:
    return req["customer_name"] or req["subject_description"] or "-"


class RequestsScreen(RequestActions, Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    RequestsScreen #requests { height: 1fr; }
    RequestsScreen #summary { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("n", "new", "New"),
        *REQUEST_BINDINGS,
        Binding("ctrl+r", "refresh", "Refresh", show=False),
        Binding("escape", "app.navigate('register')", "Back"),  # as F1 promises
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.focus_id: int | None = None  # a request to put the cursor on after reloading

    def compose(self) -> ComposeResult:
        yield Header()
        if self.app.actor is not None and permissions.allowed(self.app.actor, "view_tasks"):
            yield TaskPanel(hide_when_empty=True)
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Static("", id="summary", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Data-subject requests"
        table = self.query_one("#requests", DataTable)
        table.add_columns(*COLUMNS)
        table.focus()  # the requests list, not the task panel above it, takes the keys first
        self.reload()

    def reload(self) -> None:
        self.load_requests()

    def action_refresh(self) -> None:
        self.reload()

    def load_requests(self) -> None:
        call_service(self, lambda: requests.list_open(self.app.user), self.show_rows, group="list")

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#requests", DataTable)
        selected = self.selected()
        keep = self.focus_id or (selected["id"] if selected else None)
        self.focus_id = None
        table.clear()
        for req in rows:
            table.add_row(
                MARKERS.get(req["urgency"], Text("")),
                Text(req["due"].isoformat()),
                Text(req["reference"]),
                Text(kind_label(req)),
                Text(words(req["status"])),
                literal(subject_label(req)),
                key=str(req["id"]),
            )
        self.rows = rows
        if keep is not None:
            index = next((i for i, r in enumerate(rows) if r["id"] == keep), 0)
            table.move_cursor(row=index)
        overdue = sum(r["urgency"] == "overdue" for r in rows)
        soon = sum(r["urgency"] == "due_soon" for r in rows)
        self.query_one("#summary", Static).update(
            f"{len(rows)} open, {overdue} overdue, {soon} due within a week"
        )

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#requests", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        req = self.selected()
        if req is None:
            return
        from finconsole.tui.screens.rights.request_detail import RequestDetailScreen

        self.app.push_screen(RequestDetailScreen(req["id"]), lambda _: self.reload())

    def action_new(self) -> None:
        from finconsole.tui.screens.rights.request_form import RequestFormScreen

        self.app.push_screen(RequestFormScreen(), self._recorded)

    def _recorded(self, result: dict[str, Any] | None) -> None:
        if result:  # the form itself said the reference number
            self.focus_id = result["id"]
            self.reload()
