"""``self.app`` typed as the finconsole console, for screens and widgets.

Textual types ``self.app`` as a plain ``App``, so the console's own attributes (``actor``,
``config``, ``say`` ...) are unknown to mypy. A class that uses them says ``app = ConsoleApp()``:
at run time the descriptor returns Textual's own ``app``; to mypy it is a ``FinconsoleApp``.
(Textual's ``getters.app`` does the same but needs the app class when the screen class is made,
which would make every screen module import the app module that opens them.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from finconsole.tui.app import FinconsoleApp

# the property MessagePump defines at run time (to mypy it is a ``getters.app``)
_TEXTUAL_APP: Any = MessagePump.__dict__["app"]


class ConsoleApp:
    """A descriptor: ``app = ConsoleApp()`` in a Screen or Widget subclass."""

    def __get__(self, obj: Any, objtype: type | None = None) -> FinconsoleApp:
        return _TEXTUAL_APP.__get__(obj, objtype)  # type: ignore[no-any-return]
