"""Shared helpers for CLI tests."""

from finconsole.cli import main


def run(capsys, *argv):
    """Run the CLI in this process; its exit code and what it printed."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
