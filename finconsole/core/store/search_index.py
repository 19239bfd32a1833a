"""Find customers from a name, email, phone, postcode, order number or tracking code.

One tokenizer serves documents and queries alike: casefolded, accents removed, split on
anything that is not a letter or digit. Every query word must prefix-match some token of the
customer (``anna virt`` finds Anna Virtanen). Phone numbers are indexed as E.164 digits and
national digits, and a query that looks like a phone number is joined into one digit token,
so ``040 123 4567``, ``0401234567`` and ``+358401234567`` all find the same person.

SQLite: an FTS5 table (not contentless: see ``create_index``) with ``secure-delete`` (deleting
a row removes its terms for good, which erasure relies on) and prefix indexes for 1-4
characters: a prefix query longer than that merges the few terms it matches, a shorter one reads
one prepared doclist, so even ``a`` or ``s k`` answer in well under a millisecond instead of
merging every term that starts with the letter. PostgreSQL: a ``search_term`` table with a
``text_pattern_ops`` index. User text never reaches MATCH unquoted: tokens are letters and
digits only, each double-quoted.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import peewee as pw

from finconsole.core.store.models import (
    Address,
    Customer,
    Order,
    Parcel,
    database,
    is_sqlite,
    tuples,
)

FTS_TABLE = "customer_fts"
TERM_TABLE = "search_term"
FTS_OPTIONS = (
    "doc, prefix='1 2 3 4', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0"
)
# FTS5 keeps the table in tables of its own: the index, its segment directory, the documents
# (and _config, the table's settings, e.g. secure-delete)
FTS_PARTS = ("data", "idx", "content")
MAX_QUERY_TOKENS = 8
MAX_LIMIT = 500

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PHONE_QUERY = re.compile(r"^\+?[\d\s\-().]{3,}$")


# --- tokenizing ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Casefold and strip accents: 'Äänekoski' -> 'aanekoski', 'Søren' -> 'soren'."""
    if text.isascii():
        return text.lower()  # the same result, without the per-character work (imports)
    return _fold_unicode(text)


@functools.lru_cache(maxsize=65536)
def _fold_unicode(text: str) -> str:
    """Names repeat (a million customers share a few thousand names): cached."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("đ", "d")


def tokens(text: str | None) -> list[str]:
    if not text:
        return []
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: an import indexes the same first and last names over and over."""
    return tuple(t for t in _NON_ALNUM.split(fold(text)) if t)


# The last digits of a number, as people read it out ("435 4080"): a Finnish subscriber number
# is 7 digits after the 2-3 digit area or network code.
PHONE_END_DIGITS = 7


def phone_tokens(e164: str | None) -> list[str]:
    """'+358401234567' -> ['358401234567', '0401234567', '1234567'] (the number's end too)."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    out = [digits]
    if digits.startswith("358"):
        out.append("0" + digits[3:])
    if len(digits) > PHONE_END_DIGITS + 1:
        out.append(digits[-PHONE_END_DIGITS:])
    return out


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


def identifier_tokens(code: str | None) -> list[str]:
    """Order numbers and tracking codes: their parts and the whole code run together."""
    parts = tokens(code)
    return parts + (["".join(parts)] if len(parts) > 1 else [])


def customer_document(
    customer: dict[str, Any], postcodes: Iterable[str] = (), codes: Iterable[str] = ()
) -> str:
    """The text indexed for a customer: a space-separated list of tokens."""
    first, last = customer.get("first_name"), customer.get("last_name")
    words: list[str] = [*(_tokens(first) if first else ()), *(_tokens(last) if last else ())]
    email = customer.get("email")
    if email:
        # not through the cache: every address is different, caching them only evicts names
        parts = [t for t in _NON_ALNUM.split(fold(email)) if t]
        words += parts
        if len(parts) > 1:
            words.append("".join(parts))  # as identifier_tokens: the address run together
    words += phone_tokens(customer.get("phone"))
    for postcode in postcodes:
        words += tokens(postcode)
    for code in codes:
        words += identifier_tokens(code)
    return " ".join(dict.fromkeys(words))  # unique, order kept


def query_tokens(query: str) -> list[str]:
    """Turn anything a person can type into safe prefix tokens.

    An email address (one word with an ``@``) becomes the single run-together token that
    ``identifier_tokens`` indexes, so ``anna.virtanen@gm`` is one precise prefix lookup
    instead of an AND over ``gm``/``com`` parts that half the register shares.
    """
    query = query.strip()
    if "@" in query and not any(ch.isspace() for ch in query):
        joined = "".join(tokens(query))
        return [joined] if joined else []
    if _PHONE_QUERY.match(query) and sum(ch.isdigit() for ch in query) >= 3:
        digits = re.sub(r"\D", "", query)
        if query.startswith("+"):
            return [digits]
        if digits.startswith("00"):
            return [digits[2:]]
        return [digits]
    return list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]


# --- index maintenance -----------------------------------------------------------------------


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


def document_for(customer_id: int) -> str | None:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        return None
    postcodes = [
        a.postcode for a in Address.select(Address.postcode).where(Address.customer == customer_id)
    ]
    codes = [
        o.order_number
        for o in Order.select(Order.order_number).where(Order.customer == customer_id)
    ]
    codes += [
        p.tracking_code
        for p in Parcel.select(Parcel.tracking_code)
        .join(Order)
        .where(Order.customer == customer_id)
    ]
    data = {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
    }
    return customer_document(data, postcodes, codes)


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
            database.execute_sql(f"DELETE FROM {TERM_TABLE} WHERE customer_id IN ({marks})", part)
        write_documents(list(_documents_for(part).items()))


def _documents_for(customer_ids: list[int]) -> dict[int, str]:
    """``document_for`` of each of these customers (those that exist)."""
    postcodes: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    codes: dict[int, list[str]] = {cid: [] for cid in customer_ids}
    for cid, postcode in tuples(
        Address.select(Address.customer, Address.postcode).where(Address.customer.in_(customer_ids))
    ):
        postcodes[cid].append(postcode)
    for cid, number in tuples(
        Order.select(Order.customer, Order.order_number).where(Order.customer.in_(customer_ids))
    ):
        codes[cid].append(number)
    for cid, code in tuples(
        Parcel.select(Order.customer, Parcel.tracking_code)
        .join(Order)
        .where(Order.customer.in_(customer_ids))
    ):
        codes[cid].append(code)
    fields = ("first_name", "last_name", "email", "phone")
    query = Customer.select(
        Customer.id, Customer.first_name, Customer.last_name, Customer.email, Customer.phone
    ).where(Customer.id.in_(customer_ids))
    return {
        row[0]: customer_document(dict(zip(fields, row[1:])), postcodes[row[0]], codes[row[0]])
        for row in tuples(query)
    }


def write_documents(rows: list[tuple[int, str]]) -> None:
    """Insert index entries for customers that have none yet (bulk: demo data, imports)."""
    if not rows:
        return
    if is_sqlite():
        database.cursor().executemany(f"INSERT INTO {FTS_TABLE}(rowid, doc) VALUES (?, ?)", rows)
    else:
        cursor = database.cursor()
        if hasattr(cursor, "copy_expert"):  # psycopg2: COPY, ~50x faster than executemany
            buffer = io.StringIO()
            buffer.writelines(f"{cid}\t{term}\n" for cid, doc in rows for term in doc.split())
            buffer.seek(0)
            cursor.copy_expert(f"COPY {TERM_TABLE} (customer_id, term) FROM STDIN", buffer)
        else:
            pairs = [(cid, term) for cid, doc in rows for term in doc.split()]
            cursor.executemany(
                f"INSERT INTO {TERM_TABLE}(customer_id, term) VALUES (%s, %s)", pairs
            )


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
        database.execute_sql(f"ANALYZE {TERM_TABLE}")


def build_index_apart(connection: Any, batches: Iterable[list[tuple[int, str]]]) -> None:
    """Build a search index of ``batches`` of (customer id, document) in the SQLite database
    of ``connection`` (a plain driver connection, not the register's), for ``adopt_index``.

    The documents go straight into the table's document store and the index is then made
    from it in one pass ('rebuild') and merged into one segment: cheaper than inserting
    through the table, which stores each document and indexes it row by row.
    """
    connection.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({FTS_OPTIONS})")
    connection.execute("BEGIN")
    # no merging while building: 'optimize' merges everything once at the end
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('automerge', 0)")
    for batch in batches:
        connection.executemany(f"INSERT INTO {FTS_TABLE}_content(id, c0) VALUES (?, ?)", batch)
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
    connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    connection.execute("COMMIT")


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


def remove(customer_id: int) -> None:
    """Delete a customer's index entry; with secure-delete its terms are gone for good."""
    if is_sqlite():
        database.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (customer_id,))
    else:
        database.execute_sql(f"DELETE FROM {TERM_TABLE} WHERE customer_id = %s", (customer_id,))


# --- querying ---------------------------------------------------------------------------------


def matching_ids(
    query: str, limit: int, after_id: int = 0, include_restricted: bool = False
) -> list[int]:
    """Customer ids matching every query word, ascending, after ``after_id``."""
    words = query_tokens(query)
    if not words:
        return []
    restricted_clause = "" if include_restricted else " AND c.restricted = {false}"
    if is_sqlite():
        match = " AND ".join(f'"{w}"*' for w in words)
        sql = (
            f"SELECT c.id FROM {FTS_TABLE} f JOIN customer c ON c.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH ? AND f.rowid > ?"
            + restricted_clause.format(false=0)
            + " ORDER BY f.rowid LIMIT ?"
        )
        params: tuple = (match, after_id, limit)
    else:
        return _postgres_ids(words, limit, after_id, restricted_clause.format(false="false"))
    return [row[0] for row in database.execute_sql(sql, params)]


# Term counts (capped) pick the PostgreSQL plan: below PG_RARE the word drives; when every word
# reaches PG_COMMON, walking the customers in id order fills a page soonest.
PG_RARE = 300
PG_COMMON = 20_000
_PG_HAS_TERM = (
    f" AND EXISTS (SELECT 1 FROM {TERM_TABLE} t WHERE t.customer_id = c.id AND t.term LIKE %s)"
)
_PG_WORD_IDS = f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s"


def _postgres_ids(words: list[str], limit: int, after_id: int, restricted: str) -> list[int]:
    """Three plans, chosen by how many index terms each word matches.

    A rare word (a surname, a phone number, an order number): take its few customers from
    the term index and check the other words per customer. Only very common words (``s k``):
    walk the customers in id order, checking each word, until a page is full. In between
    (``antti vi``): intersect the words' customer sets with hashes, which reads each word's
    index range once instead of probing per customer.
    """
    counts = {w: _count_upto(w, PG_COMMON) for w in words}
    rarest = min(words, key=lambda w: counts[w])
    if counts[rarest] < PG_RARE:
        others = [w for w in words if w != rarest]
        sql = (
            f"WITH hits AS MATERIALIZED (SELECT DISTINCT customer_id FROM {TERM_TABLE} "
            "WHERE term LIKE %s AND customer_id > %s) "
            "SELECT c.id FROM hits h JOIN customer c ON c.id = h.customer_id WHERE TRUE"
            + restricted
            + _PG_HAS_TERM * len(others)
            + " ORDER BY c.id LIMIT %s"
        )
        params = [rarest + "%", after_id] + [w + "%" for w in others] + [limit]
        return _without_hash_joins(sql, params)
    if counts[rarest] >= PG_COMMON:
        sql = (
            "SELECT c.id FROM customer c WHERE c.id > %s"
            + restricted
            + _PG_HAS_TERM * len(words)
            + " ORDER BY c.id LIMIT %s"
        )
        return _without_hash_joins(sql, [after_id] + [w + "%" for w in words] + [limit])
    intersection = " INTERSECT ".join([_PG_WORD_IDS] * len(words))
    sql = (
        f"SELECT c.id FROM customer c WHERE c.id IN ({intersection}) AND c.id > %s"
        + restricted
        + " ORDER BY c.id LIMIT %s"
    )
    params = [w + "%" for w in words] + [after_id, limit]
    return [row[0] for row in database.execute_sql(sql, params)]


def _without_hash_joins(sql: str, params: list) -> list[int]:
    """Nested loops only: a hash join would first read every term of a common word."""
    with database.atomic():
        database.execute_sql("SET LOCAL enable_hashjoin = off")
        database.execute_sql("SET LOCAL enable_mergejoin = off")
        ids = [row[0] for row in database.execute_sql(sql, params)]
        database.execute_sql("SET LOCAL enable_hashjoin TO DEFAULT")
        database.execute_sql("SET LOCAL enable_mergejoin TO DEFAULT")
    return ids


def _count_upto(word: str, cap: int) -> int:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s LIMIT %s) x"
    return database.execute_sql(sql, (word + "%", cap)).fetchone()[0]
