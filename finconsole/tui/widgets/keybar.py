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

    def on_resize(self) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """Whole keys only, as many as fit, and always "f1 Help  ^p palette" last: they reach
        every key that did not fit (a cut-off line ended in a bare "f12", without either)."""
        room = self.size.width or self.app.size.width - 2  # the content width (no padding)
        keys = self._keys()
        tail = Text()
        for key, description in keys:
            if description == "Help":
                tail.append_text(self._item(key, description))
        tail.append_text(self._item("^p", "palette", last=True))
        line = Text(no_wrap=True, overflow="ellipsis")
        for key, description in keys:
            item = self._item(key, description)
            if description == "Help":
                continue
            if line.cell_len + item.cell_len + tail.cell_len > room:
                break
            line.append_text(item)
        line.append_text(tail)
        self.update(line)

    def _keys(self) -> list[tuple[str, str]]:
        screen, app = self.screen, self.app
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not active.enabled or active.node not in (screen, app):
                continue
            if binding.action not in seen:
                seen.add(binding.action)
                keys.append((app.get_key_display(binding), binding.description))
        return keys

    @staticmethod
    def _item(key: str, description: str, last: bool = False) -> Text:
        item = Text()
        item.append(key, style="bold reverse")
        item.append(f" {description}" + ("" if last else "  "))
        return item
