"""From the customer screen to the other areas' screens, and the role rules on the way."""

from finconsole.core.store.models import Customer
from finconsole.tui.screens.erasure.erasure import ErasureScreen
from finconsole.tui.screens.parcels.parcel import ParcelScreen
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.rights.export import ExportDialog
from finconsole.tui.screens.rights.request_form import RequestFormScreen
from finconsole.tui.screens.transparency.disclosures import DisclosureForm
from finconsole.tui.widgets.confirm import ConfirmDialog

from .helpers import make_app, settle
from .test_customer_screen import _customer, open_customer


async def test_officer_reaches_parcel_request_export_disclosure(db, officer):
    c = _customer(officer)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer(app, pilot, c["id"])
        for key, expected in (("q", RequestFormScreen), ("w", ExportDialog), ("d", DisclosureForm)):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, expected), key
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is screen
        await pilot.press("2", "t")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelScreen)
        assert app.screen.parcel["tracking_code"].startswith("JJFI5550")


async def test_officer_erases_from_the_customer_screen(db, officer):
    c = _customer(officer, orders_n=0)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ErasureScreen)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot, rounds=5)
        await pilot.press("escape")
        await settle(app, pilot, rounds=5)
        assert not isinstance(app.screen, CustomerScreen)  # the erased person's screen closed
    assert Customer.get_or_none(Customer.id == c["id"]) is None


async def test_support_cannot_reach_officer_screens(db, officer, support):
    c = _customer(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer(app, pilot, c["id"])
        for key in ("w", "d", "x"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen, key
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestFormScreen)  # support records requests
