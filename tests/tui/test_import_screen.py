from pathlib import Path

from textual.widgets import Input, ProgressBar, Select, Static

from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import Customer
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.imports.import_screen import ImportScreen
from tests.tui.helpers import workers_done

FIXTURES = Path(__file__).parent.parent / "fixtures"


async def _run_import(app, pilot, kind: str, path: Path) -> None:
    app.action_navigate("import")
    await pilot.pause()
    assert isinstance(app.screen, ImportScreen)
    app.screen.query_one("#kind", Select).value = kind
    app.screen.query_one("#path", Input).value = str(path)
    await pilot.press("ctrl+r")
    await workers_done(app)
    await pilot.pause()


async def test_officer_imports_a_file_with_progress_and_rejects(db, officer):
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_import(app, pilot, "shopify-customers", FIXTURES / "shopify_customers.csv")
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "created 300" in summary and "rejected 3" in summary
        rejects = str(app.screen.query_one("#rejects", Static).render())
        assert "email and name are both missing" in rejects
        bar = app.screen.query_one("#progress", ProgressBar)
        assert bar.total and bar.progress == bar.total
    assert Customer.select().count() == 300


async def test_missing_columns_are_reported_not_crashed(db, officer):
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_import(app, pilot, "shopify-orders", FIXTURES / "shopify_customers.csv")
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "Nothing imported" in summary and "Lineitem name" in summary


async def test_support_cannot_open_the_import_screen(db, support):
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_navigate("import")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)


async def test_leaving_the_screen_while_importing_is_safe(db, officer):
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_navigate("import")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(FIXTURES / "shopify_customers.csv")
        await pilot.press("ctrl+r")
        app.action_navigate("register")
        await workers_done(app)
        await pilot.pause()
        assert app.is_running
        assert any("created 300" in str(n.message) for n in app.said)
    assert Customer.select().count() == 300


async def test_year_0001_rejects_its_order_and_the_console_carries_on(db, officer, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Name,Email,Created at,Total,Lineitem name\n"
        "#1,a@esimerkki.fi,0001-01-01 00:00:00 +0200,10.00,Kirja\n"
        "#2,b@esimerkki.fi,2026-02-01 12:00:00 +0200,10.00,Kirja\n"
    )
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_import(app, pilot, "shopify-orders", orders)
        assert app.is_running
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "created 1" in summary and "rejected 1" in summary
        rejects = str(app.screen.query_one("#rejects", Static).render())
        assert "line 2: Created at: is not a possible date" in rejects


async def test_a_fault_after_committed_rows_says_how_many_were_written(db, officer, tmp_path):
    rows = "".join(f"'{i},Aino,Lahti,a{i}@esimerkki.fi\n" for i in range(1, 13))
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "Customer ID,First Name,Last Name,Email\n" + rows + "'99,\"never closed\n" + "x,y\n" * 300
    )
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run_import(app, pilot, "shopify-customers", broken)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "Nothing imported" not in summary
        assert "Stopped part way: line 14: a quoted field is never closed" in summary
        assert "created 12" in summary
        assert any("after 12 records were written" in str(n.message) for n in app.said)
    assert Customer.select().count() == 12
