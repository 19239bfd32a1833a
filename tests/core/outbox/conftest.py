"""Outbox tests: the config in force gets a [mail] section pointing at a real test server."""

from __future__ import annotations

import pytest

from finconsole.core.settings import config as config_mod
from finconsole.core.settings import runtime
from tests.mail_helpers import mail_section, smtp_server


def use_mail(tmp_path, section: dict | None) -> None:
    data = config_mod.defaults()
    data["mail"] = section or {}
    runtime.set_config(config_mod.Config(data, tmp_path / "config.toml"))


@pytest.fixture
def mail(tmp_path):
    """A plain test server on a loopback port, configured as [mail]; yields its inbox."""
    with smtp_server() as (inbox, port):
        use_mail(tmp_path, mail_section(port))
        yield inbox
