"""The console needs a terminal, and never outlives its session (issue #15)."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from finconsole.tui import run
from tests.terminal_helpers import (
    PROGRAM,
    PtyConsole,
    clean_env,
    make_register,
    new_marker,
    processes_with,
)

LOGIN_TEXT = b"Password"


@pytest.fixture
def config(tmp_path):
    return make_register(tmp_path, officer="kaj")


def test_without_a_terminal_the_console_says_so_in_one_line_and_exits_2(config):
    marker = new_marker()
    out = subprocess.run(
        [*PROGRAM, "--config", str(config)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=clean_env(marker=marker),
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stdout == b""  # no escape codes drawn into the pipe
    lines = out.stderr.decode().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0]
    assert processes_with(marker) == []


def test_a_terminal_on_stdin_alone_is_not_enough(config):
    # `ssh host ls` with a pty on stdin only, or `finconsole > file`: still refused
    primary, secondary = os.openpty()
    try:
        out = subprocess.run(
            [*PROGRAM, "--config", str(config)],
            stdin=secondary,
            capture_output=True,
            env=clean_env(),
            timeout=60,
        )
    finally:
        os.close(primary)
        os.close(secondary)
    assert out.returncode == 2 and out.stdout == b""


def test_the_bypass_is_one_environment_variable(monkeypatch):
    monkeypatch.delenv(run.BYPASS_VARIABLE, raising=False)
    # pytest captures stdout: no terminal here
    with pytest.raises(run.NoTerminal):
        run.require_terminal()
    monkeypatch.setenv(run.BYPASS_VARIABLE, "1")
    run.require_terminal()


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(lambda c: os.kill(c.pid, signal.SIGHUP), id="hang-up"),
        pytest.param(lambda c: os.kill(c.pid, signal.SIGTERM), id="terminate"),
        pytest.param(lambda c: os.close(c.fd), id="terminal-closed"),
    ],
)
def test_a_console_on_a_terminal_ends_with_its_session(config, end):
    marker = new_marker()
    console = PtyConsole(config, marker)
    try:
        assert console.read_until(LOGIN_TEXT), console.output[-500:]
        end(console)
        status = console.wait()
        assert status is not None, "the console kept running after its session ended"
        # it exited itself (status 129), not killed by the signal's default action
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == run.HANGUP_STATUS
        assert processes_with(marker) == []
    finally:
        console.close()


def test_the_watchdog_ends_a_process_that_does_not_finish_its_exit():
    code = (
        "import time\n"
        "from finconsole.tui.run import start_watchdog\n"
        "start_watchdog(0.2)\n"
        "time.sleep(60)\n"
    )
    out = subprocess.run([PROGRAM[0], "-c", code], timeout=30)
    assert out.returncode == run.HANGUP_STATUS


async def test_an_empty_register_over_ssh_gets_no_first_run_setup(db, clock, monkeypatch):
    from finconsole.core.settings import runtime
    from finconsole.tui.app import FinconsoleApp
    from finconsole.tui.session import FirstRunRefused
    from tests.tui.helpers import settle

    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50000 192.0.2.1 22")
    app = FinconsoleApp(runtime.get_config(), connect=lambda: None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
    assert isinstance(app.startup_error, FirstRunRefused)
    assert "finconsole user add NAME --role officer" in str(app.startup_error)
    assert app.return_code == 1


def test_over_ssh_an_empty_register_is_one_line_telling_what_to_run_locally(tmp_path):
    config = make_register(tmp_path)  # no account yet
    console = PtyConsole(
        config, new_marker(), extra_env={"SSH_CONNECTION": "127.0.0.1 1 127.0.0.1 22"}
    )
    try:
        status = console.wait(timeout=60)
        assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1
        assert b"user add NAME --role officer" in console.output
        assert b"First run" not in console.output
    finally:
        console.close()
