import datetime as dt

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import Customer, Request
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.rights.export import ExportDialog
from finconsole.tui.screens.rights.request_detail import RequestDetailScreen
from finconsole.tui.screens.rights.request_form import RequestFormScreen
from finconsole.tui.screens.rights.requests import RequestsScreen
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.request_dialogs import ExtendDialog, TextDialog, VerifyDialog
from tests.tui.helpers import record_inquiry, settle


@pytest.fixture
def anna(db, officer, clock):
    return customers.create(
        officer, {"first_name": "Anna", "last_name": "Virtanen", "email": "anna@example.fi"}
    )


def verified(officer, customer_id, kind="objection", **kw):
    data = {
        "kind": kind,
        "objection_purpose": "marketing" if kind == "objection" else None,
        "channel": "email",
        "customer_id": customer_id,
        "identity_method": "order number and postcode",
        "identity_verified": True,
        "received_at": "2026-03-10",
    }
    data.update(kw)
    return requests.record(officer, data)


async def open_requests(app, pilot):
    await settle(app, pilot)
    await pilot.press("f4")
    await settle(app, pilot)
    assert isinstance(app.screen, RequestsScreen)
    return app.screen.query_one("#requests", DataTable)


async def type_into(pilot, app, selector, text):
    app.screen.query_one(selector, Input).focus()
    await pilot.pause()
    await pilot.press(*text)


async def test_support_records_phone_request_and_verifies(db, support, clock):
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_requests(app, pilot)
        assert table.row_count == 0
        assert app.screen.check_action("execute", ()) is False  # officer keys hidden
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)  # nothing opened
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestFormScreen)
        app.screen.query_one("#purpose", Select).value = "statistics"
        await type_into(pilot, app, "#subject", "Anna")
        await type_into(pilot, app, "#details", "stop")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert table.row_count == 1
        req = Request.get()
        assert (req.kind, req.objection_purpose, req.channel) == (
            "objection",
            "statistics",
            "phone",
        )
        assert req.created_by == "sanna" and req.customer_id is None
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, VerifyDialog)
        await type_into(pilot, app, "#method", "id ok")
        app.screen.query_one("#verified", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        req = Request.get()
        assert req.identity_verified and req.status == "in_progress"


async def test_form_shows_errors_and_writes_nothing(db, support, clock):
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_into(pilot, app, "#customer", "abc")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestFormScreen)
        # the message is under the field it is about, in words
        error = str(app.screen.query_one("#error-customer", Static).render())
        assert "must be a customer id" in error and "customer_id" not in error
        assert "check the fields" in str(app.screen.query_one("#error", Static).render())
        assert Request.select().count() == 0
        await pilot.press("escape")  # typed text: asked first
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)


async def test_officer_executes_objection(anna, officer, clock):
    verified(officer, anna["id"])
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_requests(app, pilot)
        assert table.row_count == 1 and "Virtanen" in str(table.get_row_at(0)[5])
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert Customer.get_by_id(anna["id"]).objection_marketing_at is not None
        assert Request.get().status == "done"
        assert table.row_count == 0


async def test_officer_executes_access_request_writing_letter(anna, officer, clock, tmp_path):
    verified(officer, anna["id"], kind="access")
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#lang", Select).value = "en"
        app.screen.query_one("#path", Input).value = str(tmp_path / "no-such-dir" / "a.txt")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)  # the error is shown, nothing closed
        assert "cannot write" in str(app.screen.query_one("#error", Static).render())
        assert Request.get().status == "in_progress"
        app.screen.query_one("#path", Input).value = str(tmp_path / "letter.txt")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert "Access request" in (tmp_path / "letter.txt").read_text()
        assert Request.get().status == "done"


async def test_refuse_needs_reason(anna, officer, clock):
    verified(officer, anna["id"], kind="erasure")
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Refusal reason: " in str(app.screen.query_one("#error", Static).render())
        await type_into(pilot, app, "#text", "debt")
        await pilot.press("enter")
        await settle(app, pilot)
        req = Request.get()
        assert req.status == "refused" and req.refusal_reason == "debt"


async def test_extend_and_detail(anna, officer, clock):
    verified(officer, anna["id"], kind="portability")
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ExtendDialog)
        await type_into(pilot, app, "#reason", "busy")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        req = Request.get()
        assert req.extended_until == dt.date(2026, 6, 10)
        assert req.extension_told_at == dt.date(2026, 3, 15)
        said = [s.message for s in app.said]
        assert f"{req.reference}: deadline extended to 2026-06-10" in said
        assert not any(m.endswith(": new") or m.endswith(": in progress") for m in said)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestDetailScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(".row"))
        assert "2026-06-10" in shown and "busy" in shown
        assert "Status:" in shown and "in progress" in shown  # words, as the list shows
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)


async def test_overdue_marked_in_words(db, officer, clock):
    requests.record(
        officer,
        {
            "kind": "access",
            "channel": "letter",
            "subject_description": "[bold]not markup[/]",
            "received_at": "2026-01-31",
        },
    )
    requests.record(
        officer,
        {
            "kind": "access",
            "channel": "letter",
            "subject_description": "B",
            "received_at": "2026-02-20",
        },
    )
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_requests(app, pilot)
        assert str(table.get_row_at(0)[0]) == "OVERDUE"
        assert str(table.get_row_at(0)[5]) == "[bold]not markup[/]"
        assert str(table.get_row_at(1)[0]) == "due soon"  # due 20 March
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "1 overdue" in summary and "1 due within a week" in summary


async def test_unverified_request_is_linked_before_execute(anna, officer, clock):
    requests.record(officer, {"kind": "access", "channel": "phone", "subject_description": "A"})
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)  # not verified: no dialog opened
        await pilot.press("l")
        await settle(app, pilot)
        await type_into(pilot, app, "#text", str(anna["id"]))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert Request.get().customer_id == anna["id"]


async def test_export_dialog_for_customer_screen(anna, officer, clock, tmp_path):
    from finconsole.tui.screens.rights.export import export_customer_dialog

    results = []
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(export_customer_dialog(officer, anna["id"]), results.append)
        await settle(app, pilot)
        app.screen.query_one("#format", Select).value = "json"
        await pilot.pause()
        path = app.screen.query_one("#path", Input)
        assert path.value.endswith(f"customer-{anna['id']}.json")
        path.value = str(tmp_path / "anna.json")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert results == [tmp_path / "anna.json"]
    assert '"last_name": "Virtanen"' in (tmp_path / "anna.json").read_text()


async def test_officer_sees_inquiry_tasks_above_requests(anna, officer, support, clock):
    from finconsole.core.store.models import Task
    from finconsole.tui.screens.transparency.tasks import TaskPanel

    record_inquiry(officer, anna["id"])
    verified(officer, anna["id"])
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_requests(app, pilot)
        await settle(app, pilot)
        panel = app.screen.query_one(TaskPanel)
        assert panel.display and len(panel.rows) == 1 and table.row_count == 1
        panel.query_one(DataTable).focus()
        await pilot.press("d")
        await settle(app, pilot)
        await settle(app, pilot)
        assert not panel.display  # nothing left to do: the panel gives its room back
    assert Task.select().where(Task.done_at.is_null()).count() == 0
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        assert not app.screen.query(TaskPanel)  # tasks are the officer's


async def test_a_second_save_while_saving_records_nothing_more(db, support, clock, monkeypatch):
    """ctrl+s pressed twice (or a key repeating) while the first save is still writing must
    not record the same request twice."""
    import time

    record = requests.record

    def slow_record(actor, values):
        time.sleep(0.3)  # a busy database: the second key press arrives meanwhile
        return record(actor, values)

    monkeypatch.setattr(requests, "record", slow_record)
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_requests(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_into(pilot, app, "#subject", "Anna")
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        # not settle(): the save worker ends by closing its own screen, which marks it
        # cancelled while it finishes, and wait_for_complete would raise that
        deadline = time.monotonic() + 15
        while not isinstance(app.screen, RequestsScreen) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause(0.5)  # time for any second save to write, if one had started
        assert isinstance(app.screen, RequestsScreen)
    assert Request.select().count() == 1
