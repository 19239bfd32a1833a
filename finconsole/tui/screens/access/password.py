"""Change one's own password: the old password and a current code are required."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from finconsole.core.access import auth
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.access.login import CODE_PLACEHOLDER
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.forms.auth_input import AuthInput

FIELDS = ("old", "code", "new", "again")


class ChangePasswordScreen(ModalScreen[bool]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ChangePasswordScreen { align: center middle; }
    ChangePasswordScreen > Vertical { background: $panel; }
    ChangePasswordScreen Label { margin: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="auth-box"):
            yield Static("Change your password", classes="auth-title", markup=False)
            yield Label("Current password")
            yield AuthInput(id="old", password=True, max_length=1024)
            yield Label("Code")
            yield AuthInput(id="code", placeholder=CODE_PLACEHOLDER, max_length=32)
            yield Label("New password (at least 8 characters, any you like)")
            yield AuthInput(id="new", password=True, max_length=1024)
            yield Label("New password again")
            yield AuthInput(id="again", password=True, max_length=1024)
            yield Static("Enter: next field · Esc: cancel", id="password-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#old", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = FIELDS.index(event.input.id)
        if index < len(FIELDS) - 1:
            self.query_one(f"#{FIELDS[index + 1]}", Input).focus()
            return
        old, code, new, again = (self.query_one(f"#{n}", Input).value for n in FIELDS)
        if new != again:
            self.show_error("The new passwords do not match.")
            return
        self.change(old, code, new)

    @work(thread=True, exclusive=True, group="password")
    def change(self, old: str, code: str, new: str) -> None:
        try:
            with thread_connection():
                auth.change_password(self.app.user, old, code, new)
        except ValidationError as exc:
            self.app.call_from_thread(self.show_error, f"New password {exc.fields['new_password']}")
            return
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.show_error, error_text(exc))
            return
        self.app.call_from_thread(self.done)

    def show_error(self, message: str) -> None:
        self.query_one("#password-error", Static).update(message)
        for name in FIELDS:
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#old", Input).focus()

    def done(self) -> None:
        self.notify("Password changed.")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
