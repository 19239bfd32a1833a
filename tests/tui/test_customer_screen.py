import datetime as dt

from textual.widgets import DataTable, Input, Select

from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import (
    AuditEvent,
    Customer,
    Disclosure,
    Parcel,
    Request,
    TrackingEvent,
)
from finconsole.tui.screens.orders.order_edit import OrderForm
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.widgets.confirm import ConfirmDialog

from .helpers import make_app, screen_text, settle, type_text


def _customer(officer, orders_n=2):
    c = customers.create(
        officer,
        {"first_name": "Eve", "last_name": "Virtanen", "email": "eve@example.fi"},
        {"street": "Kauppakatu 1", "postcode": "00100", "city": "Helsinki"},
    )
    for i in range(orders_n):
        o = orders.create(
            officer,
            c["id"],
            {
                "order_number": f"W-{100 + i}",
                "ordered_at": dt.datetime(2026, 1, 1 + i),
                "total_cents": 2490,
            },
            [{"product": "Figure", "quantity": 1, "unit_price_cents": 2490}],
        )
        p = Parcel.create(order=o["id"], carrier="posti", tracking_code=f"JJFI5550{i}")
        TrackingEvent.create(
            parcel=p,
            occurred_at=dt.datetime(2026, 1, 3),
            status="delivered",
            description="Delivered to recipient",
            location="Helsinki",
        )
    return c


async def open_customer(app, pilot, customer_id):
    await settle(app, pilot)
    app.push_screen(CustomerScreen(customer_id))
    await settle(app, pilot)
    return app.screen


async def test_customer_screen_shows_all_tabs(db, officer):
    c = _customer(officer)
    Request.create(
        reference="R-2026-0007",
        customer=c["id"],
        kind="access",
        received_at=dt.date(2026, 2, 1),
        channel="phone",
        deadline=dt.date(2026, 3, 1),
        status="in_progress",
    )
    told = {"recipient_name": "Perintä Oy", "recipient_kind": "debt_collection"}
    told |= {"data_fields": "customer.email,customer.first_name", "disclosed_at": "2026-02-02"}
    Disclosure.create(customer=c["id"], **told)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer(app, pilot, c["id"])
        text = screen_text(app)
        assert "eve@example.fi" in text and "Kauppakatu 1" in text
        assert "Marketing: no objection" in text
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "W-101" in text and "24,90 €" in text
        assert "JJFI55501" in text and "Delivered to" in text
        await pilot.press("down")
        await pilot.pause()
        assert "JJFI55500" in screen_text(app)  # parcels follow the highlighted order
        await pilot.press("3")
        await pilot.pause()
        assert "R-2026-0007" in screen_text(app) and "in progress" in screen_text(app)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(screen, CustomerScreen)
        # in words, as the Disclosures screen (F7) has them, not "debt_collection, customer.…"
        assert "debt collection" in screen_text(app) and "email, first_na…" in screen_text(app)
    views = AuditEvent.select().where(AuditEvent.action == "view_customer").count()
    assert views == 1


async def test_objection_set_and_withdraw_with_confirmation(db, officer, clock):
    c = _customer(officer, 0)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("m")
        await settle(app, pilot)
        assert Customer.get_by_id(c["id"]).objection_marketing_at is not None
        assert "Marketing: OBJECTS since 2026-03-15" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert Customer.get_by_id(c["id"]).objection_marketing_at is not None
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert Customer.get_by_id(c["id"]).objection_marketing_at is None
        assert "Marketing: no objection" in screen_text(app)


async def test_support_cannot_see_or_trigger_billing(db, officer, support):
    c = _customer(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer(app, pilot, c["id"])
        await pilot.press("2")
        await pilot.pause()
        assert "Billing" not in screen_text(app)
        await pilot.press("b")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f1")
        await pilot.pause()
        help_text = screen_text(app)
        assert "Order status" in help_text and "Billing" not in help_text
        await pilot.press("escape", "o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderForm)
        assert [f.name for f in form.fields()] == ["fulfilment_status"]
        assert not form.query("#field-invoice_status")


async def test_officer_changes_billing_and_support_fulfilment(db, officer, support):
    c = _customer(officer, 1)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("2", "b")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderForm)
        form.query_one("#field-invoice_status", Select).value = "open"
        form.query_one("#field-collection_status", Select).value = "active"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "open" in screen_text(app) and "active" in screen_text(app)
    order = orders.find_by_number(officer, "W-100")
    assert (order["invoice_status"], order["collection_status"]) == ("open", "active")


async def test_new_order_for_customer(db, support):
    """A phone order: several lines, its number from the series, the payment chosen; Enter on
    it shows its lines, totals, VAT and parcels."""
    from textual.widgets import Select

    from finconsole.tui.screens.orders.order_view import OrderViewScreen

    c = customers.create(support, {"first_name": "Phone", "last_name": "Buyer"})
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("n")
        await settle(app, pilot)
        assert "P-1001" in screen_text(app)  # the number it will get, not typed
        await type_text(pilot, "Totoro plush")
        await pilot.press("tab", "end", "backspace")
        await type_text(pilot, "2")
        await pilot.press("tab")
        await type_text(pilot, "12,50")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "Poster")
        await pilot.press("tab", "tab")
        await type_text(pilot, "x")
        app.screen.query_one("#payment", Select).value = "invoice"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Line 2: Unit price must be an amount in euros" in screen_text(app)
        await pilot.press("backspace")
        await type_text(pilot, "9,90")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "P-1001" in screen_text(app)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OrderViewScreen)
        text = screen_text(app)
        assert "Order P-1001" in text and "Invoice open" in text
        assert "Totoro plush" in text and "25,00 €" in text and "Poster" in text
        assert "VAT in it" in text and "(25.5 %)" in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
    order = orders.find_by_number(support, "P-1001")
    assert order["total_cents"] == 2 * 1250 + 990
    assert [line["product"] for line in order["lines"]] == ["Totoro plush", "Poster"]
    assert order["invoice_status"] == "open"


async def test_missing_customer_says_so(db, officer):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        register_screen = app.screen
        app.push_screen(CustomerScreen(4242))
        await settle(app, pilot)
        assert app.screen is register_screen
        assert any("no customer with id 4242" in n.message for n in app.said)


def test_input_is_imported():
    assert Input and DataTable


async def test_support_adds_a_parcel_to_a_phone_order(db, officer, support):
    """After a phone order was sent there was no way to record its tracking code."""
    from finconsole.tui.screens.parcels.parcel_new import NewParcelForm
    from tests.factories import s10

    c = _customer(officer, orders_n=1)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_customer(app, pilot, c["id"])
        await pilot.press("2", "T")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewParcelForm)
        await type_text(pilot, "RR123456784FI")  # the first field has the cursor
        await settle(app, pilot)
        # as you type: the check digit is the fault (carrier "from the code"), said with a colon
        assert "Tracking code: the check digit of this UPU S10" in screen_text(app)
        assert "cannot be told" not in screen_text(app)
        form.query_one("#field-carrier", Select).value = "posti"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "check digit" in screen_text(app)
        assert app.screen is form and Parcel.select().count() == 1
        form.query_one("#field-tracking_code", Input).value = s10(4242)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert s10(4242) in screen_text(app)
    added = Parcel.get(Parcel.tracking_code == s10(4242))
    assert (added.carrier, added.order.order_number) == ("posti", "W-100")


async def test_support_sees_no_disclosures_on_the_customer_screen(db, officer, support):
    c = _customer(officer, orders_n=0)
    told = {"recipient_name": "Perintä Oy", "recipient_kind": "debt_collection"}
    told |= {"data_fields": "customer.email,customer.first_name", "disclosed_at": "2026-02-02"}
    Disclosure.create(customer=c["id"], **told)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("4")
        await pilot.pause()
        text = screen_text(app)
        assert "officer only" in text
        assert "Perintä" not in text and "debt" not in text
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_customer(app, pilot, c["id"])
        await pilot.press("4")
        await pilot.pause()
        text = screen_text(app)
        assert "Perintä Oy" in text and "officer only" not in text
