"""Words and screens of #17: a customer erased on another console, the conflict dialog's two
values, the parcels queues at 80 columns, Esc and the key lines."""

from finconsole.core.erasure import erasure
from finconsole.core.register import customers
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.register import RegisterScreen

from .helpers import make_app, screen_text, settle, wait_until


async def test_customer_erased_on_another_console(db, officer, clock):
    cid = customers.create(
        officer,
        {"first_name": "Eeva", "last_name": "Poistuva"},
        {"street": "Kaskenkatu 6", "postcode": "20700", "city": "Turku"},
    )["id"]
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_customer(cid)
        await wait_until(app, pilot, lambda: "Poistuva" in screen_text(app))
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        erasure.erase(officer, cid)  # the other console
        await pilot.press("r")  # reload
        await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert isinstance(app.screen, RegisterScreen)
        said = [s.message for s in app.said]
        assert f"Customer {cid} was erased on 2026-03-15: the screen is cleared." in said
        assert not any("no customer with id" in m for m in said)
        assert screen.data is None  # nothing of the person stays in the screen kept for reuse
        assert "Kaskenkatu" not in screen_text(app)
