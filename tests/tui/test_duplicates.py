"""The duplicate warning at 80x24: support creates a copy of a customer who objected."""

from textual.widgets import Input

from finconsole.core.register import customers
from finconsole.core.store.models import Customer
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.customer_edit import CustomerForm
from finconsole.tui.widgets.duplicate import DuplicateDialog

from .helpers import make_app, screen_text, settle, wait_until


def _objector(officer) -> int:
    c = customers.create(
        officer,
        {"first_name": "Anna", "last_name": "Virtanen", "email": "avirtanen@gmail.com"},
        {"street": "Kaskenkatu 6", "postcode": "20700", "city": "Turku"},
    )
    customers.set_objection(officer, c["id"], "marketing", True)
    return c["id"]


async def _type_copy(app, pilot) -> CustomerForm:
    await settle(app, pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, CustomerForm)
    for name, value in (
        ("first_name", "Anna"),
        ("last_name", "Virtanen"),
        ("email", "AVirtanen@gmail.com"),
    ):
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await wait_until(app, pilot, lambda: isinstance(app.screen, DuplicateDialog))
    return form


async def test_duplicate_warning_opens_the_other_customer(db, officer, support):
    other = _objector(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await _type_copy(app, pilot)
        text = screen_text(app)
        assert f"#{other}" in text and "same email" in text
        await pilot.press("o")
        assert await wait_until(app, pilot, lambda: getattr(app.screen, "data", None) is not None)
        assert isinstance(app.screen, CustomerScreen) and app.screen.customer_id == other
        assert "OBJECTS since" in screen_text(app)
    assert Customer.select().count() == 1  # no copy was written


async def test_duplicate_warning_lets_the_user_go_on(db, officer, support):
    _objector(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _type_copy(app, pilot)
        await pilot.press("escape")  # keep editing: the form and its text stay
        await pilot.pause()
        assert app.screen is form
        await pilot.press("ctrl+s")
        await wait_until(app, pilot, lambda: isinstance(app.screen, DuplicateDialog))
        await pilot.press("s")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerScreen))
    assert Customer.select().where(Customer.last_name == "Virtanen").count() == 2


async def test_officer_merges_a_duplicate_from_the_customer_screen(db, officer):
    from finconsole.tui.widgets.confirm import ConfirmDialog

    objector = _objector(officer)
    copy = customers.create(
        officer,
        {"first_name": "Anna", "last_name": "Virtanen", "email": "avirtanen@gmail.com"},
        allow_duplicate=True,
    )["id"]
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(CustomerScreen(copy))
        await settle(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("x", "enter")  # not an id: a clear message, the dialog stays
        assert await wait_until(app, pilot, lambda: "type the other" in screen_text(app))
        dialog = app.screen
        dialog.query_one("#other", Input).value = f"#{objector}"
        await pilot.press("enter")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        text = screen_text(app)
        assert f"Merge customer #{objector} into #{copy}" in text
        assert "Objections afterwards: marketing" in text
        await pilot.press("y")
        assert await wait_until(app, pilot, lambda: "OBJECTS since" in screen_text(app), timeout=20)
        assert "Kaskenkatu 6" in screen_text(app)  # the other record's address came along
    assert not Customer.select().where(Customer.id == objector).exists()


async def test_support_cannot_merge(db, officer, support):
    copy = _objector(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(CustomerScreen(copy))
        await settle(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)
