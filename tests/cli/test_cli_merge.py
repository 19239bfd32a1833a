"""finconsole merge KEEP OTHER [--yes]."""

import pytest

from finconsole.cli import context as context_mod
from finconsole.cli import main
from finconsole.core.register import customers
from finconsole.core.store.models import Customer, Order
from tests.factories import add_order


@pytest.fixture
def terminal(monkeypatch):
    def set_terminal(is_tty: bool, answer: str = "yes"):
        monkeypatch.setattr(context_mod, "stdin_is_terminal", lambda: is_tty)
        monkeypatch.setattr("builtins.input", lambda prompt: answer)

    set_terminal(False)
    return set_terminal


def run(config_file, *args):
    return main(["--config", str(config_file), *args])


def _two(officer):
    data = {"first_name": "Anna", "last_name": "Virtanen", "email": "a@example.fi"}
    keep = customers.create(officer, data)["id"]
    other = customers.create(officer, data, allow_duplicate=True)["id"]
    customers.set_objection(officer, other, "marketing", True)
    add_order(other, "W-77")
    return keep, other


def test_merge_needs_yes_without_terminal(db, config_file, officer, clock, capsys, terminal):
    keep, other = _two(officer)
    assert run(config_file, "merge", str(keep), str(other)) == 2
    assert "--yes" in capsys.readouterr().err
    terminal(True, "no")
    assert run(config_file, "merge", str(keep), str(other)) == 1
    assert Customer.select().count() == 2
    assert run(config_file, "merge", str(keep), str(other), "--yes") == 0
    out = capsys.readouterr().out
    assert f"customer {other} merged into {keep}: moved 1 orders" in out
    assert "objections of customer" in out and "marketing" in out
    assert Order.get(Order.order_number == "W-77").customer_id == keep
    assert not Customer.select().where(Customer.id == other).exists()


def test_merge_errors_are_one_line(db, config_file, officer, clock, capsys, terminal):
    keep, _ = _two(officer)
    assert run(config_file, "merge", str(keep), str(keep), "--yes") == 1
    err = capsys.readouterr().err
    assert "merged into itself" in err and "Traceback" not in err
    assert run(config_file, "merge", str(keep), "424242", "--yes") == 1
    assert "no customer with id 424242" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse's usage error
        run(config_file, "merge", "x", "1")
    assert usage.value.code == 2
