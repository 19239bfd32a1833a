"""Record a new request, e.g. while the person is on the phone (support staff too).

The customer id may be left empty for a person not (yet) found in the register: describe
who asked instead, and link the request later.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Label, Select, Static

from finconsole.core.kernel import clock
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.rights import requests
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.errors import error_text
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.save_once import SaveOnce

KIND_OPTIONS = [
    ("Objection to a use of the data", "objection"),
    ("Access: a copy of my data", "access"),
    ("Portability: my data machine-readable", "portability"),
    ("Rectification: correct my data", "rectification"),
    ("Erasure: delete my data", "erasure"),
    ("Restriction of processing", "restriction"),
]
PURPOSE_OPTIONS = [(p.capitalize(), p) for p in requests.OBJECTION_PURPOSES]
CHANNEL_OPTIONS = [
    ("Phone", "phone"),
    ("Email", "email"),
    ("Letter", "letter"),
    ("Web form", "web_form"),
]


class RequestFormScreen(SaveOnce, Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    RequestFormScreen VerticalScroll { padding: 1 1; }
    RequestFormScreen #form {
        grid-size: 2; grid-columns: 31 1fr; grid-rows: 1; grid-gutter: 1 0; height: auto;
    }
    RequestFormScreen #error { color: $error; height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, customer_id: int | None = None) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="error", markup=False)
        with VerticalScroll(), Grid(id="form"):
            yield Label("Kind of request")
            yield Select(
                KIND_OPTIONS, value="objection", allow_blank=False, id="kind", compact=True
            )
            yield Label("Objection to")
            yield Select(
                PURPOSE_OPTIONS, value="marketing", allow_blank=False, id="purpose", compact=True
            )
            yield Label("Received by")
            yield Select(
                CHANNEL_OPTIONS, value="phone", allow_blank=False, id="channel", compact=True
            )
            yield Label("Received on (date)")
            yield Input(clock.today().isoformat(), id="received", compact=True)
            yield Label("Customer id (empty: not found)")
            customer = "" if self.customer_id is None else str(self.customer_id)
            yield Input(customer, id="customer", compact=True)
            yield Label("Who asked (if no customer)")
            yield Input(id="subject", compact=True)
            yield Label("What was asked")
            yield Input(id="details", compact=True)
            yield Label("Identity checked by")
            yield Input(id="method", compact=True, placeholder="e.g. order number + postcode")
            yield Label("")
            yield Checkbox("Identity verified", id="verified", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Record a request"
        self.query_one("#kind", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            self.query_one("#purpose", Select).disabled = event.value != "objection"

    def values(self) -> dict[str, Any]:
        kind = self.query_one("#kind", Select).value
        return {
            "kind": kind,
            "objection_purpose": self.query_one("#purpose", Select).value
            if kind == "objection"
            else None,
            "channel": self.query_one("#channel", Select).value,
            "received_at": self.query_one("#received", Input).value,
            "customer_id": self.query_one("#customer", Input).value.strip() or None,
            "subject_description": self.query_one("#subject", Input).value,
            "details": self.query_one("#details", Input).value,
            "identity_method": self.query_one("#method", Input).value,
            "identity_verified": self.query_one("#verified", Checkbox).value,
        }

    def action_save(self) -> None:
        if self.begin_save():
            self.save(self.values())

    @work(thread=True, group="request-form")
    def save(self, values: dict[str, Any]) -> None:
        try:
            with thread_connection():
                result = requests.record(self.app.user, values)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.not_saved, error_text(exc))
            return
        self.app.call_from_thread(self.dismiss, result)  # closing: no second save after this

    def not_saved(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        self.save_ended()

    def action_cancel(self) -> None:
        self.dismiss(None)
