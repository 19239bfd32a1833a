"""The Textual application.

``FinconsoleApp(config, actor=...)`` opens straight on the home screen as that actor (tests,
and until login lands); without an actor the login flow decides who is using the console.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from finconsole.core import runtime
from finconsole.core.actor import OFFICER, SUPPORT, Actor
from finconsole.core.config import Config

BOTH = (OFFICER, SUPPORT)


@dataclass(frozen=True)
class NavEntry:
    """A screen reachable from anywhere: one line each, added by each area."""

    name: str
    key: str
    title: str
    target: str  # "module:Class" with a no-argument constructor
    roles: tuple[str, ...] = BOTH


NAV: list[NavEntry] = [
    NavEntry("register", "f2", "Register", "finconsole.tui.screens.register:RegisterScreen"),
    # disclosures, inquiries, tasks, register description (officer only)
    NavEntry("tasks", "f6", "Tasks", "finconsole.tui.screens.tasks:TasksScreen", (OFFICER,)),
    NavEntry(
        "disclosures",
        "f7",
        "Disclosures",
        "finconsole.tui.screens.disclosures:DisclosuresScreen",
        (OFFICER,),
    ),
    NavEntry(
        "inquiry", "f8", "Inquiry", "finconsole.tui.screens.inquiry:InquiryScreen", (OFFICER,)
    ),
    NavEntry("notice", "f9", "Notice", "finconsole.tui.screens.notice:NoticeScreen", (OFFICER,)),
]


def _console_commands():
    from finconsole.tui.commands import ConsoleCommands

    return ConsoleCommands


class FinconsoleApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "finconsole"
    COMMANDS = App.COMMANDS | {_console_commands}
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f10,ctrl+g", "menu", "Menu"),
    ]

    def __init__(self, config: Config, actor: Actor | None = None) -> None:
        super().__init__()
        self.config = config
        runtime.set_config(config)
        self.actor = actor or Actor(user_id=None, username="console", role=OFFICER, channel="tui")
        # No animations: over SSH they cost bandwidth and delay every paint.
        self.animation_level = "none"
        for entry in NAV:
            self.bind(entry.key, f"navigate('{entry.name}')", description=entry.title)

    def on_mount(self) -> None:
        self.action_navigate("register")

    def nav_entries(self) -> list[NavEntry]:
        """The screens this user may open."""
        return [e for e in NAV if self.actor.role in e.roles]

    def action_navigate(self, name: str) -> None:
        entry = next((e for e in self.nav_entries() if e.name == name), None)
        if entry is None:
            self.notify("Not available for your role.", severity="warning")
            return
        module, _, cls = entry.target.partition(":")
        screen_cls = getattr(importlib.import_module(module), cls)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen_cls())
        else:
            self.push_screen(screen_cls())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Screens the role may not open are not offered: not in the key bar, help or palette,
        and their keys do nothing."""
        if action == "navigate" and parameters:
            return any(e.name == parameters[0] for e in self.nav_entries())
        return True

    def action_help(self) -> None:
        from finconsole.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_menu(self) -> None:
        from finconsole.tui.screens.menu import MenuScreen

        if isinstance(self.screen, MenuScreen):
            return

        def chosen(name: str | None) -> None:
            if name:
                self.action_navigate(name)

        self.push_screen(MenuScreen(), chosen)

    def say(self, message: str, *, error: bool = False) -> None:
        """A notification that shows ``message`` literally (it may name customer fields)."""
        self.notify(message, severity="error" if error else "information", markup=False)


__all__ = ["FinconsoleApp", "NAV", "NavEntry", "Binding"]
