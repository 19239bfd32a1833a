"""Numbered schema migrations. The version lives in the ``meta`` table of the database.

Add a migration by appending a function to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

from finconsole.core.kernel.errors import DatabaseError, database_error_text
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
    field = model._meta.fields[name]
    if models.is_sqlite(db) and not field.null:
        _sqlite_add_not_null_column(db, table, field)
        return
    migrator = SqliteMigrator(db) if models.is_sqlite(db) else PostgresqlMigrator(db)
    migrate(migrator.add_column(table, name, field))


def _sqlite_add_not_null_column(db: pw.Database, table: str, field: pw.Field) -> None:
    """``ALTER TABLE ... ADD COLUMN ... NOT NULL DEFAULT x``, in place.

    Never peewee's SqliteMigrator for a NOT NULL column: it adds the column, then rebuilds the
    table to set NOT NULL (a copy, ``DROP TABLE``, a rename), and with foreign keys on,
    ``DROP TABLE`` first deletes every row that references the table (ON DELETE CASCADE):
    adding ``customer.phone_review`` that way emptied ``address`` and ``order`` of a register."""
    ctx = db.get_sql_context()
    column, params = ctx.sql(field.ddl(ctx)).query()
    if params:
        raise RuntimeError(f"migration: {table}.{field.column_name} has a parameter in its DDL")
    if "DEFAULT" not in column.upper():
        column += f" DEFAULT {_sql_literal(field.db_value(field.default))}"
    db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN {column}')


def _sql_literal(value: object) -> str:
    """A constant default for a column added in place (no bound parameters in DDL)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise RuntimeError(f"migration: no constant default for a NOT NULL column ({value!r})")


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


def _m5_staff_enrolment(db: pw.Database) -> None:
    """Staff enrol themselves (a one-time code, its expiry) and usernames are case-insensitive
    (stored lowercase: "Sanna" logs in as "sanna"). A name whose lowercase form another account
    already has is left as it is (its exact spelling still logs in). Idempotent."""
    _add_column_if_missing(db, models.User, "enrol_code_hash")
    _add_column_if_missing(db, models.User, "enrol_expires_at")
    rows = db.execute_sql('SELECT id, username FROM "user"').fetchall()
    taken = {name for _, name in rows}
    for user_id, name in rows:
        lower = name.lower()
        if lower != name and lower not in taken:
            db.execute_sql(
                f'UPDATE "user" SET username = {db.param} WHERE id = {db.param}',
                (lower, user_id),
            )
            taken.discard(name)
            taken.add(lower)


def _m6_day_of_work(db: pw.Database) -> None:
    """When a request was answered (the deadline stops there), the withdrawal of a
    disclosure or inquiry recorded by mistake, the end of each phone number in the search
    index, how a phone order is paid. Erasures already waiting for a hold were
    answered when they ran: their answer day is taken from the outcome ("erased YYYY-MM-DD")."""
    _add_column_if_missing(db, models.Request, "answered_at")
    _add_column_if_missing(db, models.Order, "payment_method")
    for model in (models.Disclosure, models.AuthorityInquiry):
        for name in ("withdrawn_at", "withdrawn_by", "withdrawal_reason"):
            _add_column_if_missing(db, model, name)
    _backfill_answered(db)
    search.index_phone_ends(db)  # "435 4080" finds the customers indexed before


def _backfill_answered(db: pw.Database) -> None:
    import datetime as dt

    with db.bind_ctx([models.Request]):
        waiting = models.Request.select(
            models.Request.id, models.Request.outcome, models.Request.deadline
        ).where(
            (models.Request.status == "waiting_for_hold") & models.Request.answered_at.is_null()
        )
        for req in waiting:
            text = (req.outcome or "").removeprefix("erased ")[:10]
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                day = req.deadline  # answered, when is unknown: not overdue for it
            models.Request.update(answered_at=day).where(models.Request.id == req.id).execute()


def _m7_search_doc(db: pw.Database) -> None:
    """PostgreSQL: the search's document table (one row a customer), filled from the term
    table; the search checks a candidate's other words on it with one LIKE (#19). Idempotent;
    nothing on SQLite, whose FTS5 table stores the documents already."""
    search.create_document_table(db)


def _m8_phone_review(db: pw.Database) -> None:
    """A phone number no numbering plan reads is kept as typed (up to 40 characters) and
    flagged for review. Idempotent: the column is added once; widening a column to the width
    it has is a no-op (SQLite does not enforce VARCHAR widths at all)."""
    _add_column_if_missing(db, models.Customer, "phone_review")
    if not models.is_sqlite(db):
        db.execute_sql("ALTER TABLE customer ALTER COLUMN phone TYPE VARCHAR(40)")


def _m9_search_trigrams(db: pw.Database) -> None:
    """PostgreSQL: a trigram GIN index of the search's documents, which answers a query of
    several words (``pekka aa``) from the few documents having them all (#19). Idempotent
    (IF NOT EXISTS); nothing on SQLite."""
    search.create_trigram_index(db)


def _m10_search_without_foreign_keys(db: pw.Database) -> None:
    """PostgreSQL: the search tables' foreign keys to ``customer`` give way to a statement
    trigger that deletes a deleted customer's entries (``search_index.drop_foreign_keys``):
    the keys' check of every term was half of an import's time. Idempotent; nothing on
    SQLite."""
    search.drop_foreign_keys(db)


def _m11_search_streams(db: pw.Database) -> None:
    """PostgreSQL: an index of the search's terms by their first three letters, then
    customer, which lists a word's customers in id order (#19: ``teemu ma`` reads the 50
    lowest ids it needs, not every ``teemu``). Idempotent (IF NOT EXISTS); nothing on
    SQLite. About a minute at a million customers."""
    search.create_stream_index(db)


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    _m1_initial,
    _m2_drop_unused_order_indexes,
    _m3_outbox,
    _m4_customer_email_lower_index,
    _m5_staff_enrolment,
    _m6_day_of_work,
    _m7_search_doc,
    _m8_phone_review,
    _m9_search_trigrams,
    _m10_search_without_foreign_keys,
    _m11_search_streams,
]
CURRENT_VERSION = len(MIGRATIONS)


def schema_version(db: pw.Database) -> int:
    if not db.table_exists("meta"):
        return 0
    with db.bind_ctx([models.Meta]):  # works before (or without) the proxy is initialised
        row = models.Meta.get_or_none(models.Meta.key == VERSION_KEY)
    if row is None:
        return 0
    try:
        return int(row.value)
    except (TypeError, ValueError):
        raise DatabaseError(
            "the database's schema version (meta.schema_version) is not a number: the "
            "database is damaged or not finconsole's; restore it from a backup"
        ) from None


def ensure_schema(db: pw.Database, *, upgrade: bool) -> int:
    """Create the schema in an empty database; refuse newer ones; upgrade older ones if asked."""
    try:
        version = schema_version(db)
    except pw.DatabaseError as exc:
        raise DatabaseError(f"cannot read the database: {database_error_text(exc)}") from None
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


def numbered(name: str) -> tuple[int, Callable[[pw.Database], None]]:
    """The schema version a migration makes, and the migration, by the end of its function's
    name ("staff_enrolment"): tests of one migration set the register just before it, whatever
    migrations came after it."""
    for number, step in enumerate(MIGRATIONS, start=1):
        if step.__name__.endswith(name):
            return number, step
    raise KeyError(name)
