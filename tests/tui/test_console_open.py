"""The console paints its login screen first and opens the database while the user types;
a database that cannot be opened closes it with the command line's one-line error."""

from __future__ import annotations

import threading

import pytest
from textual.app import App
from textual.widgets import Input

from finconsole.core.access import credentials, users
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import runtime
from finconsole.entry import main
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.access.first_run import FirstRunScreen
from finconsole.tui.screens.access.login import LoginScreen
from finconsole.tui.screens.register.register import RegisterScreen
from tests.tui.helpers import settle


async def test_login_is_shown_and_the_database_opened_after(db, clock):
    users.create(Actor.cli(), "anna", "support", "kissa istuu puussa")
    opened = []
    app = FinconsoleApp(runtime.get_config(), connect=lambda: opened.append(True))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await settle(app, pilot)
        assert opened == [True] and app.database_ready.is_set()
        assert isinstance(app.screen, LoginScreen) and len(app.screen_stack) == 2


async def test_a_login_typed_before_the_database_is_open_waits_for_it(db, clock):
    anna = users.create(Actor.cli(), "anna", "support", "kissa istuu puussa")
    gate = threading.Event()
    app = FinconsoleApp(runtime.get_config(), connect=lambda: gate.wait(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        values = {"username": "anna", "password": "kissa istuu puussa"}
        values["code"] = credentials.current_code(anna.secret)
        for widget_id, value in values.items():
            app.screen.query_one(f"#{widget_id}", Input).value = value
        app.screen.query_one("#code", Input).focus()
        await pilot.press("enter")
        await pilot.pause(0.05)
        assert app.actor is None  # still waiting for the database
        gate.set()
        await settle(app, pilot)
        assert app.actor.username == "anna" and isinstance(app.screen, RegisterScreen)


async def test_an_empty_register_gets_the_first_run_setup(db, clock):
    app = FinconsoleApp(runtime.get_config(), connect=lambda: None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen) and len(app.screen_stack) == 2


async def test_a_database_error_closes_the_console():
    def refuse() -> None:
        raise DatabaseError("cannot open the database: connection refused")

    app = FinconsoleApp(runtime.get_config(), connect=refuse)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    assert isinstance(app.startup_error, DatabaseError)
    assert app.return_code == 1 and app.database_ready.is_set()


@pytest.fixture
def headless(monkeypatch):
    run = App.run

    def run_headless(self, *args, **kwargs):
        kwargs.update(headless=True, size=(80, 24))
        return run(self, *args, **kwargs)

    monkeypatch.setattr(App, "run", run_headless)


def test_unopenable_database_is_one_line_and_exit_1(tmp_path, capsys, headless):
    data = config_mod.defaults()
    data["database"]["url"] = f"sqlite:///{tmp_path}/missing/register.db"
    path = tmp_path / "config.toml"
    config_mod.write(path, data, force=True)
    assert main(["--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"finconsole: database folder does not exist: {tmp_path}/missing\n"


def test_quitting_before_the_database_is_open_is_a_plain_exit(db, clock):
    # The worker finishes after the app has stopped (the user quit at the login screen):
    # neither its result nor its error is reported.
    open_database = FinconsoleApp.open_database.__wrapped__
    app = FinconsoleApp(runtime.get_config(), connect=lambda: None)
    open_database(app)
    assert app.startup_error is None and app.database_ready.is_set()

    def refuse() -> None:
        raise DatabaseError("cannot open the database: connection refused")

    app = FinconsoleApp(runtime.get_config(), connect=refuse)
    open_database(app)
    assert app.startup_error is None and app.database_ready.is_set()
