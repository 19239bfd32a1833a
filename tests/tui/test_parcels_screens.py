from textual.widgets import DataTable, Input, Select, Static

from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import AuditEvent, Claim, Parcel
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.parcels.carrier_performance import CarrierPerformanceScreen
from finconsole.tui.screens.parcels.parcel import CloseClaimDialog, ParcelScreen
from finconsole.tui.screens.parcels.parcels import ParcelsScreen
from finconsole.tui.widgets.confirm import ConfirmDialog
from tests.factories import at, make_parcel
from tests.tui.helpers import screen_text, settle


def stale_parcel(actor, name="[bold]Eve[/]"):
    from finconsole.core.orders import orders
    from finconsole.core.register import customers

    customer = customers.create(actor, {"first_name": name, "last_name": "Virtanen"})
    order = orders.create(actor, customer["id"], {"order_number": f"FS-{name[:3]}-{id(name)}"})
    parcel = make_parcel(actor, order, shipped_at=at(1))
    Parcel.update(status="in_transit", last_event_at=at(2)).where(
        Parcel.id == parcel["id"]
    ).execute()
    return parcel


async def test_parcels_queues_and_claim_open_to_closed(db, support, clock, monkeypatch):
    monkeypatch.setattr(
        "finconsole.tui.screens.parcels.customer_link.CUSTOMER_SCREEN", "nowhere:Missing"
    )
    parcel = stale_parcel(support)
    fresh = make_parcel(support, shipped_at=at(14))
    Parcel.update(status="in_transit", last_event_at=at(15, 9)).where(
        Parcel.id == fresh["id"]
    ).execute()
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ParcelsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2  # in transit, stalest first
        assert "[bold]Eve[/] Virtanen" in str(table.get_row_at(0)[0])
        await pilot.press("3")
        await settle(app, pilot)
        assert table.row_count == 1
        assert "Lost? (1)" in str(screen.query_one("#queues", Static).render())
        await pilot.press("enter")  # no customer screen installed: the parcel opens
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelScreen)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        claim = Claim.get(Claim.parcel == parcel["id"])
        assert claim.closed_at is None and claim.opened_by == "sanna"
        await pilot.press("i")
        await pilot.press("y")
        await settle(app, pilot)
        assert Claim.get_by_id(claim.id).customer_informed_at is not None
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CloseClaimDialog)
        await pilot.press("ctrl+s")  # no outcome chosen yet: stays open
        assert app.screen is dialog
        dialog.query_one(Select).value = "reshipped"
        dialog.query_one(Input).value = "sent a new one"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        closed = Claim.get_by_id(claim.id)
        assert (closed.outcome, closed.notes) == ("reshipped", "sent a new one")
        assert "Last closed claim" in str(app.screen.query_one("#claim-facts", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelsScreen)
        assert app.screen.query_one(DataTable).row_count == 0  # lost now: no longer in the queue
    actions = {e.action for e in AuditEvent.select()}
    assert {"open_claim", "claim_customer_informed", "close_claim"} <= actions


async def test_enter_opens_customer_screen_when_installed(db, officer, clock, monkeypatch):
    from textual.screen import Screen

    opened = []

    class FakeCustomer(Screen):
        def __init__(self, customer_id, *, order_id=None, parcel_id=None):
            super().__init__()
            opened.append((customer_id, order_id, parcel_id))

    import finconsole.tui.screens.parcels.customer_link as module

    monkeypatch.setattr(module, "customer_screen_class", lambda: FakeCustomer)
    parcel = stale_parcel(officer)
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ParcelsScreen("suspected_lost"))
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        order = Parcel.get_by_id(parcel["id"]).order
        assert opened == [(order.customer_id, order.id, parcel["id"])]
        app.pop_screen()
        app.push_screen(ParcelScreen(parcel["id"]))
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert opened[-1] == (order.customer_id, order.id, parcel["id"])


async def test_declined_confirm_opens_no_claim(db, officer, clock):
    parcel = stale_parcel(officer)
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ParcelScreen(parcel["id"]))
        await settle(app, pilot)
        # the facts at 80 columns: no date broken over two lines, the reason in words
        facts = str(app.screen.query_one("#parcel-facts", Static).render()).splitlines()
        assert "last event 2026-03-02 12:00  pickup until -" in facts
        assert "needs chasing: no tracking event for too long" in facts
        await pilot.press("x")  # nothing to close
        await pilot.press("o")
        await pilot.press("n")
        await settle(app, pilot)
    assert Claim.select().count() == 0


async def test_support_cannot_open_carrier_performance(db, support, clock):
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert not isinstance(app.screen, CarrierPerformanceScreen)


async def test_carrier_performance_table_and_chart(db, officer, clock):
    p1 = make_parcel(officer, shipped_at=at(1))
    Parcel.update(delivered_at=at(3)).where(Parcel.id == p1["id"]).execute()
    make_parcel(officer, code="1Z999AA10123456784", shipped_at=at(2))
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CarrierPerformanceScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert [str(c) for c in table.get_row_at(0)][:4] == ["Posti", "1", "1", "2.0"]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.chart == "median"
        await pilot.pause()
        assert "Median days to delivery" in screen_text(app)
        screen.query_one("#since", Input).value = "2026-03-05"
        screen.query_one("#since", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.row_count == 0
        screen.query_one("#until", Input).value = "garbage"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.row_count == 0


async def test_queue_pages(db, officer, clock, monkeypatch):
    monkeypatch.setattr("finconsole.tui.screens.parcels.parcels.PAGE_SIZE", 2)
    for day in (3, 4, 5):
        parcel = make_parcel(officer, shipped_at=at(day))
        Parcel.update(status="in_transit").where(Parcel.id == parcel["id"]).execute()
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ParcelsScreen())
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert table.row_count == 1
        assert "page 2" in str(app.screen.query_one("#parcels-status", Static).render())
        await pilot.press("right_square_bracket")  # no further page
        await settle(app, pilot)
        assert table.row_count == 1
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert table.row_count == 2


async def test_database_failure_is_one_line(db, officer, clock, monkeypatch):
    import peewee as pw

    def broken(*args, **kwargs):
        raise pw.OperationalError("disk I/O error\nDETAIL: something personal")

    monkeypatch.setattr("finconsole.core.parcels.parcels.queue", broken)
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    shown = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))
        app.push_screen(ParcelsScreen())
        await settle(app, pilot)
    assert shown == ["The database file could not be read or written (disk I/O error)."]


async def test_the_queue_date_is_on_screen_at_80_columns(db, support, clock):
    """The date each queue is sorted by (last event, pick-up deadline, lost since) was the
    last column, beyond the edge at 80 columns, and was headed only "When"."""
    stale_parcel(support, name="Aleksandra-Marjatta Väisänen")
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Last event" in text and "2026-03-02" in text
        await pilot.press("3")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Lost since" in text and "2026-03-15" in text


async def test_pagedown_turns_the_page_as_on_the_register(db, support, clock, monkeypatch):
    """PgDn at the end of a queue page did nothing: only ] turned it (Register and Audit
    turn pages with PgDn)."""
    monkeypatch.setattr("finconsole.tui.screens.parcels.parcels.PAGE_SIZE", 1)
    first, second = stale_parcel(support, name="Eve"), stale_parcel(support, name="Ada")
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        shown = lambda: app.screen.rows[0]["id"]  # noqa: E731
        assert shown() == first["id"]
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert shown() == second["id"]
        await pilot.press("pageup")
        await settle(app, pilot)
        assert shown() == first["id"]
