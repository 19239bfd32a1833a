"""First run: no account exists yet, so the console sets up the first register officer.

Three steps on one screen: username and password (twice); the QR code to scan and a current
code to confirm it; the recovery codes, shown once. Nothing is stored until the code is
confirmed, so leaving half-way leaves the register as it was. ``EnrolScreen`` (a colleague's
first login with an enrolment code) is the same three steps for an account that exists.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from finconsole.core.access import credentials, users
from finconsole.core.access.credentials import TotpSetup
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, ValidationError
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.forms.auth_input import AuthInput
from finconsole.tui.widgets.keybar import KeyBar


class FirstRunScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    FirstRunScreen #step-scan, FirstRunScreen #step-codes { display: none; }
    FirstRunScreen #qr { width: auto; height: auto; }
    FirstRunScreen #scan-scroll { width: 46; height: 1fr; }
    FirstRunScreen #scan-side { width: 1fr; padding: 0 1; }
    FirstRunScreen #secret { margin-top: 1; }
    FirstRunScreen #first-error { color: $error; }
    """
    BINDINGS = [Binding("ctrl+r", "restart", "Start over")]
    TITLE_TEXT = "First run: create the register officer"

    def __init__(self, username: str = "") -> None:
        super().__init__()
        self.fixed_username = username  # an enrolling account's name: shown, not typed
        self.setup: TotpSetup | None = None
        self.password = ""
        self.actor: Actor | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="step-account", classes="auth-box"):
            yield Static(self.TITLE_TEXT, classes="auth-title", markup=False)
            yield Label("Username")
            fixed = self.fixed_username
            yield AuthInput(id="username", max_length=64, value=fixed, disabled=bool(fixed))
            yield Label("Password (at least 8 characters, any you like)")
            yield AuthInput(id="password", password=True, max_length=1024)
            yield Label("Password again")
            yield AuthInput(id="again", password=True, max_length=1024)
            yield Static("", id="first-error", markup=False)
        # The QR code needs ~22 rows: it gets the whole height, the rest sits beside it.
        with Horizontal(id="step-scan"):
            with VerticalScroll(id="scan-scroll"):
                yield Static("", id="qr", markup=False)
            with Vertical(id="scan-side"):
                yield Static("Scan the code with an authenticator app, then type its code:")
                yield AuthInput(id="code", placeholder="6-digit code", max_length=9)
                yield Static("", id="secret", markup=False)
        with VerticalScroll(id="step-codes"):
            yield Static("", id="codes", markup=False)
            yield Button("Continue to the register", id="continue", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#password" if self.fixed_username else "#username", Input).focus()

    # --- what differs between the first run and an enrolment -------------------------------

    def account_setup(self, username: str, password: str) -> TotpSetup:
        """Validate the account step (``ValidationError``) and draw the secret to scan."""
        return users.first_officer_setup(username, password)

    def finish(self, setup: TotpSetup, code: str) -> tuple[Actor, list[str]]:
        """Store the account once ``code`` confirms the secret (worker thread)."""
        return users.create_first_officer(setup.username, self.password, setup.secret, code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        following = {"username": "#password", "password": "#again"}
        if event.input.id in following:
            self.query_one(following[event.input.id], Input).focus()
        elif event.input.id == "again":
            self.check_account()
        elif event.input.id == "code" and self.setup is not None:
            self.create(event.value)

    def check_account(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if password != self.query_one("#again", Input).value:
            self.error("The passwords do not match.")
            return
        try:
            self.setup = self.account_setup(username, password)
        except ValidationError as exc:
            self.error(error_text(exc))
            return
        self.password = password
        self.query_one("#qr", Static).update(credentials.qr_text(self.setup.uri))
        secret = " ".join(self.setup.secret[i : i + 4] for i in range(0, 32, 4))
        self.query_one("#secret", Static).update(
            f"Or enter by hand:\n{secret}\n\nIssuer: finconsole\nAccount: {self.setup.username}"
        )
        self.show_step("step-scan")
        self.query_one("#code", Input).focus()

    def error(self, message: str) -> None:
        self.query_one("#first-error", Static).update(message)
        for name in ("password", "again"):
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#password", Input).focus()

    def show_step(self, step: str) -> None:
        for name in ("step-account", "step-scan", "step-codes"):
            self.query_one(f"#{name}").display = name == step

    @work(thread=True, exclusive=True, group="first-run")
    def create(self, code: str) -> None:
        setup = self.setup
        if setup is None:  # the account step was not done (restarted meanwhile)
            return
        try:
            with thread_connection():
                actor, codes = self.finish(setup, code)
        except Conflict as exc:  # another console created the first officer meanwhile
            self.app.call_from_thread(self.notify, str(exc), severity="warning", markup=False)
            self.app.call_from_thread(self.app.show_entry_screen)
            return
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.code_refused, error_text(exc))
            return
        self.app.call_from_thread(self.show_codes, actor, codes)

    def code_refused(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.query_one("#code", Input).value = ""

    def show_codes(self, actor: Actor, codes: list[str]) -> None:
        self.actor = actor
        self.password = ""
        lines = [f"Account {actor.username} created.", "", "Recovery codes (each works once;"]
        lines += ["write them down and keep them apart from your phone):", ""]
        lines += [f"  {a}   {b}" for a, b in zip(codes[0::2], codes[1::2])]
        lines += ["", "They are shown only this once."]
        self.query_one("#codes", Static).update("\n".join(lines))
        self.show_step("step-codes")
        self.query_one("#continue", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "continue" and self.actor is not None:
            self.app.start_session(self.actor)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "restart" or self.actor is None

    def action_restart(self) -> None:
        if self.actor is None:
            self.setup, self.password = None, ""
            for name in ("password", "again", "code"):
                self.query_one(f"#{name}", Input).value = ""
            if not self.fixed_username:
                self.query_one("#username", Input).value = ""
            self.show_step("step-account")
            self.on_mount()
