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


async def test_parcels_queue_keeps_the_whole_tracking_code_at_80_columns(db, support, clock):
    from finconsole.core.orders import orders
    from finconsole.core.store.models import Parcel
    from tests.factories import at, make_parcel

    code = "JJFI59365093755946240"
    long_name = {"first_name": "Aleksandra-Marjatta", "last_name": "Väisänen-Lindqvist"}
    customer = customers.create(support, long_name)
    order = orders.create(support, customer["id"], {"order_number": "FS-1000001"})
    parcel = make_parcel(support, order, code=code, carrier="posti", shipped_at=at(1))
    Parcel.update(status="in_transit", last_event_at=at(2)).where(
        Parcel.id == parcel["id"]
    ).execute()
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await wait_until(app, pilot, lambda: code in screen_text(app))
        assert code in screen_text(app) and "Tracking code" in screen_text(app)


async def test_request_form_objection_field_and_tab_order(db, support, clock):
    from textual.widgets import Select

    from finconsole.tui.screens.rights.request_form import RequestFormScreen

    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestFormScreen())
        await wait_until(app, pilot, lambda: isinstance(app.screen, RequestFormScreen))
        await settle(app, pilot)
        form = app.screen
        assert "Objection to" in screen_text(app)
        form.query_one("#kind", Select).value = "erasure"
        await settle(app, pilot)
        assert "Objection to" not in screen_text(app)
        order = []
        for _ in range(8):
            order.append(app.focused.id)
            await pilot.press("tab")
        expected = ["kind", "channel", "received", "customer", "subject", "details", "method"]
        assert order == [*expected, "verified"]


async def test_escape_goes_back_on_f4_f5_f11(db, officer, clock):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in ("f4", "f5", "f11"):
            await pilot.press(key)
            await wait_until(app, pilot, lambda: not isinstance(app.screen, RegisterScreen))
            assert not isinstance(app.screen, RegisterScreen), key
            await pilot.press("escape")
            await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
            assert isinstance(app.screen, RegisterScreen), key


async def test_f9_key_line_has_save(db, officer, clock):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await wait_until(app, pilot, lambda: "r Record" in screen_text(app))
        key_line = screen_text(app).splitlines()[-1]
        assert "s Save" in key_line and "m Markdown" in key_line and "officer" in key_line


async def test_chart_legend_is_in_the_title_not_over_the_bars(db, officer, clock):
    from finconsole.core.parcels import parcels
    from finconsole.core.store.models import Parcel
    from finconsole.tui.screens.parcels.carrier_performance import LEGEND
    from tests.factories import at, make_parcel

    made = make_parcel(officer, carrier="posti", shipped_at=at(1))
    Parcel.update(status="in_transit", last_event_at=at(2)).where(Parcel.id == made["id"]).execute()
    parcels.flag_suspected(officer)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await wait_until(app, pilot, lambda: LEGEND in screen_text(app))
        text = screen_text(app)
        assert LEGEND in text
        assert "suspected lost %" not in text and "claimed %" not in text  # no in-plot legend
