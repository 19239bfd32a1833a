"""Who is using the console: the login (or first-run set-up) on entry, the idle lock, the
session's length, and however a session ends (F12, ctrl+q, a hang-up, its hours).

``SessionMixin`` is the session half of ``FinconsoleApp`` (tui/app.py), kept apart so the app
module stays short. A logged-in session locks after ``security.idle_lock_minutes`` without a key
press (or at once with ctrl+l) and ends after ``security.session_hours``. ``end_session(reason)``
writes its audit event; ctrl+q asks first when a form holds typed text not saved (a screen says
so through ``has_unsaved_work()``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import threading
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.screen import Screen

from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.settings.config import Config


class FirstRunRefused(FinconsoleError):
    """An empty register reached over SSH: the first officer is made by a local command."""


FIRST_RUN_REFUSAL = (
    "the register has no staff account yet: create the register officer on the server, "
    "as the register's account, with `finconsole user add NAME --role officer`"
)


def remote_session() -> bool:
    """True when the console runs in an SSH session (sshd sets these for the session)."""
    return any(os.environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


class SessionEnded(FinconsoleError):
    """A screen acted after its session ended (logout or lock while a worker ran)."""


if TYPE_CHECKING:  # to mypy the mixin is the App it is mixed into
    AppBase = App
else:
    AppBase = object


class SessionMixin(AppBase):
    """Mixed into ``FinconsoleApp``, which sets these attributes in its ``__init__``."""

    config: Config
    actor: Actor | None
    locked: bool
    session_started: dt.datetime
    last_activity: dt.datetime

    if TYPE_CHECKING:  # FinconsoleApp's

        def say(self, message: str, *, error: bool = False) -> None: ...

    # reason a session ends -> the audit event it writes
    SESSION_END_EVENTS = {
        "logout": "logout",
        "quit": "logout_quit",
        "hangup": "logout_hangup",
        "expired": "session_expired",
    }

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
            from finconsole.core.access.credentials import prepare_dummy_hash

            has_users = auth.user_exists()
        if not has_users and remote_session():
            # whoever reaches the SSH account first must not become the register officer
            raise FirstRunRefused(FIRST_RUN_REFUSAL)
        prepare_dummy_hash()  # before the first attempt: an unknown user costs no extra hash
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

    def end_session(self, reason: str = "logout") -> None:
        """End the logged-in session, whatever ended it, and write its audit event now:
        ``reason`` is "logout" (F12), "quit" (ctrl+q), "hangup" (SIGHUP, a dropped connection)
        or "expired" (the session's hours). The event is written before this returns, so a
        console about to exit still records it; a second call (nothing logged in) does nothing.
        What follows (the login screen, or exiting) is the caller's."""
        actor, self.actor, self.locked = self.actor, None, False
        if actor is None:
            return
        failed = self._write_session_event(actor, self.SESSION_END_EVENTS.get(reason, "logout"))
        if failed and self.is_running:
            self.say(failed, error=True)

    def _back_to_login(self, message: str) -> None:
        self.refresh_bindings()
        self.notify(message)
        self.show_entry_screen()

    def action_logout(self) -> None:
        from finconsole.tui.widgets.forms.unsaved import ask_discard

        if self.actor is not None:
            ask_discard(self, list(self.screen_stack), self._logout)

    def _logout(self) -> None:
        if self.actor is not None:
            self.end_session("logout")
            self._back_to_login("Logged out.")

    async def action_quit(self) -> None:
        """ctrl+q: ask first when a form holds typed text not saved; log out, then exit."""
        from finconsole.tui.widgets.confirm import ConfirmDialog

        asking = isinstance(self.screen, ConfirmDialog) and self.screen.id == "quit-question"
        if self.actor is None or asking or not self.unsaved_work():
            self.quit_now()  # ctrl+q at the question itself: quit, as asked twice
            return

        def decided(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.quit_now()

        question = "A form holds text you typed and did not save. Quit and throw it away?"
        dialog = ConfirmDialog(question, "Quit")
        dialog.id = "quit-question"
        self.push_screen(dialog, decided)

    def quit_now(self) -> None:
        self.end_session("quit")
        self.exit()

    def unsaved_work(self) -> bool:
        """Whether any open screen holds typed text not saved (every form mixes in
        widgets/forms/unsaved.UnsavedWork)."""
        from finconsole.tui.widgets.forms.unsaved import unsaved_screens

        return bool(unsaved_screens(self))

    def _write_session_event(self, actor: Actor, action: str) -> str | None:
        """The audit event, written in a thread of its own (its own connection) and waited
        for; what went wrong, or None."""
        outcome: list[str] = []

        def write() -> None:
            from finconsole.core.access import audit
            from finconsole.core.store.db import thread_connection

            try:
                with thread_connection():
                    audit.record(actor, action, "user", actor.user_id)
            except FinconsoleError as exc:
                outcome.append(f"{action} not audited: {exc}")
            except Exception as exc:  # noqa: BLE001 - a thread's traceback would reach the terminal
                outcome.append(f"{action} not audited: {type(exc).__name__}")

        writer = threading.Thread(target=write, name="session-audit", daemon=True)
        writer.start()
        writer.join(timeout=30)
        if writer.is_alive():
            return f"{action} not audited: the database did not answer"
        return outcome[0] if outcome else None

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
            self.end_session("expired")
            self._back_to_login("The session has ended: log in again.")
        elif not self.locked and now - self.last_activity >= dt.timedelta(
            minutes=security["idle_lock_minutes"]
        ):
            self.lock_session()

    def lock_session(self, why: str = "after inactivity") -> None:
        from finconsole.tui.screens.access.lock import LockScreen

        self.locked = True
        self._audit_session_event(self.actor, "session_locked")
        self.refresh_bindings()
        self.push_screen(LockScreen(why))

    def action_lock_now(self) -> None:
        """ctrl+l: lock a shared keyboard's console at once (the password and a code open it)."""
        if self.actor is not None and not self.locked:
            self.lock_session("by its user")

    def unlock_session(self, actor: Actor) -> None:
        """Called by the lock screen: back exactly where the user was."""
        self.actor = actor
        self.locked = False
        self.last_activity = clock.now()
        self.refresh_bindings()
        self.pop_screen()
