"""Start-up shared by both front ends: load the config, run the domains' checks of their
config sections, connect, migrate, refuse a restore whose erasures were not replayed.

The one module that may import every layer below the front ends.
"""

from __future__ import annotations

import importlib
from typing import Any

from finconsole.core.kernel.languages import check_customers_section
from finconsole.core.kernel.timezones import check_time_zone
from finconsole.core.settings import config, runtime


def _domain_check(target: str) -> config.SectionCheck:
    """The check ``module:function`` under ``finconsole.core``, imported when a config has its
    section: the console paints its login before the database layer (peewee and its driver,
    which some of these modules import) is loaded."""

    def check(value: Any, where: str) -> object:
        module, _, name = target.partition(":")
        return getattr(importlib.import_module(f"finconsole.core.{module}"), name)(value, where)

    return check


# [section] -> the domain function that checks it (raises ConfigError naming the key)
SECTION_CHECKS: dict[str, config.SectionCheck] = {
    "carriers": _domain_check("parcels.carriers:validate_config"),
    "processors": _domain_check("transparency.processors:validate"),
    "mail": _domain_check("outbox.smtp:validate_config"),
    "customers": check_customers_section,
    "shop": check_time_zone,
}


def load_config(path: str | None = None) -> config.Config:
    """The config at ``path`` (or found the usual way), every section checked."""
    return config.load(path, SECTION_CHECKS)


def validate_config(raw: dict[str, Any], where: str = "config") -> dict[str, Any]:
    return config.validate(raw, where, SECTION_CHECKS)


def use_config(path: str | None = None) -> config.Config:
    """Load the config and make it the one in force for this process."""
    cfg = load_config(path)
    runtime.set_config(cfg)
    return cfg


def open_database(url: str, *, migrate: bool = False, allow_pending_restore: bool = False) -> None:
    """Connect, bring the schema up to date (or refuse an old one), check for a pending restore.

    A database restored from a backup is refused until its erasure ledger is replayed (only
    ``finconsole restore`` itself opens it then).
    """
    # imported here, not at the top: the console paints its login before the driver loads
    from finconsole.core.erasure import backup
    from finconsole.core.store import db

    db.connect(url, migrate=migrate)
    if not allow_pending_restore:
        backup.ensure_no_pending_restore()
