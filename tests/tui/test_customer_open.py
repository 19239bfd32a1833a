"""Opening a customer from the register reuses one prewarmed screen: it is shown once its
data is painted, only over the screen it was opened from, and restyled after a theme change."""

from __future__ import annotations

from finconsole.core.register import customers
from finconsole.tui.screens.help import HelpScreen
from finconsole.tui.screens.register.customer import CustomerScreen, open_customer, prewarm
from finconsole.tui.screens.register.register import RegisterScreen

from .helpers import make_app, settle


def _customer(officer, last_name: str) -> dict:
    return customers.create(officer, {"first_name": "Eve", "last_name": last_name}, None)


async def test_the_reused_screen_appears_painted(db, officer):
    eve = _customer(officer, "Virtanen")
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        prewarm(app)
        await settle(app, pilot)
        shown = []
        original = CustomerScreen.paint

        def paint(screen, data):
            shown.append(screen in app.screen_stack)
            original(screen, data)

        CustomerScreen.paint = paint
        try:
            open_customer(app, eve["id"])
            assert isinstance(app.screen, RegisterScreen)  # not yet: nothing painted
            await settle(app, pilot)
        finally:
            CustomerScreen.paint = original
        assert shown == [False]  # painted off-stage, then shown
        assert isinstance(app.screen, CustomerScreen) and app.screen.data["id"] == eve["id"]


async def test_not_shown_over_a_screen_opened_meanwhile(db, officer):
    eve = _customer(officer, "Virtanen")
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        prewarm(app)
        await settle(app, pilot)
        open_customer(app, eve["id"])
        app.push_screen(HelpScreen(app.screen))
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert not any(isinstance(s, CustomerScreen) for s in app.screen_stack)


async def test_a_theme_change_restyles_the_reused_screen(db, officer):
    eve = _customer(officer, "Virtanen")
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        prewarm(app)
        open_customer(app, eve["id"])
        await settle(app, pilot)
        dark = app.screen.styles.background
        app.pop_screen()
        await settle(app, pilot)
        app.theme = "textual-light"
        open_customer(app, eve["id"])
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.styles.background != dark
        assert app.screen.styles.background == app.screen_stack[-2].styles.background
