"""A small modal form that performs one service call and stays open on a clear error.

Subclasses yield their inputs from ``fields()`` and read them back in ``values()``; the
dialog runs ``perform(values)`` in a thread worker and dismisses with its result, or shows the
error (field names and messages, never values) and lets the user correct the input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.errors import error_text
from finconsole.tui.widgets.forms.unsaved import UnsavedWork


class ActionDialog(UnsavedWork, ModalScreen[Any]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ActionDialog { align: center middle; }
    ActionDialog > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; padding: 0 1; background: $panel;
    }
    ActionDialog .title { text-style: bold; margin-bottom: 1; }
    ActionDialog .label { margin-top: 1; }
    ActionDialog #error { color: $error; height: auto; }
    ActionDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ActionDialog Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]

    def __init__(self, title: str, perform: Callable[[dict[str, Any]], Any], submit: str) -> None:
        super().__init__()
        self.title_text = title
        self.perform = perform
        self.submit_label = submit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            yield from self.fields()
            yield Static("", id="error", markup=False)
            with Horizontal():
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button(
                    f"{self.submit_label} (ctrl+s)", id="submit", variant="primary", compact=True
                )

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def on_mount(self) -> None:
        self.call_after_refresh(self.remember_shown)  # typed reasons are not lost on esc

    def action_cancel(self) -> None:
        self.leave_asking(lambda: self.dismiss(None))

    def action_submit(self) -> None:
        self.query_one("#error", Static).update("Working...")
        self.run_perform(self.values())

    @work(thread=True, exclusive=True, group="dialog")
    def run_perform(self, values: dict[str, Any]) -> None:
        try:
            with thread_connection():
                result = self.perform(values)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.show_error, error_text(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self.show_error, f"cannot write the file: {exc.strerror}")
            return
        self.app.call_from_thread(self.dismiss, result)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)


def label(text: str) -> Static:
    return Static(text, classes="label", markup=False)
