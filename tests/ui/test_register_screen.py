from textual.widgets import DataTable, Input

from finconsole.core.config import Config, defaults
from finconsole.core.services import customers
from finconsole.tui.app import FinconsoleApp


async def test_search_shows_literal_names(db, officer):
    customers.create(officer, {"first_name": "[bold]Eve[/]", "last_name": "Virtanen"})
    customers.create(officer, {"first_name": "Anna", "last_name": "Korhonen"})
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        app.screen.query_one(Input).value = "virt"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 1
        assert "[bold]Eve[/]" in str(table.get_row_at(0)[0])
