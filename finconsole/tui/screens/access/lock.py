"""The idle lock: a full, opaque screen over everything (no customer data shows through).

The password and a fresh code continue the session exactly where it was; F12 logs out.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from finconsole.core.access import auth
from finconsole.core.kernel.errors import AuthenticationFailed
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.access.login import CODE_PLACEHOLDER
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.forms.auth_input import AuthInput
from finconsole.tui.widgets.keybar import KeyBar

UNLOCK_FAILED = "Unlock failed: wrong password or code, or the account is locked."


class LockScreen(Screen):
    """A plain Screen, not a modal: the screens below are not drawn at all while it shows."""

    app = ConsoleApp()

    BINDINGS = [Binding("f12", "logout", "Log out")]

    def __init__(self, why: str = "after inactivity") -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="auth-box"):
            yield Static(f"Console locked {self.why}", classes="auth-title", markup=False)
            yield Static(f"User: {self.app.user.username}", markup=False)
            yield Label("Password")
            yield AuthInput(id="password", password=True, max_length=1024)
            yield Label("Fresh code")
            yield AuthInput(id="code", placeholder=CODE_PLACEHOLDER, max_length=32)
            yield Button("Continue", id="unlock", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "password" and not self.query_one("#code", Input).value:
            self.query_one("#code", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.submit()

    def submit(self) -> None:
        self.query_one("#unlock", Button).disabled = True
        self.check(self.query_one("#password", Input).value, self.query_one("#code", Input).value)

    @work(thread=True, exclusive=True, group="unlock")
    def check(self, password: str, code: str) -> None:
        try:
            with thread_connection():
                actor = auth.reauthenticate(self.app.user, password, code)
        except AuthenticationFailed:  # the login's sentence names a username: none is asked here
            self.app.call_from_thread(self.failed, UNLOCK_FAILED)
            return
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.failed, error_text(exc))
            return
        self.app.call_from_thread(self.app.unlock_session, actor)

    def failed(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        for name in ("password", "code"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#unlock", Button).disabled = False
        self.query_one("#password", Input).focus()

    def action_logout(self) -> None:
        self.app.action_logout()
