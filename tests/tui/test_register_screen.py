import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import Customer, Parcel
from finconsole.tui.screens.register import register
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.register import RegisterScreen

from .helpers import make_app, screen_text, settle, type_text


def _people(officer, n, last="Korhonen"):
    return [
        customers.create(officer, {"first_name": f"P{i:03d}", "last_name": last}) for i in range(n)
    ]


async def test_search_as_you_type_narrows_results(db, officer):
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    customers.create(officer, {"first_name": "Anna", "last_name": "Korhonen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        assert "Recently updated customers" in screen_text(app)
        await type_text(pilot, "virt")
        await settle(app, pilot)
        assert table.row_count == 1
        assert "Virtanen, Eve" in screen_text(app)
        assert "1 match" in screen_text(app)
        await type_text(pilot, "x")
        await settle(app, pilot)
        assert table.row_count == 0
        assert "No customer matches" in screen_text(app)


async def test_one_letter_waits_for_more(sqlite_db, officer):
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "q")
        await settle(app, pilot)
        assert "Type 2+ characters" in screen_text(app)
        assert app.screen.query_one(DataTable).row_count == 1


@pytest.fixture
def twelve_in_pages_of_five(db, officer, monkeypatch):
    monkeypatch.setattr(register, "PAGE_SIZE", 5)
    return _people(officer, 12)


async def test_paging_recent_and_query(twelve_in_pages_of_five, officer):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        first_page = [r["id"] for r in screen.rows]
        assert len(first_page) == 5
        await pilot.press("pagedown")
        await settle(app, pilot)
        second_page = [r["id"] for r in screen.rows]
        assert len(second_page) == 5 and not set(first_page) & set(second_page)
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert len(screen.rows) == 2 and "(page 3)" in screen_text(app)
        await pilot.press("pageup", "pageup")
        await settle(app, pilot)
        assert [r["id"] for r in screen.rows] == first_page
        await type_text(pilot, "korh")
        await settle(app, pilot)
        ids = [r["id"] for r in screen.rows]
        await pilot.press("pagedown")
        await settle(app, pilot)
        more = [r["id"] for r in screen.rows]
        assert min(more) > max(ids)
        assert "(page 2)" in screen_text(app)


async def test_down_moves_into_table_and_enter_opens(db, officer):
    first = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    customers.create(officer, {"first_name": "Anna", "last_name": "Korhonen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("down")
        table = app.screen.query_one(DataTable)
        assert app.focused is table
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.customer_id == first["id"]  # second row: updated earlier
        assert "Virtanen" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)


async def test_order_number_and_tracking_code_land(db, officer):
    customers.create(officer, {"first_name": "Other", "last_name": "Person"})
    c = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    for n in ("W-1001", "W-1002", "W-1003"):
        orders.create(officer, c["id"], {"order_number": n, "ordered_at": dt.datetime(2026, 1, 5)})
    target = orders.find_by_number(officer, "W-1002")
    parcel = Parcel.create(order=target["id"], carrier="posti", tracking_code="JJFI123456789")
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "W-1002")
        await settle(app, pilot)
        assert "The order belongs to the first customer" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        orders_table = screen.query_one("#orders-table", DataTable)
        assert orders_table.has_focus
        assert str(orders_table.get_row_at(orders_table.cursor_row)[0]) == "W-1002"
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one(Input).value = "jjfi 123456789"
        await settle(app, pilot)
        assert "The parcel belongs to the first customer" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        parcels = app.screen.query_one("#parcels", DataTable)
        assert parcels.has_focus
        assert str(parcels.get_row_at(parcels.cursor_row)[1]) == parcel.tracking_code


async def test_restricted_customers_hidden_from_support(db, officer, support):
    c = customers.create(officer, {"first_name": "Hidden", "last_name": "Person"})
    customers.create(officer, {"first_name": "Shown", "last_name": "Person"})
    Customer.update(restricted=True).where(Customer.id == c["id"]).execute()
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "person")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Shown" in text and "Hidden" not in text


async def test_a_database_error_in_a_worker_is_a_notification(db, officer, monkeypatch):
    """A busy database while searching (or on any screen's worker: the shared
    ``thread_connection`` names it) must not end the console with a traceback."""
    import peewee as pw

    from finconsole.core.settings.config import Config, defaults
    from finconsole.tui.app import FinconsoleApp
    from tests.tui.helpers import settle

    def busy(*args, **kwargs):
        raise pw.OperationalError("database is locked\nDETAIL: anna@example.fi")

    monkeypatch.setattr("finconsole.core.store.search_query.matching_ids", busy)
    monkeypatch.setattr("finconsole.core.transparency.tasks.open_tasks", busy)
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a", "n", "n", "a")
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.is_running
        shown = [str(n.message) for n in app.said]
        busy_text = "The database is busy (another console is writing): try again in a moment."
        assert set(shown) == {busy_text}  # searches and the tasks list; no driver text


async def test_status_never_calls_a_full_page_the_number_of_matches(
    twelve_in_pages_of_five, officer
):
    """A full page said "200 matches (page 2)" of a name thousands of customers have."""
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        status = lambda: str(app.screen.query_one("#status").render())  # noqa: E731
        await type_text(pilot, "korh")
        await settle(app, pilot)
        assert status() == "Matches 1–5 - PgDn for more"
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert status() == "Matches 6–10 (page 2) - PgDn for more"
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert status() == "Matches 11–12 (page 3), the last"
        await pilot.press("pageup", "pageup", "ctrl+u")
        await type_text(pilot, "p001 korh")
        await settle(app, pilot)
        assert status() == "1 match"
        await type_text(pilot, "x")
        await settle(app, pilot)
        assert status() == "No customer matches"


async def test_a_customer_without_a_name_is_not_a_blank_row(db, officer):
    """What a partial erasure leaves (a restricted shell, no name) was an empty row."""
    shell = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    Customer.update(first_name="", last_name="").where(Customer.id == shell["id"]).execute()
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        row = next(
            x for x in screen_text(app).splitlines() if x.strip().startswith(str(shell["id"]))
        )
        assert "(no name)" in row  # and its id in the first column


async def test_back_from_a_customer_the_results_are_fresh(db, officer):
    """Back from a customer who was erased (or renamed) there, the register still listed the
    old row, and Enter on it said "no customer with id ..."."""
    eve = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    anna = customers.create(officer, {"first_name": "Anna", "last_name": "Korhonen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")  # Eve: the second row
        await settle(app, pilot)
        customers.update(officer, eve["id"], eve["version"], {"last_name": "Lahti"})
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Lahti, Eve" in screen_text(app) and "Virtanen" not in screen_text(app)
        table = app.screen.query_one(DataTable)
        assert app.screen.rows[table.cursor_row]["id"] == eve["id"]  # still on her row
        await pilot.press("down", "enter")  # Anna
        await settle(app, pilot)
        Customer.delete_by_id(anna["id"])
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Korhonen" not in screen_text(app)


async def test_the_key_line_shows_whole_keys_and_the_palette(db, officer):
    """At 80 columns the bottom line ended in a bare "f12" (its "Log out" cut off) and the
    "^p palette" that reaches every other key was lost."""
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = screen_text(app).splitlines()[-1].rstrip()
        assert line.endswith("kaj · officer")  # who is logged in, at the right end
        line = line.removesuffix("kaj · officer").rstrip()
        assert line.endswith("f1 Help  ^p palette") and " f12 " not in line + " "


async def test_closing_help_or_the_palette_does_not_search_again(db, officer):
    """Only a screen that can change customers (a customer, another area) makes the page
    stale; a dialog over the register (help, the palette) does not."""
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        register = app.screen
        before = register.searches_painted
        await pilot.press("f1")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is register
        assert register.searches_painted == before


async def test_enter_before_the_results_opens_the_text_typed(db, officer, monkeypatch):
    """`#1225` and Enter typed fast: Enter arrived before that search's results and opened
    the first row of the previous results (another customer)."""
    import time

    from finconsole.core.register import overview

    shown = customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    wanted = customers.create(officer, {"first_name": "Anna", "last_name": "Korhonen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "virtanen")
        await settle(app, pilot)
        assert app.screen.rows[0]["id"] == shown["id"]
        slow = overview.register_page

        def slow_page(*args, **kwargs):
            time.sleep(0.5)  # a loaded server: the results come after the Enter
            return slow(*args, **kwargs)

        monkeypatch.setattr(overview, "register_page", slow_page)
        app.screen.query_one(Input).value = f"#{wanted['id']}"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.customer_id == wanted["id"]


async def test_a_key_that_does_not_change_the_results_keeps_the_table(db, officer):
    """A space after a word (or the first letter of a word) searches the same text: the rows
    on screen stay as they are, drawn once; only the status and the cursor follow the key."""
    _people(officer, 3)
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        await type_text(pilot, "virt")
        await settle(app, pilot)
        keys, painted = list(table.rows), screen.searches_painted
        await type_text(pilot, " ")
        await settle(app, pilot)
        assert screen.searches_painted == painted + 1  # searched and shown again
        assert list(table.rows) == keys  # the very same rows: no refill
        assert "Virtanen, Eve" in screen_text(app) and "1 match" in screen_text(app)
        await type_text(pilot, "x")
        await settle(app, pilot)
        assert table.row_count == 0 and "No customer matches" in screen_text(app)
        # back to the recent list with the cursor moved down: the same rows again after a
        # new search put the cursor on the first row, as a refill does
        await pilot.press("ctrl+a", "ctrl+k")
        await settle(app, pilot)
        await pilot.press("down", "down")
        assert table.has_focus and table.cursor_row == 1
        keys = list(table.rows)
        await pilot.press("slash", "q")  # one letter: the recent list again
        await settle(app, pilot)
        assert list(table.rows) == keys and table.cursor_row == 0


async def test_long_text_in_the_search_box_scrolls_to_its_end(db, officer):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one(Input)
        text = "a" * 90 + "zyx"
        await type_text(pilot, text)
        await settle(app, pilot)
        assert box.value == text and box.scroll_x > 0
        assert "aazyx" in screen_text(app).splitlines()[1]


async def test_the_same_text_again_asks_the_database_once(db, officer, monkeypatch):
    """A space after a word searches the same text: the rows shown answer it already, so no
    second query; a refresh (ctrl+r) and a changed text do ask again."""
    customers.create(officer, {"first_name": "Eve", "last_name": "Virtanen"})
    asked: list[str] = []
    fetch = RegisterScreen._fetch

    def counted(screen, query, start):
        asked.append(query)
        return fetch(screen, query, start)

    monkeypatch.setattr(RegisterScreen, "_fetch", counted)
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "v")  # one letter: still the recent list, already shown
        await settle(app, pilot)
        assert asked == [""] and "Type 2+ characters" in screen_text(app)
        await type_text(pilot, "irt ")
        await settle(app, pilot)
        assert asked[-1] == "virt" and asked.count("virt") == 1
        assert "Virtanen, Eve" in screen_text(app) and "1 match" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert asked.count("virt") == 2
        await type_text(pilot, "a")
        await settle(app, pilot)
        assert asked[-1] == "virt a"
