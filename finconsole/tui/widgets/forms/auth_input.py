"""An input for the fields of the login and set-up screens that never loses a Tab.

Textual forwards each key to the focused widget's queue and looks at an ordinary Tab binding
only when the key bubbles back up: keys that arrive in one burst (a fast typist over a slow
link) are all queued to the username field before the Tab moves the focus, so the password
lands in clear in the username field. The app's priority Tab binding moves the focus when the
Tab is read, before the next key is forwarded (in every form); here Enter moves on to the
next field the same way while that field is empty (else it submits, as Enter does in any
input). A paste holding Tabs or line
breaks (a password manager's "username<Tab>password") is split the same way: each part goes
to the next field.
"""

from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.widgets import Input

FIELD_BREAK = re.compile(r"\r\n|[\t\r\n]")


class AuthInput(Input):
    # Tab and shift+tab are the app's own priority bindings (every form needs them)
    BINDINGS = [Binding("enter", "advance", "Next field", show=False, priority=True)]

    async def action_advance(self) -> None:
        following = self.next_field()
        if following is not None and not following.value:
            self.screen.set_focus(following)  # now: ``focus()`` would wait a message round
        else:
            await self.action_submit()

    def next_field(self) -> AuthInput | None:
        chain = self.screen.focus_chain
        index = chain.index(self) if self in chain else -1
        following = chain[index + 1] if 0 <= index < len(chain) - 1 else None
        return following if isinstance(following, AuthInput) else None

    def _on_paste(self, event: events.Paste) -> None:
        parts = FIELD_BREAK.split(event.text)
        if len(parts) == 1:
            return  # Input's own handler inserts it
        event.stop()
        event.prevent_default()  # not Input's handler too (it would insert the whole text)
        target: Input = self
        for index, part in enumerate(parts):
            if index:
                self.screen.focus_next()
                focused = self.screen.focused
                if not isinstance(focused, Input):
                    return  # past the last field: the rest is dropped, never typed elsewhere
                target = focused
            target.insert_text_at_cursor(part)
