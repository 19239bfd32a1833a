"""The bottom line of main keys: a lighter stand-in for Textual's Footer.

The Footer rebuilds a widget per key whenever its screen comes back (~100 ms with a loaded
CPU), which was most of the time it took to open a customer. This is one line of text, made
from the same bindings (``show=True``, and only the actions ``check_action`` allows)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        screen = self.screen
        app = self.app
        line = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or active.node not in (screen, app):
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            line.append(app.get_key_display(binding), style="bold reverse")
            line.append(f" {binding.description}  ")
        line.append("^p", style="bold reverse")
        line.append(" palette")
        self.update(line)
