"""Another console saved the record while this one was editing it: say which fields changed,
with both values (yours and the one saved now), and let the user choose. Dismisses with
"reload", "reapply" or None (keep editing)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConflictDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning; padding: 1 2;
        background: $panel;
    }
    ConflictDialog Horizontal { height: auto; margin-top: 1; }
    ConflictDialog Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("r", "choose('reload')", "Reload"),
        Binding("a", "choose('reapply')", "Re-apply mine"),
        Binding("escape", "choose('')", "Keep editing"),
    ]

    def __init__(self, fields: list[str], values: list[tuple[str, str, str]] | None = None) -> None:
        """``values``: (label, yours, saved now) of each changed field, when known."""
        super().__init__()
        self.fields = fields
        self.values = values or []

    def compose(self) -> ComposeResult:
        changed = ", ".join(self.fields) if self.fields else "no field you edited"
        both = "".join(
            f"\n  {label}: yours {mine or '(empty)'!s}, saved now {theirs or '(empty)'!s}"
            for label, mine, theirs in self.values
        )
        with Vertical():
            yield Static(
                "Someone else saved this record while you were editing it.\n"
                f"Changed meanwhile: {changed}.{both}\n\n"
                "Reload shows what is saved now (your edits are dropped). Re-apply saves your "
                "values on top of theirs.",
                id="conflict-text",
                markup=False,
            )
            with Horizontal():
                yield Button("Reload (r)", id="reload", variant="primary")
                yield Button("Re-apply mine (a)", id="reapply", variant="warning")
                yield Button("Keep editing (esc)", id="keep")

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose("" if event.button.id == "keep" else event.button.id or "")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
