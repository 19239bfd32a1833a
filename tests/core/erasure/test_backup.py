"""Backup -> erase -> restore brings nobody back (full and partial erasures)."""

import datetime as dt
import os

import pytest

from finconsole.core.erasure import backup, erasure
from finconsole.core.kernel.errors import DatabaseError, PermissionDenied, ValidationError
from finconsole.core.register import customers
from finconsole.core.store import meta
from finconsole.core.store.models import Customer, ErasureLedger, Order
from tests.core.erasure.test_erasure_permanence import found
from tests.factories import add_order, distinctive_values, make_customer


def test_backup_is_private_and_refuses_to_overwrite(sqlite_db, officer, clock, tmp_path):
    make_customer(officer)
    path = tmp_path / "b1.db"
    done = backup.backup(officer, path)
    assert done["bytes"] > 0 and os.stat(path).st_mode & 0o777 == 0o600
    assert backup.inspect(path)["taken_at"] == dt.datetime(2026, 3, 15, 12, 0)
    assert path.read_bytes()[18:20] == b"\x01\x01"  # rollback-journal format: one file
    assert not (tmp_path / "b1.db-wal").exists()
    with pytest.raises(ValidationError):
        backup.backup(officer, path)
    with pytest.raises(ValidationError):
        backup.backup(officer, tmp_path / "no" / "such.db")


def test_backup_erase_restore_brings_nobody_back(sqlite_db, officer, clock, tmp_path):
    keep = customers.create(officer, {"first_name": "Stays", "last_name": "Here"})["id"]
    full = make_customer(officer, suffix="1")
    part = make_customer(officer, suffix="2")
    held = add_order(part, "B-held", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    Order.update(billing_name="Buyer Oy", billing_street="Laskukatu 1", billing_city="Espoo").where(
        Order.id == held.id
    ).execute()
    before = make_customer(officer, suffix="3")
    erasure.erase(officer, before)  # erased before the backup: already absent from it
    clock.advance(minutes=1)
    backup.backup(officer, tmp_path / "b.db")
    clock.advance(minutes=1)
    erasure.erase(officer, full)
    erasure.erase(officer, part)
    clock.advance(minutes=1)
    done = backup.restore(officer, tmp_path / "b.db")
    assert done["replayed"] == 2 and done["ledger_entries"] == 3
    assert not backup.restore_pending()
    ids = {c.id for c in Customer.select()}
    assert keep in ids and full not in ids and before not in ids
    shell = Customer.get_by_id(part)
    assert shell.restricted and shell.email is None and shell.first_name == ""
    assert [o.order_number for o in Order.select()] == ["B-held"]
    assert Order.get().restricted and Order.get().hold_until == dt.date(2033, 1, 1)
    assert ErasureLedger.select().count() == 3
    # and no byte of them in the files (the restored copy held them for a moment)
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_restore_replays_a_completed_erasure_despite_restored_holds(
    sqlite_db, officer, clock, tmp_path
):
    cid = make_customer(officer)
    order = add_order(cid, "B-open", invoice="open", ordered=dt.datetime(2018, 1, 1))
    backup.backup(officer, tmp_path / "b.db")
    clock.advance(minutes=1)
    erasure.erase(officer, cid)
    Order.update(invoice_status="paid").where(Order.id == order.id).execute()
    from finconsole.core.erasure import retention

    assert retention.run(officer).done["complete_erasures"] == 1
    assert ErasureLedger.get().status == "complete"
    backup.restore(officer, tmp_path / "b.db")  # the backup still shows the invoice open
    assert Customer.select().count() == 0 and Order.select().count() == 0


def test_pending_restore_blocks_and_resume_finishes(sqlite_db, officer, clock, tmp_path):
    cid = make_customer(officer)
    backup.backup(officer, tmp_path / "b.db")
    clock.advance(minutes=1)
    erasure.erase(officer, cid)

    def crash(actor):
        raise RuntimeError("power cut")

    original = backup.resume
    backup.resume = crash
    try:
        with pytest.raises(RuntimeError):
            backup.restore(officer, tmp_path / "b.db")
    finally:
        backup.resume = original
    assert backup.restore_pending()
    with pytest.raises(DatabaseError, match="restore --resume"):
        backup.ensure_no_pending_restore()
    assert backup.resume(officer) == 1
    assert not Customer.select().where(Customer.id == cid).exists()
    backup.ensure_no_pending_restore()
    with pytest.raises(ValidationError):
        backup.resume(officer)


def test_restore_refuses_other_files(sqlite_db, officer, clock, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValidationError):
        backup.inspect(junk)
    with pytest.raises(ValidationError):
        backup.inspect(tmp_path / "missing.db")
    backup.backup(officer, tmp_path / "b.db")
    meta.put(backup.DATABASE_ID, "another-register")
    with pytest.raises(ValidationError, match="another register"):
        backup.restore(officer, tmp_path / "b.db")


def test_a_backup_from_before_an_upgrade_is_restored_and_upgraded(
    sqlite_db, officer, clock, tmp_path
):
    from peewee import sqlite3

    from finconsole.core.store import migrations

    keep = customers.create(officer, {"first_name": "Vanha", "last_name": "Varmuuskopio"})["id"]
    path = tmp_path / "v1.db"
    backup.backup(officer, path)
    old = sqlite3.connect(path)  # make it a version 1 backup: the schema before migration 2
    old.execute('CREATE INDEX "order_ordered_at" ON "order" ("ordered_at")')
    old.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    old.commit()
    old.close()
    gone = customers.create(officer, {"first_name": "Uusi", "last_name": "Asiakas"})["id"]
    assert backup.inspect(path)["schema_version"] == 1
    backup.restore(officer, path)
    assert migrations.schema_version(sqlite_db) == migrations.CURRENT_VERSION
    assert "order_ordered_at" not in {i.name for i in sqlite_db.get_indexes("order")}
    assert {c.id for c in Customer.select()} == {keep} and gone != keep


def test_a_backup_from_a_newer_version_is_refused(sqlite_db, officer, clock, tmp_path):
    from peewee import sqlite3

    path = tmp_path / "new.db"
    backup.backup(officer, path)
    newer = sqlite3.connect(path)
    newer.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    newer.commit()
    newer.close()
    with pytest.raises(ValidationError, match="newer finconsole"):
        backup.restore(officer, path)


def test_support_may_not_backup_or_restore(sqlite_db, support, tmp_path):
    from finconsole.core.erasure import ledger_copy

    for call in (backup.backup, backup.restore, ledger_copy.save, ledger_copy.replay):
        with pytest.raises(PermissionDenied):
            call(support, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


def test_postgres_gets_pg_dump_guidance(db, officer, tmp_path):
    from finconsole.core.kernel.errors import FinconsoleError
    from finconsole.core.store.db import is_sqlite

    if is_sqlite():
        pytest.skip("PostgreSQL path")
    with pytest.raises(FinconsoleError, match="pg_dump"):
        backup.backup(officer, tmp_path / "x.db")
    with pytest.raises(FinconsoleError, match="pg_dump"):
        backup.restore(officer, tmp_path / "x.db")


def test_restore_finishes_a_partial_erasure_completed_after_the_backup(
    sqlite_db, officer, clock, tmp_path
):
    cid = make_customer(officer)
    order = add_order(cid, "B-coll", invoice="none", collection="active")
    erasure.erase(officer, cid)  # partial, before the backup
    clock.advance(minutes=1)
    backup.backup(officer, tmp_path / "b.db")
    Order.update(collection_status="closed").where(Order.id == order.id).execute()
    from finconsole.core.erasure import retention

    assert retention.run(officer).done["complete_erasures"] == 1
    clock.advance(minutes=1)
    done = backup.restore(officer, tmp_path / "b.db")  # the copy still has the shell and order
    assert done["replayed"] == 1
    assert Customer.select().count() == 0 and Order.select().count() == 0


def test_an_erased_customer_id_is_never_reused(sqlite_db, officer, clock):
    cid = make_customer(officer)
    erasure.erase(officer, cid)
    newcomer = customers.create(officer, {"first_name": "New", "last_name": "Person"})["id"]
    assert newcomer > cid


def test_bulk_id_allocation_skips_erased_ids(sqlite_db, officer, clock):
    from finconsole.core.imports import shop_writer

    cid = make_customer(officer)
    erasure.erase(officer, cid)
    assert shop_writer.allocate_ids("customer", 2) == [cid + 1, cid + 2]
    assert shop_writer.allocate_ids("address", 1) == [1]  # tables without AUTOINCREMENT


def test_backup_file_and_audit_event_are_both_or_neither(
    sqlite_db, officer, clock, tmp_path, monkeypatch
):
    from finconsole.core.access import audit
    from finconsole.core.store.models import AuditEvent

    def refused(*args, **kwargs):
        raise DatabaseError("database or disk is full")

    target = tmp_path / "b.db"
    with monkeypatch.context() as patch:
        patch.setattr(audit, "record", refused)
        with pytest.raises(DatabaseError):
            backup.backup(officer, target)
    assert not target.exists() and not (tmp_path / "b.db.part").exists()
    backup.backup(officer, target)
    event = AuditEvent.get(AuditEvent.action == "backup_database")
    assert target.exists() and event.outcome.startswith(backup.BACKUP_OUTCOME)


def test_an_interrupted_backup_keeps_its_file_only_if_audited(sqlite_db, officer, clock, tmp_path):
    from finconsole.core.store.models import AuditEvent

    backup.backup(officer, tmp_path / "kept.db")
    audited = AuditEvent.get(AuditEvent.action == "backup_database").outcome
    stray = tmp_path / "stray.db"
    stray.write_bytes(b"a copy whose audit event never committed")
    backup.finish_interrupted({"kind": "backup", "path": str(stray), "id": "0" * 32})
    assert not stray.exists()
    kept_id = audited.removeprefix(backup.BACKUP_OUTCOME)
    backup.finish_interrupted({"kind": "backup", "path": str(tmp_path / "kept.db"), "id": kept_id})
    assert (tmp_path / "kept.db").exists()
