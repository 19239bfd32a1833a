"""Finding and reaching: #id opens a customer from the search, result rows show the id at 80
columns, a task opens its customer, a request recorded from a customer says its reference."""

from finconsole.core.register import customers
from finconsole.tui.screens.register.customer import CustomerScreen
from finconsole.tui.screens.register.register import RegisterScreen
from finconsole.tui.screens.rights.request_form import RequestFormScreen
from finconsole.tui.screens.transparency.tasks import TasksScreen

from .helpers import make_app, record_inquiry, screen_text, settle, type_text, wait_until


def _annas(officer) -> list[int]:
    return [
        customers.create(
            officer,
            {
                "first_name": "Anna",
                "last_name": "Virtanen",
                "email": f"anna.virtanen{i}@hotmail.com",
                "phone": f"040 435 40{i}0",
            },
            {"street": f"Katu {i}", "postcode": "00100", "city": city},
        )["id"]
        for i, city in enumerate(("Turku", "Espoo", "Oulu"))
    ]


async def test_hash_id_opens_the_customer(db, officer, support):
    ids = _annas(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, f"#{ids[1]}")
        await wait_until(app, pilot, lambda: "Enter opens" in screen_text(app))
        await pilot.press("enter")
        await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert isinstance(app.screen, CustomerScreen) and app.screen.customer_id == ids[1]


async def test_rows_at_80_columns_tell_people_apart(db, officer, support):
    ids = _annas(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "virtanen anna")
        await wait_until(app, pilot, lambda: "3 matches" in screen_text(app))
        text = screen_text(app)
        for cid, city, end in zip(
            ids, ("Turku", "Espoo", "Oulu"), ("4354000", "4354010", "4354020")
        ):
            line = next(line for line in text.splitlines() if line.strip().startswith(str(cid)))
            assert city in line and end in line and "Virtanen, Anna" in line
        assert isinstance(app.screen, RegisterScreen)


async def test_phone_end_found_from_the_console(db, officer, support):
    ids = _annas(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "435 4010")
        await wait_until(app, pilot, lambda: "1 match" in screen_text(app))
        assert "Espoo" in screen_text(app) and str(ids[1]) in screen_text(app)


async def test_task_opens_its_customer(db, officer):
    ids = _annas(officer)
    record_inquiry(officer, ids[2])
    app = make_app(officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await wait_until(app, pilot, lambda: isinstance(app.screen, TasksScreen))
        await wait_until(app, pilot, lambda: "Tell customer" in screen_text(app))
        await pilot.press("o")
        await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert app.screen.customer_id == ids[2]


async def test_request_from_the_customer_screen_says_its_reference(db, officer, support):
    ids = _annas(officer)
    app = make_app(support)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_customer(ids[0])
        await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerScreen))
        await settle(app, pilot)
        await pilot.press("q")
        await wait_until(app, pilot, lambda: isinstance(app.screen, RequestFormScreen))
        await pilot.press("ctrl+s")
        await wait_until(app, pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert any(s.message.startswith("Recorded R-2") for s in app.said), app.said
