"""An officer's console start completes erasures whose hold has ended; support's does not."""

import datetime as dt

from finconsole.core.erasure import erasure
from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import Customer, Order

from .helpers import make_app, settle


def _held_erasure(officer) -> int:
    person = customers.create(officer, {"first_name": "Hilma", "last_name": "Pidätetty"})
    orders.create(
        officer,
        person["id"],
        {"order_number": "FS-77", "invoice_status": "paid", "ordered_at": dt.datetime(2026, 1, 5)},
    )
    assert erasure.erase(officer, person["id"]).status == "partial"
    return person["id"]


async def test_officer_start_completes_due_erasures(db, officer, support, clock):
    customer_id = _held_erasure(officer)
    clock.advance(days=365 * 8)  # the Accounting Act hold (6 years after the year) has ended
    for actor, survives in ((support, True), (officer, False)):
        app = make_app(None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            app.start_session(actor)
            await settle(app, pilot, rounds=5)
        assert Order.select().where(Order.order_number == "FS-77").exists() is survives
        assert (Customer.get_or_none(Customer.id == customer_id) is not None) is survives


async def test_the_start_says_what_retention_did_in_words(db, officer, clock):
    """The officer saw "Retention: purge_tracking_events: 6" on logging in."""
    _held_erasure(officer)
    clock.advance(days=365 * 8)
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.start_session(officer)
        await settle(app, pilot, rounds=5)
        said = [str(n.message) for n in app.said]
    assert "Retention: 1 held erasure completed." in said


async def test_the_start_names_pending_erasures_and_finishes_them(
    sqlite_db, officer, clock, tmp_path
):
    """An erasure a reader kept from the WAL's checkpoint: the officer's start says so, retries
    in the background, and says when it is done."""
    import time

    from peewee import sqlite3

    from finconsole.core.store import permanence
    from finconsole.tui.widgets import permanence_watch

    person = customers.create(officer, {"first_name": "Wilma", "last_name": "Luku"})
    reader = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchone()  # an older snapshot
    assert not erasure.erase(officer, person["id"]).permanent
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_session(officer)
        said = lambda text: any(text in str(n.message) for n in app.said)  # noqa: E731
        deadline = time.monotonic() + 30
        while not said("1 erasure(s) not yet permanent") and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert said("1 erasure(s) not yet permanent")
        reader.execute("COMMIT")
        reader.close()
        deadline = time.monotonic() + 30
        while not said(permanence_watch.DONE_TEXT) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert said(permanence_watch.DONE_TEXT)
    assert permanence.pending() == 0


async def test_a_busy_register_is_one_line_and_retention_runs_later(
    sqlite_db, officer, clock, tmp_path, monkeypatch
):
    """Another writer (an import) holds the write lock through the whole run: the start says
    so in one line, not an error per job, and runs retention again later, which completes."""
    import time

    from peewee import sqlite3

    from finconsole.core.erasure import retention
    from finconsole.tui.app import FinconsoleApp

    customer_id = _held_erasure(officer)
    clock.advance(days=365 * 8)
    monkeypatch.setattr(retention, "BUSY_SECONDS", 0.2)
    monkeypatch.setattr(erasure, "BUSY_SECONDS", 0.2)
    monkeypatch.setattr(FinconsoleApp, "RETENTION_RETRY_SECONDS", 0.5)
    # new connections wait 100 ms for the lock, not 5 s
    pragmas = [(k, 100 if k == "busy_timeout" else v) for k, v in sqlite_db._pragmas]
    monkeypatch.setattr(sqlite_db, "_pragmas", pragmas)
    writer = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    app = make_app(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_session(officer)
        lines = lambda: [str(n.message) for n in app.said if "etention" in str(n.message)]  # noqa: E731
        deadline = time.monotonic() + 30
        while not lines() and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert len(lines()) == 1 and lines()[0].startswith("Retention waits:")
        writer.execute("ROLLBACK")
        writer.close()
        deadline = time.monotonic() + 30
        while len(lines()) < 2 and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await settle(app, pilot)
        assert lines()[1:] == ["Retention: 1 held erasure completed."]
    assert Customer.get_or_none(Customer.id == customer_id) is None
