"""The Textual application.

``FinconsoleApp(config, actor=...)`` opens straight on the home screen as that actor (tests of
other screens). Without an actor the console opens on the login screen, or on the first-run
set-up when the register has no account yet. A logged-in session locks after
``security.idle_lock_minutes`` without a key press and ends after ``security.session_hours``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import OFFICER, SUPPORT, Actor
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config

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
    NavEntry(
        "register", "f2", "Register", "finconsole.tui.screens.register.register:RegisterScreen"
    ),
    # parcels: follow-up queues (both roles), carrier performance (officer)
    NavEntry("parcels", "f3", "Parcels", "finconsole.tui.screens.parcels.parcels:ParcelsScreen"),
    NavEntry(
        "carrier_performance",
        "f5",
        "Carriers",
        "finconsole.tui.screens.parcels.carrier_performance:CarrierPerformanceScreen",
        (OFFICER,),
    ),
    NavEntry("requests", "f4", "Requests", "finconsole.tui.screens.rights.requests:RequestsScreen"),
    # disclosures, inquiries, tasks, register description (officer only)
    NavEntry(
        "tasks", "f6", "Tasks", "finconsole.tui.screens.transparency.tasks:TasksScreen", (OFFICER,)
    ),
    NavEntry(
        "disclosures",
        "f7",
        "Disclosures",
        "finconsole.tui.screens.transparency.disclosures:DisclosuresScreen",
        (OFFICER,),
    ),
    NavEntry(
        "inquiry",
        "f8",
        "Inquiry",
        "finconsole.tui.screens.transparency.inquiry:InquiryScreen",
        (OFFICER,),
    ),
    NavEntry(
        "notice",
        "f9",
        "Notice",
        "finconsole.tui.screens.transparency.notice:NoticeScreen",
        (OFFICER,),
    ),
    NavEntry(
        "outbox",
        "ctrl+y",
        "Outbox",
        "finconsole.tui.screens.outbox.outbox:OutboxScreen",
        (OFFICER,),
    ),
    NavEntry(
        "audit", "f10", "Audit", "finconsole.tui.screens.access.audit:AuditScreen", (OFFICER,)
    ),
    NavEntry(
        "import",
        "f11",
        "Import",
        "finconsole.tui.screens.imports.import_screen:ImportScreen",
        (OFFICER,),
    ),
]

# Actions that need a logged-in, unlocked session (the lock screen must not be bypassed).
SESSION_ACTIONS = {"navigate", "change_password", "command_palette", "menu"}


def _console_commands():
    from finconsole.tui.commands import ConsoleCommands

    return ConsoleCommands


@dataclass(frozen=True)
class Said:
    """One notification the console showed."""

    message: str
    severity: str


class SessionEnded(FinconsoleError):
    """A screen acted after its session ended (logout or lock while a worker ran)."""


class FinconsoleApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "finconsole"
    COMMANDS = App.COMMANDS | {_console_commands}
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+g", "menu", "Menu"),
        Binding("ctrl+o", "change_password", "Password"),
        Binding("f12", "logout", "Log out"),
    ]

    def __init__(
        self,
        config: Config,
        actor: Actor | None = None,
        *,
        idle_check_seconds: float = 5.0,
        connect: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        # ``connect`` opens the database in a worker after the first paint (the real console);
        # without it the database is already open (tests, benchmarks).
        self._connect = connect
        self.database_ready = threading.Event()
        if connect is None:
            self.database_ready.set()
        self.startup_error: BaseException | None = None
        self.config = config
        runtime.set_config(config)
        self.actor: Actor | None = actor
        self.said: list[Said] = []
        self.locked = False
        self.session_started = clock.now()
        self.last_activity = clock.now()
        self.idle_check_seconds = idle_check_seconds
        # No animations: over SSH they cost bandwidth and delay every paint.
        self.animation_level = "none"
        for entry in NAV:
            self.bind(entry.key, f"navigate('{entry.name}')", description=entry.title)

    @property
    def user(self) -> Actor:
        """Who is logged in, for a service call; ``SessionEnded`` when the session ended
        meanwhile (a worker shows it as any other refusal)."""
        if self.actor is None:
            raise SessionEnded("the session has ended: log in again")
        return self.actor

    def on_mount(self) -> None:
        self.set_interval(self.idle_check_seconds, self.check_session)
        if self.actor is not None:
            self.action_navigate("register")
        elif self._connect is not None:
            # The login screen at once (most consoles have accounts); the database is opened
            # after it is painted, and the first-run set-up replaces it when no account exists.
            from finconsole.tui.screens.access.login import LoginScreen

            self.push_screen(LoginScreen())
            self.call_after_refresh(self.open_database)
        else:
            self.show_entry_screen()

    @work(thread=True, exclusive=True, group="session")
    def open_database(self) -> None:
        try:
            if self._connect is not None:
                self._connect()
            entry = self._entry_screen()
        except Exception as exc:  # noqa: BLE001 - cli.main turns it into its one line
            self._close_thread_connection()
            self.startup_error = exc
            if not self._from_thread(self.exit, return_code=1):
                self.startup_error = None  # the user had already quit: nothing to report
            return
        finally:
            self.database_ready.set()
        self._from_thread(self._open_entry, entry)

    def _from_thread(self, callback: Callable, *args, **kwargs) -> bool:
        """``call_from_thread``, unless the app has stopped meanwhile (quit at the login)."""
        try:
            self.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:  # "App is not running"
            return False
        return True

    @staticmethod
    def _close_thread_connection() -> None:
        """A refused database (pending restore, newer schema) was opened in this thread."""
        import sys

        if "finconsole.core.store.db" in sys.modules:
            try:
                sys.modules["finconsole.core.store.db"].close()
            except Exception:  # noqa: BLE001 - closing what may never have opened
                pass

    # --- who is using the console ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="session")
    def show_entry_screen(self) -> None:
        """The login screen, or the first-run set-up when no account exists yet."""
        self.call_from_thread(self._open_entry, self._entry_screen())

    @staticmethod
    def _entry_screen() -> str:
        from finconsole.core.store.db import thread_connection

        with thread_connection():
            from finconsole.core.access import auth  # in the worker: not at start-up

            has_users = auth.user_exists()
        return "access.login:LoginScreen" if has_users else "access.first_run:FirstRunScreen"

    def _open_entry(self, target: str) -> None:
        module, _, cls = target.partition(":")
        if type(self.screen).__name__ == cls and len(self.screen_stack) == 2:
            return  # already there (painted before the database was open)
        screen = getattr(importlib.import_module(f"finconsole.tui.screens.{module}"), cls)()
        self.run_worker(self._replace_stack(screen), group="session-stack", exclusive=True)

    async def _replace_stack(self, screen: Screen) -> None:
        """Drop every screen of the session, so nothing of it stays behind the next one."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) == 2:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def start_session(self, actor: Actor) -> None:
        """Called by the login and first-run screens once both factors are checked."""
        self.actor = actor
        self.locked = False
        self.session_started = self.last_activity = clock.now()
        self.action_navigate("register")
        self.refresh_bindings()
        self._run_due_retention(actor)
        if actor.is_officer:
            self.start_outbox_sending()

    @work(thread=True, group="retention")
    def _run_due_retention(self, actor: Actor) -> None:
        """An officer's start completes erasures whose hold has ended (and the other retention
        jobs), so "on the day the hold ends" holds even without a cron job. Support: nothing."""
        from finconsole.core.erasure import retention
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.store.db import thread_connection

        try:
            with thread_connection():
                report = retention.run_due(actor)
        except FinconsoleError as exc:
            self.call_from_thread(
                self.notify, f"Retention run failed: {exc}", severity="error", markup=False
            )
            return
        if report is not None and (any(report.done.values()) or report.errors):
            severity = "information" if report.ok else "error"
            self.call_from_thread(
                self.notify, f"Retention: {report.in_words()}", severity=severity, markup=False
            )

    # --- the outbox, sent in the background ------------------------------------------------

    OUTBOX_SECONDS = 60.0

    def start_outbox_sending(self) -> None:
        """Send what is due now and every minute while an officer is logged in; a failure is
        shown at once (a notification), wherever the officer is."""
        self._outbox_checked = clock.now()
        if getattr(self, "_outbox_timer", None) is None:
            self._outbox_timer = self.set_interval(self.OUTBOX_SECONDS, self._send_outbox)
        self._send_outbox()

    def _send_outbox(self) -> None:
        if self.actor is not None and self.actor.is_officer and not self.locked:
            self._outbox_worker(self.actor)

    @work(thread=True, exclusive=True, group="outbox-background")
    def _outbox_worker(self, actor: Actor) -> None:
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.outbox import outbox
        from finconsole.core.store.db import thread_connection

        since, self._outbox_checked = self._outbox_checked, clock.now()
        try:
            with thread_connection():
                report = outbox.send_due(actor)
                failures = outbox.failures_since(since)
        except FinconsoleError as exc:
            self.call_from_thread(self.say, f"Outbox: {exc}", error=True)
            return
        if failures:  # this pass's and any other sender's (cron, another console)
            self.call_from_thread(
                self.say,
                f"Outbox: {failures} sending attempt(s) failed ({report.in_words()}); "
                "ctrl+y shows the reasons.",
                error=True,
            )

    def end_session(self, message: str) -> None:
        self.actor = None
        self.locked = False
        self.refresh_bindings()
        self.notify(message)
        self.show_entry_screen()

    def action_logout(self) -> None:
        if self.actor is not None:
            self._audit_session_event(self.actor, "logout")
            self.end_session("Logged out.")

    @work(thread=True, group="session-audit")
    def _audit_session_event(self, actor: Actor, action: str) -> None:
        from finconsole.core.access import audit
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.store.db import thread_connection

        try:
            with thread_connection():
                audit.record(actor, action, "user", actor.user_id)
        except FinconsoleError as exc:  # the session still ends or locks; say the event failed
            self.call_from_thread(self.say, f"{action} not audited: {exc}", error=True)

    # --- idle lock and session length --------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_activity = clock.now()
        await super().on_event(event)

    def check_session(self) -> None:
        """Lock after the idle time, end the session after its length (run by a timer)."""
        if self.actor is None:
            return
        security = self.config["security"]
        now = clock.now()
        if now - self.session_started >= dt.timedelta(hours=security["session_hours"]):
            self._audit_session_event(self.actor, "session_expired")
            self.end_session("The session has ended: log in again.")
        elif not self.locked and now - self.last_activity >= dt.timedelta(
            minutes=security["idle_lock_minutes"]
        ):
            self.lock_session()

    def lock_session(self) -> None:
        from finconsole.tui.screens.access.lock import LockScreen

        self.locked = True
        self._audit_session_event(self.actor, "session_locked")
        self.refresh_bindings()
        self.push_screen(LockScreen())

    def unlock_session(self, actor: Actor) -> None:
        """Called by the lock screen: back exactly where the user was."""
        self.actor = actor
        self.locked = False
        self.last_activity = clock.now()
        self.refresh_bindings()
        self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SESSION_ACTIONS and (self.actor is None or self.locked):
            return False
        if action == "logout" and self.actor is None:
            return False
        if action == "navigate" and parameters:
            # Hide the keys of screens this role may not open (the action refuses them too).
            return parameters[0] in {e.name for e in self.nav_entries()}
        return True

    def action_change_password(self) -> None:
        from finconsole.tui.screens.access.password import ChangePasswordScreen

        if self.actor is not None and not self.locked:
            self.push_screen(ChangePasswordScreen())

    # --- navigation --------------------------------------------------------------------------

    def nav_entries(self) -> list[NavEntry]:
        """The screens this user may open."""
        if self.actor is None or self.locked:
            return []
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

    def action_help(self) -> None:
        from finconsole.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_menu(self) -> None:
        from finconsole.tui.screens.menu import MenuScreen

        if isinstance(self.screen, MenuScreen) or not self.nav_entries():
            return

        def chosen(name: str | None) -> None:
            if name:
                self.action_navigate(name)

        self.push_screen(MenuScreen(), chosen)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's toast, and a line in ``said`` (what the console told its user, in order:
        tests read it, and it never leaves the process)."""
        self.said.append(Said(str(message), severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def open_customer(self, customer_id: int) -> None:
        """Show a customer from any screen (a form cannot import the customer screen that
        opens it: that would be an import cycle)."""
        from finconsole.tui.screens.register.customer import open_customer

        open_customer(self, customer_id)

    def say(self, message: str, *, error: bool = False) -> None:
        """A notification that shows ``message`` literally (it may name customer fields)."""
        self.notify(message, severity="error" if error else "information", markup=False)


__all__ = ["FinconsoleApp", "NAV", "NavEntry", "Binding"]
