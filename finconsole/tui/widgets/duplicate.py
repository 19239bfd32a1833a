"""The customer being saved looks like one already in the register: show the look-alikes and
let the user go on, open the other customer, or keep editing.

Dismisses with ``("save", None)``, ``("open", customer_id)`` or None (keep editing).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from finconsole.core.kernel.text import printable

REASON_WORDS = {"email": "email", "phone": "phone", "name_address": "name and address"}


def describe(match: dict[str, Any]) -> Text:
    """One look-alike: id, name, contact, and what it shares (customer text shown literally)."""
    name = f"{match.get('first_name') or ''} {match.get('last_name') or ''}".strip()
    line = Text(f"#{match['id']}  ", style="bold")
    line.append(printable(name) or "(no name)")
    contact = match.get("email") or match.get("phone") or ""
    if contact:
        line.append(f"  {printable(contact)}")
    reasons = " and ".join(REASON_WORDS.get(r, r) for r in match["reasons"])
    line.append(f"\n      same {reasons}", style="italic")
    return line


class DuplicateDialog(ModalScreen[tuple[str, int | None] | None]):
    DEFAULT_CSS = """
    DuplicateDialog { align: center middle; }
    DuplicateDialog > Vertical {
        width: 76; max-width: 100%; height: auto; border: thick $warning; padding: 0 1;
        background: $panel;
    }
    DuplicateDialog Horizontal { height: auto; margin-top: 1; }
    DuplicateDialog Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("s", "choose('save')", "Save anyway"),
        Binding("o", "choose('open')", "Open the other"),
        Binding("escape", "choose('')", "Keep editing"),
    ]

    def __init__(self, matches: list[dict[str, Any]]) -> None:
        super().__init__()
        self.matches = matches

    def compose(self) -> ComposeResult:
        text = Text("This customer may already be in the register:\n\n", style="bold")
        for match in self.matches:
            text.append_text(describe(match))
            text.append("\n")
        text.append(
            "\nA second record of one person splits their data and defeats their "
            "objections: open the other customer, or save anyway if they are different people."
        )
        with Vertical():
            yield Static(text, id="duplicate-text")
            with Horizontal():
                yield Button(f"Open #{self.matches[0]['id']} (o)", id="open", variant="primary")
                yield Button("Save anyway (s)", id="save", variant="warning")
                yield Button("Keep editing (esc)", id="keep")

    def on_mount(self) -> None:
        self.query_one("#open", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose("" if event.button.id == "keep" else str(event.button.id))

    def action_choose(self, choice: str) -> None:
        if not choice:
            self.dismiss(None)
        else:
            self.dismiss((choice, self.matches[0]["id"] if choice == "open" else None))
