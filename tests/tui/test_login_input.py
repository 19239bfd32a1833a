"""Pilot: what reaches the login screen in one burst (a paste, a fast typist over a slow link)
lands in the right fields; codes with spaces; case-insensitive usernames; the dummy hash exists
before the first attempt."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from finconsole.core.access import credentials as cred
from finconsole.core.access import users
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import runtime
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.access.login import LoginScreen
from finconsole.tui.screens.register.register import RegisterScreen

from .helpers import settle, wait_until

PASSWORD = "kissa istuu puussa"


@pytest.fixture
def sanna(db, clock):
    return users.create(Actor.cli(), "sanna", "support", PASSWORD)


def new_app() -> FinconsoleApp:
    return FinconsoleApp(runtime.get_config())


def fields(app) -> dict[str, str]:
    return {n: app.screen.query_one(f"#{n}", Input).value for n in ("username", "password", "code")}


def burst(app, text: str) -> None:
    """Every key of ``text`` queued at once, as the terminal driver does with one read."""
    for ch in text:
        event = events.Key({"\t": "tab", "\r": "enter"}.get(ch, ch), ch)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize("between", ["\t", "\r"])
async def test_a_burst_of_keys_never_drops_the_move_to_the_next_field(sanna, between):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        burst(app, f"Sanna{between}{PASSWORD}{between}")
        await pilot.pause(0.3)
        assert fields(app) == {"username": "Sanna", "password": PASSWORD, "code": ""}
        burst(app, cred.current_code(sanna.secret) + "\r")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert app.actor.username == "sanna"  # typed "Sanna": the same account


async def test_a_pasted_login_is_split_between_the_fields(sanna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        code = cred.current_code(sanna.secret)
        app.screen.query_one("#username", Input).post_message(
            events.Paste(f"sanna\t{PASSWORD}\t{code[:3]} {code[3:]}")
        )
        await pilot.pause(0.3)
        assert fields(app) == {
            "username": "sanna",
            "password": PASSWORD,
            "code": f"{code[:3]} {code[3:]}",
        }
        assert app.focused.id == "code"
        await pilot.press("enter")  # the code with its space is a TOTP code
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))


async def test_a_paste_without_tabs_stays_in_its_field(sanna):
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#username", Input).post_message(events.Paste("sanna"))
        await pilot.pause(0.3)
        assert fields(app) == {"username": "sanna", "password": "", "code": ""}


async def test_the_dummy_hash_exists_before_the_first_attempt(sanna, monkeypatch):
    monkeypatch.setattr(cred, "_dummy", [])
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert cred.dummy_hash_ready()  # made when the database opened, nothing typed yet


async def test_a_burst_in_any_form_moves_to_the_next_field(db, officer):
    """The Tab was kept only on the login's fields: "Frieren 2<Tab>2<Tab>13,90" typed fast into
    the phone order form landed whole in the product field (seen in tmux). The app moves the
    focus on every Tab as it is read."""
    from finconsole.tui.widgets.forms.record_form import FormScreen

    from .helpers import make_app

    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # a new customer
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.pause(0.2)
        burst(app, "Aino\tLahti")
        await pilot.pause(0.3)
        first = app.screen.query_one("#field-first_name", Input)
        last = app.screen.query_one("#field-last_name", Input)
        assert (first.value, last.value) == ("Aino", "Lahti")
