"""The Textual application."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from finconsole.core.actor import Actor
from finconsole.core.config import Config


class FinconsoleApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "finconsole"

    def __init__(self, config: Config, actor: Actor | None = None) -> None:
        super().__init__()
        self.config = config
        self.actor = actor or Actor(user_id=None, username="console", role="officer", channel="tui")

    def on_mount(self) -> None:
        from finconsole.tui.screens.register import RegisterScreen

        self.push_screen(RegisterScreen())
