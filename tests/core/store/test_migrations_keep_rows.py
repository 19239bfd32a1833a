"""Upgrading a register keeps every row. Adding a NOT NULL column through peewee's
SqliteMigrator rebuilt the table (copy, DROP TABLE, rename), and with foreign keys on the DROP
deleted every row referencing it: migrating a 100,000-customer demo register from version 4
emptied its addresses and orders (customer.phone_review), seen in the console."""

from finconsole.core.store import migrations
from finconsole.core.store.models import Meta, database
from finconsole.core.transparency import tasks
from tests.factories import add_disclosure, add_order, add_request, make_customer
from tests.tui.helpers import record_inquiry

# What the migrations after version 2 add: a version 2 register lacks them.
ADDED_COLUMNS = {
    "customer": ["phone_review"],
    "disclosure": ["recipient_email", "withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    "authority_inquiry": ["withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    "order": ["payment_method"],
    "request": ["answered_at"],
    "erasure_ledger": ["confirmation"],
    "user": ["enrol_code_hash", "enrol_expires_at"],
}


def row_counts() -> dict[str, int]:
    return {
        table: database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in database.get_tables()
        if table not in {"meta", "outbox_message"} and not table.startswith(("search", "sqlite_"))
    }


def test_an_old_register_keeps_every_row(db, officer, clock):
    cid = make_customer(officer)
    add_order(cid, "FS-1", invoice="open")
    add_order(cid, "FS-2")
    add_request(cid, "R-2026-0001")
    add_disclosure(cid)
    record_inquiry(officer, cid)
    assert tasks.open_tasks(officer)  # the inquiry left a task that references it
    before = row_counts()
    assert all(before[t] for t in ("address", "order", "parcel", "tracking_event", "task"))
    for table, columns in ADDED_COLUMNS.items():
        for column in columns:
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    db.execute_sql('DROP TABLE "outbox_message"')
    Meta.update(value="2").where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    assert row_counts() == before
