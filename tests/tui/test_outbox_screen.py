"""The Outbox screen at 80x24 (officer): messages with their state, cancel / resend / sent by
post / view the letter / send now, and the console's background sending that tells the officer
of a failure at once."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import OutboxMessage
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.outbox.outbox import LetterScreen, OutboxScreen
from tests.mail_helpers import free_port, mail_section, smtp_server
from tests.tui.helpers import settle


def _receipt(officer, name="Anna"):
    cid = customers.create(
        officer, {"first_name": name, "last_name": "Virtanen", "email": f"{name}@example.fi"}
    )["id"]
    return requests.record(officer, {"kind": "access", "channel": "email", "customer_id": cid})


def _config(mail=None) -> Config:
    data = defaults()
    data["mail"] = mail or {}
    return Config(data, None)



async def open_outbox(app, pilot):
    await settle(app, pilot)
    await pilot.press("ctrl+y")
    await settle(app, pilot)
    assert isinstance(app.screen, OutboxScreen)
    return app.screen.query_one("#outbox", DataTable)


def status(app) -> str:
    return str(app.screen.query_one("#outbox-status", Static).render())


async def test_list_cancel_resend_post_and_view(db, officer, clock):
    req = _receipt(officer, "[bold]Anna")  # customer text stays literal
    app = FinconsoleApp(_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_outbox(app, pilot)
        assert table.row_count == 1 and status(app).startswith("1 message(s), all")
        assert str(table.get_row_at(0)[1]) == "queued"
        assert str(table.get_row_at(0)[3]) == "[bold]Anna@example.fi"
        await pilot.press("c")
        await settle(app, pilot)
        assert OutboxMessage.get().state == "cancelled"
        assert str(table.get_row_at(0)[1]) == "cancelled"
        await pilot.press("r")
        await settle(app, pilot)
        assert OutboxMessage.get().state == "queued"
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, LetterScreen)
        letter = str(app.screen.query_one("#letter-text", Static).render())
        assert req["reference"] in letter and "[bold]Anna Virtanen" in letter
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        row = OutboxMessage.get()
        assert row.state == "sent" and row.sent_by == "post"
        await pilot.press("c")  # a sent message cannot be cancelled: said, not crashed
        await settle(app, pilot)
        assert isinstance(app.screen, OutboxScreen) and OutboxMessage.get().state == "sent"
        await pilot.press("f")  # queued only
        await settle(app, pilot)
        assert table.row_count == 0 and status(app) == "The outbox is empty."


async def test_send_now_and_failures_shown_at_once(db, officer, clock):
    _receipt(officer)
    port = free_port()
    app = FinconsoleApp(_config(mail_section(port)), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outbox(app, pilot)
        app.start_outbox_sending()  # what a logged-in officer's console runs every minute
        await settle(app, pilot)
        notes = [str(n.message) for n in app.said]
        assert any("1 sending attempt(s) failed" in n for n in notes), notes
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        table = app.screen.query_one("#outbox", DataTable)
        assert str(table.get_row_at(0)[5]).startswith("cannot connect to 127.0.0.1")
        detail = str(app.screen.query_one("#outbox-detail", Static).render())
        assert "Connection refused" in detail
        clock.advance(minutes=2)
        with smtp_server() as (inbox, live):
            app.config["mail"].update(mail_section(live))
            await pilot.press("s")
            await settle(app, pilot)
        assert len(inbox.received) == 1 and OutboxMessage.get().state == "sent"
        assert str(table.get_row_at(0)[1]) == "sent"


async def test_support_has_no_outbox(db, support, clock):
    app = FinconsoleApp(_config(), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert not isinstance(app.screen, OutboxScreen)
