"""Record an authority inquiry (officer). Saving creates the "tell the customer" tasks at once;
they wait at the top of the officer's queue until marked done.

Once saved, the form is a view of what was recorded (a second ctrl+s records nothing); ctrl+n
starts a new one. Leaving with typed text not saved asks first. A mistaken inquiry is
withdrawn from the list (ctrl+b, then w), never deleted."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from finconsole.core.kernel import clock
from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.outbox import outbox
from finconsole.core.store.db import thread_connection
from finconsole.core.transparency import inquiries
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms.form import FormField, show_errors
from finconsole.tui.widgets.forms.save_once import SaveOnce
from finconsole.tui.widgets.forms.unsaved import UnsavedWork
from finconsole.tui.widgets.keybar import KeyBar

SCOPE_OPTIONS = [
    ("One customer", "one"),
    ("Several customers", "several"),
    ("Customers in general", "general"),
]


class InquiryScreen(UnsavedWork, SaveOnce, Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    InquiryScreen #inquiry-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save inquiry"),
        Binding("ctrl+n", "clear", "New inquiry"),
        Binding("ctrl+b", "list", "Recorded"),  # ctrl+l locks the console everywhere
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.recorded: dict | None = None  # set once saved: the form is then a view

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Record what the authority asked. No data is disclosed without a court order: "
            "record a disclosure separately. ctrl+b lists the inquiries recorded.",
            id="inquiry-status",
            markup=False,
        )
        with VerticalScroll():
            yield FormField("authority", "Authority")
            yield FormField("received_at", "Received on", value=clock.today().isoformat())
            yield FormField("scope", "Asked about", options=SCOPE_OPTIONS, value="one")
            yield FormField("customer_ids", "Customer ids", placeholder="e.g. 12, 40")
            yield FormField("reference", "Reference")
            yield FormField(
                "description", "Description", placeholder="what was asked (no personal data)"
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#authority").focus()
        self.call_after_refresh(self.remember_shown)

    def action_save(self) -> None:
        if self.recorded is not None:
            self.app.notify(
                f"Inquiry {self.recorded['id']} is already recorded: ctrl+n starts a new one.",
                severity="warning",
                markup=False,
            )
            return
        if self.begin_save():
            self.save({f.field_name: f.value for f in self.query(FormField)})

    def action_back(self) -> None:
        self.leave_asking(lambda: self.app.action_navigate("register"))

    def action_list(self) -> None:
        from finconsole.tui.screens.transparency.inquiries import InquiriesScreen

        self.app.push_screen(InquiriesScreen())

    def action_clear(self) -> None:
        self.leave_asking(self.clear)

    def clear(self) -> None:
        self.recorded = None
        self.set_editable(True)
        for field in self.query(FormField):
            if field.options is None:
                field.value = clock.today().isoformat() if field.field_name == "received_at" else ""
            field.set_error(None)
        self.status("A new inquiry: ctrl+s saves it.")
        self.query_one("#authority").focus()
        self.remember_shown()

    def set_editable(self, editable: bool) -> None:
        for widget in self.query("FormField Input, FormField Select"):
            widget.disabled = not editable

    @work(thread=True, group="inquiry-save")
    def save(self, data: dict[str, str]) -> None:
        try:
            with thread_connection():
                result = inquiries.record(self.app.user, data)
                # "told at once": the notices go now when [mail] is set (else they wait)
                result["sent"] = sum(
                    outbox.send_one(self.app.user, mid) for mid in result["message_ids"]
                )
        except ValidationError as exc:
            self.app.call_from_thread(self.invalid, exc.fields)
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        finally:
            self.app.call_from_thread(self.save_ended)
        self.app.call_from_thread(self.saved, result)

    def invalid(self, errors: dict[str, str]) -> None:
        fields = list(self.query(FormField))
        show_errors(fields, errors)
        first = next((f for f in fields if f.field_name in errors), None)
        if first is not None:
            first.query_one("Input, Select").focus()
        self.status("Not saved: check the fields marked below.")

    def saved(self, result: dict) -> None:
        show_errors(list(self.query(FormField)), {})
        self.recorded = result
        self.set_editable(False)  # a view now: what was recorded, not a draft to save again
        self.remember_shown()
        count = len(result["task_ids"])
        told = len(result["message_ids"])
        self.status(
            f"Inquiry {result['id']} recorded; {count} task{'s' if count != 1 else ''} created "
            f"(see Tasks); notices: {result['sent']} of {told} sent (ctrl+y: Outbox). "
            "ctrl+n starts a new one."
        )
        self.app.notify(f"Inquiry {result['id']} recorded.", markup=False)

    def status(self, text: str) -> None:
        self.query_one("#inquiry-status", Static).update(text)
