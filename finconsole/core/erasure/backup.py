"""Backups that remember erasures.

``backup`` copies the live SQLite database with the online backup API (consistent while
consoles keep working) and stamps the copy with the time it was taken. ``restore`` copies a
backup back *through SQLite* (so open consoles see one consistent switch, never a half-written
file), carries the live erasure ledger over into it, and re-applies every erasure made since the
backup was taken, so a restore never brings an erased person back.

Until that replay has finished the database carries ``Meta.restore_pending``: the command line
and the console refuse to open it (``ensure_no_pending_restore``); ``finconsole restore
--resume`` finishes an interrupted replay. The flag and the carried-over ledger are written into
a private copy of the backup *before* it replaces the live data, so there is no moment when the
live database holds the old data without them.

PostgreSQL: use the server's own tools (``pg_dump``/``pg_restore``); see ``PG_GUIDANCE``.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import peewee as pw
from peewee import sqlite3  # type: ignore[attr-defined]  # pysqlite3 when installed

from finconsole.core.access import audit
from finconsole.core.erasure import erasure, key_rotation
from finconsole.core.kernel import clock, permissions, scratch
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import DatabaseError, FinconsoleError, ValidationError
from finconsole.core.outbox import outbox
from finconsole.core.store import meta, migrations
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import AuditEvent, Customer, ErasureLedger, database

RESTORE_PENDING = "restore_pending"
RESTORE_SINCE = "restore_backup_taken_at"  # replay erasures made at or after this time
TAKEN_AT = "backup_taken_at"
DATABASE_ID = "database_id"
BACKUP_OUTCOME = "backup "  # + the backup's id: the event names the file it vouches for
LEDGER_COLUMNS = (
    "id",
    "erased_at",
    "customer_id",
    "subject_hash",
    "phone_hash",
    "shop_ref_hash",
    "request_ref",
    "status",
    "completes_on",
)
PG_GUIDANCE = (
    "backups of a PostgreSQL register are made with the server's tools: "
    "pg_dump --format=custom --file=PATH DBNAME (and pg_restore to restore). Before pg_restore, "
    "keep the erasure ledger with 'finconsole restore --save-ledger FILE'; after it, "
    "'finconsole restore --ledger FILE' erases again everyone erased since the dump"
)


# --- the restore guard ------------------------------------------------------------------------


def restore_pending() -> bool:
    return meta.get(RESTORE_PENDING) is not None


def ensure_no_pending_restore() -> None:
    """Refuse a database restored from a backup whose erasure ledger is not replayed yet."""
    if is_sqlite() and restore_pending():
        raise DatabaseError(
            "this database was restored from a backup and erasures made since have not been "
            "re-applied yet: run 'finconsole restore --resume' first"
        )


def stored_database_id() -> str | None:
    """This register's id if it has one yet (``database_id`` makes one on first use)."""
    return meta.get(DATABASE_ID)


def adopt_database_id(value: str) -> None:
    """A copy restored from before the id was made takes the id of the register it came from."""
    meta.put(DATABASE_ID, value)


def database_id() -> str:
    """A random id of this register, so a restore can refuse another register's backup."""
    value = meta.get(DATABASE_ID)
    if value is None:
        value = uuid.uuid4().hex
        meta.put(DATABASE_ID, value)
    return value


# --- backup -----------------------------------------------------------------------------------


def backup(actor: Actor, path: Path) -> dict[str, Any]:
    """Write a consistent copy of the live database to ``path`` (mode 0600, never overwritten).

    The copy is written to ``PATH.part`` (registered as scratch: a kill leaves nothing the next
    start does not remove) and synced; then, in one transaction, the audit event is recorded
    and the file renamed into place: both or neither. A kill between the rename and the
    commit leaves a marker whose check (``finish_interrupted``) removes the unaudited file.
    """
    permissions.require(actor, "backup_database")
    if not is_sqlite():
        raise FinconsoleError(PG_GUIDANCE)
    path = Path(path)
    if path.exists():
        raise ValidationError({"path": "exists: choose a new file name"})
    if not path.parent.is_dir():
        raise ValidationError({"path": "its folder does not exist"})
    database_id()
    taken_at = clock.now()
    tmp = path.with_name(path.name + ".part")
    backup_id = uuid.uuid4().hex
    with scratch.marked(tmp) as marker:
        try:
            _write_copy(tmp, taken_at)
            marker.check({"kind": "backup", "path": str(path.absolute()), "id": backup_id})
            _publish(actor, tmp, path, backup_id)
        finally:
            scratch.remove(tmp)
        marker.check(None)
    return {"path": str(path), "taken_at": taken_at, "bytes": path.stat().st_size}


def _write_copy(tmp: Path, taken_at: dt.datetime) -> None:
    target = _open_private(tmp)
    try:
        database.connection().backup(target)
        target.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            (TAKEN_AT, taken_at.isoformat()),
        )
        target.commit()
        target.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
    finally:
        target.close()
    _fsync(tmp)  # on disk before its name says it is complete


def _publish(actor: Actor, tmp: Path, path: Path, backup_id: str) -> None:
    """The audit event and the file's final name, together."""
    renamed = False
    try:
        with write_transaction():
            audit.record(actor, "backup_database", "database", outcome=BACKUP_OUTCOME + backup_id)
            os.replace(tmp, path)
            renamed = True
            _fsync(path.parent)
    except BaseException:
        if renamed:
            path.unlink(missing_ok=True)  # the event did not commit: no file either
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def finish_interrupted(check: dict[str, Any]) -> None:
    """For ``scratch.sweep``: a backup killed after its rename keeps its file only if its
    audit event committed."""
    if check.get("kind") != "backup":
        return
    recorded = (
        AuditEvent.select()
        .where(
            (AuditEvent.action == "backup_database")
            & (AuditEvent.outcome == BACKUP_OUTCOME + str(check.get("id")))
        )
        .exists()
    )
    if not recorded:
        Path(str(check.get("path"))).unlink(missing_ok=True)


def _open_private(path: Path) -> Any:
    """A new SQLite file readable by its owner only (it holds personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    return sqlite3.connect(str(path), isolation_level=None)


# --- restore ----------------------------------------------------------------------------------


def inspect(path: Path) -> dict[str, Any]:
    """Check that ``path`` is a backup of this register; returns its stamp. Nothing changes."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError({"path": "no such file"})
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            stamped = dict(source.execute("SELECT key, value FROM meta").fetchall())
        finally:
            source.close()
    except sqlite3.DatabaseError:
        raise ValidationError({"path": "is not a finconsole backup"}) from None
    if TAKEN_AT not in stamped or migrations.VERSION_KEY not in stamped:
        raise ValidationError({"path": "is not a finconsole backup (no backup stamp)"})
    version = int(stamped[migrations.VERSION_KEY])
    if version > migrations.CURRENT_VERSION:
        raise ValidationError(
            {"path": "was taken by a newer finconsole: restore it with that version"}
        )
    current = meta.get(DATABASE_ID)
    if current is not None and stamped.get(DATABASE_ID) not in (None, current):
        raise ValidationError({"path": "is a backup of another register"})
    taken_at = dt.datetime.fromisoformat(stamped[TAKEN_AT])
    return {"path": str(path), "taken_at": taken_at, "schema_version": version}


def restore(actor: Actor, path: Path) -> dict[str, Any]:
    """Replace the live data with the backup, then re-apply erasures made since it was taken."""
    permissions.require(actor, "restore_database")
    if not is_sqlite():
        raise FinconsoleError(PG_GUIDANCE.replace("backups of", "restoring"))
    info = inspect(path)
    ledger_rows = [
        tuple(getattr(row, c) for c in LEDGER_COLUMNS)
        for row in ErasureLedger.select().order_by(ErasureLedger.id)
    ]
    live_file = Path(database.database)
    staged = live_file.with_name(live_file.name + ".restore")
    with scratch.marked(staged):
        _switch(staged, path, info, ledger_rows)
    replayed = resume(actor)
    return {**info, "ledger_entries": len(ledger_rows), "replayed": replayed}


def _switch(staged: Path, path: Path, info: dict[str, Any], ledger_rows: list[tuple]) -> None:
    """Stage the backup in a private copy, then copy it over the live database in one step."""
    try:
        target = _open_private(staged)
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(target)
            finally:
                source.close()
            if info["schema_version"] < migrations.CURRENT_VERSION:
                _upgrade(staged)  # a backup from before the last upgrade: bring it up to date
            _stage(target, ledger_rows, info["taken_at"])
            target.backup(database.connection())  # the live file switches in one step
        finally:
            target.close()
    finally:
        scratch.remove(staged)


def _upgrade(staged: Path) -> None:
    """Run the pending migrations on the private copy (its own connection; the models are
    bound to it meanwhile, so nothing reaches the live database)."""
    from finconsole.core.store import models

    copy = pw.SqliteDatabase(str(staged), pragmas={"foreign_keys": 1})
    copy.connect()
    try:
        with copy.bind_ctx(models.ALL_MODELS):
            migrations.migrate(copy)
    finally:
        copy.close()


def _stage(conn: Any, ledger_rows: list[tuple], since: dt.datetime) -> None:
    """In the private copy: the live ledger replaces the backup's (older) one; flag pending."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM erasure_ledger")
    placeholders = ", ".join("?" for _ in LEDGER_COLUMNS)
    conn.executemany(
        f"INSERT INTO erasure_ledger({', '.join(LEDGER_COLUMNS)}) VALUES ({placeholders})",
        [tuple(_sql_value(v) for v in row) for row in ledger_rows],
    )
    for key, value in ((RESTORE_PENDING, "1"), (RESTORE_SINCE, since.isoformat())):
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
    key_rotation.carry_key(conn)  # a backup from before a key rotation is re-keyed on resume
    conn.execute("COMMIT")


def _sql_value(value: Any) -> Any:
    """Store dates as peewee does on SQLite (ISO text)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def resume(actor: Actor) -> int:
    """Re-apply the carried-over ledger to the restored data; clear the flag.

    Replayed: every erasure made since the backup was taken, and every erasure completed
    since whose held part (a restricted shell) the backup still holds. An erasure completed
    before the backup is not replayed onto a full customer row: on SQLite that id may since
    belong to someone else. Returns how many customers were erased again.
    """
    permissions.require(actor, "restore_database")
    since_text = meta.get(RESTORE_SINCE)
    if not restore_pending() or since_text is None:
        raise ValidationError({"restore": "no restore is waiting to be finished"})
    since = dt.datetime.fromisoformat(since_text)
    erased = 0
    with write_transaction():
        key_rotation.adopt_restored_key()
        for entry in ErasureLedger.select().order_by(ErasureLedger.id):
            customer = Customer.get_or_none(Customer.id == entry.customer_id)
            if customer is None:
                continue
            if entry.erased_at >= since or (
                entry.status == "complete" and erasure.is_shell(customer)
            ):
                erasure.replay(entry.customer_id, complete=entry.status == "complete")
                erased += 1
        # the restored outbox forgets everyone erased, whether or not their row came back
        outbox.forget_customers([e.customer_id for e in ErasureLedger.select()])
        meta.remove(RESTORE_PENDING, RESTORE_SINCE)
        audit.record(actor, "restore_database", "database", fields=["erasure_ledger"])
    erasure.make_permanent()
    return erased
