"""Start-up shared by both front ends: load the config, run the domains' checks of their
config sections, connect, migrate, refuse a restore whose erasures were not replayed.

The one module that may import every layer below the front ends.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from finconsole.core.kernel import scratch
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


def open_database(
    url: str, *, migrate: bool = False, allow_pending_restore: bool = False
) -> list[str]:
    """Connect, bring the schema up to date (or refuse an old one), finish what a killed
    process left (``finish_leftovers``), check for a pending restore, refuse a key file that
    is not the register's.

    A database restored from a backup is refused until its erasure ledger is replayed (only
    ``finconsole restore`` itself opens it then). Returns notes for the user (one line each).
    """
    # imported here, not at the top: the console paints its login before the driver loads
    from finconsole.core.access import audit, keyring
    from finconsole.core.erasure import backup
    from finconsole.core.store import db

    db.connect(url, migrate=migrate)
    notes = finish_leftovers(url)
    if not allow_pending_restore:
        backup.ensure_no_pending_restore()
    elif backup.restore_pending():
        return notes  # 'restore --resume' re-keys a backup taken under an earlier key first
    keyring.ensure_key()  # another key file would not recognise the people erased
    audit.upgrade_chain()  # a chain from before #16 is keyed at its first start with the key
    return notes


def _purge_stale_search_entries() -> None:
    """A re-import killed before its purge left a living customer's old values in the search
    index's pages (unsearchable): merge them away now, in one write transaction."""
    from finconsole.core.store import search_index
    from finconsole.core.store.db import write_transaction

    if search_index.stale_entries_left():  # read first: no write lock taken at a plain start
        with write_transaction():
            search_index.purge_if_stale()


def scratch_folder(url: str) -> Path:
    """Where temporary copies are registered: beside the SQLite file, else the config's."""
    from finconsole.core.store import db

    path = db.sqlite_path(url)
    base = path.resolve().parent if path is not None else runtime.get_config().base_dir
    return base / scratch.FOLDER_NAME


def finish_leftovers(url: str) -> list[str]:
    """Every start: remove temporary copies dead processes left (a killed backup's ``.part``,
    restore's staged copy, demo's index file, an export's ``.tmp``); finish an erasure's WAL
    checkpoint a reader blocked (SQLite, about a second at most); say when PostgreSQL
    erasures still wait for their compaction."""
    from finconsole.core.erasure import backup, erasure
    from finconsole.core.store import permanence
    from finconsole.core.store.db import is_sqlite

    scratch.set_folder(scratch_folder(url))
    scratch.sweep(backup.finish_interrupted)
    _purge_stale_search_entries()
    waiting = permanence.pending()
    if not waiting:
        return []
    if is_sqlite():
        outcome = erasure.settle()
        if outcome.done:
            return []
        return [
            f"{outcome.pending} erasure(s) not yet permanent ({outcome.reason}): run "
            "'finconsole compact' when that session ends"
        ]
    return [
        f"{waiting} erasure(s) not yet compacted in the database files: run "
        "'finconsole compact' or 'finconsole retention run'"
    ]
