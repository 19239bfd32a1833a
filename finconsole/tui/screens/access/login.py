"""Login: username, password and a 6-digit code (or a recovery code). One generic failure.

A colleague's first login: their username and the enrolment code the officer gave them, in the
Code field; the enrolment screen follows."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms.auth_input import AuthInput
from finconsole.tui.widgets.keybar import KeyBar

CODE_PLACEHOLDER = "6-digit code, or a recovery code"


class LoginScreen(Screen):
    app = ConsoleApp()

    BINDINGS = [Binding("ctrl+r", "clear", "Clear")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="auth-box"):
            yield Static("finconsole · log in", classes="auth-title", markup=False)
            yield Label("Username")
            yield AuthInput(id="username", max_length=64)
            yield Label("Password")
            yield AuthInput(id="password", password=True, max_length=1024)
            yield Label("Code")
            yield AuthInput(id="code", placeholder=CODE_PLACEHOLDER, max_length=32)
            yield Static(
                "First login? Your username, and the enrolment code in Code.",
                classes="auth-hint",
                markup=False,
            )
            yield Button("Log in", id="login", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        following = {"username": "#password", "password": "#code"}
        if event.input.id in following and not self._all_filled():
            self.query_one(following[event.input.id], Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.submit()

    def _all_filled(self) -> bool:
        return all(self.query_one(f"#{n}", Input).value for n in ("username", "password", "code"))

    def submit(self) -> None:
        values = [self.query_one(f"#{n}", Input).value for n in ("username", "password", "code")]
        self.query_one("#login", Button).disabled = True
        self.check_login(*values)

    @work(thread=True, exclusive=True, group="login")
    def check_login(self, username: str, password: str, code: str) -> None:
        # Loaded here, not at start-up: the login screen is painted before the database opens.
        from finconsole.core.access import auth
        from finconsole.core.store.db import thread_connection
        from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text

        self.app.database_ready.wait()
        if self.app.startup_error is not None:
            return  # the console is closing with the error
        from finconsole.core.access import enrolment

        try:
            with thread_connection():
                if enrolment.looks_like_code(code):
                    setup = enrolment.start(username, code, channel="tui")
                    self.app.call_from_thread(self.enrol, setup, code)
                    return
                actor = auth.login(username, password, code, channel="tui")
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.failed, error_text(exc))
            return
        self.app.call_from_thread(self.app.start_session, actor)

    def enrol(self, setup, code: str) -> None:
        from finconsole.tui.screens.access.enrol import EnrolScreen

        self.app.switch_screen(EnrolScreen(setup, code))

    def failed(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        for name in ("password", "code"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#login", Button).disabled = False
        self.query_one("#password", Input).focus()

    def action_clear(self) -> None:
        for name in ("username", "password", "code"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#username", Input).focus()
