"""Record a new request, e.g. while the person is on the phone (support staff too).

The customer id may be left empty for a person not (yet) found in the register: describe
who asked instead, and link the request later.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Select, Static

from finconsole.core.kernel import clock
from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.rights import requests
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.errors import error_text
from finconsole.tui.widgets.forms.form import FormField, show_errors
from finconsole.tui.widgets.forms.save_once import SaveOnce
from finconsole.tui.widgets.forms.unsaved import UnsavedWork
from finconsole.tui.widgets.keybar import KeyBar

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


# service field -> the form field showing its message
FIELD_OF = {
    "kind": "kind",
    "objection_purpose": "purpose",
    "channel": "channel",
    "received_at": "received",
    "customer_id": "customer",
    "subject_description": "subject",
    "details": "details",
    "identity_method": "method",
    "identity_verified": "method",
}


class RequestFormScreen(UnsavedWork, SaveOnce, Screen):
    """Every field is in the Tab order; "Objection to" is shown only for an objection; a
    refused save puts each message under its field. Saving says the reference number."""

    app = ConsoleApp()

    DEFAULT_CSS = """
    RequestFormScreen VerticalScroll { padding: 0 1; }
    RequestFormScreen FormField Label { width: 21; padding: 0 1 0 0; }
    RequestFormScreen FormField .field-error { padding-left: 21; }
    RequestFormScreen #verified { margin-left: 21; }
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
        customer = "" if self.customer_id is None else str(self.customer_id)
        with VerticalScroll():
            field = partial(FormField, compact=True)
            yield field("kind", "Kind of request", options=KIND_OPTIONS, value="objection")
            yield field("purpose", "Objection to", options=PURPOSE_OPTIONS, value="marketing")
            yield field("channel", "Received by", options=CHANNEL_OPTIONS, value="phone")
            yield field("received", "Received on", value=clock.today().isoformat())
            yield field("customer", "Customer id", value=customer, placeholder="empty: not found")
            yield field("subject", "Who asked", placeholder="if no customer id")
            yield field("details", "What was asked")
            yield field("method", "Identity checked by", placeholder="e.g. order number + postcode")
            yield Checkbox("Identity verified", id="verified", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Record a request"
        self.query_one("#kind", Select).focus()
        self.call_after_refresh(self.remember_shown)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            # only an objection has a purpose: the field is not shown for the other kinds
            self.query_one("#field-purpose").display = event.value == "objection"

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
        except ValidationError as exc:
            self.app.call_from_thread(self.invalid, exc.fields)
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self.not_saved, error_text(exc))
            return
        self.app.call_from_thread(self.saved, result)  # closing: no second save after this

    def saved(self, result: dict[str, Any]) -> None:
        # wherever the form was opened (F4, a customer's q), the caller can be told the number
        self.app.notify(
            f"Recorded {result['reference']}, due {result['due'].isoformat()}", markup=False
        )
        self.dismiss(result)

    def invalid(self, errors: dict[str, str]) -> None:
        shown: dict[str, str] = {}
        for name, message in errors.items():
            field = FIELD_OF.get(name, name)
            shown[field] = f"{shown[field]}; {message}" if field in shown else message
        fields = list(self.query(FormField))
        show_errors(fields, shown)
        first = next((f for f in fields if f.field_name in shown and f.display), None)
        if first is not None:
            first.query_one("Input, Select").focus()
        self.not_saved("Not saved: check the fields marked below.")

    def not_saved(self, message: str) -> None:
        self.query_one("#error", Static).update(message)
        self.save_ended()

    def action_cancel(self) -> None:
        self.leave_asking(lambda: self.dismiss(None))
