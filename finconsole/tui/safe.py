"""Customer text is data, never markup: every widget that shows it goes through here."""

from __future__ import annotations

from rich.text import Text

from finconsole.core.text import printable


def literal(value: object) -> Text:
    """A Rich Text that shows ``value`` exactly: no markup, no emoji codes, no control codes."""
    return Text(printable(value), no_wrap=True, overflow="ellipsis")
