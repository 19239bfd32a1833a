"""A colleague's first login with the one-time enrolment code the officer gave them: they
choose their own password, scan their own QR code, confirm it with a code and get their
recovery codes (the first-run steps, for an account that exists). The officer sees none of it.
"""

from __future__ import annotations

from textual.binding import Binding

from finconsole.core.access import enrolment
from finconsole.core.access.credentials import TotpSetup
from finconsole.core.kernel.actor import Actor
from finconsole.tui.screens.access.first_run import FirstRunScreen


class EnrolScreen(FirstRunScreen):
    BINDINGS = [Binding("escape", "leave", "Back to login")]
    TITLE_TEXT = "Welcome: choose your own password"

    def __init__(self, setup: TotpSetup, enrolment_code: str) -> None:
        super().__init__(setup.username)
        self.drawn = setup  # the secret start() drew: stored only once a code confirms it
        self.enrolment_code = enrolment_code

    def __repr__(self) -> str:  # the enrolment code stays out of any log line
        return f"EnrolScreen(username={self.fixed_username!r})"

    def account_setup(self, username: str, password: str) -> TotpSetup:
        enrolment.check_password(password)
        return self.drawn

    def finish(self, setup: TotpSetup, code: str) -> tuple[Actor, list[str]]:
        return enrolment.complete(
            setup.username, self.enrolment_code, self.password, setup.secret, code
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave":
            return self.actor is None  # once enrolled, Continue is the way on
        return super().check_action(action, parameters)

    def action_leave(self) -> None:
        self.password = self.enrolment_code = ""
        self.app.show_entry_screen()
