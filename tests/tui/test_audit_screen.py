"""Pilot: the officer's audit screen filters and pages; support cannot open it."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from finconsole.core.access import audit
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import runtime
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.access import audit as audit_screen
from finconsole.tui.screens.access.audit import AuditScreen
from tests.tui.helpers import settle


def seed(clock):
    sanna = Actor(user_id=2, username="sanna", role="support", channel="tui")
    for i in range(6):
        audit.record(sanna, "view_customer", "customer", i, customer_id=i, fields=["email"])
        clock.advance(days=1)
    audit.record(Actor.cli(), "user_created", "user", 7, fields=["username"])


def paged_app(clock, monkeypatch, officer) -> FinconsoleApp:
    """Seven events in pages of four, as the officer sees them."""
    seed(clock)
    monkeypatch.setattr(audit_screen, "PAGE_SIZE", 4)
    return FinconsoleApp(runtime.get_config(), actor=officer)


async def test_filter_by_user_customer_action_and_date(db, clock, officer, monkeypatch):
    app = paged_app(clock, monkeypatch, officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 4
        assert str(table.get_row_at(0)[2]) == "user_created"  # newest first
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert table.row_count == 3 and str(table.get_row_at(0)[4]) == "2"
        await pilot.press("pageup")
        await settle(app, pilot)
        assert str(table.get_row_at(0)[2]) == "user_created"

        async def apply(**values):
            for wid, value in values.items():
                screen.query_one(f"#{wid}", Input).value = value
            screen.query_one("#f-user", Input).focus()
            await pilot.press("enter")
            await settle(app, pilot)

        await apply(**{"f-user": "sanna", "f-customer": "2"})
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "sanna"
        await apply(**{"f-user": "", "f-customer": "", "f-action": "user"})
        assert table.row_count == 1 and str(table.get_row_at(0)[2]) == "user_created"
        await apply(**{"f-action": "", "f-since": "2026-03-16", "f-until": "2026-03-17"})
        assert table.row_count == 2
        await apply(**{"f-since": "yesterday"})
        assert table.row_count == 2  # a bad date is refused, the table stays
        # named as the field is ("from date"), not as the code calls it ("since")
        assert "from date: use a date" in str(app.said[-1].message)


async def test_support_cannot_open_the_audit_screen(db, support):
    app = FinconsoleApp(runtime.get_config(), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        assert not isinstance(app.screen, AuditScreen)


async def test_pagedown_in_the_table_reaches_older_events(db, clock, officer, monkeypatch):
    """The status line says "PgDn for older", but with the table focused (as after a filter)
    the table's own PageDown scrolled and the next page never came."""
    app = paged_app(clock, monkeypatch, officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        table.focus()
        await pilot.press("pagedown")  # first to the last row of this page
        await settle(app, pilot)
        assert table.cursor_row == 3
        await pilot.press("pagedown")  # then to the next page
        await settle(app, pilot)
        assert table.row_count == 3 and str(table.get_row_at(0)[4]) == "2"
        await pilot.press("pageup", "pageup")
        await settle(app, pilot)
        assert str(table.get_row_at(0)[2]) == "user_created"


async def test_the_highlighted_event_shows_its_fields_in_full(db, clock, officer):
    """At 80 columns the Fields column (which fields an event touched) was off the screen."""
    seed(clock)
    app = FinconsoleApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        text = lambda: str(app.screen.query_one("#audit-detail").render())  # noqa: E731
        assert "user_created user:7 by cli:" in text() and "fields: username" in text()
        app.screen.query_one(DataTable).focus()
        await pilot.press("down")
        await settle(app, pilot)
        assert "customer 5" in text() and "fields: email" in text() and "outcome: ok" in text()


async def test_an_event_on_no_single_record_has_no_none_target(db, clock, officer):
    """Opening the parcels queues records flag_suspected_lost on no one parcel: "parcel:None"."""
    audit.record(officer, "flag_suspected_lost", "parcel", None, fields=["suspected_lost_at"])
    app = FinconsoleApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(app, pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[3]) == "parcel"
        assert "None" not in str(app.screen.query_one("#audit-detail").render())
