"""Command palette (ctrl+p): every action of the screen in front, and the screens the role
may open (NAV)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.keys import screen_keys

# Offered elsewhere in the palette (navigation) or not worth a line (focus moves, copy).
NOT_OFFERED = ("command_palette", "navigate(", "app.focus", "screen.copy", "quit")


class ConsoleCommands(Provider):
    app = ConsoleApp()

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        screen = self.screen
        out: list[tuple[str, str, Callable[[], Any]]] = []
        for row in screen_keys(screen):
            if row.action.startswith(NOT_OFFERED):
                continue
            out.append(
                (row.description, f"key {row.key}", partial(app.run_action, row.action, row.node))
            )
        for entry in app.nav_entries():
            out.append(
                (
                    f"Go to {entry.title}",
                    f"screen, key {entry.key}",
                    partial(app.action_navigate, entry.name),
                )
            )
        return out

    async def discover(self) -> Hits:
        for text, help_text, command in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
