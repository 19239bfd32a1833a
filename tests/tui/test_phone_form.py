"""The console's customer form reads a phone number in the customer's own country, as the
importers do, and a number an import kept as typed does not block editing the rest."""

from textual.widgets import Input

from finconsole.core.register import customers
from finconsole.core.store.models import Customer
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.customer_edit import CustomerForm

from .helpers import make_app, screen_text, settle


async def open_form(app, pilot, customer_id):
    await settle(app, pilot)
    app.push_screen(CustomerScreen(customer_id))
    await settle(app, pilot)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, CustomerForm)
    return app.screen


def field(form, name) -> Input:
    return form.query_one(f"#field-{name}", Input)


async def test_a_south_african_customers_number_is_read_as_south_african(db, support):
    c = customers.create(
        support,
        {"first_name": "Thandi", "last_name": "Nkosi"},
        {"street": "1 Long St", "postcode": "8001", "city": "Cape Town", "country": "ZA"},
    )
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        field(form, "phone").value = "071 407 1173"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "+27 71 407 1173" in screen_text(app)
    assert Customer.get_by_id(c["id"]).phone == "+27714071173"


async def test_a_number_kept_as_typed_is_shown_and_does_not_block_other_edits(db, support):
    c = customers.create(support, {"first_name": "Eero", "last_name": "Puhelin"})
    Customer.update(phone="soita iltaisin", phone_review=True).where(
        Customer.id == c["id"]
    ).execute()
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(CustomerScreen(c["id"]))
        await settle(app, pilot)
        assert "soita iltaisin (as typed: check it)" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        field(form, "email").value = "eero@esimerkki.fi"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
    saved = Customer.get_by_id(c["id"])
    assert (saved.email, saved.phone, saved.phone_review) == (
        "eero@esimerkki.fi",
        "soita iltaisin",
        True,
    )
