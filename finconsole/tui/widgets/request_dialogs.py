"""Dialogs for the request actions: verify identity, extend the deadline, a reason/outcome."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from finconsole.core.kernel import clock
from finconsole.tui.widgets.action_dialog import ActionDialog, label


class VerifyDialog(ActionDialog):
    """How the identity was checked (free text) and whether it is verified."""

    def __init__(self, request: dict[str, Any], perform) -> None:
        super().__init__(f"Verify identity: {request['reference']}", perform, "Save")
        self.request = request

    def fields(self) -> ComposeResult:
        yield label("How was the identity checked? (e.g. order number + postcode)")
        yield Input(self.request["identity_method"], id="method", compact=True)
        yield Checkbox(
            "Identity verified", self.request["identity_verified"], id="verified", compact=True
        )

    def values(self) -> dict[str, Any]:
        return {
            "method": self.query_one("#method", Input).value,
            "verified": self.query_one("#verified", Checkbox).value,
        }


class ExtendDialog(ActionDialog):
    """Extend by one or two months: a reason and the date the person was told are required."""

    def __init__(self, request: dict[str, Any], perform, max_months: int = 2) -> None:
        super().__init__(
            f"Extend the deadline of {request['reference']} (first deadline {request['deadline']})",
            perform,
            "Extend",
        )
        self.max_months = max(1, max_months)

    def fields(self) -> ComposeResult:
        yield label("Further months")
        options = [(f"{n} month{'s' if n > 1 else ''}", n) for n in range(1, self.max_months + 1)]
        yield Select(options, value=options[-1][1], allow_blank=False, id="months", compact=True)
        yield label("Reason (told to the person)")
        yield Input(id="reason", compact=True)
        yield label("Date the person was told (within the first month)")
        yield Input(clock.today().isoformat(), id="told", compact=True)

    def values(self) -> dict[str, Any]:
        return {
            "months": self.query_one("#months", Select).value,
            "reason": self.query_one("#reason", Input).value,
            "told_at": self.query_one("#told", Input).value,
        }


class TextDialog(ActionDialog):
    """One line of text: a refusal reason or an outcome."""

    def __init__(self, title: str, prompt: str, perform, submit: str) -> None:
        super().__init__(title, perform, submit)
        self.prompt = prompt

    def fields(self) -> ComposeResult:
        yield label(self.prompt)
        yield Input(id="text", compact=True)

    def values(self) -> dict[str, Any]:
        return {"text": self.query_one("#text", Input).value}
