"""Menu (ctrl+g): the screens this role may open, each with its key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from finconsole.tui.console_app import ConsoleApp


class MenuScreen(ModalScreen[str | None]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    MenuScreen { align: center middle; }
    MenuScreen > Vertical {
        width: 50; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    MenuScreen OptionList { height: auto; max-height: 18; }
    """
    BINDINGS = [Binding("escape,ctrl+g", "close", "Close menu")]

    def compose(self) -> ComposeResult:
        entries = self.app.nav_entries()
        with Vertical():
            yield Static("Go to (Enter opens, Esc closes)", markup=False)
            yield OptionList(
                *[Option(f"{e.title}  [{e.key}]", id=e.name) for e in entries], markup=False
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
