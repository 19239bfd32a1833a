"""Writing imported customers a chunk at a time: Shopify and WooCommerce customer files
(``shop_customers``), WooCommerce JSON (``woo_json``), and the buyers of orders
(``shop_orders``). Each file is streamed (``shop_csv``), every row mapped to a validated
record (``shop_formats``) or rejected with its line number and a reason, and the records
written a chunk at a time (here, with ``shop_writer``).

Re-importing is safe: records are matched by the shop's own ids, then by email, and updated,
never duplicated; a row that changes nothing counts as unchanged. A person erased in
finconsole stays erased: their rows are skipped and counted. "Accepts marketing: no" records
a marketing objection; an import never withdraws one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from finconsole.core.access import audit
from finconsole.core.imports import shop_writer as w
from finconsole.core.imports.import_result import (
    ImportResult,
    Progress,
)
from finconsole.core.imports.shop_csv import ImportFormatError
from finconsole.core.imports.shop_formats import CustomerRecord
from finconsole.core.imports.shop_pipeline import ParsedRows, document
from finconsole.core.kernel.actor import Actor
from finconsole.core.store import bulk, busy
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite, write_transaction

CHUNK = 10000
# A chunk holds SQLite's write lock while it is written: other writers (the retention run,
# consoles saving) wait up to their 5 s busy timeout. A chunk that took longer than this makes
# the next ones smaller (not below MIN_CHUNK), so the lock is given up often enough on a
# loaded machine too; a fast machine keeps CHUNK.
CHUNK_SECONDS = 1.0
MIN_CHUNK = 500
# A chunk that finds the write lock held past its busy timeout (a retention run, a console's
# long write) waits and is tried again for this long before the import gives up (store.busy)
BUSY_SECONDS = 120.0
PROGRESS_EVERY = 1000


class ChunkWriter:
    """Writes each chunk in a transaction of its own (``write_customer_chunk``), tried again
    while the database is busy. A chunk holds SQLite's write lock while it is written; one that
    took longer than CHUNK_SECONDS makes the next ones smaller (``limit``)."""

    def __init__(self, actor: Actor, result: ImportResult, destination: Destination | None = None):
        self.actor, self.result = actor, result
        self.destination = destination or Destination()
        self.limit = CHUNK

    def write(self, chunk: Sequence[CustomerRecord]) -> None:
        started = time.monotonic()
        busy.retry(
            lambda: write_customer_chunk(
                self.actor, chunk, self.result, bulk=True, to=self.destination
            ),
            seconds=BUSY_SECONDS,
        )
        self.limit = _next_limit(len(chunk), time.monotonic() - started, self.limit)


def _next_limit(size: int, took: float, limit: int) -> int:
    """The next chunk's size: smaller if this one outlasted CHUNK_SECONDS (a bounded time
    holding the write lock), back up to CHUNK when fast."""
    if not is_sqlite():
        # PostgreSQL has no database-wide write lock: a chunk holds the rows it writes and
        # other imports' turn (``lock_imports``), never another console's writes
        return CHUNK
    if size < limit // 2:  # cut short by a repeated person: says little about speed
        return limit
    fits = int(size * CHUNK_SECONDS / took) if took > 0 else CHUNK
    return max(MIN_CHUNK, min(CHUNK, fits))


def write_parsed(
    parsed: ParsedRows,
    result: ImportResult,
    progress: Progress | None,
    total: int,
    chunks: ChunkWriter,
) -> int:
    """Write the parsed records a chunk at a time; returns how many rows were read."""
    chunk: list[CustomerRecord] = []
    keys: set[str | None] = set()
    rows = 0
    try:
        for line, record, why, raw in parsed:
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows, parsed.bytes_done, total)
            if record is None:
                result.reject(line, why, raw or {})
                continue
            if record.warnings:  # imported, but a person should look
                result.warn(line, record.warnings, raw or {})
            # (a row without a shop id, as in older exports, is the same person only by email:
            # None in ``keys`` would write a chunk a row)
            same_person = (record.shop_ref and record.shop_ref in keys) or (
                record.email and record.email in keys
            )
            if same_person or len(chunk) >= chunks.limit:
                # the same person twice in one chunk: write the first before reading the second
                chunks.write(chunk)
                chunk, keys = [], set()
            chunk.append(record)
            keys.add(record.shop_ref)
            keys.add(record.email)
    except ImportFormatError:
        chunks.write(chunk)  # the message promises the rows
        raise
    chunks.write(chunk)
    return rows


def audit_run(actor: Actor, label: str, result: ImportResult) -> None:
    """One event for the run itself (the records have their own events)."""
    action = "import_" + label.lower().replace(" ", "_")
    audit.record(actor, action, "import", None, fields=_counted(result) + result.source)


def _counted(result: ImportResult) -> list[str]:
    names = ("created", "updated", "unchanged", "skipped_erased", "rejected")
    return [name for name in names if getattr(result, name)]


class Destination:
    """Where a chunk's search entries and audit events go: into the register with the chunk.
    A first import's load (``shop_fresh.FreshLoad``) sends them elsewhere."""

    def documents(self, records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
        search.write_documents([(cid, r.document or document(r)) for r, cid in zip(records, ids)])

    def may_match_by_email(self, records: Sequence[CustomerRecord]) -> bool:
        """Whether a record may be a stored customer found by email (a register's customers
        may have no shop id, or another's)."""
        return True

    def reindex(self, customer_ids: list[int], *, bulk: bool) -> None:
        if bulk and customer_ids:
            with search.stale_entries_allowed():
                search.reindex_many(customer_ids)
        else:
            search.reindex_many(customer_ids)

    def created(self, actor: Actor, records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
        """One ``import_customers`` event per run of consecutive new ids (one a chunk on
        SQLite), not one per customer: a fifth of the import's database writes. The event's
        range (customer_id..last_customer_id) names every customer it created, and
        ``audit.about_customer`` finds it for each of them, so the trail and the customer's
        own export still say which staff member created the record and when."""
        filled = filled_fields(records)
        w.audit_many(actor, [created_event(first, last, filled) for first, last in w.id_runs(ids)])


def created_event(first: int, last: int, filled: Iterable[str]) -> tuple:
    return ("import_customers", "customer", first, first, list(filled), last)


_FILLED = {name: name for name in (*w.SHOP_FIELDS, "shop_ref", "address", "phone_review")}
_FILLED["marketing_no"] = "objection_marketing_at"


def filled_fields(records: Sequence[CustomerRecord]) -> set[str]:
    """The fields the import filled in for any of ``records`` (an import event's fields)."""
    # any() stops at the first record that has the field: nearly always the first
    return {field for attr, field in _FILLED.items() if any(getattr(r, attr) for r in records)}


def write_customer_chunk(
    actor: Actor,
    records: Sequence[CustomerRecord],
    result: ImportResult,
    *,
    bulk: bool = False,
    to: Destination | None = None,
) -> None:
    """Create or update one chunk of customers in one transaction.

    ``bulk``: updated customers' old search entries are dropped without secure delete
    (``search.stale_entries_allowed``); the caller purges them when the import ends.
    ``to``: where search entries and audit events go (default: with the rows)."""
    if not records:
        return
    to = to or Destination()
    with result.committing(), write_transaction():
        w.lock_imports()  # another console importing the same file waits
        erased = w.erased_records(records)
        # (a first import's chunks have none erased and none stored: no pass over them)
        live = [r for r in records if id(r) not in erased] if erased else records
        result.skipped_erased += len(records) - len(live)
        stored = w.existing_customers(live, by_email=to.may_match_by_email(live))
        new = [r for r in live if id(r) not in stored] if stored else live
        create_customers(actor, new, to=to)
        result.created += len(new)
        pairs = [(r, stored[id(r)]) for r in live if id(r) in stored] if stored else []
        changed = update_customers(actor, pairs, bulk=bulk, to=to)
        result.updated += changed
        result.unchanged += len(pairs) - changed


def create_customers(
    actor: Actor, records: Sequence[CustomerRecord], *, to: Destination | None = None
) -> list[int]:
    """Insert customers with their default addresses, search entries and audit events."""
    to = to or Destination()
    ids = w.allocate_ids("customer", len(records))
    w.insert_new_customers(records, ids)
    to.documents(records, ids)
    to.created(actor, records, ids)
    return ids


def update_customers(
    actor: Actor,
    pairs: Sequence[tuple[CustomerRecord, dict]],
    *,
    bulk: bool = False,
    to: Destination | None = None,
) -> int:
    """Apply what changed to stored customers; returns how many changed."""
    addresses = w.default_addresses([stored["id"] for _, stored in pairs])
    customer_rows, address_updates, address_inserts, events, reindex = [], [], [], [], []
    now = w.db_now()
    for record, stored in pairs:
        cid = stored["id"]
        changes = w.merge(record, stored)
        old_address = addresses.get(cid)
        address = w.address_changes(record, old_address, stored["restricted"])
        if not changes and not address:
            continue
        new = {**stored, **changes}
        customer_rows.append(
            (*(new[k] for k in w.SHOP_FIELDS), new["phone_review"], new["shop_ref"])
            + (new["objection_marketing_at"], now, cid)
        )
        if address and old_address:
            merged = {**old_address, **address}
            address_updates.append((*(merged[k] for k in w.ADDRESS_PARTS), old_address["id"]))
        elif address:
            address_inserts.append((cid, "postal", *(address[k] for k in w.ADDRESS_PARTS), True, 1))
        fields = [*changes, *(f"address.{k}" for k in address)]
        events.append(("import_update_customer", "customer", cid, cid, fields))
        if set(changes) & set(w.SHOP_FIELDS) or "postcode" in address:
            reindex.append(cid)
    _write_updates(customer_rows, address_updates, address_inserts)
    (to or Destination()).reindex(reindex, bulk=bulk)
    w.audit_many(actor, events)
    return len(customer_rows)


_UPDATED_COLUMNS = (
    *w.SHOP_FIELDS,
    "phone_review",
    "shop_ref",
    "objection_marketing_at",
    "updated_at",
)


def _write_updates(customer_rows: list, address_updates: list, address_inserts: list) -> None:
    # executemany on SQLite; on PostgreSQL a statement a thousand rows, not one a row
    bump = "version = version + 1"
    bulk.bulk_update("customer", "id", _UPDATED_COLUMNS, customer_rows, also=bump)
    bulk.bulk_update("address", "id", w.ADDRESS_PARTS, address_updates, also=bump)
    w.insert_many("address", (*w.ADDRESS_COLUMNS, "is_default", "version"), address_inserts)
