"""An exception that escapes every handler shows neither a traceback nor locals nor data; the
palette offers no Screenshot and no Theme."""

from __future__ import annotations

import stat

from textual import work
from textual.command import CommandPalette

from finconsole.core.settings import runtime
from finconsole.tui import crash
from finconsole.tui.app import FinconsoleApp

from .helpers import screen_text, settle, type_text

PASSWORD = "MySecretGuess5"
EMAIL = "secret.person@private.fi"
PHONE = "+358401112222"
SECRETS = (PASSWORD, EMAIL, PHONE, "Traceback", "password =")


def fail_with_data() -> None:
    row = {"email": EMAIL, "phone": PHONE}  # noqa: F841 - a local Textual would have printed
    password = PASSWORD  # noqa: F841
    raise ValueError(f"year 0 is out of range in {EMAIL}")


class CrashingApp(FinconsoleApp):
    @work(thread=True)
    def failing_worker(self) -> None:
        fail_with_data()

    def action_boom(self) -> None:
        fail_with_data()


def log_lines() -> list[str]:
    path = runtime.get_config().base_dir / crash.LOG_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text().splitlines()


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


async def test_a_failing_worker_is_one_log_line_and_a_message(sqlite_db, officer, capsys):
    app = CrashingApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        worker = app.failing_worker()
        for _ in range(100):  # not workers.wait_for_complete(): it re-raises the failure
            if worker.is_finished and app.said:
                break
            await pilot.pause(0.05)
        assert app.is_running and app.crash_message is None  # the console carries on
        told = [s.message for s in app.said if s.severity == "error"]
        assert len(told) == 1 and "the action was not completed" in told[0]
        assert_clean(screen_text(app))
        await pilot.press("f2")  # still usable
        await settle(app, pilot)
    (line,) = log_lines()
    assert "ValueError at tests/tui/test_crash.py" in line and "in fail_with_data" in line
    assert_clean(line)
    out = capsys.readouterr()
    assert_clean(out.out + out.err)


async def test_an_event_loop_exception_closes_with_one_line(sqlite_db, officer, capsys):
    app = CrashingApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.bind("ctrl+t", "boom")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert_clean(screen_text(app))
    assert app.return_code == 1
    assert app.crash_message and "internal error closed the console" in app.crash_message
    assert_clean(app.crash_message)
    (line,) = log_lines()
    assert "ValueError" in line and "error " in line
    assert_clean(line)
    out = capsys.readouterr()
    assert_clean(out.out + out.err)


def test_the_log_line_names_the_place_not_the_message():
    try:
        fail_with_data()
    except ValueError as exc:
        line = crash.log_line(exc, "abc123")
    assert "error abc123 ValueError at tests/tui/test_crash.py:" in line
    assert "\n" not in line
    assert_clean(line)


async def test_palette_has_no_screenshot_or_theme(sqlite_db, officer):
    app = FinconsoleApp(runtime.get_config(), actor=officer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Theme" not in titles and "Quit" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        for query in ("screens", "theme"):
            await type_text(pilot, query)
            await pilot.pause(0.3)
            text = screen_text(app)
            assert "Screenshot" not in text and "Change the current theme" not in text
            await pilot.press(*["backspace"] * len(query))
        app.action_screenshot()
        assert "Screenshots are off" in app.said[-1].message
