"""Opening the console must stay lean: no command module, no service of another area."""

import subprocess
import sys

from finconsole.cli import console_config


def test_console_arguments_are_recognised():
    assert console_config([]) == (True, None)
    assert console_config(["--config", "x.toml"]) == (True, "x.toml")
    assert console_config(["--config=x.toml"]) == (True, "x.toml")
    assert console_config(["find", "anna"])[0] is False
    assert console_config(["--config", "x.toml", "find", "anna"])[0] is False
    assert console_config(["--config"])[0] is False  # argparse says what is missing
    assert console_config(["--help"])[0] is False


def test_importing_the_console_loads_no_command_module():
    code = (
        "import sys, finconsole.cli, finconsole.tui.app, finconsole.tui.screens.register.register\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('finconsole.cli.commands')"
        " or m == 'phonenumbers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_login_screen_is_painted_before_the_database_driver_is_loaded():
    code = (
        "import sys, finconsole.cli, finconsole.tui.run, finconsole.tui.app,"
        " finconsole.tui.screens.access.login\n"
        "print(','.join(sorted(m for m in ('peewee', 'argon2', 'cryptography', 'psycopg2')"
        " if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_an_interactive_ssh_session_opens_the_console_the_fast_way(monkeypatch):
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    assert console_config(["--config", "x.toml", "ssh-session"]) == (True, "x.toml")
    assert console_config(["ssh-session"]) == (True, None)
    assert console_config(["ssh-session", "--who", "sanna"])[0] is False  # parsed as usual
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "internal-sftp")
    assert console_config(["--config", "x.toml", "ssh-session"])[0] is False
