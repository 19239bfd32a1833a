"""One request in full, with the same action keys as the list."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.rights import requests
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.screens.rights.request_actions import REQUEST_BINDINGS, RequestActions
from finconsole.tui.widgets.keybar import KeyBar

FIELDS = (
    ("reference", "Reference"),
    ("kind", "Kind"),
    ("objection_purpose", "Objection to"),
    ("status", "Status"),
    ("customer_id", "Customer id"),
    ("customer_name", "Customer"),
    ("subject_description", "Who asked"),
    ("details", "Details"),
    ("received_at", "Received"),
    ("channel", "Channel"),
    ("identity_method", "Identity checked by"),
    ("identity_verified", "Identity verified"),
    ("deadline", "Deadline"),
    ("extended_until", "Extended until"),
    ("extension_reason", "Extension reason"),
    ("extension_told_at", "Person told of extension"),
    ("refusal_reason", "Refusal reason"),
    ("outcome", "Outcome"),
    ("created_by", "Recorded by"),
    ("handled_by", "Handled by"),
    ("closed_at", "Closed"),
)

WORDED = {"status", "kind", "objection_purpose", "channel"}  # codes shown as words


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


class RequestDetailScreen(RequestActions, Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    RequestDetailScreen #marker { text-style: bold; padding: 0 1; }
    RequestDetailScreen .row { padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Back"), *REQUEST_BINDINGS]

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id
        self.request: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="marker", markup=False)
        yield VerticalScroll(id="fields")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load_request()

    @work(thread=True, exclusive=True, group="request-detail")
    def load_request(self) -> None:
        try:
            with thread_connection():
                req = requests.get(self.app.user, self.request_id)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show_request, req)

    def show_request(self, req: dict[str, Any]) -> None:
        self.request = req
        self.sub_title = req["reference"]
        marker = {"overdue": "OVERDUE", "due_soon": "Due within a week"}.get(req["urgency"], "")
        due = (
            f"Due {req['due'].isoformat()}" if req["status"] not in requests.CLOSED_STATUSES else ""
        )
        self.query_one("#marker", Static).update(" ".join(p for p in (marker, due) if p))
        box = self.query_one("#fields", VerticalScroll)
        box.remove_children()
        rows = []
        for key, title in FIELDS:
            value = show_value(req[key])
            if key in WORDED:  # "in_progress" -> "in progress", as the list shows it
                value = words(value)
            text = literal(f"{title + ':':<26} {value}")
            text.no_wrap = False
            rows.append(Static(text, classes="row"))
        box.mount_all(rows)

    def selected(self) -> dict[str, Any] | None:
        return self.request

    def action_back(self) -> None:
        self.dismiss(None)
