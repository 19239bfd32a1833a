"""Pilot: who is logged in shows on every screen; ctrl+l locks at once; ctrl+q asks when a
form holds typed text; quitting, a hang-up and the session's end each write their audit event."""

from __future__ import annotations

from textual.widgets import Input

from finconsole.core.store.models import AuditEvent
from finconsole.tui.screens.access.lock import LockScreen
from finconsole.tui.screens.register.customer_edit import CustomerForm
from finconsole.tui.screens.register.register import RegisterScreen
from finconsole.tui.screens.transparency.inquiry import InquiryScreen
from finconsole.tui.widgets.confirm import ConfirmDialog

from .helpers import make_app, screen_text, settle, type_text, wait_until


def actions() -> list[str]:
    return [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]


def bottom(app) -> str:
    return screen_text(app).splitlines()[-1]


async def open_customer_form(app, pilot) -> CustomerForm:
    await settle(app, pilot)
    await pilot.press("ctrl+n")
    assert await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerForm))
    return app.screen


async def test_who_is_logged_in_shows_on_every_screen(db, support, officer):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert bottom(app).rstrip().endswith("sanna · support")
        await pilot.press("f3")
        await settle(app, pilot)
        assert bottom(app).rstrip().endswith("sanna · support")
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        assert bottom(app).rstrip().endswith("kaj · officer")


async def test_ctrl_l_locks_at_once_even_inside_a_form(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_customer_form(app, pilot)
        form.query(Input).first().focus()
        await pilot.press("ctrl+l")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.locked and "Console locked by its user" in screen_text(app)
        assert "session_locked" in actions()
        await pilot.press("ctrl+l")  # locked: nothing more happens
        await pilot.pause()
        assert isinstance(app.screen, LockScreen) and len(app.screen_stack) == 4


async def test_ctrl_q_asks_when_a_form_holds_typed_text(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_customer_form(app, pilot)
        form.query(Input).first().focus()
        await type_text(pilot, "Taro")
        await pilot.press("ctrl+q")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "did not save" in screen_text(app)
        await pilot.press("n")  # stay: the text is still there, nobody logged out
        assert await wait_until(app, pilot, lambda: app.screen is form)
        assert form.has_unsaved_work() and app.actor is not None
        assert "logout_quit" not in actions()
        await pilot.press("ctrl+q")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await pilot.pause()
    assert actions()[-1] == "logout_quit"


async def test_ctrl_q_at_the_question_quits(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_customer_form(app, pilot)
        form.query(Input).first().focus()
        await type_text(pilot, "Taro")
        await pilot.press("ctrl+q")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert actions()[-1] == "logout_quit" and app.actor is None


async def test_ctrl_q_without_typed_text_quits_at_once_and_audits(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_customer_form(app, pilot)
        assert not form.has_unsaved_work()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert app.actor is None and actions()[-1] == "logout_quit"


async def test_a_form_of_its_own_kind_says_it_holds_typed_text(db, officer):
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f8")
        assert await wait_until(app, pilot, lambda: isinstance(app.screen, InquiryScreen))
        await settle(app, pilot)
        assert not app.unsaved_work()
        app.screen.query(Input).first().focus()
        await type_text(pilot, "Poliisi")
        assert app.unsaved_work()


async def test_hangup_writes_its_event_before_returning(db, support):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.end_session("hangup")  # what the SIGHUP handler calls, then exits
        assert actions()[-1] == "logout_hangup" and app.actor is None
        app.end_session("hangup")  # twice (a hang-up during quit): one event
        assert actions().count("logout_hangup") == 1


async def test_the_sessions_end_and_f12_are_audited(db, support, clock):
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RegisterScreen)
        clock.advance(hours=12)
        app.check_session()
        await settle(app, pilot)
        assert app.actor is None and actions()[-1] == "session_expired"


async def test_sighup_ends_the_session_with_its_event(db, support, monkeypatch):
    """The console's SIGHUP handler (tui/run.py) writes logout_hangup, then exits."""
    import os
    import signal

    from finconsole.tui.run import HANGUP_STATUS, install_exit_signals, restore_signals

    # the watchdog that ends a console whose exit hangs would end the test's process too
    monkeypatch.setattr("finconsole.tui.run.EXIT_GRACE_SECONDS", 3600.0)
    app = make_app(support)
    ended_by: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        previous = install_exit_signals(app, ended_by)
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            await wait_until(app, pilot, lambda: not app.is_running or app.actor is None)
        finally:
            restore_signals(previous)
    assert ended_by == [signal.SIGHUP]
    assert actions()[-1] == "logout_hangup"
    assert app.return_code == HANGUP_STATUS
