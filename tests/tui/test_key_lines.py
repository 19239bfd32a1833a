"""The bottom line of every full screen at 80x24: whole keys only, ending in "f1 Help  ^p
palette" (which reach every key that did not fit), and no Textual Footer anywhere: it cut keys
off mid-line at 80 columns without saying where the rest were."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Footer

from finconsole.core.access import credentials as cred
from finconsole.core.access import users
from finconsole.core.erasure import erasure
from finconsole.core.kernel.actor import Actor
from finconsole.core.orders import orders
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.keys import screen_keys
from finconsole.tui.screens.access.lock import LockScreen
from finconsole.tui.screens.access.login import LoginScreen
from finconsole.tui.widgets.keybar import KeyBar
from tests.factories import add_order, add_request, make_customer, make_parcel
from tests.tui.helpers import record_inquiry, screen_text, settle, wait_until

TAIL = "f1 Help  ^p palette"
NAV_SCREENS = {
    "f2": "RegisterScreen",
    "f3": "ParcelsScreen",
    "f4": "RequestsScreen",
    "f5": "CarrierPerformanceScreen",
    "f6": "TasksScreen",
    "f7": "DisclosuresScreen",
    "f8": "InquiryScreen",
    "f9": "NoticeScreen",
    "f10": "AuditScreen",
    "f11": "ImportScreen",
    "ctrl+y": "OutboxScreen",
}


def bottom_line(app) -> str:
    return screen_text(app).splitlines()[-1].strip()


def assert_whole_keys(app, *, palette: bool = True) -> str:
    """The bottom line is the key bar, every item on it a whole key, and it ends in help (and
    the palette where the palette opens)."""
    screen = app.screen
    assert not screen.query(Footer), type(screen).__name__
    assert len(screen.query(KeyBar)) == 1, type(screen).__name__
    line = bottom_line(app)
    keys = {f"{r.key} {r.description}" for r in screen_keys(screen, include_widgets=True)}
    items = [item.strip() for item in line.split("  ") if item.strip()]
    assert line.endswith(TAIL if palette else "f1 Help"), (type(screen).__name__, line)
    assert "…" not in line.replace("Erase…", ""), line
    assert all(item in keys | {"^p palette"} for item in items), (type(screen).__name__, line)
    return line


@pytest.mark.parametrize("key", list(NAV_SCREENS))
async def test_every_screen_of_the_menu_ends_in_help_and_palette(sqlite_db, officer, clock, key):
    app = FinconsoleApp(_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        assert await wait_until(app, pilot, lambda: type(app.screen).__name__ == NAV_SCREENS[key])
        await settle(app, pilot)
        assert_whole_keys(app)


def _opened_screens(officer) -> dict[str, object]:
    """The screens the menu's screens open, each made as they make it."""
    from finconsole.tui.screens.erasure.erasure import ErasureScreen
    from finconsole.tui.screens.erasure.erasure_letter import ErasureLetterScreen
    from finconsole.tui.screens.parcels.parcel import ParcelScreen
    from finconsole.tui.screens.register.customer import CustomerScreen
    from finconsole.tui.screens.rights.request_detail import RequestDetailScreen
    from finconsole.tui.screens.rights.request_form import RequestFormScreen
    from finconsole.tui.screens.transparency.disclosures import DisclosureForm
    from finconsole.tui.screens.transparency.inquiries import InquiriesScreen

    cid = make_customer(officer)
    add_order(cid, "T-1", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    order = orders.create(officer, cid, {"order_number": "FS-KEYS-1"})
    parcel = make_parcel(officer, order)
    request = add_request(cid, "R-KEYS-1")
    gone = make_customer(officer, suffix="x")
    return {
        "customer": lambda: CustomerScreen(cid),
        "parcel": lambda: ParcelScreen(parcel["id"]),
        "request detail": lambda: RequestDetailScreen(request.id),
        "request form": lambda: RequestFormScreen(cid),
        "disclosure form": lambda: DisclosureForm(cid),
        "inquiries": InquiriesScreen,
        "erasure": lambda: ErasureScreen(cid),
        "erasure letter": lambda: ErasureLetterScreen(erasure.erase(officer, gone)),
    }


async def test_every_screen_they_open_ends_in_help_and_palette(sqlite_db, officer, clock):
    opened = _opened_screens(officer)
    app = FinconsoleApp(_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for name, make in opened.items():
            screen = make()
            app.push_screen(screen)
            assert await wait_until(app, pilot, lambda s=screen: app.screen is s), name
            await settle(app, pilot)
            assert_whole_keys(app)
            app.pop_screen()
            await settle(app, pilot)


async def test_login_lock_and_first_run_show_their_keys(sqlite_db, clock):
    """Logged out or locked the palette does not open, so its key is not offered."""
    app = FinconsoleApp(_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FirstRunScreen"
        assert "Start over" in assert_whole_keys(app, palette=False)
    setup = users.create(Actor.cli(), "anna", "support", "kissa istuu puussa")
    app = FinconsoleApp(_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "Clear" in assert_whole_keys(app, palette=False)
        for name, value in (
            ("username", "anna"),
            ("password", "kissa istuu puussa"),
            ("code", cred.current_code(setup.secret)),
        ):
            app.screen.query_one(f"#{name}").value = value
        app.screen.query_one("#code").focus()
        await pilot.press("enter")
        assert await wait_until(app, pilot, lambda: type(app.screen).__name__ == "RegisterScreen")
        await settle(app, pilot)
        assert_whole_keys(app)
        app.lock_session()
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, LockScreen))
        await settle(app, pilot)
        assert "Log out" in assert_whole_keys(app, palette=False)


async def test_the_line_follows_focus_and_refreshed_bindings(sqlite_db, officer, clock):
    """Keys of a focused widget come and go with its focus (the tasks above the requests),
    and a screen's refresh_bindings() after its check_action changed redraws the line."""
    from finconsole.tui.screens.erasure.erasure import ErasureScreen

    cid = make_customer(officer)
    record_inquiry(officer, cid)
    app = FinconsoleApp(_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        assert await wait_until(app, pilot, lambda: type(app.screen).__name__ == "RequestsScreen")
        await settle(app, pilot)
        app.screen.query_one("#requests", DataTable).focus()
        await settle(app, pilot)
        assert "Mark task done" not in assert_whole_keys(app)
        app.screen.query_one("#tasks", DataTable).focus()
        assert await wait_until(app, pilot, lambda: "d Mark task done" in bottom_line(app))
        assert_whole_keys(app)
        app.push_screen(ErasureScreen(cid))
        await settle(app, pilot)
        assert "e Erase…" in assert_whole_keys(app)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_until(app, pilot, lambda: app.screen.done)
        await settle(app, pilot)
        assert "Erase…" not in assert_whole_keys(app)


def _config():
    from finconsole.core.settings import runtime

    return runtime.get_config()
