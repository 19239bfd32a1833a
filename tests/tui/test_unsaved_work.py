"""Typed work is never thrown away without asking, whatever closes the form; an inquiry saved
is a view (saving again records nothing); a mistaken inquiry is withdrawn from its list."""

from textual.widgets import Input

from finconsole.core.register import customers
from finconsole.core.store.models import AuthorityInquiry, Request, Task
from finconsole.tui.screens.register.register import RegisterScreen
from finconsole.tui.screens.rights.request_form import RequestFormScreen
from finconsole.tui.screens.rights.requests import RequestsScreen
from finconsole.tui.screens.transparency.disclosures import DisclosureForm, DisclosuresScreen
from finconsole.tui.screens.transparency.inquiries import InquiriesScreen
from finconsole.tui.screens.transparency.inquiry import InquiryScreen
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.forms.unsaved import QUESTION, unsaved_screens
from finconsole.tui.widgets.request_dialogs import TextDialog
from tests.tui.helpers import make_app, screen_text, settle, type_text, wait_until


async def _type(app, pilot, selector: str, text: str) -> None:
    app.screen.query_one(selector, Input).focus()
    await pilot.pause()
    await type_text(pilot, text)


async def _open(app, pilot, *steps: tuple[str, type]) -> None:
    """Press each key and wait for the screen it opens, then let the last one paint."""
    for key, screen_type in steps:
        await pilot.press(key)
        await wait_until(
            app, pilot, lambda screen_type=screen_type: isinstance(app.screen, screen_type)
        )
    await settle(app, pilot)


async def _asked(app, pilot) -> bool:
    await settle(app, pilot)
    return isinstance(app.screen, ConfirmDialog) and QUESTION in screen_text(app)


async def test_request_form_asks_on_escape_and_f12(db, support, clock):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _open(app, pilot, ("f4", RequestsScreen), ("n", RequestFormScreen))
        form = app.screen
        assert not form.has_unsaved_work()
        await _type(app, pilot, "#details", "stop the letters")
        assert form.has_unsaved_work() and unsaved_screens(app) == [form]
        await pilot.press("f12")  # log out
        assert await _asked(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is form and app.actor is not None
        await pilot.press("escape")
        assert await _asked(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is form
        await pilot.press("f2")  # a screen switch by F-key
        assert await _asked(app, pilot)
        await pilot.press("f3")  # another F-key while the question is open: answer it first
        assert await _asked(app, pilot)
        await pilot.press("y")
        await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert isinstance(app.screen, RegisterScreen)
    assert Request.select().count() == 0


async def test_untouched_form_closes_without_asking(db, support, clock):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _open(app, pilot, ("f4", RequestsScreen), ("n", RequestFormScreen))
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestsScreen)


async def test_disclosure_form_asks_on_escape(db, officer, clock):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _open(app, pilot, ("f7", DisclosuresScreen), ("n", DisclosureForm))
        await _type(app, pilot, "#recipient_name", "Perinta Oy")
        await pilot.press("escape")
        assert await _asked(app, pilot)
        await pilot.press("escape")  # Esc on the question keeps the form
        await settle(app, pilot)
        assert isinstance(app.screen, DisclosureForm)
        assert app.screen.query_one("#recipient_name", Input).value == "Perinta Oy"
        await pilot.press("escape", "y")
        await wait_until(app, pilot, lambda: isinstance(app.screen, DisclosuresScreen))
        assert isinstance(app.screen, DisclosuresScreen)


async def test_inquiry_form_asks_on_f2_and_back(db, officer, clock):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _open(app, pilot, ("f8", InquiryScreen))
        await _type(app, pilot, "#authority", "Poliisi")
        await pilot.press("f2")
        assert await _asked(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, InquiryScreen)
        assert app.screen.query_one("#authority", Input).value == "Poliisi"
        await pilot.press("escape")  # back
        assert await _asked(app, pilot)
        await pilot.press("y")
        await wait_until(app, pilot, lambda: isinstance(app.screen, RegisterScreen))
        assert isinstance(app.screen, RegisterScreen)


async def test_inquiry_saved_becomes_a_view_and_can_be_withdrawn(db, officer, clock):
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Koski"})["id"]
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await _open(app, pilot, ("f8", InquiryScreen))
        form = app.screen
        await _type(app, pilot, "#authority", "Poliisi")
        await _type(app, pilot, "#customer_ids", str(cid))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert AuthorityInquiry.select().count() == 1
        assert Task.select().count() == 1
        assert form.query_one("#authority", Input).disabled  # a view of what was recorded
        assert not form.has_unsaved_work()
        await _open(app, pilot, ("ctrl+b", InquiriesScreen))
        await pilot.press("w")
        await wait_until(app, pilot, lambda: isinstance(app.screen, TextDialog))
        await type_text(pilot, "recorded by mistake")
        await _open(app, pilot, ("ctrl+s", InquiriesScreen))
        assert "Poliisi    WITHDRAWN" in screen_text(app)
        assert AuthorityInquiry.get().withdrawal_reason == "recorded by mistake"
        assert Task.get().done_at is not None
        await pilot.press("o")  # its customer
        await wait_until(app, pilot, lambda: "Koski" in screen_text(app))
        assert "Koski" in screen_text(app)


async def test_a_dialog_with_a_typed_reason_asks_too(db, officer, clock):
    from finconsole.core.rights import requests

    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Koski"})["id"]
    requests.record(officer, {"kind": "access", "channel": "email", "customer_id": cid})
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await wait_until(app, pilot, lambda: "R-2026-0001" in screen_text(app))
        await pilot.press("r")  # refuse: a reason to type
        await wait_until(app, pilot, lambda: isinstance(app.screen, TextDialog))
        await type_text(pilot, "manifestly unfounded")
        await pilot.press("escape")
        assert await _asked(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, TextDialog)
        assert app.screen.query_one("#text", Input).value == "manifestly unfounded"
