"""Typed text is never thrown away without asking.

A form screen mixes in ``UnsavedWork``: it remembers what its fields showed when it opened (or
was last saved), and ``has_unsaved_work()`` tells whether anything was typed since. Every way
out of the form (its own Esc, an F-key switching screens, logging out, quitting) goes through
``ask_discard``, which asks "Discard typed text? y/n" when there is something to lose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

QUESTION = "Discard typed text? y/n"

# The widgets whose value is typed work (a DataTable's cursor is not).
TYPED = "Input, Select, Checkbox, TextArea"


class UnsavedWork:
    """Mixin for a form screen. Call ``remember_shown()`` once the fields show their first
    values (``on_mount`` does it after the first refresh) and again after a save."""

    _shown: dict[str, Any] | None = None

    def typed_values(self) -> dict[str, Any]:
        """What the fields hold now; a form with its own notion of values may override it."""
        out: dict[str, Any] = {}
        for index, widget in enumerate(self.query(TYPED)):  # type: ignore[attr-defined]
            value = getattr(widget, "value", None)
            if value is None and hasattr(widget, "text"):
                value = widget.text
            out[widget.id or f"#{index}"] = value
        return out

    def remember_shown(self) -> None:
        self._shown = self.typed_values()

    def has_unsaved_work(self) -> bool:
        """True when something was typed that is not saved (asked by the app on ctrl+q too)."""
        if self._shown is None:
            return False
        return self.typed_values() != self._shown

    def forget_typed(self) -> None:
        """The user agreed to lose the text: whatever closes the form next need not ask."""
        self._shown = None

    def leave_asking(self, leave: Callable[[], object]) -> None:
        """Run ``leave`` (which closes this form) once the user agrees to lose typed text."""
        screen: Any = self  # a Screen: the class this is mixed into
        ask_discard(screen.app, [screen], leave)


def unsaved_screens(app: App) -> list[Screen]:
    """The screens of the stack holding typed text not saved, topmost first."""
    return [s for s in reversed(app.screen_stack) if holds_unsaved_work(s)]


def holds_unsaved_work(screen: object) -> bool:
    return isinstance(screen, UnsavedWork) and screen.has_unsaved_work()


def ask_discard(app: App, screens: list[Screen], leave: Callable[[], object]) -> None:
    """``leave()`` at once when none of ``screens`` holds unsaved typed text; otherwise only
    after the user answers y to "Discard typed text?" (n or Esc keeps the form)."""
    if not any(holds_unsaved_work(s) for s in screens):
        leave()
        return
    from finconsole.tui.widgets.confirm import ConfirmDialog

    def decided(discard: bool | None) -> None:
        if discard:
            for screen in screens:
                if isinstance(screen, UnsavedWork):
                    screen.forget_typed()
            leave()

    app.push_screen(ConfirmDialog(QUESTION, "Discard"), decided)
