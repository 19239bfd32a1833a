"""Pilot at 80x24: a colleague's first login with an enrolment code sets their own password and
second factor, then opens the register; escape goes back to the login."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, Static

from finconsole.core.access import auth, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import runtime
from finconsole.core.store.models import User
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.access.enrol import EnrolScreen
from finconsole.tui.screens.access.login import LoginScreen
from finconsole.tui.screens.register.register import RegisterScreen

from .helpers import screen_text, settle, submit, wait_until

PASSWORD = "kissa istuu puussa"


@pytest.fixture
def ticket(db, clock):
    users.create(Actor.cli(), "kaj", "officer", PASSWORD)  # the register has an officer
    return users.create_enrolling(Actor.cli(), "sanna", "support")


async def open_enrolment(app, pilot, ticket) -> EnrolScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, LoginScreen)
    assert "enrolment code" in screen_text(app)  # the login says how a first login goes
    await submit(app, pilot, "code", username="Sanna", code=ticket.code.lower())
    assert await wait_until(app, pilot, lambda: isinstance(app.screen, EnrolScreen))
    return app.screen


async def test_the_whole_enrolment_at_80x24(ticket):
    app = FinconsoleApp(runtime.get_config())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_enrolment(app, pilot, ticket)
        assert screen.query_one("#username", Input).value == "sanna"
        assert screen.query_one("#username", Input).disabled
        assert app.focused.id == "password"
        await submit(app, pilot, "again", password="password", again="password")
        assert "common" in str(screen.query_one("#first-error", Static).render())
        await submit(app, pilot, "again", password=PASSWORD, again=PASSWORD)
        assert screen.query_one("#step-scan").display
        text = screen_text(app)
        assert "▀" in text and "Scan the code" in text  # QR and the field, on one screen
        code_field = screen.query_one("#code", Input)
        assert code_field.region.bottom <= 23  # above the key line, no scrolling
        assert User.get(User.username == "sanna").totp_secret_enc is None  # nothing stored yet
        secret = screen.setup.secret
        await submit(app, pilot, "code", code=cred.current_code(secret))
        assert screen.query_one("#step-codes").display
        codes_text = str(screen.query_one("#codes", Static).render())
        assert "Recovery codes" in codes_text and codes_text.count("-") >= 10
        await pilot.press("enter")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert app.actor.username == "sanna" and app.actor.role == "support"
    recovery = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", codes_text)[0]  # the first shown
    assert auth.login("sanna", PASSWORD, recovery).username == "sanna"


async def test_a_wrong_enrolment_code_is_a_failed_login(ticket):
    app = FinconsoleApp(runtime.get_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await submit(app, pilot, "code", username="sanna", code="AAAA-BBBB-CCCC")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.said[-1].severity == "error" and "login failed" in app.said[-1].message
        assert User.get(User.username == "sanna").failed_attempts == 1


async def test_escape_goes_back_to_the_login_and_stores_nothing(ticket):
    app = FinconsoleApp(runtime.get_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_enrolment(app, pilot, ticket)
        await pilot.press("escape")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, LoginScreen))
        assert User.get(User.username == "sanna").enrol_code_hash is not None
