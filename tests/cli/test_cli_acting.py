"""The command line's trust model: who acted is the OS account of the real uid, never LOGNAME;
on the shared SSH account destructive commands need --as NAME with that person's password and
code from the terminal (#15)."""

from __future__ import annotations

import os
import pty
import pwd
import subprocess

import pyotp
import pytest

from finconsole.core.access import users
from finconsole.core.kernel.actor import Actor, os_user_name
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import runtime
from finconsole.core.store import db as db_mod
from tests.terminal_helpers import PROGRAM, clean_env, make_register, run_cli

ME = pwd.getpwuid(os.getuid()).pw_name
PASSWORD = "correct horse battery"


def cli(config, *args, env=None):
    return subprocess.run(
        [*PROGRAM, "--config", str(config), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=clean_env(env),
        timeout=120,
    )


def share_account(config, name: str = ME) -> None:
    data = config_mod.load(str(config)).data
    data["security"]["shared_os_account"] = name
    config_mod.write(config, data, force=True)


def add_staff(config, name: str, role: str) -> str:
    """An account made in-process; its TOTP secret."""
    loaded = config_mod.load(str(config))
    runtime.set_config(loaded)  # its key file encrypts the secret
    db_mod.connect(loaded.database_url)
    try:
        return users.create(Actor.cli(), name, role, PASSWORD).secret
    finally:
        db_mod.close()


def actors_of(config, action: str) -> list[str]:
    out = run_cli(config, "audit", "show", "--action", action, "--limit", "20")
    return [line.split()[3] + " " + line.split()[4] for line in out.stdout.splitlines()[1:]]


def test_the_actor_is_the_real_uid_never_logname(tmp_path, monkeypatch):
    monkeypatch.setenv("LOGNAME", "sanna")
    monkeypatch.setenv("USER", "sanna")
    assert os_user_name() == ME
    assert Actor.cli().username == f"cli:{ME}"
    config = make_register(tmp_path / "a", officer="kaj")
    out = cli(config, "backup", str(tmp_path / "x.db"), env={"LOGNAME": "sanna", "USER": "sanna"})
    assert out.returncode == 0, out.stderr
    assert actors_of(config, "backup") == [f"cli:{ME} cli"]


@pytest.fixture
def shared(tmp_path):
    config = make_register(tmp_path / "a", officer="kaj")
    share_account(config)
    return config


@pytest.mark.parametrize(
    "args",
    [
        ["erase", "1", "--yes"],
        ["merge", "1", "2", "--yes"],
        ["restore", "x.db", "--yes"],
        ["user", "disable", "kaj"],
        ["user", "unlock", "kaj"],
        ["user", "reset-totp", "kaj"],
        ["user", "add", "eero", "--role", "support", "--password-stdin"],
    ],
)
def test_on_the_shared_account_destructive_commands_need_as(shared, args):
    out = cli(shared, *args)
    assert out.returncode == 2, out.stderr
    assert "needs --as NAME" in out.stderr and len(out.stderr.splitlines()) == 1


def test_on_the_shared_account_reading_and_scheduled_commands_run(shared, tmp_path):
    assert cli(shared, "find", "x").returncode == 0
    assert cli(shared, "user", "list").returncode == 0
    assert cli(shared, "retention", "run").returncode == 0
    assert cli(shared, "erase", "1", "--preview").returncode != 2  # no customer 1: not usage


def test_the_first_officer_of_an_empty_register_needs_no_as(tmp_path):
    config = make_register(tmp_path / "a")
    share_account(config)
    out = subprocess.run(
        [
            *PROGRAM,
            "--config",
            str(config),
            "user",
            "add",
            "kaj",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr


def test_another_account_is_not_held_to_it(tmp_path):
    config = make_register(tmp_path / "a", officer="kaj")
    share_account(config, "finconsole-shared-account-not-me")
    assert cli(config, "user", "unlock", "kaj").returncode == 0


def test_as_without_a_terminal_is_a_usage_error(shared):
    out = cli(shared, "--as", "kaj", "user", "unlock", "kaj")
    assert out.returncode == 2 and "needs a terminal" in out.stderr


def run_as(config, name: str, password: str, code: str, *args: str) -> tuple[int, str]:
    """``finconsole --as NAME ARGS`` on a terminal, answering its two questions."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(
                PROGRAM[0], [*PROGRAM, "--config", str(config), "--as", name, *args], clean_env()
            )
        finally:
            os._exit(127)
    output = b""

    def read_until(needle: bytes) -> None:
        nonlocal output
        while needle not in output:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            output += chunk

    try:
        read_until(b"Password of")
        os.write(fd, password.encode() + b"\n")
        read_until(b"Code")
        os.write(fd, code.encode() + b"\n")
        read_until(b"\x00never")  # to the end of the output
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_as_checks_the_password_and_code_and_audits_the_person(shared):
    secret = add_staff(shared, "sanna", "officer")
    add_staff(shared, "eero", "support")
    code, output = run_as(
        shared, "sanna", PASSWORD, pyotp.TOTP(secret).now(), "user", "disable", "eero"
    )
    assert code == 0, output
    assert "disabled eero" in output
    assert actors_of(shared, "user_disabled") == ["sanna cli"]


def test_as_with_a_wrong_code_does_nothing(shared):
    add_staff(shared, "sanna", "officer")
    add_staff(shared, "eero", "support")
    code, output = run_as(shared, "sanna", PASSWORD, "000000", "user", "disable", "eero")
    assert code == 1 and "--as sanna: login failed" in output
    assert actors_of(shared, "user_disabled") == []


def test_as_a_support_account_gets_no_officer_power(shared):
    secret = add_staff(shared, "eero", "support")
    code, output = run_as(
        shared, "eero", PASSWORD, pyotp.TOTP(secret).now(), "user", "unlock", "kaj"
    )
    assert code == 1 and "permission denied" in output


def test_as_may_be_typed_after_the_command():
    from finconsole.cli.acting import hoist

    assert hoist(["erase", "42", "--as", "kaj", "--yes"]) == ["--as", "kaj", "erase", "42", "--yes"]
    assert hoist(["--config", "c", "user", "unlock", "x", "--as=kaj"]) == [
        "--as=kaj",
        "--config",
        "c",
        "user",
        "unlock",
        "x",
    ]
    assert hoist(["find", "anna"]) == ["find", "anna"]


def test_as_after_the_command_is_asked_for_too(shared):
    out = cli(shared, "user", "unlock", "kaj", "--as", "kaj")
    assert out.returncode == 2 and "needs a terminal" in out.stderr
