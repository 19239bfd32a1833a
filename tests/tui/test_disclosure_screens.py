from textual.widgets import DataTable, Input, Select, Static

from finconsole.core.register import customers
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import Disclosure, Task
from finconsole.core.transparency import tasks
from finconsole.tui.app import FinconsoleApp
from finconsole.tui.screens.transparency.disclosures import DisclosureForm, DisclosuresScreen
from finconsole.tui.screens.transparency.inquiry import InquiryScreen
from finconsole.tui.screens.transparency.notice import NoticeScreen
from finconsole.tui.screens.transparency.tasks import TasksScreen
from tests.tui.helpers import settle as _settle


def _fill(screen, **values):
    for name, value in values.items():
        widget = screen.query_one(f"#{name}")
        widget.value = value


async def test_record_disclosure_refused_then_allowed(db, officer, clock):
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "[b]Koski[/]"})["id"]
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await _settle(app, pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        await pilot.press("n")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, DisclosureForm)
        _fill(
            form,
            customer_id=str(cid),
            recipient_name="Perintä Oy",
            data_fields="first_name, last_name",
            customer_told_at="2026-03-02",
        )
        assert form.query_one("#recipient_kind", Select).value == "debt_collection"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "the customer is told first" in str(form.query_one("#rule", Static).render())
        error = str(form.query_one("#error-disclosed_at", Static).render())
        assert "at least 14 days" in error and "(it is 13)" in error
        assert Disclosure.select().count() == 0
        _fill(form, customer_told_at="1.3.2026")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, DisclosuresScreen)
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert "Perintä Oy" in str(table.get_row_at(0)[1])
        detail = str(app.screen.query_one("#detail", Static).render())
        assert "Customer told 2026-03-01" in detail and "customer.last_name" in detail


async def test_authority_without_court_order_shows_rule(db, officer, clock):
    cid = customers.create(officer, {"first_name": "Eino", "last_name": "Testi"})["id"]
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DisclosureForm(customer_id=cid))
        await _settle(app, pilot)
        form = app.screen
        _fill(form, recipient_name="Poliisi", data_fields="email", recipient_kind="authority")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "court order" in str(form.query_one("#rule", Static).render())
        assert "court's legally binding order" in str(
            form.query_one("#error-court_case_number", Static).render()
        )
        await pilot.press("escape")
        await _settle(app, pilot)
        assert not isinstance(app.screen, DisclosureForm)


async def test_inquiry_creates_tasks_marked_done_on_tasks_screen(db, officer, clock):
    ids = [
        customers.create(officer, {"first_name": n, "last_name": "Testi"})["id"]
        for n in ("Aino", "Eino")
    ]
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InquiryScreen)
        _fill(screen, authority="Poliisi", scope="one", customer_ids=f"{ids[0]},{ids[1]}")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "exactly one" in str(screen.query_one("#error-customer_ids", Static).render())
        _fill(screen, scope="several", reference="PO-1")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "2 tasks created" in str(screen.query_one("#inquiry-status", Static).render())
        assert Task.select().count() == 2

        await pilot.press("f6")
        await _settle(app, pilot)
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("d")
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert table.row_count == 1
        assert len(tasks.open_tasks(officer)) == 1


async def test_notice_screen_switches_language_and_saves(db, officer, tmp_path):
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, NoticeScreen)
        assert "REKISTERINPITÄJÄ" in screen.text
        await pilot.press("l")
        assert "PERSONUPPGIFTSANSVARIG" in screen.text
        assert "Dataombudsmannens byrå" in screen.text
        await pilot.press("l")
        assert "CONTROLLER" in screen.text and "Office of the Data Protection" in screen.text
        await pilot.press("r")
        assert "Record of processing" in screen.text
        await pilot.press("s")
        await _settle(app, pilot)
        target = tmp_path / "record.txt"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert target.read_text() == screen.text


async def test_support_cannot_open_officer_screens(db, support):
    app = FinconsoleApp(Config(defaults(), None), actor=support)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f6", "f7", "f8", "f9"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(
                app.screen, (TasksScreen, DisclosuresScreen, InquiryScreen, NoticeScreen)
            )


async def test_recorded_inquiries_are_listed_with_their_detail(db, officer, clock):
    from finconsole.core.transparency import inquiries
    from finconsole.tui.screens.transparency.inquiries import InquiriesScreen

    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Testi"})["id"]
    for reference, description in (("PO-1", "first question"), ("PO-2", "order history")):
        inquiries.record(
            officer,
            {
                "authority": "Helsingin poliisilaitos",
                "received_at": "2026-03-14",
                "scope": "one",
                "reference": reference,
                "description": description,
                "customer_ids": [cid],
            },
        )
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        await pilot.press("ctrl+l")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, InquiriesScreen)
        assert screen.query_one(DataTable).row_count == 2
        detail = str(screen.query_one("#inquiry-detail", Static).render())
        assert "order history" in detail and "Helsingin poliisilaitos" in detail  # newest first
        await pilot.press("down")
        await pilot.pause()
        assert "first question" in str(screen.query_one("#inquiry-detail", Static).render())
        await pilot.press("escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, InquiryScreen)


async def test_inquiry_saved_once_however_often_ctrl_s_is_pressed(db, officer, clock, monkeypatch):
    import time

    from finconsole.core.store.models import AuthorityInquiry
    from finconsole.core.transparency import inquiries

    record = inquiries.record

    def slow_record(actor, data):
        time.sleep(0.3)  # a busy database: the next key presses arrive meanwhile
        return record(actor, data)

    monkeypatch.setattr(inquiries, "record", slow_record)
    someone = customers.create(officer, {"first_name": "Aino", "last_name": "Testi"})["id"]
    app = FinconsoleApp(Config(defaults(), None), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        _fill(app.screen, authority="Poliisi", scope="one", customer_ids=str(someone))
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")
        await _settle(app, pilot)
        await pilot.press("ctrl+s")  # once the first save is done, saving again is allowed
        await _settle(app, pilot)
    assert AuthorityInquiry.select().count() == 2
