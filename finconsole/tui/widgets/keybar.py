"""The bottom line of keys on every full screen: a lighter stand-in for Textual's Footer.

The Footer rebuilds a widget per key whenever its screen comes back (~100 ms with a loaded
CPU), which was most of the time it took to open a customer; at 80 columns it also cut keys
off mid-line without saying where the rest were. This is one line of text, made from the same
bindings (``show=True``, only the actions ``check_action`` allows, the focused widget's too,
and a screen key a focused table shadows), redrawn whenever the Footer would have been: on
focus changes, ``refresh_bindings()``, a screen coming back, a resize. At its right end it
names who is logged in and with which role, on every screen."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.keys import screen_keys


class KeyBar(Static):
    app = ConsoleApp()

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
        # published by Textual on focus changes, refresh_bindings() and screen resume/suspend
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.refresh_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self.refresh_keys()

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        """Whole keys only, as many as fit, and always "f1 Help  ^p palette" last: they reach
        every key that did not fit (a cut-off line ended in a bare "f12", without either).
        Where the palette is off (logged out, locked) the line says so by leaving it out."""
        width = self.size.width or self.app.size.width - 2  # the content width (no padding)
        who = self._who()
        room = width - (who.cell_len + 2 if who else 0)
        keys = [(row.key, row.description) for row in screen_keys(
            self.screen, include_widgets=True, shown_only=True)]  # fmt: skip
        tail = [self._item(key, text) for key, text in keys if text == "Help"]
        tail += [self._item(key, text) for key, text in self._palette_key()]
        line = Text(no_wrap=True, overflow="ellipsis")
        tail_len = sum(item.cell_len for item in tail) - 2  # the last item's gap is cut
        for key, description in keys:
            item = self._item(key, description)
            if description == "Help":
                continue
            if line.cell_len + item.cell_len + tail_len > room:
                break
            line.append_text(item)
        for item in tail:
            line.append_text(item)
        line.rstrip()
        if who:
            line.append(" " * max(2, width - line.cell_len - who.cell_len))
            line.append_text(who)
        self.update(line)

    def _who(self) -> Text | None:
        """ "sanna · support": who acts here (usernames are letters, digits and . _ -)."""
        actor = self.app.actor
        if actor is None:
            return None
        return Text(f"{actor.username} · {actor.role}", style="bold")

    def _palette_key(self) -> list[tuple[str, str]]:
        """The palette key, when the palette opens here (the app refuses it logged out)."""
        app = self.app
        active = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if not app.ENABLE_COMMAND_PALETTE or active is None or not active.enabled:
            return []
        return [(app.get_key_display(active.binding), "palette")]

    @staticmethod
    def _item(key: str, description: str) -> Text:
        item = Text()
        item.append(key, style="bold reverse")
        item.append(f" {description}  ")
        return item
