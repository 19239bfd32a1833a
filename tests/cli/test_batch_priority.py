"""Imports and retention runs ask for their batch niceness ([batch] nice of their config)
before they work; the console-facing commands do not."""

import pytest

from finconsole.cli import main
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import priority, runtime

from .test_cli_import import FIXTURES


@pytest.fixture
def asked(config_file, monkeypatch):
    data = config_mod.load(str(config_file)).data
    data["batch"]["nice"] = 7
    config_mod.write(config_file, data, force=True)
    seen: list[int] = []  # [batch] nice in force each time a command asked for it
    monkeypatch.setattr(
        priority, "run_as_batch", lambda: seen.append(runtime.settings("batch")["nice"]) or 7
    )
    return seen


def test_import_asks_for_the_configured_niceness(config_file, asked):
    source = FIXTURES / "woocommerce_customers.csv"
    code = main(["--config", str(config_file), "import", "woocommerce-customers", str(source)])
    assert code == 3 and asked == [7]


def test_retention_run_asks_for_it_too(config_file, asked):
    assert main(["--config", str(config_file), "retention", "run"]) == 0
    assert asked == [7]


def test_a_look_up_does_not(config_file, asked):
    main(["--config", str(config_file), "audit", "verify"])
    assert asked == []
