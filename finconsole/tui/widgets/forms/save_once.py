"""One save at a time for a form whose save runs in a worker thread. (Whether it holds typed
text not saved yet is widgets/forms/unsaved.py's.)"""

from __future__ import annotations


class SaveOnce:
    """Mixin: a second save while the first is still writing is ignored, so ctrl+s pressed
    twice (or a repeating key) cannot record the same request, inquiry or disclosure twice.
    A worker cannot be stopped mid-write, so Textual's exclusive workers do not prevent it.

    The action calls ``begin_save()`` and saves only when it returns True. The worker calls
    ``save_ended`` (through ``call_from_thread``) when the form stays open: after a refusal or
    a failure, or on a form that takes the next record; a form that closes on success need not.
    """

    _saving = False

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
