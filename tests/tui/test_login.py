"""Pilot: login, failure, lockout, replay, recovery code, idle lock, session end, first run,
logout and password change."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from finconsole.core.access import auth, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import runtime
from finconsole.core.store.models import AuditEvent, User
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.access.first_run import FirstRunScreen
from finconsole.tui.screens.access.lock import UNLOCK_FAILED, LockScreen
from finconsole.tui.screens.access.login import LoginScreen
from finconsole.tui.screens.access.password import ChangePasswordScreen
from finconsole.tui.screens.register.register import RegisterScreen
from tests.tui.helpers import settle, submit, wait_until

PASSWORD = "kissa istuu puussa"
GENERIC = "login failed: wrong username, password or code, or the account is locked"


@pytest.fixture
def anna(db, clock):
    return users.create(Actor.cli(), "anna", "support", PASSWORD)


def new_app() -> FinconsoleApp:
    # The test's own config: its key file decrypts the TOTP secrets made by the fixtures.
    return FinconsoleApp(runtime.get_config())


async def log_in(app, pilot, password=PASSWORD, code=None, setup=None, username="anna"):
    typed = cred.current_code(setup.secret) if code is None else code
    await submit(app, pilot, "code", username=username, password=password, code=typed)


def messages(app) -> list[str]:
    return [str(n.message) for n in app.said]


async def test_login_success_opens_the_register(anna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot, setup=anna)
        # the register's first paint (a module import, a search worker) may take more rounds
        # than settle() on a loaded machine
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert app.actor.username == "anna" and app.actor.role == "support"


async def test_failure_is_generic_and_clears_the_secrets(anna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, password="wrong password!", setup=anna)
        assert app.actor is None and isinstance(app.screen, LoginScreen)
        assert messages(app) == [GENERIC]
        assert app.screen.query_one("#password", Input).value == ""
        await log_in(app, pilot, username="nobody", setup=anna)
        assert messages(app) == [GENERIC, GENERIC]
        await pilot.press("f2")  # no navigation before login
        assert isinstance(app.screen, LoginScreen)


async def test_lockout_after_the_configured_failures(anna):
    app = new_app()
    app.config["security"]["max_failed_logins"] = 3
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await log_in(app, pilot, password="wrong password!", setup=anna)
        await log_in(app, pilot, setup=anna)
        assert app.actor is None
        assert User.get(User.username == "anna").locked_until is not None


async def test_replayed_code_is_refused(anna, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        used = cred.current_code(anna.secret)
        await log_in(app, pilot, code=used)
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        await log_in(app, pilot, code=used)
        assert app.actor is None and messages(app)[-1] == GENERIC
        clock.advance(seconds=30)
        await log_in(app, pilot, setup=anna)
        assert app.actor is not None


async def test_recovery_code_logs_in(anna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, code=anna.recovery_codes[3])
        assert app.actor.username == "anna"


async def test_idle_lock_hides_data_and_returns_to_the_same_place(anna, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        register = app.screen
        clock.advance(minutes=14)
        app.check_session()
        assert app.screen is register
        clock.advance(minutes=1)
        app.check_session()
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen) and not app.screen.is_modal
        assert not app.screen.query(DataTable)  # nothing of the register is drawn
        for key in ("f2", "f10", "ctrl+o", "ctrl+p"):  # nothing gets around the lock
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LockScreen)
        await submit(app, pilot, "code", password="wrong!!!", code=cred.current_code(anna.secret))
        assert isinstance(app.screen, LockScreen) and messages(app)[-1] == UNLOCK_FAILED
        assert "username" not in UNLOCK_FAILED  # the lock screen has no username field
        await submit(app, pilot, "code", password=PASSWORD, code=cred.current_code(anna.secret))
        assert app.screen is register and not app.locked
        actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
        assert "session_locked" in actions and actions[-1] == "session_unlock"


async def test_key_presses_keep_the_session_open(anna, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        clock.advance(minutes=10)
        await pilot.press("a")
        clock.advance(minutes=10)
        app.check_session()
        assert isinstance(app.screen, RegisterScreen)


async def test_session_ends_after_its_hours(anna, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        clock.advance(hours=12)
        app.last_activity = clock.now()  # busy all along: the session still ends
        app.check_session()
        await settle(app, pilot)
        assert app.actor is None and isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 2


async def test_first_run_creates_the_officer_and_logs_in(db, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await submit(app, pilot, "again", username="kaj", password=PASSWORD, again="other one!")
        assert "do not match" in str(screen.query_one("#first-error", Static).render())
        await submit(app, pilot, "again", password=PASSWORD, again=PASSWORD)
        assert screen.query_one("#step-scan").display
        assert "▀" in str(screen.query_one("#qr", Static).render())
        assert not auth.user_exists()  # nothing stored before the code is confirmed
        await submit(app, pilot, "code", code=cred.current_code(screen.setup.secret))
        assert screen.query_one("#step-codes").display
        assert User.get(User.username == "kaj").role == "officer"
        await pilot.press("enter")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert app.actor.role == "officer"


async def test_logout_returns_to_login(anna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        await pilot.press("f12")
        await settle(app, pilot)
        assert app.actor is None and isinstance(app.screen, LoginScreen)
        assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().action == "logout"


async def test_change_own_password(anna, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ChangePasswordScreen)
        clock.advance(seconds=30)
        fresh = cred.current_code(anna.secret)
        new = "uusi salasana 2026"
        await submit(app, pilot, "again", old=PASSWORD, code=fresh, new=new, again=new)
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
    clock.advance(seconds=30)
    assert auth.login("anna", new, cred.current_code(anna.secret)).username == "anna"


async def test_the_idle_timer_locks_by_itself(anna, clock):
    app = FinconsoleApp(runtime.get_config(), idle_check_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        clock.advance(minutes=15)
        await pilot.pause(0.3)
        assert isinstance(app.screen, LockScreen)


async def test_first_run_goes_to_login_if_another_console_won(db, clock):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await submit(app, pilot, "again", username="kaj", password=PASSWORD, again=PASSWORD)
        users.create(Actor.cli(), "eeva", "officer", PASSWORD)  # the other console
        await submit(app, pilot, "code", code=cred.current_code(screen.setup.secret))
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert not User.select().where(User.username == "kaj").exists()


async def test_logout_from_the_requests_screen(anna):
    """F12 on a screen whose keys depend on the role: its footer is redrawn after the actor is
    gone, and that redraw must not ask the role of nobody (it crashed the console)."""
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, setup=anna)
        await pilot.press("f4")
        assert await wait_until(app, pilot, lambda: type(app.screen).__name__ == "RequestsScreen")
        await pilot.press("f12")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.actor is None and app.is_running


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11"])
async def test_logout_from_every_screen(db, officer, clock, key):
    app = FinconsoleApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.press("f12")
        logged_out = lambda: app.actor is None and len(app.screen_stack) == 2  # noqa: E731
        assert await wait_until(app, pilot, logged_out)
        assert app.is_running
