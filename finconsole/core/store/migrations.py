"""Numbered schema migrations. The version lives in the ``meta`` table of the database.

Add a migration by appending a function to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store import models
from finconsole.core.store import search_index as search

VERSION_KEY = "schema_version"


def _m1_initial(db: pw.Database) -> None:
    db.create_tables(models.ALL_MODELS)
    search.create_index(db)


def _m2_drop_unused_order_indexes(db: pw.Database) -> None:
    """Orders are only read per customer: these indexes cost every order write (and a fifth
    of a big import's index work) and served no query."""
    for name in ("order_ordered_at", "order_invoice_status", "order_collection_status"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _add_column_if_missing(db: pw.Database, model: type[models.BaseModel], name: str) -> None:
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    table = model._meta.table_name
    if name in {c.name for c in db.get_columns(table)}:
        return
    migrator = SqliteMigrator(db) if models.is_sqlite(db) else PostgresqlMigrator(db)
    migrate(migrator.add_column(table, name, model._meta.fields[name]))


def _m3_outbox(db: pw.Database) -> None:
    """The outbox (messages to customers and recipients), a recipient's email on disclosures,
    the erasure confirmation's state in the ledger. Idempotent: new databases have them all."""
    with db.bind_ctx([models.OutboxMessage]):
        db.create_tables([models.OutboxMessage], safe=True)
    _add_column_if_missing(db, models.Disclosure, "recipient_email")
    _add_column_if_missing(db, models.ErasureLedger, "confirmation")


def _m4_customer_email_lower_index(db: pw.Database) -> None:
    """Duplicate warnings and the de-duplicated audience compare emails case-insensitively
    (people type the local part either way): an expression index keeps that one look-up."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS customer_email_lower ON customer (LOWER(email))")


def _m_i14a_phone_review(db: pw.Database) -> None:
    """A phone number no numbering plan reads is kept as typed (up to 40 characters) and
    flagged for review. Idempotent: the column is added once; widening a column to the width
    it has is a no-op (SQLite does not enforce VARCHAR widths at all)."""
    _add_column_if_missing(db, models.Customer, "phone_review")
    if not models.is_sqlite(db):
        db.execute_sql("ALTER TABLE customer ALTER COLUMN phone TYPE VARCHAR(40)")


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    _m1_initial,
    _m2_drop_unused_order_indexes,
    _m3_outbox,
    _m4_customer_email_lower_index,
    _m_i14a_phone_review,
]
CURRENT_VERSION = len(MIGRATIONS)


def schema_version(db: pw.Database) -> int:
    if not db.table_exists("meta"):
        return 0
    with db.bind_ctx([models.Meta]):  # works before (or without) the proxy is initialised
        row = models.Meta.get_or_none(models.Meta.key == VERSION_KEY)
    return int(row.value) if row else 0


def ensure_schema(db: pw.Database, *, upgrade: bool) -> int:
    """Create the schema in an empty database; refuse newer ones; upgrade older ones if asked."""
    try:
        version = schema_version(db)
    except pw.DatabaseError as exc:
        raise DatabaseError(f"cannot read the database: {str(exc).splitlines()[0]}") from None
    if version > CURRENT_VERSION:
        raise DatabaseError(
            f"the database has schema version {version}, newer than this finconsole "
            f"({CURRENT_VERSION}): upgrade finconsole"
        )
    if version == CURRENT_VERSION:
        return version
    if version > 0 and not upgrade:
        raise DatabaseError(
            f"the database has schema version {version}, this finconsole needs "
            f"{CURRENT_VERSION}: run 'finconsole migrate'"
        )
    if version == 0 and _has_foreign_tables(db):
        raise DatabaseError("the database has finconsole tables but no schema version: refusing it")
    return migrate(db)


def _has_foreign_tables(db: pw.Database) -> bool:
    ours = {m._meta.table_name for m in models.ALL_MODELS}
    return any(t in ours for t in db.get_tables())


def migrate(db: pw.Database) -> int:
    """Apply every pending migration, each in its own transaction. Returns the new version."""
    version = schema_version(db) if db.table_exists("meta") else 0
    for number in range(version + 1, CURRENT_VERSION + 1):
        with db.atomic():
            MIGRATIONS[number - 1](db)
            models.Meta.insert(key=VERSION_KEY, value=str(number)).on_conflict(
                conflict_target=[models.Meta.key], update={models.Meta.value: str(number)}
            ).execute()
    return CURRENT_VERSION
