"""deploy/ and the README's SSH section say the same thing, and the sshd test runs it (#15)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from finconsole.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PROGRAM = "/opt/finconsole/venv/bin/finconsole"
CONFIG = "/var/lib/finconsole/config.toml"


def directives(text: str) -> list[str]:
    """The lines of the ``Match User finconsole`` block, comments left out."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("Match User finconsole")
    block = []
    for line in lines[start + 1 :]:
        if not line or line.startswith("```"):
            break
        if not line.startswith("#"):
            block.append(line)
    return block


def test_the_readme_shows_the_sshd_block_of_deploy():
    readme = (ROOT / "README.md").read_text()
    shipped = directives((DEPLOY / "sshd_finconsole.conf").read_text())
    assert directives(readme) == shipped
    assert f"ForceCommand {PROGRAM} --config {CONFIG} ssh-session" in shipped


def test_the_sshd_test_runs_the_same_directives():
    test = (ROOT / "tests" / "cli" / "test_sshd_deployment.py").read_text()
    for line in directives((DEPLOY / "sshd_finconsole.conf").read_text()):
        name = line.split()[0]
        if name in ("PasswordAuthentication", "AllowStreamLocalForwarding", "PermitUserRC"):
            continue  # set globally there (or harmless to leave out on a loopback test)
        assert re.search(rf"^\s*{name} ", test, re.M), name


def test_the_timers_run_real_commands_as_the_account():
    parser = build_parser()
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.stem for u in units} == {
        "finconsole-backup",
        "finconsole-retention",
        "finconsole-outbox",
    }
    for unit in units:
        cp = configparser.ConfigParser(interpolation=None, strict=False)
        cp.read(unit)
        service = cp["Service"]
        assert service["User"] == "finconsole" and CONFIG in service["Environment"]
        assert (DEPLOY / "systemd" / f"{unit.stem}.timer").exists()
        line = service["ExecStart"].split(PROGRAM, 1)[1]
        command = re.sub(r"\$\([^)]*\)", "DATE", line).replace('"', "").strip("' ").split()
        parser.parse_args(command)  # exits (SystemExit) on a command the CLI does not know
