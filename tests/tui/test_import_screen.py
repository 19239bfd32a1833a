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
