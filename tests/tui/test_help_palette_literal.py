import datetime as dt

from rich.protocol import rich_cast
from textual.command import CommandPalette
from textual.widgets import DataTable

from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import Address, Customer, Order
from finconsole.tui import app as app_mod
from finconsole.tui.screens.help import HelpScreen
from finconsole.tui.screens.menu import MenuScreen
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.customer_edit import CustomerForm

from .helpers import make_app, screen_text, settle, type_text


async def test_f1_and_question_mark_list_the_screen_keys(sqlite_db, officer):
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("New customer", "Next page", "Prev page", "Search", "Menu"):
            assert words in text
        await pilot.press("escape", "down")  # into the table: ? is not typed text there
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_palette_offers_screen_actions_and_runs_them(sqlite_db, officer):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "new custom")
        await pilot.pause(0.3)
        assert "New customer" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerForm)


async def test_palette_hides_billing_from_support(sqlite_db, officer, support):
    c = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    orders.create(officer, c["id"], {"order_number": "W-1"})
    for actor, expect in ((officer, True), (support, False)):
        app = make_app(actor)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            app.push_screen(CustomerScreen(c["id"]))
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, "bill")
            await pilot.pause(0.3)
            assert ("Billing" in screen_text(app)) is expect


async def test_menu_lists_nav_entries_for_the_role(sqlite_db, officer, support, monkeypatch):
    entries = [
        *app_mod.NAV,
        app_mod.NavEntry("claims", "f20", "Claims desk", "x:Y", roles=("officer",)),
    ]
    monkeypatch.setattr(app_mod, "NAV", entries)
    for actor, expect in ((officer, True), (support, False)):
        app = make_app(actor)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert isinstance(app.screen, MenuScreen)
            text = screen_text(app)
            assert "Register" in text
            assert ("Claims desk" in text) is expect
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            # help lists allowed keys only (read its rows: the list scrolls at 80x24)
            assert any("Claims desk" in text for _, text in app.screen.rows) is expect
            await pilot.press("escape")
            await pilot.pause()
            if not expect:
                await pilot.press("f20")  # support: the key does nothing
                await pilot.pause()
                assert type(app.screen).__name__ == "RegisterScreen"
            await pilot.press("ctrl+g")
            await pilot.pause()
            await pilot.press("enter")  # Register: already there, the menu closes
            await settle(app, pilot)
            assert not isinstance(app.screen, MenuScreen)


HOSTILE = [
    ("[bold]Eve[/]", "[link=https://evil.example]click[/link]"),
    (":fire: Anna", "[/x] Korhonen"),
    ("Bob\x1b]0;owned\x07", "Smith\x1b[2J\x9b31m"),
]


async def test_hostile_names_render_literally(sqlite_db, officer):
    for first, last in HOSTILE:
        c = customers.create(officer, {"first_name": "x", "last_name": "y"})
        Customer.update(first_name=first, last_name=last).where(Customer.id == c["id"]).execute()
        Address.create(customer=c["id"], street="[red]Katu[/red]", city=":smile:")
        Order.create(
            customer=c["id"], order_number=f"[b]{c['id']}[/b]", ordered_at=dt.datetime(2026, 1, 1)
        )
    app = make_app(officer)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "[link=https://evil" in text and "[/x] Korhonen" in text
        assert "Smith\\x1b[2J" in text
        assert "\x1b" not in text and "🔥" not in text
        table = app.screen.query_one(DataTable)
        shown = []
        for row in range(table.row_count):
            cell = rich_cast(table.get_row_at(row)[0])  # the Text the table draws
            assert not cell.spans and not cell.style  # no style reached the cell
            shown.append(cell.plain)
        shown = "\n".join(shown)
        # the name column is cut to its width: the full names are checked on the customer screen
        assert "[link=https://evil.example" in shown
        assert "[/x] Korhonen, :fire: Anna" in shown
        assert "Smith\\x1b[2J\\x9b31m, Bob" in shown
        titles = ""
        for cid in [r["id"] for r in app.screen.rows]:
            app.push_screen(CustomerScreen(cid))
            await settle(app, pilot)
            text = screen_text(app)
            titles += text
            assert "\x1b" not in text and "🔥" not in text and "😄" not in text
            await pilot.press("2")
            await pilot.pause()
            assert "[b]" in screen_text(app)
            await pilot.press("1", "e")
            await pilot.pause()
            assert "\x1b" not in screen_text(app)
            await pilot.press("escape", "escape")
            await pilot.pause()
        assert "[bold]Eve[/] [link=https://evil.example]click[/link]" in titles
        assert "Bob\\x1b]0;owned\\x07 Smith\\x1b[2J\\x9b31m" in titles
        assert "[red]Katu[/red]" in titles and ":smile:" in titles


async def test_help_is_titled_with_the_screen_name(sqlite_db, officer):
    """Help on the Requests and Parcels screens was titled with a class name ("RequestsScreen")."""
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key, title in (("f4", "Keys: Data-subject requests"), ("f3", "Keys: Parcels")):
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.press("f1")
            await pilot.pause()
            assert title in screen_text(app) and "Screen" not in screen_text(app)
            await pilot.press("escape")


async def test_help_lists_enter_when_a_table_has_the_focus(sqlite_db, officer):
    """The Requests screen binds Enter to Open, but its focused table's own Enter hid that
    key from the help; the same on every screen whose list opens the row on Enter."""
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen.focused, DataTable)
        await pilot.press("f1")
        await pilot.pause()
        assert ("⏎", "Open") in app.screen.rows  # Textual shows Enter as ⏎
