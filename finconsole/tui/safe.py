"""Customer text is data, never markup: every widget that shows it goes through here."""

from __future__ import annotations

from rich.text import Text

from finconsole.core.kernel.text import printable


def words(code: str | None) -> str:
    """A stored code as a person reads it, the same on every screen: "in_progress" ->
    "in progress"."""
    return (code or "").replace("_", " ")


def literal(value: object) -> Text:
    """A Rich Text that shows ``value`` exactly: no markup, no emoji codes, no control codes."""
    return Text(printable(value), no_wrap=True, overflow="ellipsis")
