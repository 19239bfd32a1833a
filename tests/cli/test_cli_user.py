"""finconsole user ...: password input rules, set-up output, management commands."""

from __future__ import annotations

import io
import sys

import pytest

from finconsole.cli import commands_user, main
from finconsole.core.access import auth
from finconsole.core.access import credentials as cred
from finconsole.core.store.models import AuditEvent, User

PASSWORD = "kissa istuu puussa"


def run(config_file, *args, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["--config", str(config_file), "user", *args])


def test_add_with_password_stdin_prints_setup_once(config_file, monkeypatch, capsys, clock):
    code = run(
        config_file,
        "add",
        "anna",
        "--role",
        "support",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "otpauth://totp/finconsole:anna" in out and "Recovery codes" in out
    assert PASSWORD not in out
    secret = out.split("Secret: ")[1].split()[0]
    assert auth.login("anna", PASSWORD, cred.current_code(secret)).role == "support"
    assert AuditEvent.get(AuditEvent.action == "user_created").actor.startswith("cli:")


def test_add_without_terminal_or_flag_is_a_usage_error(config_file, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run(config_file, "add", "anna", "--role", "support") == 2
    assert "--password-stdin" in capsys.readouterr().err


def test_add_on_a_terminal_asks_twice(config_file, monkeypatch, capsys):
    monkeypatch.setattr(commands_user, "stdin_is_terminal", lambda: True)
    answers = iter([PASSWORD, "something else"])
    monkeypatch.setattr(commands_user.getpass, "getpass", lambda prompt: next(answers))
    assert run(config_file, "add", "anna", "--role", "support") == 1
    assert "do not match" in capsys.readouterr().err


def test_add_refuses_a_weak_password_without_echo(config_file, monkeypatch, capsys):
    code = run(
        config_file,
        "add",
        "anna",
        "--role",
        "officer",
        "--password-stdin",
        stdin="password1\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "password: is one of the most common" in err and "password1" not in err


def test_list_disable_unlock_reset(config_file, monkeypatch, capsys, clock):
    for name, role in (("kaj", "officer"), ("anna", "support")):
        run(
            config_file,
            "add",
            name,
            "--role",
            role,
            "--password-stdin",
            stdin=PASSWORD,
            monkeypatch=monkeypatch,
        )
    User.update(locked_until=clock.now().replace(tzinfo=None), failed_attempts=5).execute()
    capsys.readouterr()
    assert run(config_file, "unlock", "anna") == 0
    assert User.get(User.username == "anna").failed_attempts == 0
    assert run(config_file, "disable", "anna") == 0
    assert run(config_file, "reset-totp", "kaj") == 0
    assert "Secret: " in capsys.readouterr().out
    assert run(config_file, "list") == 0
    out = capsys.readouterr().out
    assert "anna" in out and "disabled" in out
    assert run(config_file, "disable", "nobody") == 1
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-3:] == ["account_unlocked", "user_disabled", "totp_reset"]


@pytest.mark.parametrize("bad", ["two words", "tab\tname"])
def test_bad_username_from_cli(config_file, monkeypatch, capsys, bad):
    assert (
        run(
            config_file,
            "add",
            bad,
            "--role",
            "support",
            "--password-stdin",
            stdin=PASSWORD,
            monkeypatch=monkeypatch,
        )
        == 1
    )
    assert "username" in capsys.readouterr().err
