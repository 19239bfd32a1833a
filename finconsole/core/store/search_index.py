"""The search index's storage: its tables, and writing and removing customers' entries.

SQLite: an FTS5 table (not contentless: see ``create_index``) with ``secure-delete`` (deleting
a row removes its terms for good, which erasure relies on) and prefix indexes for 1-4
characters: a prefix query longer than that merges the few terms it matches, a shorter one reads
one prepared doclist, so even ``a`` or ``s k`` answer in well under a millisecond instead of
merging every term that starts with the letter. PostgreSQL: a ``search_term`` table (one row
a token) with a ``text_pattern_ops`` index finds the customers of a rare word, and a
``search_doc`` table (one row a customer: the tokens, space-separated) checks the other words of
a candidate with one LIKE, or is walked in id order when every word is common.

A customer's document is made by ``search_tokens.customer_document``; finding customers in
the index is ``search_query``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import peewee as pw

from finconsole.core.store import bulk, meta, search_stats
from finconsole.core.store.models import (
    database,
    is_sqlite,
)
from finconsole.core.store.search_tokens import PHONE_END_DIGITS, customer_document

FTS_TABLE = "customer_fts"
TERM_TABLE = "search_term"
DOC_TABLE = "search_doc"
# PostgreSQL's search tables: both hold a customer's tokens (erasure deletes and vacuums them,
# which vacuums their indexes too: the trigram index's entries of the person go with it)
PG_TABLES = (TERM_TABLE, DOC_TABLE)
# PostgreSQL: a pg_trgm GIN index of the documents (migration ``_m9_search_trigrams``)
DOC_TRIGRAM_INDEX = "search_doc_trgm"
# PostgreSQL: the terms by their first STREAM_PREFIX letters, then customer (migration
# ``_m10_search_streams``): a word's customers in id order (``create_stream_index``)
TERM_STREAM_INDEX = "search_term_stream"
STREAM_PREFIX = 3
FTS_OPTIONS = (
    "doc, prefix='1 2 3 4', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0"
)
# FTS5 keeps the table in tables of its own: the index, its segment directory, the documents
# (and _config, the table's settings, e.g. secure-delete)
FTS_PARTS = ("data", "idx", "content")


# --- index maintenance -----------------------------------------------------------------------


def index_phone_ends(db: pw.Database) -> None:
    """Add the phone-number end token to the index entries made before it existed (a
    migration): idempotent, one statement for the whole register."""
    n = PHONE_END_DIGITS
    if is_sqlite(db):
        end = f"substr(c.phone, -{n})"
        db.execute_sql(
            f"UPDATE {FTS_TABLE} SET doc = doc || ' ' || (SELECT {end} FROM customer c "
            f"WHERE c.id = {FTS_TABLE}.rowid) WHERE rowid IN (SELECT c.id FROM customer c "
            f"JOIN {FTS_TABLE} f ON f.rowid = c.id WHERE length(c.phone) > {n + 2} "
            f"AND instr(' ' || f.doc || ' ', ' ' || {end} || ' ') = 0)"
        )
    else:
        db.execute_sql(
            f"INSERT INTO {TERM_TABLE} (customer_id, term) SELECT c.id, right(c.phone, {n}) "
            f"FROM customer c WHERE length(c.phone) > {n + 2} AND EXISTS (SELECT 1 FROM "
            f"{TERM_TABLE} t WHERE t.customer_id = c.id) AND NOT EXISTS (SELECT 1 FROM "
            f"{TERM_TABLE} t WHERE t.customer_id = c.id AND t.term = right(c.phone, {n}))"
        )


def create_index(db: pw.Database) -> None:
    """Create the search index (called by the first migration)."""
    if is_sqlite(db):
        db.execute_sql(
            # Not contentless: a contentless_delete=1 table deletes by tombstone and keeps
            # the terms in its segments even with secure-delete (measured on SQLite 3.51).
            # With the document stored, secure-delete removes a deleted row's terms at once.
            # detail=none, columnsize=0: queries are ANDed one-token prefixes in rowid order
            # (no phrases, NEAR or ranking), so token positions and sizes are never read; the
            # index is 30 % smaller and ~15 % cheaper to build.
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({FTS_OPTIONS})"
        )
        # remove a deleted row's terms from the index at once, not at the next merge
        db.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('secure-delete', 1)")
    else:
        db.execute_sql(
            f"CREATE TABLE IF NOT EXISTS {TERM_TABLE} ("
            "customer_id INTEGER NOT NULL REFERENCES customer(id) ON DELETE CASCADE, "
            "term VARCHAR(254) NOT NULL)"
        )
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS search_term_prefix ON {TERM_TABLE} "
            "(term text_pattern_ops, customer_id)"
        )
        # (customer, term): answers "does this customer have a term starting with w" from the
        # index alone, which the planner uses when a word matches most of the register
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS search_term_customer ON {TERM_TABLE} "
            "(customer_id, term text_pattern_ops)"
        )


def create_document_table(db: pw.Database) -> None:
    """PostgreSQL: one row a customer holding its document (migration ``_m7_search_doc``).

    Filled from the term table when new, so an older register answers at once. The leading
    and trailing space make "some token starts with w" one ``doc LIKE '% w%'``.
    """
    if is_sqlite(db):
        return
    # the plan is chosen from the planner's estimate of a prefix's terms: with 1,000 common
    # terms and histogram buckets (default 100) it is within ~10 % at 1M, not 2-100x off
    db.execute_sql(f"ALTER TABLE {TERM_TABLE} ALTER COLUMN term SET STATISTICS 1000")
    exists = db.table_exists(DOC_TABLE)
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} ("
        "customer_id INTEGER PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE, "
        "doc TEXT NOT NULL)"
    )
    if not exists:
        db.execute_sql(
            f"INSERT INTO {DOC_TABLE} (customer_id, doc) "
            f"SELECT customer_id, ' ' || string_agg(term, ' ') || ' ' FROM {TERM_TABLE} "
            "GROUP BY customer_id"
        )
    analyze(db)


def analyze(db: pw.Database | pw.DatabaseProxy) -> None:
    """PostgreSQL: fresh planner statistics of the search tables, and the plans' estimates
    (``search_stats``) read from them at the next search."""
    db.execute_sql(f"ANALYZE {TERM_TABLE}, {DOC_TABLE}")
    search_stats.forget()


def create_trigram_index(db: pw.Database) -> None:
    """PostgreSQL: a trigram (pg_trgm) GIN index of the documents, so that several words'
    ``doc LIKE '% w%'`` are answered together from the index (a bitmap of the few documents
    having all the words' trigrams, each then checked by its LIKE): ``pekka aa`` reads a few
    hundred documents instead of the 37,000 index terms of ``aa`` (#19). The LIKEs are
    rechecked on every document, so the index changes which rows are read, never the answer.

    pg_trgm ships with PostgreSQL (contrib) and is a trusted extension (any user allowed to
    create in the database may add it). Where it cannot be added the index is left out and
    the search keeps its other plans (``search_query`` checks for the index).
    """
    if is_sqlite(db):
        return
    try:
        with db.atomic():  # a savepoint: a failed CREATE EXTENSION must not end the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except pw.DatabaseError:
        return
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {DOC_TRIGRAM_INDEX} ON {DOC_TABLE} "
        "USING gin (doc gin_trgm_ops)"
    )


FORGET_TRIGGER = "customer_search_forget"


def drop_foreign_keys(db: pw.Database) -> None:
    """PostgreSQL (migration ``_m10_search_without_foreign_keys``): the search tables without
    their foreign keys to ``customer``; a statement trigger deletes a deleted customer's rows
    instead, as the keys' ON DELETE CASCADE did.

    The keys checked each of the ten-odd terms a customer has, a look-up and a row lock in
    ``customer`` a term: half of a customer import's time (measured at 200,000 customers,
    56 s with them, 27 s without). The search tables are an index, written only here for
    customers that exist (SQLite's FTS5 index has no key either). Every code path deletes a
    customer's entries before the customer (``remove``); the trigger keeps any other delete
    from leaving a person's terms behind. It reads the rows committed by then, so entries
    another transaction wrote for the customer before the delete went through go too.
    """
    if is_sqlite(db):
        return
    for table in PG_TABLES:
        keys = db.execute_sql(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            (table,),
        ).fetchall()
        for (name,) in keys:
            db.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    deletes = " ".join(
        f"DELETE FROM {table} WHERE customer_id IN (SELECT id FROM gone);" for table in PG_TABLES
    )
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION search_forget_customers() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {deletes} RETURN NULL; END $$"
    )
    db.execute_sql(f"DROP TRIGGER IF EXISTS {FORGET_TRIGGER} ON customer")
    db.execute_sql(
        f"CREATE TRIGGER {FORGET_TRIGGER} AFTER DELETE ON customer REFERENCING OLD TABLE AS "
        "gone FOR EACH STATEMENT EXECUTE FUNCTION search_forget_customers()"
    )


def create_stream_index(db: pw.Database) -> None:
    """PostgreSQL: an index of the terms keyed by their first three letters, then customer,
    with the term itself included (#19). For a word of three letters or more it gives the
    customers having a term that starts with it *in id order*, from the index alone
    (``left(term, 3) = 'tee' AND term LIKE 'teemu%'``): the search reads only as far as the
    page of 50 needs, and merges two words' lists without sorting them. The prefix index
    (``term``, then customer) returns a word's customers in term order, which must all be read
    and sorted first: 26,000 entries for ``teemu`` (with the emails that start with it) to
    find the 50 lowest ids of ``teemu ma``.

    Erasure deletes the person's ``search_term`` rows, and its compaction rewrites the table
    with every index of it (``VACUUM FULL``): this index holds nothing the table does not.
    """
    if is_sqlite(db):
        return
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {TERM_STREAM_INDEX} ON {TERM_TABLE} "
        f"((left(term, {STREAM_PREFIX})), customer_id) INCLUDE (term)"
    )


def has_trigram_index(db: pw.Database | pw.DatabaseProxy) -> bool:
    """Whether the PostgreSQL register has the documents' trigram index."""
    return has_index(db, DOC_TRIGRAM_INDEX)


def has_index(db: pw.Database | pw.DatabaseProxy, name: str) -> bool:
    """Whether the PostgreSQL register has the index ``name``."""
    row = db.execute_sql("SELECT to_regclass(%s)", (name,)).fetchone()
    return bool(row and row[0])


def document_for(customer_id: int) -> str | None:
    """The customer's index entry as their data makes it now; None if there is no customer."""
    return documents_for([customer_id]).get(customer_id)


def reindex(customer_id: int) -> None:
    """Bring one customer's index entry up to date (call inside the writing transaction)."""
    remove(customer_id)
    doc = document_for(customer_id)
    if doc is not None:
        write_documents([(customer_id, doc)])


def reindex_many(customer_ids: Iterable[int]) -> None:
    """``reindex`` for many customers with a few queries a thousand (imports that update)."""
    ids = list(dict.fromkeys(customer_ids))
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        marks = ", ".join([database.param] * len(part))
        if is_sqlite():
            database.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", part)
        else:
            for table in PG_TABLES:
                database.execute_sql(f"DELETE FROM {table} WHERE customer_id IN ({marks})", part)
        write_documents(list(documents_for(part).items()))


STALE_KEY = "search_stale_entries"  # meta: set while an import's stale entries are not purged


@contextmanager
def stale_entries_allowed() -> Iterator[None]:
    """Within a write transaction: ``reindex_many`` without FTS5's secure delete (SQLite).

    With secure-delete on, each removed entry is cut out of the term's pages at once, and
    for the common terms and 1-4 character prefixes every document has, that cost grows with
    the register and with the deletes of one transaction: re-importing 200,000 customers
    with 15 % changed took 266 s, 260 of them here (2,857 deletes in one commit of a 20,000
    document index: 9 s). Without it, a delete is a marker in a new segment and the old
    entries stay in the older pages, unsearchable, until segments merge: call
    ``purge_stale_entries`` once the bulk work is done. The old entries are a living
    customer's previous values; an erasure's own delete is always secure.
    """
    if not is_sqlite():
        yield
        return
    # committed with the chunk: an import killed before its purge is purged at the next start
    # (bootstrap) or erasure (purge_if_stale), so no erased person's old values stay behind
    meta.put(STALE_KEY, "1")
    database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('secure-delete', 0)")
    try:
        yield
        # the deletes are applied when FTS5 flushes its pending data: a savepoint flushes it
        # now, while secure-delete is still off (a commit after turning it on would not)
        database.execute_sql("SAVEPOINT search_flush")
        database.execute_sql("RELEASE search_flush")
    finally:
        database.execute_sql(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('secure-delete', 1)"
        )


def purge_stale_entries() -> None:
    """Merge the index into one segment, which drops the entries ``stale_entries_allowed``
    left behind (their freed pages are zeroed: the register runs with secure_delete)."""
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
        meta.remove(STALE_KEY)


def stale_entries_left() -> bool:
    """Whether an import left stale entries in the index (killed before its own purge)."""
    return is_sqlite() and meta.get(STALE_KEY) is not None


def purge_if_stale() -> bool:
    """In a write transaction: ``purge_stale_entries`` when ``stale_entries_left``."""
    if not stale_entries_left():
        return False
    purge_stale_entries()
    return True


_POSTCODES = "SELECT customer_id, postcode FROM address WHERE customer_id IN ({})"
_ORDER_NUMBERS = 'SELECT customer_id, order_number FROM "order" WHERE customer_id IN ({})'
_TRACKING_CODES = (
    'SELECT o.customer_id, p.tracking_code FROM parcel p JOIN "order" o ON o.id = p.order_id '
    "WHERE o.customer_id IN ({})"
)
_NAMES = "SELECT id, first_name, last_name, email, phone FROM customer WHERE id IN ({})"


def documents_for(customer_ids: list[int]) -> dict[int, str]:
    """``document_for`` of each of these customers (those that exist), a query a part (the
    ids as one parameter: ``bulk.select_in``)."""
    postcodes: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    codes: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    for cid, postcode in bulk.select_in(_POSTCODES, customer_ids):
        postcodes[cid].append(postcode)
    for query in (_ORDER_NUMBERS, _TRACKING_CODES):
        for cid, code in bulk.select_in(query, customer_ids):
            codes[cid].append(code)
    fields = ("first_name", "last_name", "email", "phone")
    return {
        row[0]: customer_document(dict(zip(fields, row[1:])), postcodes[row[0]], codes[row[0]])
        for row in bulk.select_in(_NAMES, customer_ids)
    }


def write_documents(rows: list[tuple[int, str]]) -> None:
    """Insert index entries for customers that have none yet (bulk: demo data, imports)."""
    if not rows:
        return
    if is_sqlite():
        database.cursor().executemany(f"INSERT INTO {FTS_TABLE}(rowid, doc) VALUES (?, ?)", rows)
    else:
        # in term order: the prefix index (term, customer) takes them as a sorted run,
        # each of its pages read and dirtied once, not once a term at a random place
        pairs = sorted((term, cid) for cid, doc in rows for term in doc.split())
        bulk.copy_in(TERM_TABLE, ("term", "customer_id"), pairs)
        bulk.copy_in(DOC_TABLE, ("customer_id", "doc"), [(cid, f" {doc} ") for cid, doc in rows])


def start_bulk_load() -> None:
    """Before many ``write_documents`` calls in one transaction: no merging while loading."""
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('automerge', 0)")


def finish_bulk_load() -> None:
    """After a bulk load: merge the index into one segment (fastest to query), merge on."""
    if is_sqlite():
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('automerge', 4)")
    else:
        analyze(database)


def build_index_apart(
    connection: Any,
    batches: Iterable[list[tuple[int, str]]],
    *,
    index_now: Callable[[], bool] | None = None,
) -> None:
    """Build a search index of ``batches`` of (customer id, document) in the SQLite database
    of ``connection`` (a plain driver connection, not the register's), for ``adopt_index``.
    A later document of an id replaces the earlier one (an import's update of a customer it
    created moments before).

    The documents go straight into the table's document store and the index is then made
    from it in one pass ('rebuild') and merged into one segment: cheaper than inserting
    through the table, which stores each document and indexes it row by row.

    ``index_now``, asked before each batch: yes indexes the batch as it comes, for a few per
    cent more work in all, so that little is left when the last batch is in (a first
    import's writer has nothing else to do then; the demo's rebuilds indexes meanwhile, and
    passes none). No puts the batch aside, at a fraction of the cost, to be indexed at the
    end: a builder that has fallen behind (on a busy machine) catches up instead of holding
    the writer back, and does the rest once the writer is done.
    """
    connection.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({FTS_OPTIONS})")
    connection.execute("BEGIN")
    # no merging while building: 'optimize' merges everything once at the end
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('automerge', 0)")
    if index_now is None:
        for batch in batches:
            connection.executemany(
                f"INSERT OR REPLACE INTO {FTS_TABLE}_content(id, c0) VALUES (?, ?)", batch
            )
        connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
    else:
        _index_as_they_come(connection, batches, index_now)
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    connection.execute("COMMIT")


_LATER = "index_later"  # the batches put aside, in the builder's scratch file


def _index_as_they_come(
    connection: Any, batches: Iterable[list[tuple[int, str]]], index_now: Callable[[], bool]
) -> None:
    connection.execute(f"CREATE TABLE {_LATER} (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
    put_aside = False
    newest = 0  # the highest id indexed so far
    for batch in batches:
        if not index_now():
            connection.executemany(f"INSERT OR REPLACE INTO {_LATER} VALUES (?, ?)", batch)
            put_aside = True
            continue
        if put_aside:  # an id's earlier document put aside must not replace this one
            connection.executemany(f"DELETE FROM {_LATER} WHERE id = ?", [(i,) for i, _ in batch])
        # new customers' ids only grow: such a list is inserted without looking for an entry
        # to replace first (a seventh less of FTS5's work); a customer sent again is replaced
        verb = "INSERT" if _ascending_from(batch, newest) else "INSERT OR REPLACE"
        connection.executemany(f"{verb} INTO {FTS_TABLE}(rowid, doc) VALUES (?, ?)", batch)
        newest = max(newest, max((i for i, _ in batch), default=0))
    connection.execute(
        f"INSERT OR REPLACE INTO {FTS_TABLE}(rowid, doc) SELECT id, doc FROM {_LATER} ORDER BY id"
    )
    connection.execute(f"DROP TABLE {_LATER}")


def _ascending_from(batch: list[tuple[int, str]], newest: int) -> bool:
    """Whether the ids of ``batch`` are each higher than the one before, the first higher
    than ``newest``: none of them can be in the index yet."""
    previous = newest
    for customer_id, _ in batch:
        if customer_id <= previous:
            return False
        previous = customer_id
    return True


def adopt_index(schema: str) -> None:
    """Make the search index one built in the attached database ``schema`` (SQLite only).

    The register's index must be empty and ``schema`` must hold an FTS5 table ``FTS_TABLE``
    made with ``FTS_OPTIONS``: the demo builds it there on another core while this one
    rebuilds the other indexes. Its documents and index pages are copied in; the register's
    own settings (secure-delete) stay.

    FTS5 caches the index structure per connection and, within one connection, does not
    notice its tables changing under it ("checksum mismatch"). Rolling back a savepoint that
    wrote to the table makes it read the structure again (after a rollback it must).
    """
    for part in FTS_PARTS:
        table = f"{FTS_TABLE}_{part}"
        database.execute_sql(f"DELETE FROM main.{table}")
        database.execute_sql(f"INSERT INTO main.{table} SELECT * FROM {schema}.{table}")
    database.execute_sql("SAVEPOINT search_reload")
    database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('automerge', 4)")
    database.execute_sql("ROLLBACK TO search_reload")
    database.execute_sql("RELEASE search_reload")
    # a new index: whatever stale entries a killed import left went with the old one
    meta.remove(STALE_KEY)


def remove(customer_id: int) -> None:
    """Delete a customer's index entry; with secure-delete its terms are gone for good."""
    if is_sqlite():
        database.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (customer_id,))
    else:
        for table in PG_TABLES:
            database.execute_sql(f"DELETE FROM {table} WHERE customer_id = %s", (customer_id,))
