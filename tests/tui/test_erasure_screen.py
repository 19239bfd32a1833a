import datetime as dt

from textual.widgets import DataTable, Static

from finconsole.core.store.models import Customer, Order
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.erasure.erasure import ErasureScreen
from finconsole.tui.widgets.confirm import ConfirmDialog
from tests.factories import add_order, make_customer
from tests.tui.helpers import settle


def status(app) -> str:
    return str(app.screen.query_one("#erasure-status", Static).render())


def cells(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [" | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def erase_confirmed(app, pilot):
    """e on the erasure screen, and y in the confirmation."""
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("y")
    await settle(app, pilot)


async def open_screen(app, pilot, cid):
    await settle(app, pilot)
    app.push_screen(ErasureScreen(cid))
    await settle(app, pilot)


async def test_preview_then_confirmed_partial_erasure(db, officer, clock, runtime_config):
    cid = make_customer(officer)
    add_order(cid, "T-1", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, cid)
        rows = cells(app)
        assert any("order T-1" in r and "keep" in r and "2032-12-31" in r for r in rows)
        assert any(r.startswith("name, email") and "erase" in r for r in rows)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Erased in part" in status(app) and "2033-01-01" in status(app)
    shell = Customer.get_by_id(cid)
    assert shell.restricted and shell.email is None
    assert Order.get().restricted


async def test_cancel_leaves_the_customer(db, officer, clock, runtime_config):
    cid = make_customer(officer)
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, cid)
        assert "erase everything now" in status(app)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ErasureScreen)
    assert Customer.get_by_id(cid).email


async def test_full_erasure(db, officer, clock, runtime_config):
    cid = make_customer(officer)
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, cid)
        await erase_confirmed(app, pilot)
        assert "Nothing about this customer remains" in status(app)
        await pilot.press("e")  # nothing more to do: no second dialog
        await pilot.pause()
        assert isinstance(app.screen, ErasureScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ErasureScreen)
    assert not Customer.select().where(Customer.id == cid).exists()


async def test_support_sees_a_refusal(db, officer, support, clock, runtime_config):
    cid = make_customer(officer)
    app = FinconsoleApp(runtime_config, actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, cid)
        assert "permission denied" in status(app)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ErasureScreen)
    assert Customer.get_by_id(cid).email


async def test_erasure_from_a_request_closes_it(db, officer, clock, runtime_config):
    from finconsole.core.store.models import Request
    from tests.factories import add_request

    cid = make_customer(officer)
    add_request(cid, "R-2026-0077")
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ErasureScreen(cid, request_ref="R-2026-0077"))
        await settle(app, pilot)
        assert "R-2026-0077" in str(app.screen.query_one("#title", Static).render())
        await erase_confirmed(app, pilot)
        assert "Nothing about this customer remains" in status(app)
    assert Request.get().status == "done"


async def test_an_error_is_shown_not_raised(db, officer, clock, runtime_config):
    from tests.factories import add_request

    cid = make_customer(officer)
    add_request(cid, "R-2026-0078", verified=False)
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ErasureScreen(cid, request_ref="R-2026-0078"))
        await settle(app, pilot)
        await erase_confirmed(app, pilot)
        assert "identity is not verified" in status(app)
    assert Customer.get_by_id(cid).email


async def test_reply_letter_read_toggled_and_saved(db, officer, clock, runtime_config, tmp_path):
    import os

    from textual.widgets import Input

    from finconsole.tui.screens.erasure.erasure_letter import ErasureLetterScreen

    cid = make_customer(officer)  # language fi
    add_order(cid, "T-9", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, cid)
        await pilot.press("l")  # no letter before the erasure
        await pilot.pause()
        assert isinstance(app.screen, ErasureScreen)
        await erase_confirmed(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ErasureLetterScreen)
        text = str(app.screen.query_one("#letter-text", Static).render())
        assert "Säilytetään 31.12.2032 asti." in text and "Tilaus T-9" in text
        await pilot.press("t")
        await pilot.pause()
        assert "Kept until 2032-12-31." in str(
            app.screen.query_one("#letter-text", Static).render()
        )
        await pilot.press("s")
        await pilot.pause()
        target = tmp_path / "reply.txt"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Order T-9" in target.read_text()
        assert os.stat(target).st_mode & 0o777 == 0o600
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ErasureScreen)


async def test_after_erasing_the_screen_says_what_was_done(db, officer, clock, runtime_config):
    """The rows said "erase" and the footer still offered e Erase… once it was done; Escape
    back to the request left it showing its old status (the callback never ran)."""
    cid = make_customer(officer)
    add_order(cid, "T-2", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    app = FinconsoleApp(runtime_config, actor=officer)
    returned = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ErasureScreen(cid), returned.append)
        await settle(app, pilot)
        await erase_confirmed(app, pilot)
        rows = cells(app)
        assert any(r.startswith("name, email") and "| erased |" in r for r in rows)
        assert any("order T-2" in r and "| kept |" in r for r in rows)
        assert app.screen.check_action("erase", ()) is False  # the key leaves the footer
        await pilot.press("escape")
        await pilot.pause()
        assert returned  # the screen that opened it reloads (the request's new status)


async def test_back_on_the_customer_after_erasing_is_no_error(db, officer, clock, runtime_config):
    """Back from erasing the customer in full, the console warned 'no customer with id ...'."""
    from finconsole.tui.screens.register.customer import CustomerScreen

    cid = make_customer(officer)
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(CustomerScreen(cid))
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ErasureScreen)
        await erase_confirmed(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, (ErasureScreen, CustomerScreen))
        said = [(str(n.message), n.severity) for n in app.said]
        assert (f"Customer #{cid} is no longer in the register.", "information") in said
        assert not any("no customer with id" in message for message, _ in said)
