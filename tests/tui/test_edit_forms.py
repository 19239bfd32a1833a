from textual.widgets import Input

from finconsole.core.register import customers
from finconsole.core.store.models import Address, Customer
from finconsole.tui.screens.register.address_edit import AddressForm
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.customer_edit import CustomerForm
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.conflict import ConflictDialog

from .helpers import make_app, screen_text, settle, type_text


async def open_form(app, pilot, customer_id, key="e"):
    await settle(app, pilot)
    app.push_screen(CustomerScreen(customer_id))
    await settle(app, pilot)
    await pilot.press(key)
    await pilot.pause()
    return app.screen


def field(form, name) -> Input:
    return form.query_one(f"#field-{name}", Input)


async def test_edit_shows_validation_as_you_type_and_on_save(db, support):
    c = customers.create(support, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        assert isinstance(form, CustomerForm)
        field(form, "email").focus()
        await type_text(pilot, "eve@")
        await pilot.pause()
        assert "Email is not a valid email address" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # not saved
        assert Customer.get_by_id(c["id"]).email is None
        await type_text(pilot, "example.fi")
        await pilot.pause()
        assert "not a valid email" not in screen_text(app)
        field(form, "phone").focus()
        await type_text(pilot, "040 123 4567")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "+358 40 1234567" in screen_text(app)
    saved = Customer.get_by_id(c["id"])
    assert (saved.email, saved.phone) == ("eve@example.fi", "+358401234567")


async def test_service_validation_error_marks_the_field(db, support, monkeypatch):
    c = customers.create(support, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        monkeypatch.setattr(CustomerForm, "check", lambda self, values: {})
        field(form, "first_name").value = "x" * 150
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "First name is longer than 100 characters" in screen_text(app)


async def test_conflict_offers_reload(db, officer, support):
    c = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        # another console saves between this form's load and its save
        customers.update(officer, c["id"], c["version"], {"last_name": "Korhonen"}, c)
        field(form, "first_name").value = "Evi"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "Changed meanwhile: last_name" in screen_text(app)
        # both values: the one typed here and the one the other person saved
        assert "Last name: yours Virtanen, saved now Korhonen" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen is form
        assert field(form, "last_name").value == "Korhonen"
        assert field(form, "first_name").value == "Eve"
    saved = Customer.get_by_id(c["id"])
    assert (saved.first_name, saved.last_name) == ("Eve", "Korhonen")


async def test_conflict_reapply_saves_mine_on_top(db, officer, support):
    c = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        customers.update(officer, c["id"], c["version"], {"last_name": "Korhonen"}, c)
        field(form, "first_name").value = "Evi"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
    saved = Customer.get_by_id(c["id"])
    # re-apply puts this user's change on top of the other console's, knowingly
    assert (saved.first_name, saved.last_name) == ("Evi", "Korhonen")


async def test_create_customer_from_register(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CustomerForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Last name: a name is required" in screen_text(app)
        assert form.focused is field(form, "last_name")  # the first field to fix
        field(form, "first_name").focus()
        await type_text(pilot, "Taro")
        await pilot.press("tab")
        await type_text(pilot, "Yamada")
        field(form, "street").value = "Joutsentie 8"
        field(form, "postcode").value = "0073"
        await pilot.pause()
        assert "Postcode must be 5 digits" in screen_text(app)
        field(form, "postcode").value = "00730"
        field(form, "city").value = "Helsinki"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "Taro Yamada" in screen_text(app) and "Joutsentie 8" in screen_text(app)
    person = Customer.get(Customer.last_name == "Yamada")
    assert Address.get(Address.customer == person).postcode == "00730"


async def test_edit_and_add_address(db, support):
    c = customers.create(
        support, {"first_name": "Eve", "last_name": "V"}, {"street": "Old 1", "city": "Espoo"}
    )
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"], key="a")
        assert isinstance(form, AddressForm)
        field(form, "street").value = "New 2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "New 2" in screen_text(app)
        await pilot.press("A")
        await pilot.pause()
        form = app.screen
        field(form, "street").value = "Second 3"
        field(form, "city").value = "Turku"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Second 3" in screen_text(app)
    assert Address.select().where(Address.customer == c["id"]).count() == 2


async def test_escape_cancels_without_saving(db, support):
    c = customers.create(support, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        field(form, "first_name").value = "Changed"
        await pilot.press("escape")  # typed changes: asks before throwing them away
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is form and field(form, "first_name").value == "Changed"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
    assert Customer.get_by_id(c["id"]).first_name == "Eve"


async def test_escape_on_an_untouched_form_closes_it_at_once(db, support):
    c = customers.create(support, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot, c["id"])
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)


async def test_a_refused_save_puts_the_cursor_on_the_first_bad_field(db, support):
    """After ctrl+s was refused the cursor stayed where it was (the last field typed in), so
    the next thing typed to fix the email went into the phone."""
    c = customers.create(support, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, c["id"])
        field(form, "email").focus()
        await type_text(pilot, "eve@@x")
        field(form, "phone").focus()
        await type_text(pilot, "040 123 4567")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and form.focused is field(form, "email")
