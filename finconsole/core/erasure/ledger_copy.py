"""The erasure ledger carried across a restore made with the database server's own tools.

A PostgreSQL register is backed up and restored with ``pg_dump``/``pg_restore``; the dump's
ledger is as old as the dump, so the erasures made since would be lost with it and the people
erased since would come back. So: before ``pg_restore``, ``save`` writes the live ledger to a
file (pseudonymous: record ids, keyed hashes, dates; mode 0600); after it, ``replay`` puts the
entries the restored ledger lacks back and erases those customers again, and finishes the
erasures that were completed since. Works on SQLite too (a copy restored by other means).

File: JSON lines, a header ``{"finconsole_ledger": 1, "database_id": ..., "saved_at": ...}``
and then one entry a line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from finconsole.core.access import audit
from finconsole.core.erasure import backup, erasure
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.outbox import outbox
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import Customer, ErasureLedger, database

FORMAT = 1
DATES = {"erased_at": dt.datetime.fromisoformat, "completes_on": dt.date.fromisoformat}


def save(actor: Actor, path: Path) -> int:
    """Write the live ledger to ``path`` (mode 0600, never overwritten); returns the entries."""
    permissions.require(actor, "backup_database")
    path = Path(path)
    if path.exists():
        raise ValidationError({"path": "exists: choose a new file name"})
    if not path.parent.is_dir():
        raise ValidationError({"path": "its folder does not exist"})
    header = {"finconsole_ledger": FORMAT, "database_id": backup.database_id()}
    header["saved_at"] = clock.now().isoformat()
    entries = [_entry(row) for row in ErasureLedger.select().order_by(ErasureLedger.id)]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for item in (header, *entries):
            fh.write(json.dumps(item) + "\n")
    with write_transaction():
        audit.record(actor, "save_erasure_ledger", "database", None, fields=["erasure_ledger"])
    return len(entries)


def _entry(row: ErasureLedger) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in backup.LEDGER_COLUMNS}
    for name in DATES:
        out[name] = out[name].isoformat() if out[name] is not None else None
    return out


def replay(actor: Actor, path: Path) -> dict[str, int]:
    """Bring this (restored) database's ledger up to the saved one and re-apply the erasures
    it lacked; returns how many entries were added, finished and customers erased again."""
    permissions.require(actor, "restore_database")
    return replay_read(actor, *read(path))


def replay_read(actor: Actor, register: str, entries: list[dict[str, Any]]) -> dict[str, int]:
    """``replay`` of a file ``read`` already (the command line counts the entries first)."""
    permissions.require(actor, "restore_database")
    added = finished = erased = 0
    with write_transaction():
        if backup.stored_database_id() is None:  # dumped before the register had its id
            backup.adopt_database_id(register)
        for entry in entries:
            known = ErasureLedger.get_or_none(ErasureLedger.id == entry["id"])
            if known is not None and known.customer_id != entry["customer_id"]:
                # that id was taken here by another erasure: find this one by what it was
                known = ErasureLedger.get_or_none(
                    ErasureLedger.customer_id == entry["customer_id"],
                    ErasureLedger.erased_at == entry["erased_at"],
                )
                entry = {k: v for k, v in entry.items() if k != "id"}
            if known is None:
                ErasureLedger.insert(**entry).execute()
                added += 1
            elif known.status == "partial" and entry["status"] == "complete":
                ErasureLedger.update(status="complete", completes_on=entry["completes_on"]).where(
                    ErasureLedger.id == known.id
                ).execute()
                finished += 1
            else:
                continue  # the restored ledger already knew this erasure
            if Customer.get_or_none(Customer.id == entry["customer_id"]) is not None:
                erasure.replay(entry["customer_id"], complete=entry["status"] == "complete")
                erased += 1
        _move_sequence()
        outbox.forget_customers([e["customer_id"] for e in entries])  # waiting notices too
        audit.record(actor, "restore_database", "database", None, fields=["erasure_ledger"])
    erasure.make_permanent()
    return {"added": added, "finished": finished, "erased": erased}


def read(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The saved register's id and entries, checked: a file of another register or not a
    ledger is refused."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError({"path": "no such file"})
    try:
        with path.open(encoding="utf-8") as fh:
            lines = [json.loads(line) for line in fh if line.strip()]
        header, entries = lines[0], lines[1:]
        register = header["database_id"]
        if header.get("finconsole_ledger") != FORMAT or not isinstance(register, str):
            raise ValueError
        for entry in entries:
            for name, parse in DATES.items():
                entry[name] = parse(entry[name]) if entry.get(name) else None
            if set(entry) != set(backup.LEDGER_COLUMNS):
                raise ValueError
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, UnicodeDecodeError):
        raise ValidationError({"path": "is not a saved finconsole erasure ledger"}) from None
    if backup.stored_database_id() not in (None, register):
        raise ValidationError({"path": "is the erasure ledger of another register"})
    return register, entries


def _move_sequence() -> None:
    """PostgreSQL: ids were given explicitly; move the sequence past them."""
    if not is_sqlite():
        database.execute_sql(
            "SELECT setval(pg_get_serial_sequence('erasure_ledger', 'id'), "
            "COALESCE((SELECT MAX(id) FROM erasure_ledger), 0) + 1, false)"
        )
