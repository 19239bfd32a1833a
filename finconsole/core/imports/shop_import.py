"""Import the webshop's own exports: Shopify and WooCommerce customers and orders.

``finconsole import shopify-customers FILE`` and friends reach the ``import_*`` functions
here (and in ``shop_orders``) through ``registry``. Each streams the file (``shop_csv``),
maps every row to a validated record (``shop_formats``) or rejects it with its line number
and a reason, and writes records a chunk at a time (``shop_writer``, ``shop_orders``).

Re-importing is safe: records are matched by the shop's own ids, then by email, and updated,
never duplicated; a row that changes nothing counts as unchanged. A person erased in
finconsole stays erased: their rows are skipped and counted. "Accepts marketing: no" records
a marketing objection; an import never withdraws one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from operator import itemgetter
from pathlib import Path

from finconsole.core.access import audit
from finconsole.core.imports import shop_formats as fmt
from finconsole.core.imports import shop_writer as w
from finconsole.core.imports.import_result import (
    ImportResult,
    Progress,
    stopping_after_writes,
)
from finconsole.core.imports.shop_csv import CsvSource, ImportFormatError
from finconsole.core.imports.shop_customer_rows import CustomerReader
from finconsole.core.imports.shop_formats import CustomerRecord
from finconsole.core.imports.shop_pipeline import ParsedRows, document, relaxed_gc
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.store import bulk
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite, large_cache, write_transaction

CHUNK = 10000
# A chunk holds SQLite's write lock while it is written: other writers (the retention run,
# consoles saving) wait up to their 5 s busy timeout. A chunk that took longer than this makes
# the next ones smaller (not below MIN_CHUNK), so the lock is given up often enough on a
# loaded machine too; a fast machine keeps CHUNK.
CHUNK_SECONDS = 1.0
MIN_CHUNK = 500
PROGRESS_EVERY = 1000


def import_shopify_customers(
    actor: Actor, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    return _import_customers(
        actor,
        path,
        progress,
        "Shopify customer",
        fmt.SHOPIFY_CUSTOMER_REQUIRED,
        fmt.SHOPIFY_CUSTOMER_COLUMNS,
        ("shopify:", "Customer ID"),
    )


def import_woocommerce_customers(
    actor: Actor, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    return _import_customers(
        actor,
        path,
        progress,
        "WooCommerce customer",
        fmt.WOO_CUSTOMER_REQUIRED,
        fmt.WOO_CUSTOMER_COLUMNS,
        ("woocommerce:", "customer_id"),
    )


def _import_customers(
    actor: Actor,
    path: Path,
    progress: Progress | None,
    label: str,
    required: Mapping[str, tuple[str, ...]],
    columns: Mapping[str, tuple[str, ...]],
    ref: tuple[str, str],  # shop_ref prefix, name of the id column
) -> ImportResult:
    permissions.require(actor, "import_shop_data")
    result = ImportResult()
    with CsvSource(Path(path)) as source, relaxed_gc(), large_cache():
        source.require(label, required)
        reader = CustomerReader(fmt.column_map(source, columns), *ref)
        parsed = ParsedRows(source, reader)
        with stopping_after_writes(result, lambda: _finish(actor, label, result)):
            rows = _write_parsed(actor, parsed, result, progress, source.bytes_total)
        if progress:
            progress(rows, source.bytes_total, source.bytes_total)
    _finish(actor, label, result)
    return result


def _finish(actor: Actor, label: str, result: ImportResult) -> None:
    """Drop the search entries the updates left (``bulk`` chunks), then audit the run."""
    if result.updated:
        with write_transaction():
            search.purge_stale_entries()
    audit_run(actor, label, result)


def _write_parsed(
    actor: Actor,
    parsed: ParsedRows,
    result: ImportResult,
    progress: Progress | None,
    total: int,
) -> int:
    """Write the parsed records a chunk at a time; returns how many rows were read."""
    chunk: list[CustomerRecord] = []
    keys: set[str | None] = set()
    rows = 0
    limit = CHUNK
    try:
        for line, record, why, raw in parsed:
            rows += 1
            if progress and rows % PROGRESS_EVERY == 0:
                progress(rows, parsed.bytes_done, total)
            if record is None:
                result.reject(line, why, raw or {})
                continue
            result.warn(line, record.warnings, raw or {})  # imported, but a person should look
            # (a row without a shop id, as in older exports, is the same person only by email:
            # None in ``keys`` would write a chunk a row)
            same_person = (record.shop_ref and record.shop_ref in keys) or (
                record.email and record.email in keys
            )
            if same_person or len(chunk) >= limit:
                # the same person twice in one chunk: write the first before reading the second
                limit = _timed_chunk(actor, chunk, result, limit)
                chunk, keys = [], set()
            chunk.append(record)
            keys.add(record.shop_ref)
            keys.add(record.email)
    except ImportFormatError:
        write_customer_chunk(actor, chunk, result, bulk=True)  # the message promises the rows
        raise
    write_customer_chunk(actor, chunk, result, bulk=True)
    return rows


def _timed_chunk(
    actor: Actor, chunk: Sequence[CustomerRecord], result: ImportResult, limit: int
) -> int:
    """Write ``chunk``; returns the next chunk's size, smaller if this one outlasted
    CHUNK_SECONDS (a bounded time holding the write lock), back up to CHUNK when fast."""
    started = time.monotonic()
    write_customer_chunk(actor, chunk, result, bulk=True)
    took = time.monotonic() - started
    if not is_sqlite():
        # PostgreSQL has no database-wide write lock: a chunk holds the rows it writes and
        # other imports' turn (``lock_imports``), never another console's writes
        return CHUNK
    if len(chunk) < limit // 2:  # cut short by a repeated person: says little about speed
        return limit
    fits = int(len(chunk) * CHUNK_SECONDS / took) if took > 0 else CHUNK
    return max(MIN_CHUNK, min(CHUNK, fits))


def audit_run(actor: Actor, label: str, result: ImportResult) -> None:
    """One event for the run itself (the records have their own events)."""
    action = "import_" + label.lower().replace(" ", "_")
    audit.record(actor, action, "import", None, fields=_counted(result))


def _counted(result: ImportResult) -> list[str]:
    names = ("created", "updated", "unchanged", "skipped_erased", "rejected")
    return [name for name in names if getattr(result, name)]


def write_customer_chunk(
    actor: Actor, records: Sequence[CustomerRecord], result: ImportResult, *, bulk: bool = False
) -> None:
    """Create or update one chunk of customers in one transaction.

    ``bulk``: updated customers' old search entries are dropped without secure delete
    (``search.stale_entries_allowed``); the caller purges them when the import ends."""
    if not records:
        return
    with result.committing(), write_transaction():
        w.lock_imports()  # another console importing the same file waits
        erased = w.erased_records(records)
        live = [r for r in records if id(r) not in erased]
        result.skipped_erased += len(records) - len(live)
        stored = w.existing_customers(live)
        new = [r for r in live if id(r) not in stored]
        create_customers(actor, new)
        result.created += len(new)
        pairs = [(r, stored[id(r)]) for r in live if id(r) in stored]
        changed = update_customers(actor, pairs, bulk=bulk)
        result.updated += changed
        result.unchanged += len(pairs) - changed


_ADDRESS_PARTS = itemgetter(*w.ADDRESS_PARTS)


def create_customers(actor: Actor, records: Sequence[CustomerRecord]) -> list[int]:
    """Insert customers with their default addresses, search entries and audit events."""
    ids = w.allocate_ids("customer", len(records))
    w.insert_many("customer", w.CUSTOMER_COLUMNS, w.new_customer_rows(records, ids))
    parts = _ADDRESS_PARTS
    addresses = [
        (cid, "postal", *parts(r.address), True, 1) for r, cid in zip(records, ids) if r.address
    ]
    w.insert_many("address", (*w.ADDRESS_COLUMNS, "is_default", "version"), addresses)
    search.write_documents([(cid, r.document or document(r)) for r, cid in zip(records, ids)])
    _audit_created(actor, records, ids)
    return ids


def _audit_created(actor: Actor, records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
    """One ``import_customers`` event per run of consecutive new ids (one a chunk on SQLite),
    not one per customer: a fifth of the import's database writes. The event's range
    (customer_id..last_customer_id) names every customer it created, and
    ``audit.about_customer`` finds it for each of them, so the trail and the customer's own
    export still say which staff member created the record and when. Its fields are those the
    import filled in for any customer of the run."""
    flags = {name: name for name in (*w.SHOP_FIELDS, "shop_ref", "address", "phone_review")}
    flags["marketing_no"] = "objection_marketing_at"
    # any() stops at the first record that has the field: nearly always the first
    filled = [field for attr, field in flags.items() if any(getattr(r, attr) for r in records)]
    w.audit_many(
        actor,
        [
            ("import_customers", "customer", first, first, filled, last)
            for first, last in w.id_runs(ids)
        ],
    )


def update_customers(
    actor: Actor, pairs: Sequence[tuple[CustomerRecord, dict]], *, bulk: bool = False
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
    if bulk and reindex:
        with search.stale_entries_allowed():
            search.reindex_many(reindex)
    else:
        search.reindex_many(reindex)
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
