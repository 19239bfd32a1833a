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
merging every term that starts with the letter. PostgreSQL: a ``search_term`` table (one row
a token) with a ``text_pattern_ops`` index finds the customers of a rare word, and a
``search_doc`` table (one row a customer: the tokens, space-separated) checks the other words of
a candidate with one LIKE, or is walked in id order when every word is common (``postgres_plan``).
User text never reaches MATCH unquoted: tokens are letters and digits only, each
double-quoted; on PostgreSQL they are bound parameters with no LIKE wildcard in them.
"""

from __future__ import annotations

import functools
import io
import json
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

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
DOC_TABLE = "search_doc"
# PostgreSQL's search tables: both hold a customer's tokens (erasure deletes and vacuums them)
PG_TABLES = (TERM_TABLE, DOC_TABLE)
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


def create_document_table(db: pw.Database) -> None:
    """PostgreSQL: one row a customer holding its document (migration ``_m_i19_search_doc``).

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
    db.execute_sql(f"ANALYZE {TERM_TABLE}, {DOC_TABLE}")


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
            for table in PG_TABLES:
                database.execute_sql(f"DELETE FROM {table} WHERE customer_id IN ({marks})", part)
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
        pairs = [(cid, term) for cid, doc in rows for term in doc.split()]
        copy_rows(TERM_TABLE, ("customer_id", "term"), pairs)
        copy_rows(DOC_TABLE, ("customer_id", "doc"), [(cid, f" {doc} ") for cid, doc in rows])


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: insert rows with COPY (~50x faster than psycopg2's executemany, which
    sends one statement a row). Any values: None as NULL, booleans, dates, text escaped."""
    if not rows:
        return
    cursor = database.cursor()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    if hasattr(cursor, "copy_expert"):  # psycopg2
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        buffer.seek(0)
        cursor.copy_expert(sql, buffer)
    elif hasattr(cursor, "copy"):  # psycopg 3
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


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
        database.execute_sql(f"ANALYZE {TERM_TABLE}, {DOC_TABLE}")


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
        for table in PG_TABLES:
            database.execute_sql(f"DELETE FROM {table} WHERE customer_id = %s", (customer_id,))


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
        restricted = restricted_clause.format(false="false")
        plan = postgres_plan(words, limit, after_id, restricted)
        ids = run_postgres_plan(plan)
        if not ids and plan.guarded:  # the walk's guard found the rarest word rare after all
            ids = run_postgres_plan(postgres_plan(words, limit, after_id, restricted, "drive"))
        return ids
    return [row[0] for row in database.execute_sql(sql, params)]


# The PostgreSQL plan is chosen by cost, from the planner's own estimate of each word's index
# terms (its statistics of ``search_term.term``, 1,000 buckets). Measured on 2 cores, in µs:
PG_COST_ENTRY = 0.4  # reading and sorting one index entry of a word's range
PG_COST_PROBE = 6.0  # checking one candidate customer's document (an index look-up)
PG_COST_WALK = 1.0  # checking the next document in a walk in id order (a LIKE, no look-up)
PG_TERMS_PER_CUSTOMER = 1.6  # a name matches a customer's name and their email parts
# A walk reads on until the page is full, all the register when nothing matches: before one,
# the rarest word's terms are counted up to this (cheap) and it drives if it has fewer.
PG_WALK_MIN_TERMS = 5000
# None picks the cheapest plan; "walk", "drive" or "intersect" forces one (tests, bench)
PG_FORCE_PLAN: str | None = None
_PG_DOC_HAS = " AND d.doc LIKE %s"
# Nested loops in id order stop when the page is full, where a hash or merge join would first
# read every row of a common word; no parallel workers (their start costs more than a page);
# the joins in the order written (the document is checked before the customer row is read);
# each document and customer looked up by its key (the planner, thinking '% w%' rare, would
# otherwise scan all the documents once and match every candidate against them).
_PG_SETTINGS = (
    "enable_hashjoin = off",
    "enable_mergejoin = off",
    "enable_seqscan = off",
    "enable_material = off",
    "max_parallel_workers_per_gather = 0",
    "join_collapse_limit = 1",
)


class PgPlan(NamedTuple):
    """A PostgreSQL search plan: its SQL, parameters, the planner settings (``SET LOCAL``) it
    runs with, and whether it is a walk that returns nothing when its guard fails."""

    sql: str
    params: list
    settings: tuple[str, ...]
    guarded: bool = False


def postgres_plan(
    words: list[str],
    limit: int,
    after_id: int,
    restricted: str = "",
    force: str | None = None,
) -> PgPlan:
    """The plan that finds ``words`` on PostgreSQL (``run_postgres_plan``; ``bench search``
    EXPLAINs it); ``force`` names one (else ``PG_FORCE_PLAN``, else the cheapest).

    Three plans, the cheapest by estimated cost. Walk: the documents in id order, checking
    each word with a LIKE, until a page is full; cheapest when the words together match a
    good share of the register (``e``, ``s k``, ``virtanen``). Drive: the rarest word's
    customers from the term index, sorted, their documents checked for the other words until
    the page is full (``teemu ma``, a phone number, an order number). Intersect: the two
    rarest words' customer sets intersected with a hash, then the others checked: when both
    are middling (``lauri heino``), reading both ranges once beats checking thousands of
    documents that do not match.
    """
    estimates = _estimates(words)
    customers = max(1.0, _pg_customers())
    share = {w: min(1.0, estimates[w] / PG_TERMS_PER_CUSTOMER / customers) for w in words}
    ordered = sorted(words, key=lambda w: estimates[w])
    costs = _plan_costs(ordered, estimates, share, limit, customers)
    forced = force or PG_FORCE_PLAN
    plan = forced or min(costs, key=lambda name: costs[name])
    if plan == "walk":
        return _pg_walk(ordered, limit, after_id, restricted, guard=not forced)
    if plan == "drive" or len(ordered) == 1:
        drive = f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s AND customer_id > %s"
        params = [ordered[0] + "%", after_id]
        checked = ordered[1:]
    else:
        drive = (
            f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s AND customer_id > %s "
            f"INTERSECT SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s "
            "AND customer_id > %s"
        )
        params = [ordered[0] + "%", after_id, ordered[1] + "%", after_id]
        checked = ordered[2:]
    doc_join = f" JOIN {DOC_TABLE} d ON d.customer_id = h.customer_id" if checked else ""
    # a subquery, not a CTE: the planner knows its rows come in id order and needs no sort
    sql = (
        f"SELECT h.customer_id FROM (SELECT DISTINCT customer_id FROM ({drive}) x "
        f"ORDER BY customer_id) h{doc_join} JOIN customer c ON c.id = h.customer_id "
        "WHERE TRUE" + _PG_DOC_HAS * len(checked) + restricted + " ORDER BY h.customer_id LIMIT %s"
    )
    params += [_doc_pattern(w) for w in checked] + [limit]
    # the hash join of the intersection is a set operation, not a join: still allowed
    return PgPlan(sql, params, _PG_SETTINGS)


def _plan_costs(
    ordered: list[str],
    estimates: dict[str, float],
    share: dict[str, float],
    limit: int,
    customers: float,
) -> dict[str, float]:
    """Estimated µs of each plan (see ``postgres_plan``); ``ordered`` rarest first."""
    both = 1.0
    for w in ordered:
        both *= share[w]
    costs = {"walk": min(customers, limit / max(both, 1e-9)) * PG_COST_WALK}
    rarest = ordered[0]
    rest = both / share[rarest]
    candidates = estimates[rarest] / PG_TERMS_PER_CUSTOMER
    checks = min(candidates, limit / max(rest, 1e-9)) if len(ordered) > 1 else limit
    costs["drive"] = estimates[rarest] * PG_COST_ENTRY + checks * PG_COST_PROBE
    if len(ordered) > 1:
        second = ordered[1]
        rest = rest / share[second]
        common = candidates * share[second]
        checks = min(common, limit / max(rest, 1e-9)) if len(ordered) > 2 else min(common, limit)
        reading = (estimates[rarest] + estimates[second]) * PG_COST_ENTRY
        costs["intersect"] = reading + checks * PG_COST_PROBE
    return costs


def _pg_walk(words: list[str], limit: int, after_id: int, restricted: str, guard: bool) -> PgPlan:
    """With ``guard``, the walk first counts the rarest word's terms up to PG_WALK_MIN_TERMS
    (an InitPlan, run once before the scan) and returns nothing if it has fewer: a walk for
    a word that is rare after all would read every document."""
    gate = ""
    params: list = [after_id]
    if guard:
        gate = (
            f" AND (SELECT count(*) FROM (SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s "
            "LIMIT %s) g) >= %s"
        )
        params += [words[0] + "%", PG_WALK_MIN_TERMS, PG_WALK_MIN_TERMS]
    sql = (
        f"SELECT d.customer_id FROM {DOC_TABLE} d JOIN customer c ON c.id = d.customer_id "
        "WHERE d.customer_id > %s"
        + gate
        + _PG_DOC_HAS * len(words)
        + restricted
        + " ORDER BY d.customer_id LIMIT %s"
    )
    params += [_doc_pattern(w) for w in words] + [limit]
    # no sort: the planner thinks '% w%' rare and would sort the matching documents
    return PgPlan(sql, params, (*_PG_SETTINGS, "enable_sort = off"), guarded=guard)


def _doc_pattern(word: str) -> str:
    """'% w%': some token of the document (space-separated, with a space before the first)
    starts with ``word`` (letters and digits only: no LIKE wildcard can be in it)."""
    return f"% {word}%"


def run_postgres_plan(plan: PgPlan) -> list[int]:
    """Run a plan of ``postgres_plan`` with its planner settings (for this statement only:
    put back at once, in case this is a savepoint of a longer transaction)."""
    with database.atomic():
        _run_all([f"SET LOCAL {s}" for s in plan.settings])
        ids = [row[0] for row in database.execute_sql(plan.sql, plan.params)]
        _run_all([f"SET LOCAL {s.split(' =')[0]} TO DEFAULT" for s in plan.settings])
    return ids


def _run_all(statements: list[str]) -> None:
    """Statements without parameters: in one round trip with psycopg2 (which sends several
    at once), one by one with a driver that does not (psycopg 3 with parameters)."""
    if hasattr(database.cursor(), "copy_expert"):
        database.execute_sql("; ".join(statements))
    else:
        for statement in statements:
            database.execute_sql(statement)


def _estimates(words: list[str]) -> dict[str, float]:
    """The planner's estimate of the index terms starting with each word (its statistics of
    ``search_term.term``): one planning step for all the words, no index read."""
    one = f"SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s"
    sql = "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join([one] * len(words))
    plan = database.execute_sql(sql, [w + "%" for w in words]).fetchone()[0]
    if isinstance(plan, str):  # a driver that does not parse JSON
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    nodes = top["Plans"] if len(words) > 1 else [top]  # an Append of one scan a word
    return {w: float(node["Plan Rows"]) for w, node in zip(words, nodes, strict=True)}


_customers_seen: dict[str, tuple[float, float]] = {}  # database name -> (read at, count)


def _pg_customers() -> float:
    """How many documents there are, from the statistics (no count of the table); read
    again at most once a minute (it moves only with imports and erasures)."""
    now = time.monotonic()
    name = str(getattr(database.obj, "database", ""))
    at, count = _customers_seen.get(name, (-1e9, 0.0))
    if now - at > 60:
        row = database.execute_sql(
            "SELECT reltuples FROM pg_class WHERE relname = %s", (DOC_TABLE,)
        ).fetchone()
        count = float(row[0]) if row and row[0] and row[0] > 0 else 0.0
        _customers_seen[name] = (now, count)
    return count or 1000.0
