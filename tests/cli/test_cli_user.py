"""finconsole user ...: password input rules, set-up output, management commands."""

from __future__ import annotations

import io
import sys

import pytest

from finconsole.cli import main
from finconsole.core.access import auth, enrolment
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


def enrolment_code(out: str) -> str:
    return out.split("Enrolment code for ")[1].split(": ")[1].split()[0]


def test_add_prints_a_one_time_enrolment_code_and_no_secret(config_file, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal: nothing is asked
    assert run(config_file, "add", "Sanna", "--role", "support") == 0
    out = capsys.readouterr().out
    assert "created support account sanna: enrolment pending" in out
    assert "otpauth" not in out and "Secret" not in out and "Recovery" not in out
    code = enrolment_code(out)
    assert enrolment.looks_like_code(code)
    setup = enrolment.start("sanna", code)  # the person, at the console
    _, codes = enrolment.complete(
        "sanna", code, PASSWORD, setup.secret, cred.current_code(setup.secret)
    )
    assert auth.login("SANNA", PASSWORD, codes[0]).username == "sanna"
    assert run(config_file, "list") == 0
    assert "active" in capsys.readouterr().out


def test_list_shows_pending_and_expired_enrolments(config_file, monkeypatch, capsys, clock):
    assert run(config_file, "add", "sanna", "--role", "support") == 0
    assert run(config_file, "list") == 0
    assert "enrolling" in capsys.readouterr().out
    clock.advance(hours=73)
    assert run(config_file, "list") == 0
    assert "enrolment expired" in capsys.readouterr().out
    assert run(config_file, "reset-totp", "sanna") == 0  # a new code for an expired one
    code = enrolment_code(capsys.readouterr().out)
    enrolment.start("sanna", code)


def test_add_twice_is_one_line_and_exit_1(config_file, capsys):
    assert run(config_file, "add", "sanna", "--role", "support") == 0
    capsys.readouterr()
    assert run(config_file, "add", "SANNA", "--role", "officer") == 1
    err = capsys.readouterr().err
    assert "already exists" in err and len(err.strip().splitlines()) == 1


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
    out = capsys.readouterr().out
    assert "Enrolment code for kaj: " in out and "Secret" not in out
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
