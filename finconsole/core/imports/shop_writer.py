"""Batched writing shared by the customer and order importers.

Work is done a chunk of records at a time, each chunk in one write transaction: one query
finds which records belong to erased people, one or two find the customers already in the
register, then rows go in with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL: psycopg2's
executemany sends one statement a row). Ids of new customers are allocated up front (the
IMMEDIATE transaction on SQLite holds the write lock; PostgreSQL hands out sequence values),
so addresses, search entries and audit events can be written in bulk too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

from finconsole.core.access import audit
from finconsole.core.erasure import ledger
from finconsole.core.imports.import_result import ImportResult
from finconsole.core.imports.shop_csv import CsvSource
from finconsole.core.imports.shop_formats import CustomerRecord
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import runtime
from finconsole.core.store import bulk
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import ErasureLedger, database

CUSTOMER_COLUMNS = (
    "id",
    "shop_ref",
    "first_name",
    "last_name",
    "email",
    "phone",
    "phone_review",
    "language",
    "note",
    "objection_marketing_at",
    "restricted",
    "created_at",
    "updated_at",
    "version",
)
ADDRESS_COLUMNS = ("customer_id", "kind", "street", "street2", "postcode", "city", "country")
ADDRESS_PARTS = ("street", "street2", "postcode", "city", "country")
# what an import may change on an existing customer (the note is finconsole's own)
SHOP_FIELDS = ("first_name", "last_name", "email", "phone")


def sql(text: str) -> str:
    """Write queries with ``?``; PostgreSQL's driver wants ``%s``."""
    return text if is_sqlite() else text.replace("?", "%s")


def executemany(query: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        database.cursor().executemany(sql(query), rows)


def insert_many(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """``executemany`` on SQLite, ``COPY`` on PostgreSQL (``bulk.bulk_insert``)."""
    bulk.bulk_insert(table, columns, rows)


select_in = bulk.select_in  # ``query`` with one ``IN ({})``, filled with ``values``


def allocate_ids(table: str, count: int) -> list[int]:
    """``count`` fresh primary keys for ``table`` (call inside the write transaction)."""
    if count == 0:
        return []
    if is_sqlite():
        # AUTOINCREMENT tables (customer) remember ids already handed out in sqlite_sequence:
        # an erased customer's id must never come back with someone else's data.
        top = database.execute_sql(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            (table,),
        ).fetchone()[0]
        return list(range(top + 1, top + 1 + count))
    rows = database.execute_sql(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
        (count,),
    )
    return [row[0] for row in rows]


# --- one writer at a time ------------------------------------------------------------------

IMPORT_LOCK = 4242003  # PostgreSQL advisory lock of import chunks (4242001: the audit chain)


def lock_imports() -> None:
    """Serialise import chunks across consoles, for this transaction.

    A chunk reads which customers and orders exist, then inserts the rest. On SQLite the
    chunk's BEGIN IMMEDIATE already makes a second console wait; on PostgreSQL two imports of
    one file both read "not there" and both insert, and one ended in a unique violation. The
    lock makes the second chunk wait for the first to commit; reading after it, it finds the
    rows and counts them as unchanged.
    """
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))


# --- the erasure ledger, a chunk at a time ---------------------------------------------------


def erased_records(records: Iterable[CustomerRecord]) -> set[int]:
    """``id()``s of the records whose email, phone or shop id belongs to an erased person."""
    records = list(records)
    if not records or not ErasureLedger.select().exists():
        return set()  # the usual case: nothing was ever erased, no hashing needed
    keys: dict[int, list[tuple[str, str]]] = {}
    for rec in records:
        pairs = [("email", rec.email), ("phone", rec.phone), ("shop_ref", rec.shop_ref)]
        keys[id(rec)] = [
            (kind, h) for kind, value in pairs if (h := ledger.hash_identifier(kind, value))
        ]
    found: set[tuple[str, str]] = set()
    for kind, column in (
        ("email", "subject_hash"),
        ("phone", "phone_hash"),
        ("shop_ref", "shop_ref_hash"),
    ):
        hashes = [h for pairs in keys.values() for k, h in pairs if k == kind]
        query = f"SELECT {column} FROM erasure_ledger WHERE {column} IN ({{}})"
        found |= {(kind, row[0]) for row in select_in(query, hashes)}
    return {rid for rid, pairs in keys.items() if any(p in found for p in pairs)}


# --- existing customers -----------------------------------------------------------------------

_EXISTING = (
    "SELECT id, shop_ref, first_name, last_name, email, phone, objection_marketing_at, "
    "restricted, phone_review FROM customer WHERE {key} IN ({{}})"
)


def existing_customers(
    records: Sequence[CustomerRecord], *, by_email: bool = True
) -> dict[int, dict[str, Any]]:
    """``id(record)`` -> the stored customer it matches: by the shop's id first, then email
    (unless the caller knows none can match by email)."""
    names = ("id", "shop_ref", *SHOP_FIELDS, "objection_marketing_at", "restricted", "phone_review")
    by_ref = {
        row[1]: dict(zip(names, row))
        for row in select_in(
            _EXISTING.format(key="shop_ref"), [r.shop_ref for r in records if r.shop_ref]
        )
    }
    matched = {id(r): by_ref[r.shop_ref] for r in records if r.shop_ref in by_ref} if by_ref else {}
    wanted = [r.email for r in records if r.email and id(r) not in matched] if by_email else []
    emails: dict[str, dict[str, Any]] = {}
    for row in select_in(_EXISTING.format(key="email") + " ORDER BY id", wanted):
        emails.setdefault(row[4], dict(zip(names, row)))
    for r in records if emails else ():  # (none, as a rule, in a first import)
        if id(r) not in matched and r.email in emails:
            found = emails[r.email]
            # an email match may adopt the shop's id, never take over another shop's customer
            if not found["shop_ref"] or not r.shop_ref:
                matched[id(r)] = found
    _match_by_name(records, matched, names)
    return matched


_BY_NAME = (
    "SELECT c.id, c.shop_ref, c.first_name, c.last_name, c.email, c.phone, "
    "c.objection_marketing_at, c.restricted, a.postcode FROM customer c "
    "LEFT JOIN address a ON a.customer_id = c.id AND a.is_default "
    "WHERE c.email IS NULL AND c.shop_ref IS NULL AND c.last_name IN ({})"
)


def _match_by_name(records: Sequence[CustomerRecord], matched: dict, names: tuple) -> None:
    """A row with neither shop id nor email (an old export, or an id a spreadsheet destroyed)
    matches a customer who has neither either, by name and postcode: so importing the same
    file twice does not make everyone without an email twice."""
    anonymous = [r for r in records if not r.shop_ref and not r.email and id(r) not in matched]
    if not anonymous:
        return
    found: dict[tuple, dict[str, Any]] = {}
    for row in select_in(_BY_NAME + " ORDER BY c.id", [r.last_name for r in anonymous]):
        found.setdefault((row[2], row[3], row[8] or ""), dict(zip(names, row)))
    for r in anonymous:
        postcode = r.address["postcode"] if r.address else ""
        if (hit := found.get((r.first_name, r.last_name, postcode))) is not None:
            matched[id(r)] = hit


def default_addresses(customer_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each customer's address an import updates: the default one (or, with none marked,
    the first), the one the console shows first (``register.overview``)."""
    query = (
        "SELECT id, customer_id, street, street2, postcode, city, country FROM address "
        "WHERE customer_id IN ({}) ORDER BY is_default DESC, id"
    )
    out: dict[int, dict[str, Any]] = {}
    for row in select_in(query, customer_ids):
        if row[1] not in out:  # (the first of each customer's rows)
            out[row[1]] = dict(zip(("id", "customer_id", *ADDRESS_PARTS), row))
    return out


def db_now() -> Any:
    """The current time as the driver stores it. SQLite's adapter would format the same
    datetime once per row and column; formatting it once saves a second per million rows."""
    now = clock.now()
    return now.isoformat(" ") if is_sqlite() else now


def new_customer_rows(records: Sequence[CustomerRecord], ids: Sequence[int]) -> list[tuple]:
    now = db_now()
    language = runtime.settings("customers")["default_language"]
    return [
        (
            cid,
            r.shop_ref,
            r.first_name,
            r.last_name,
            r.email,
            r.phone,
            bool(r.phone_review),
            r.language or language,
            r.note,
            now if r.marketing_no else None,
            False,
            now,
            now,
            1,
        )
        for r, cid in zip(records, ids)
    ]


_ADDRESS_VALUES = itemgetter(*ADDRESS_PARTS)


def insert_new_customers(records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
    """Insert the customers ``ids`` with their default addresses."""
    if not is_sqlite():
        insert_many("customer", CUSTOMER_COLUMNS, new_customer_rows(records, ids))
        addresses = [
            (cid, "postal", *_ADDRESS_VALUES(r.address), True, 1)
            for r, cid in zip(records, ids)
            if r.address
        ]
        insert_many("address", (*ADDRESS_COLUMNS, "is_default", "version"), addresses)
        return
    # SQLite binds each parameter of each row in Python: the values every new row shares are
    # written into the statement instead (a third of the insert's time at a million rows)
    now = db_now()
    language = runtime.settings("customers")["default_language"]
    bulk.sqlite_insert(
        "INSERT INTO customer (id, shop_ref, first_name, last_name, email, phone, phone_review, "
        "language, note, objection_marketing_at, restricted, created_at, updated_at, version)",
        f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{now}', '{now}', 1)",
        [
            (cid, r.shop_ref, r.first_name, r.last_name, r.email, r.phone, bool(r.phone_review))
            + (r.language or language, r.note, now if r.marketing_no else None)
            for r, cid in zip(records, ids)
        ],
    )
    bulk.sqlite_insert(
        "INSERT INTO address (customer_id, kind, street, street2, postcode, city, country, "
        "is_default, version)",
        "(?, 'postal', ?, ?, ?, ?, ?, 1, 1)",
        [(cid, *_ADDRESS_VALUES(r.address)) for r, cid in zip(records, ids) if r.address],
    )


def merge(record: CustomerRecord, stored: dict[str, Any]) -> dict[str, Any]:
    """The stored customer's new values: the export's non-empty values win; an empty cell
    never clears what finconsole holds; an objection is set, never cleared."""
    changes: dict[str, Any] = {}
    if stored["restricted"]:
        return changes  # restricted (Art 18, erasure hold): only stored, an import changes nothing
    for name in SHOP_FIELDS:
        value = getattr(record, name)
        if value and value != stored[name]:
            changes[name] = value
    if "phone" in changes and bool(record.phone_review) != bool(stored["phone_review"]):
        changes["phone_review"] = bool(record.phone_review)  # a read number clears the flag
    if record.shop_ref and not stored["shop_ref"]:
        changes["shop_ref"] = record.shop_ref
    if record.marketing_no and stored["objection_marketing_at"] is None:
        changes["objection_marketing_at"] = clock.now()
    return changes


def address_changes(
    record: CustomerRecord, stored: dict[str, Any] | None, restricted: bool = False
) -> dict[str, Any]:
    if not record.address or restricted:
        return {}
    if stored is None:
        return dict(record.address)
    return {k: val for k, val in record.address.items() if val and val != stored[k]}


# --- audit in bulk ----------------------------------------------------------------------------


def audit_many(actor: Actor, events: Sequence[tuple]) -> None:
    """Append (action, target_type, target_id, customer_id, fields[, last_customer_id]) events
    to the chain in one ``executemany``: the same hash chain ``audit.record`` builds."""
    if not events:
        return
    prev, key = audit.chain_start()
    now = clock.now()
    stored_now = now.isoformat(" ") if is_sqlite() else now
    rows = []
    for action, target_type, target_id, customer_id, fields, *last in events:
        # a plain namespace: ``digest`` reads attributes only, and a model costs 10x more
        event = SimpleNamespace(
            at=now,
            actor=actor.username,
            channel=actor.channel,
            action=action,
            target_type=target_type,
            target_id=target_id,
            customer_id=customer_id,
            fields=",".join(sorted(set(fields))),
            outcome="ok",
            prev_hash=prev,
            last_customer_id=last[0] if last else None,
        )
        digest = audit.digest(event, key)
        rows.append(
            (stored_now, actor.username, actor.channel, action, target_type, target_id)
            + (customer_id, event.last_customer_id)
            + (event.fields, "ok", prev, digest)
        )
        prev = digest
    insert_many(
        "audit_event",
        (
            "at",
            "actor",
            "channel",
            "action",
            "target_type",
            "target_id",
            "customer_id",
            "last_customer_id",
            "fields",
            "outcome",
            "prev_hash",
            "hash",
        ),
        rows,
    )


def id_runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending ids as (first, last) runs of consecutive values: [1, 2, 3, 7] -> [(1, 3), (7, 7)].
    SQLite hands an import consecutive ids; PostgreSQL's sequence may interleave another
    session's, which only splits a run. The ids are distinct (new rows' keys)."""
    if ids and max(ids) - min(ids) + 1 == len(ids):
        return [(min(ids), max(ids))]  # the usual chunk: distinct ids that fill their range
    runs: list[tuple[int, int]] = []
    for cid in sorted(ids):
        if runs and cid == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], cid)
        else:
            runs.append((cid, cid))
    return runs


# Rejected rows keep their cells for the rejects file; past this many only line and reason
# are kept, so that a file rejected wholesale cannot exhaust memory.
RAW_REJECTS_KEPT = 20_000


def add_reject(
    result: ImportResult, source: CsvSource, line: int, row: list[str], why: str
) -> None:
    raw = source.raw(row) if result.rejected < RAW_REJECTS_KEPT else {}
    result.reject(line, why, raw)
