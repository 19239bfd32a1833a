"""Start-up shared by both front ends: load the config, run the domains' checks of their
config sections, connect, migrate, refuse a restore whose erasures were not replayed.

The one module that may import every layer below the front ends.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.outbox import smtp
from finconsole.core.parcels import carriers
from finconsole.core.register import customers
from finconsole.core.settings import config, runtime
from finconsole.core.transparency import processors

# [section] -> the domain function that checks it (raises ConfigError naming the key)
SECTION_CHECKS: dict[str, config.SectionCheck] = {
    "carriers": carriers.validate_config,
    "processors": processors.validate,
    "mail": smtp.validate_config,
    "customers": customers.validate_config,
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
