"""One save at a time for a form whose save runs in a worker thread; whether it holds typed
text not saved yet (ctrl+q asks before throwing it away)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea


def typed_values(screen: Any) -> dict[str, str]:
    """What the screen's text fields hold now, by position."""
    values: dict[str, str] = {}
    for index, widget in enumerate(screen.query("Input, TextArea")):
        text = widget.value if isinstance(widget, Input) else widget.text
        values[f"{index}:{widget.id}"] = text if isinstance(widget, Input | TextArea) else ""
    return values


class SaveOnce:
    """Mixin: a second save while the first is still writing is ignored, so ctrl+s pressed
    twice (or a repeating key) cannot record the same request, inquiry or disclosure twice.
    A worker cannot be stopped mid-write, so Textual's exclusive workers do not prevent it.

    The action calls ``begin_save()`` and saves only when it returns True. The worker calls
    ``save_ended`` (through ``call_from_thread``) when the form stays open: after a refusal or
    a failure, or on a form that takes the next record; a form that closes on success need not.
    """

    _saving = False
    _shown: dict[str, str] | None = None

    def _on_mount(self, event: events.Mount) -> None:
        # after the form's own on_mount (and first paint) has filled it in
        screen: Any = self
        screen.call_after_refresh(self._remember_shown)

    def _remember_shown(self) -> None:
        self._shown = typed_values(self)

    def has_unsaved_work(self) -> bool:
        """Typed text the form has not saved: the app's ctrl+q asks before quitting."""
        return self._shown is not None and typed_values(self) != self._shown

    @property
    def saving(self) -> bool:
        return self._saving

    def begin_save(self) -> bool:
        if self._saving:
            return False
        self._saving = True
        return True

    def save_ended(self) -> None:
        self._saving = False
