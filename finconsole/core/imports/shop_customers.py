"""Import the webshop's customer files: ``finconsole import shopify-customers FILE`` and
``woocommerce-customers`` reach the ``import_*`` functions here through ``registry``.

A shop's first import into an empty SQLite register is loaded in one transaction
(``shop_fresh``); every other import is written a chunk at a time (``shop_import``).

Re-importing is safe: records are matched by the shop's own ids, then by email, and updated,
never duplicated; a row that changes nothing counts as unchanged. A person erased in
finconsole stays erased: their rows are skipped and counted. "Accepts marketing: no" records
a marketing objection; an import never withdraws one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from finconsole.core.imports import shop_formats as fmt
from finconsole.core.imports import shop_fresh
from finconsole.core.imports.import_result import ImportResult, Progress, stopping_after_writes
from finconsole.core.imports.shop_csv import CsvSource
from finconsole.core.imports.shop_customer_rows import CustomerReader
from finconsole.core.imports.shop_import import (
    BUSY_SECONDS,
    ChunkWriter,
    audit_run,
    write_parsed,
)
from finconsole.core.imports.shop_pipeline import ParsedRows, relaxed_gc
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.store import busy
from finconsole.core.store import search_index as search
from finconsole.core.store.db import large_cache, write_transaction


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
        result.name_source(Path(path))
        reader = CustomerReader(fmt.column_map(source, columns), *ref)
        parsed = ParsedRows(source, reader)
        with stopping_after_writes(result, lambda: _finish(actor, label, result)):
            rows = None
            if shop_fresh.applies(source):
                rows = shop_fresh.load(actor, parsed, result, progress, source.bytes_total)
            if rows is None:  # not a first import, or another console's came first
                chunks = ChunkWriter(actor, result)
                rows = write_parsed(parsed, result, progress, source.bytes_total, chunks)
        if progress:
            progress(rows, source.bytes_total, source.bytes_total)
    _finish(actor, label, result)
    return result


def _finish(actor: Actor, label: str, result: ImportResult) -> None:
    """Drop the search entries the updates left (``bulk`` chunks), then audit the run (each
    waiting for a busy database, as the chunks do)."""
    if result.updated:
        busy.retry(_purge_stale_entries, seconds=BUSY_SECONDS)
    busy.retry(lambda: audit_run(actor, label, result), seconds=BUSY_SECONDS)


def _purge_stale_entries() -> None:
    with write_transaction():
        search.purge_stale_entries()
