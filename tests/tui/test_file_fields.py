"""The console's file fields start in the account's files folder: imports are offered from
inbox/, what the console writes goes to outbox/, and the whole path is always said (#15)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from textual.widgets import Input, Static

from finconsole.core.store.models import Customer
from finconsole.core.transfer.folder import files_folder
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.imports.import_screen import ImportScreen
from finconsole.tui.screens.transparency.notice import NoticeScreen, SavePathDialog
from tests.tui.helpers import settle

FIXTURES = Path(__file__).parent.parent / "fixtures"


async def test_the_import_field_offers_the_newest_inbox_file(db, officer, runtime_config):
    inbox = files_folder(runtime_config).ensure().inbox
    shutil.copy(FIXTURES / "shopify_orders.csv", inbox / "older.csv")
    os.utime(inbox / "older.csv", (1_600_000_000, 1_600_000_000))
    shutil.copy(FIXTURES / "shopify_customers.csv", inbox / "customers.csv")
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_navigate("import")
        await settle(app, pilot)
        assert isinstance(app.screen, ImportScreen)
        path = app.screen.query_one("#path", Input)
        assert path.value == str(inbox / "customers.csv")  # whole path, newest first
        listing = str(app.screen.query_one("#inbox", Static).render())
        assert str(inbox) in listing and "customers.csv, older.csv" in listing
        await pilot.press("ctrl+r")
        await settle(app, pilot)
    assert Customer.select().count() == 300


async def test_a_bare_name_is_taken_from_the_inbox(db, officer, runtime_config):
    inbox = files_folder(runtime_config).ensure().inbox
    shutil.copy(FIXTURES / "shopify_customers.csv", inbox / "c.csv")
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_navigate("import")
        await settle(app, pilot)
        app.screen.query_one("#path", Input).value = "c.csv"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
    assert Customer.select().count() == 300


async def test_an_empty_inbox_says_how_to_fill_it(db, officer, runtime_config):
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_navigate("import")
        await settle(app, pilot)
        listing = str(app.screen.query_one("#inbox", Static).render())
        assert "is empty" in listing and "sftp" in listing
        assert app.screen.query_one("#path", Input).value == ""


async def test_a_saved_document_goes_to_the_outbox_and_the_whole_path_is_said(
    db, officer, runtime_config
):
    outbox = files_folder(runtime_config).outbox
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_navigate("notice")
        await settle(app, pilot)
        assert isinstance(app.screen, NoticeScreen)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SavePathDialog)
        field = app.screen.query_one(Input)
        assert field.value == str(outbox / "register_description_fi.txt")
        field.value = "mine.txt"  # a bare name: into the outbox too
        await pilot.press("enter")
        await settle(app, pilot)
    assert (outbox / "mine.txt").read_text().strip()
    assert any(s.message == f"Saved to {outbox / 'mine.txt'}" for s in app.said)


async def test_the_export_dialog_writes_to_the_outbox(db, officer, runtime_config, clock):
    from finconsole.core.register import customers
    from finconsole.tui.screens.rights.export import export_customer_dialog

    anna = customers.create(officer, {"first_name": "Anna", "last_name": "Virtanen"})
    outbox = files_folder(runtime_config).outbox
    results = []
    app = FinconsoleApp(runtime_config, actor=officer)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.push_screen(export_customer_dialog(officer, anna["id"]), results.append)
        await settle(app, pilot)
        path = app.screen.query_one("#path", Input)
        assert path.value == str(outbox / f"customer-{anna['id']}.txt")
        await pilot.press("ctrl+s")
        for _ in range(100):  # the write runs in a worker: wait for its answer
            await settle(app, pilot)
            if results:
                break
    assert results == [outbox / f"customer-{anna['id']}.txt"]
    assert "Virtanen" in results[0].read_text()
