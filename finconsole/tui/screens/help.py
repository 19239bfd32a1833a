"""Help (F1 or ?): every key of the screen it was opened on."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from finconsole.tui.keys import screen_keys

GENERAL = [
    ("tab / shift+tab", "Next / previous field or table"),
    ("arrows, home, end", "Move in tables and fields"),
    ("escape", "Back / close"),
]


def screen_title(screen: Screen) -> str:
    """What the user calls the screen: its title, the sub-title its header shows, or its class
    name made into words ("CarrierPerformanceScreen" -> "Carrier performance")."""
    title = getattr(screen, "TITLE_TEXT", None) or screen.sub_title
    if title:
        return title
    name = type(screen).__name__.removesuffix("Screen")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).capitalize()


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $panel;
    }
    """
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close help")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.rows = [(row.key, row.description) for row in screen_keys(screen)]
        extra = getattr(screen, "HELP_NOTES", ())
        self.notes = list(extra)
        self.screen_title = screen_title(screen)

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(f"Keys: {self.screen_title}\n", style="bold")
        for key, description in [*self.rows, *GENERAL]:
            text.append(f"{key:>18}  ", style="bold")
            text.append(f"{description}\n")
        for note in self.notes:
            text.append(f"\n{note}")
        with VerticalScroll():
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
