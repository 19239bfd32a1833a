"""The Textual application.

``FinconsoleApp(config, actor=...)`` opens straight on the home screen as that actor (tests of
other screens). Without an actor the console opens on the login screen, or on the first-run
set-up when the register has no account yet. The session itself (login entry, idle lock,
session length, logout and quit) is ``SessionMixin``'s, in tui/session.py.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import OFFICER, SUPPORT, Actor
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config
from finconsole.tui.session import SessionEnded, SessionMixin

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
SESSION_ACTIONS = {"navigate", "change_password", "command_palette", "menu", "lock_now"}


def _console_commands():
    from finconsole.tui.commands import ConsoleCommands

    return ConsoleCommands


@dataclass(frozen=True)
class Said:
    """One notification the console showed."""

    message: str
    severity: str


class FinconsoleApp(SessionMixin, App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "finconsole"
    COMMANDS = App.COMMANDS | {_console_commands}
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+g", "menu", "Menu"),
        Binding("ctrl+o", "change_password", "Password"),
        Binding("f12", "logout", "Log out"),
        # priority: a shared keyboard locks from inside any form or table too
        Binding("ctrl+l", "lock_now", "Lock", priority=True),
        # priority: the focus moves when the Tab is read, before the next key is forwarded, so
        # keys typed in one burst (a fast typist, a slow link) land in the next field of every
        # form, not the login's alone (widgets/forms/auth_input.py says why)
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
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
        # set when an internal error closed the console: run_console prints it after exit
        self.crash_message: str | None = None
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

    # --- what escapes every handler, and Textual's own palette commands --------------------

    def _handle_exception(self, error: Exception) -> None:
        """Textual's error screen would print the traceback with local variables (personal
        data, a typed password): one line in a private log and a plain message instead."""
        from finconsole.tui import crash

        crash.handle(self, error)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands without Screenshot (an SVG of customer data written to
        ~/Downloads, unaudited) and Theme."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Screenshot", "Theme"):
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify("Screenshots are off: they would copy customer data.", severity="warning")

    def action_change_theme(self) -> None:
        return

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
        if report is not None and report.busy:  # another writer (an import) kept the lock
            self.call_from_thread(self._retention_later, actor)
            return
        if report is not None and (any(report.done.values()) or report.errors):
            severity = "information" if report.ok else "error"
            self.call_from_thread(
                self.notify, f"Retention: {report.in_words()}", severity=severity, markup=False
            )
        if report is not None and not report.permanent:  # erasures a reader kept pending
            from finconsole.tui.widgets import permanence_watch

            self.call_from_thread(permanence_watch.announce, self, report.pending, report.note)

    RETENTION_RETRY_SECONDS = 300.0

    def _retention_later(self, actor: Actor) -> None:
        """One line, not an error per job, and the run again later (in the event loop)."""
        minutes = max(1, round(self.RETENTION_RETRY_SECONDS / 60))
        self.notify(
            "Retention waits: another writer (an import?) kept the database busy; "
            f"trying again in {minutes} min.",
            severity="warning",
            markup=False,
        )
        self.set_timer(self.RETENTION_RETRY_SECONDS, lambda: self._retry_retention(actor))

    def _retry_retention(self, actor: Actor) -> None:
        if self.actor is actor and not self.locked:  # still this officer's session
            self._run_due_retention(actor)

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
        from finconsole.tui.widgets.confirm import ConfirmDialog
        from finconsole.tui.widgets.forms.unsaved import ask_discard

        entry = next((e for e in self.nav_entries() if e.name == name), None)
        if entry is None:
            self.notify("Not available for your role.", severity="warning")
            return
        if isinstance(self.screen, ConfirmDialog):
            self.bell()  # a question is open (e.g. "Discard typed text?"): answer it first
            return
        # the switch replaces the screen on top: a form there asks before its text is lost
        ask_discard(self, [self.screen], lambda: self._open_nav_entry(entry))

    def _open_nav_entry(self, entry: NavEntry) -> None:
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
